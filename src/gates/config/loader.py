"""Find the config, merge it over its preset, and validate it with precise errors."""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import msgspec

from gates.config.errors import ConfigError, explain, key_path, show
from gates.config.model import LAYERS, NAME_PATTERN, Check, Config, Layer

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

T = TypeVar("T")
_NAME = re.compile(NAME_PATTERN)


@dataclass(frozen=True)
class LoadedConfig:
    config: Config
    root: Path  # the project root: where the config lives, or the git top level
    source: str  # the file the user's settings came from, or "(defaults)"


def find_config_file(start: Path) -> Path | None:
    """The nearest gates.toml, or pyproject.toml with [tool.gates], from `start` upward."""
    for folder in (start, *start.parents):
        gates_toml = folder / "gates.toml"
        if gates_toml.is_file():
            return gates_toml
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _has_gates_table(pyproject):
            return pyproject
    return None


def _has_gates_table(pyproject: Path) -> bool:
    text = pyproject.read_text(encoding="utf-8", errors="replace")
    if "gates" not in text:  # a cheap look first: most pyproject.toml files never say it
        return False
    try:
        tool = tomllib.loads(text).get("tool")
    except tomllib.TOMLDecodeError:
        return "tool.gates" in text  # broken, and meant for gates: report the error
    return isinstance(tool, dict) and "gates" in tool


def read_user_settings(path: Path) -> tuple[dict[str, Any], str]:
    """The user's raw settings and the key prefix they live under in that file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path.name, "", f"not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(path.name, "", f"cannot be read: {exc}") from None
    if path.name == "pyproject.toml":
        tool = data.get("tool")
        settings = tool.get("gates", {}) if isinstance(tool, dict) else {}
        return _expect_table(settings, path.name, "tool.gates"), "tool.gates."
    if "tool" in data:
        raise ConfigError(
            path.name,
            "tool",
            "in gates.toml the settings go at the top level, without [tool.gates]",
        )
    return data, ""


def load_config(start: Path, fallback_root: Path | None = None) -> LoadedConfig:
    path = find_config_file(start)
    if path is None:
        config = build_config({}, source="(defaults)", prefix="")
        return LoadedConfig(config, fallback_root or start, "(defaults)")
    settings, prefix = read_user_settings(path)
    return LoadedConfig(build_config(settings, path.name, prefix), path.parent, path.name)


def build_config(settings: dict[str, Any], source: str, prefix: str) -> Config:
    """Merge `settings` over the preset they name, then validate the result.

    `prefix` is where the settings live in `source`: "tool.gates." in pyproject.toml, "" in
    gates.toml; every error names its key as written in that file.
    """
    base = prefix.removesuffix(".")
    preset_name = settings.get("preset", "python")
    if not isinstance(preset_name, str):
        raise ConfigError(
            source,
            key_path(base, "preset"),
            f'expected a preset name such as "python", got {show(preset_name)}',
        )
    merged = merge(load_preset(preset_name, source, prefix), settings)
    config = validate(merged, source, prefix)
    check_references(config, source, prefix)
    return config


def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Override key by key; tables merge, every other value (lists too) replaces whole."""
    result = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merge(result[key], value)
        else:
            result[key] = value
    return result


def presets_dir() -> Path:
    packaged = Path(__file__).resolve().parent.parent / "presets"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[3] / "presets"  # a source checkout


def available_presets() -> list[str]:
    return sorted(p.stem for p in presets_dir().glob("*.toml"))


def load_preset(name: str, source: str, prefix: str) -> dict[str, Any]:
    path = presets_dir() / f"{name}.toml"
    if not _NAME.match(name) or not path.is_file():
        known = ", ".join(available_presets())
        raise ConfigError(
            source,
            key_path(prefix.removesuffix("."), "preset"),
            f"unknown preset {show(name)}; the presets are {known}",
        )
    return tomllib.loads(path.read_text(encoding="utf-8"))


def validate(merged: dict[str, Any], source: str, prefix: str) -> Config:
    """Convert each table on its own so that every error names its full key path."""
    base = prefix.removesuffix(".")
    top = {k: v for k, v in merged.items() if k not in ("layers", "checks")}
    config = _convert(top, Config, source, base)
    layers = _expect_table(merged.get("layers", {}), source, key_path(base, "layers"))
    for name, raw in layers.items():
        key = key_path(base, "layers", name)
        if name not in LAYERS:
            raise ConfigError(source, key, f"unknown layer; expected {_one_of(LAYERS)}")
        config.layers[name] = _convert(raw, Layer, source, key)
    checks = _expect_table(merged.get("checks", {}), source, key_path(base, "checks"))
    for name, raw in checks.items():
        key = key_path(base, "checks", name)
        if not _NAME.match(name):
            raise ConfigError(source, key, "a check name is letters, digits, '-', '_' or '.'")
        config.checks[name] = _convert(raw, Check, source, key)
    return config


def _one_of(names: Sequence[str]) -> str:
    return ", ".join(names[:-1]) + " or " + names[-1]


def _convert(raw: Any, model: type[T], source: str, key: str) -> T:
    try:
        return msgspec.convert(raw, model)
    except msgspec.ValidationError as exc:
        parts, problem = explain(str(exc), model, raw)
        raise ConfigError(source, key_path(key, *parts), problem) from None


def _expect_table(value: Any, source: str, key: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(source, key, f"expected a table, got {show(value)}")
    return value


def check_references(config: Config, source: str, prefix: str) -> None:
    """Every check a layer names is defined, command checks have a command, and pre-commit
    scans for secrets."""
    base = prefix.removesuffix(".")
    for layer_name, layer in config.layers.items():
        for s, stage in enumerate(layer.stages):
            for c, check in enumerate(stage):
                if check not in config.checks:
                    key = key_path(base, "layers", layer_name, "stages", s, c)
                    raise ConfigError(source, key, _undefined(check, config.checks))
    for name, spec in config.checks.items():
        if spec.kind == "command" and not spec.command:
            raise ConfigError(
                source,
                key_path(base, "checks", name),
                'a command check needs command = ["program", "arg", ...]',
            )
        if spec.kind != "command" and spec.command is not None:
            raise ConfigError(
                source,
                key_path(base, "checks", name, "command"),
                f'only a kind = "command" check runs a command; to pass options to {spec.kind},'
                " use args = [...]",
            )
    _check_secret_scan(config, source, base)


def _undefined(check: str, checks: dict[str, Check]) -> str:
    import difflib  # only an error pays for it

    close = difflib.get_close_matches(check, list(checks), n=1, cutoff=0.6)
    if close:
        return f'check "{check}" is not defined; did you mean "{close[0]}"?'
    defined = ", ".join(sorted(checks)) or "none"
    return f'check "{check}" is not defined; the checks are {defined}'


def _check_secret_scan(config: Config, source: str, base: str) -> None:
    pre_commit = config.layers.get("pre-commit")
    if pre_commit is None:
        return
    if pre_commit.no_secret_scan is not None:
        if not pre_commit.no_secret_scan.strip():
            raise ConfigError(
                source,
                key_path(base, "layers", "pre-commit", "no_secret_scan"),
                "say why the pre-commit layer runs no secret scan; an empty reason is not one",
            )
        return
    kinds = {config.checks[name].kind for stage in pre_commit.stages for name in stage}
    if "secrets" not in kinds:
        raise ConfigError(
            source,
            key_path(base, "layers", "pre-commit"),
            'runs no secret scan; add the "secrets" check to a stage, or say why not with'
            ' no_secret_scan = "<reason>"',
        )
