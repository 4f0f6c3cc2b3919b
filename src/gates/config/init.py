"""`gates init`: write a minimal config without disturbing the rest of the file.

In an existing pyproject.toml the new [tool.gates] table is appended at the end, so every
byte already there stays as it was (comments, order, formatting, line endings). Only with
--force is an existing [tool.gates] taken out first, by tomlkit, which keeps the rest.
"""

from __future__ import annotations

import sys
from pathlib import Path

from gates.config.errors import ConfigError
from gates.config.loader import available_presets

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

COMMENT = "# gates: quality gates; see `gates config` for the effective config"


def init_config(root: Path, preset: str, force: bool) -> Path:
    """Write the config for `preset` in `root`; the file written."""
    if preset not in available_presets():
        known = ", ".join(available_presets())
        raise ConfigError(
            "gates init", "--preset", f'unknown preset "{preset}"; the presets are {known}'
        )
    gates_toml, pyproject = root / "gates.toml", root / "pyproject.toml"
    if gates_toml.exists() and not force:
        raise ConfigError(
            gates_toml.name,
            "",
            "already holds the gates config; use gates init --force to replace it",
        )
    if pyproject.is_file() and not gates_toml.exists():
        _write_pyproject(pyproject, preset, force)
        return pyproject
    gates_toml.write_bytes(_lines([COMMENT, f'preset = "{preset}"'], "\n"))
    return gates_toml


def _lines(lines: list[str], newline: str) -> bytes:
    return "".join(line + newline for line in lines).encode("utf-8")


def _write_pyproject(path: Path, preset: str, force: bool) -> None:
    try:
        text = path.read_bytes().decode("utf-8")  # bytes: reading text would drop "\r"
        data = tomllib.loads(text)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(path.name, "", f"not valid TOML: {exc}") from None
    newline = "\r\n" if "\r\n" in text else "\n"
    tool = data.get("tool")
    if isinstance(tool, dict) and "gates" in tool:
        if not force:
            raise ConfigError(
                path.name,
                "tool.gates",
                "already holds the gates config; use gates init --force to replace it",
            )
        text = _without_gates(text).rstrip("\r\n")  # and the blank lines it left at the end
    if text and not text.endswith("\n"):
        text += newline
    if text.strip():
        text += newline
    written = text.encode("utf-8") + _lines([_HEADER, COMMENT, f'preset = "{preset}"'], newline)
    _expect_readable(written, path.name, preset)
    path.write_bytes(written)


_HEADER = "[tool.gates]"


def _without_gates(text: str) -> str:
    import tomlkit  # only here: --force on a pyproject.toml that has [tool.gates]

    document = tomlkit.parse(text)
    tool = document["tool"]
    del tool["gates"]
    if not tool:
        del document["tool"]
    return tomlkit.dumps(document)


def _expect_readable(written: bytes, name: str, preset: str) -> None:
    """The appended table must read back as written (an inline `tool = {...}` table forbids it)."""
    try:
        tool = tomllib.loads(written.decode("utf-8")).get("tool", {})
    except tomllib.TOMLDecodeError:
        tool = {}
    if tool.get("gates") != {"preset": preset}:
        raise ConfigError(
            name,
            "tool",
            f'cannot append [tool.gates] to this file; add preset = "{preset}" under'
            " [tool.gates] by hand",
        )
