"""`gates init`: write a minimal config without disturbing the rest of the file."""

from __future__ import annotations

from pathlib import Path

import tomlkit

from gates.config.errors import ConfigError
from gates.config.loader import available_presets


def init_config(root: Path, preset: str, force: bool) -> Path:
    if preset not in available_presets():
        known = ", ".join(available_presets())
        raise ConfigError("gates init", "--preset", f"unknown preset {preset!r}; known: {known}")
    gates_toml, pyproject = root / "gates.toml", root / "pyproject.toml"
    if gates_toml.exists() and not force:
        raise ConfigError(
            gates_toml.name, "", "already holds the gates config; use --force to replace it"
        )
    if pyproject.is_file() and not gates_toml.exists():
        _write_pyproject(pyproject, preset, force)
        return pyproject
    gates_toml.write_text(_fresh(preset), encoding="utf-8")
    return gates_toml


def _table(preset: str) -> tomlkit.items.Table:
    table = tomlkit.table()
    table.add(tomlkit.comment("gates: quality gates; see `gates config` for the effective config"))
    table.add("preset", preset)
    return table


def _fresh(preset: str) -> str:
    document = tomlkit.document()
    document.add(
        tomlkit.comment("gates: quality gates; see `gates config` for the effective config")
    )
    document.add("preset", preset)
    return tomlkit.dumps(document)


def _write_pyproject(path: Path, preset: str, force: bool) -> None:
    try:
        document = tomlkit.parse(path.read_text(encoding="utf-8"))
    except tomlkit.exceptions.ParseError as exc:
        raise ConfigError(path.name, "", f"not valid TOML: {exc}") from None
    tool = document.get("tool")
    if tool is None:
        tool = tomlkit.table(is_super_table=True)
        document.add("tool", tool)
    if "gates" in tool and not force:
        raise ConfigError(path.name, "tool.gates", "already exists; use --force to replace it")
    tool["gates"] = _table(preset)
    path.write_text(tomlkit.dumps(document), encoding="utf-8")
