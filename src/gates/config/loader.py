"""Find the config, merge it over its preset, and validate it with precise errors."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import msgspec

from gates.config.errors import ConfigError, explain
from gates.config.model import LAYERS, Check, Config, Layer

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

T = TypeVar("T")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


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
    # A cheap look before the real parse: most pyproject.toml files have no [tool.gates].
    return "tool.gates" in pyproject.read_text(encoding="utf-8", errors="replace")


def read_user_settings(path: Path) -> tuple[dict[str, Any], str]:
    """The user's raw settings and the key prefix they live under in that file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path.name, "", f"not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(path.name, "", f"cannot be read: {exc}") from None
    if path.name == "pyproject.toml":
        settings = data.get("tool", {}).get("gates", {})
        return _expect_table(settings, path.name, "tool.gates"), "tool.gates."
    return data, ""


def load_config(start: Path, fallback_root: Path | None = None) -> LoadedConfig:
    path = find_config_file(start)
    if path is None:
        config = build_config({}, source="(defaults)", prefix="")
        return LoadedConfig(config, fallback_root or start, "(defaults)")
    settings, prefix = read_user_settings(path)
    return LoadedConfig(build_config(settings, path.name, prefix), path.parent, path.name)


def build_config(settings: dict[str, Any], source: str, prefix: str) -> Config:
    """Merge `settings` over the preset they name, then validate the result."""
    preset_name = settings.get("preset", "python")
    if not isinstance(preset_name, str):
        raise ConfigError(source, prefix + "preset", "expected a preset name (a string)")
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
        raise ConfigError(source, prefix + "preset", f"unknown preset {name!r}; known: {known}")
    return tomllib.loads(path.read_text(encoding="utf-8"))


def validate(merged: dict[str, Any], source: str, prefix: str) -> Config:
    """Convert each table on its own so that every error names its full key path."""
    top = {k: v for k, v in merged.items() if k not in ("layers", "checks")}
    config = _convert(top, Config, source, prefix, merged)
    layers = _expect_table(merged.get("layers", {}), source, prefix + "layers")
    for name, raw in layers.items():
        key = f"{prefix}layers.{name}"
        if name not in LAYERS:
            raise ConfigError(source, key, f"unknown layer; expected one of {', '.join(LAYERS)}")
        config.layers[name] = _convert(raw, Layer, source, key, raw)
    checks = _expect_table(merged.get("checks", {}), source, prefix + "checks")
    for name, raw in checks.items():
        key = f"{prefix}checks.{name}"
        if not _NAME.match(name):
            raise ConfigError(source, key, "a check name is letters, digits, '-', '_' or '.'")
        config.checks[name] = _convert(raw, Check, source, key, raw)
    return config


def _convert(raw: Any, model: type[T], source: str, key: str, data: Any) -> T:
    try:
        return msgspec.convert(raw, model)
    except msgspec.ValidationError as exc:
        path, problem = explain(str(exc), key.removesuffix("."))
        value = _value_at(data, path[len(key.removesuffix(".")) :])
        if "expected a duration" in problem or "expected a name" in problem:
            problem += f", got {value!r}"
        raise ConfigError(source, path, problem) from None


def _value_at(data: Any, subpath: str) -> Any:
    for part in re.findall(r"\.([^.\[]+)|\[(\d+)\]", subpath):
        key, index = part
        try:
            data = data[int(index)] if index else data[key]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _expect_table(value: Any, source: str, key: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(source, key, f"expected a table, got {type(value).__name__}")
    return value


def check_references(config: Config, source: str, prefix: str) -> None:
    """Every check a layer names is defined, and pre-commit scans for secrets."""
    for layer_name, layer in config.layers.items():
        for s, stage in enumerate(layer.stages):
            for c, check in enumerate(stage):
                if check not in config.checks:
                    key = f"{prefix}layers.{layer_name}.stages[{s}][{c}]"
                    defined = ", ".join(sorted(config.checks)) or "none"
                    raise ConfigError(
                        source, key, f"check {check!r} is not defined (defined: {defined})"
                    )
    pre_commit = config.layers.get("pre-commit")
    if pre_commit is None or pre_commit.no_secret_scan:
        return
    kinds = {config.checks[name].kind for stage in pre_commit.stages for name in stage}
    if "secrets" not in kinds:
        raise ConfigError(
            source,
            f"{prefix}layers.pre-commit",
            "runs no secret scan; add the 'secrets' check to a stage, or say why not with"
            ' no_secret_scan = "<reason>"',
        )
