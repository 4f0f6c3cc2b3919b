"""The committed JSON Schema is the model's, fresh; the shipped presets are valid configs."""

from __future__ import annotations

import json
import subprocess
import sys
import typing
from pathlib import Path
from typing import Any

import pytest

from gates.config.errors import ConfigError
from gates.config.loader import available_presets, build_config, check_references, presets_dir
from gates.config.loader import validate as validate_config
from gates.config.model import LAYERS, Check, Config, Kind, Layer
from gates.config.schema import render
from tests.conftest import GatesRunner, write

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

REPO = Path(__file__).resolve().parents[2]
COMMITTED = REPO / "schema" / "gates.schema.json"
REGENERATE = "python -m gates.config.schema"
STALE = (
    f"{COMMITTED.relative_to(REPO)} differs from the config model;"
    f" regenerate it from the repository root with `{REGENERATE}` and commit it"
)
PRESET_CHECKS = ["secrets", "ruff-format", "ruff-lint", "mypy", "bandit", "tests", "pip-audit"]

# The example of DESIGN.md, "The config, in one picture".
DESIGN_EXAMPLE = """\
[tool.gates]
preset = "python"
coverage = 80

[tool.gates.layers.pre-commit]
budget = "5s"
stages = [["secrets"], ["ruff-format", "ruff-lint"]]

[tool.gates.checks.licenses]
kind = "command"
command = ["python", "tools/check_licenses.py"]
files = ["*.py"]
pass_files = true
budget = "2s"

[tool.gates.checks.pip-audit]
on_unreachable = "warn"
"""


def committed() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(COMMITTED.read_text(encoding="utf-8"))
    return schema


def preset(name: str) -> dict[str, Any]:
    return tomllib.loads((presets_dir() / f"{name}.toml").read_text(encoding="utf-8"))


# --- the committed schema is fresh ----------------------------------------------------------


def test_committed_schema_matches_a_fresh_generation() -> None:
    assert COMMITTED.is_file(), f"{COMMITTED} is missing; {STALE}"
    assert COMMITTED.read_text(encoding="utf-8") == render(), STALE


def test_the_one_command_writes_the_committed_file(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "gates.config.schema"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, "wrote schema/gates.schema.json\n"), done.stderr
    written = (tmp_path / "schema" / "gates.schema.json").read_text(encoding="utf-8")
    assert written == COMMITTED.read_text(encoding="utf-8"), STALE


def test_gates_config_schema_prints_it(gates: GatesRunner, tmp_path: Path) -> None:
    done = gates(tmp_path, "config", "--schema")
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == COMMITTED.read_text(encoding="utf-8"), STALE


# --- the schema says what the model says ----------------------------------------------------


def test_schema_is_draft_2020_12_rooted_at_the_config() -> None:
    schema = committed()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$ref"] == "#/$defs/Config"
    assert set(schema["$defs"]) == {"Config", "Layer", "Check"}


@pytest.mark.parametrize("model", [Config, Layer, Check], ids=lambda m: m.__name__)
def test_every_field_is_described_and_no_other_key_allowed(model: type) -> None:
    definition = committed()["$defs"][model.__name__]
    assert set(definition["properties"]) == set(model.__struct_fields__)
    assert definition["additionalProperties"] is False
    undescribed = [k for k, v in definition["properties"].items() if not v.get("description")]
    assert undescribed == []
    # a user's file may leave any key to the preset: `[checks.pip-audit]` needs no kind
    assert "required" not in definition


def test_schema_knows_the_layers_and_the_kinds() -> None:
    defs = committed()["$defs"]
    assert defs["Config"]["properties"]["layers"]["propertyNames"] == {"enum": list(LAYERS)}
    assert sorted(defs["Check"]["properties"]["kind"]["enum"]) == sorted(typing.get_args(Kind))
    budget = defs["Layer"]["properties"]["budget"]
    assert budget["pattern"] == r"^[0-9]+(\.[0-9]+)?(ms|s|m)$"
    assert (
        defs["Config"]["properties"]["coverage"] | {"minimum": 0, "maximum": 100}
        == (defs["Config"]["properties"]["coverage"])
    )


# --- the schema validates real configs (needs the jsonschema package) -----------------------


def schema_errors(instance: dict[str, Any]) -> list[str]:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(committed())
    return [error.message for error in validator.iter_errors(instance)]


def test_schema_is_a_valid_json_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.Draft202012Validator.check_schema(committed())


@pytest.mark.parametrize("name", available_presets())
def test_presets_satisfy_the_schema(name: str) -> None:
    assert schema_errors(preset(name)) == []


def test_the_design_example_satisfies_the_schema() -> None:
    assert schema_errors(tomllib.loads(DESIGN_EXAMPLE)["tool"]["gates"]) == []


def test_this_projects_own_config_satisfies_the_schema() -> None:
    data = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert schema_errors(data["tool"]["gates"]) == []


@pytest.mark.parametrize(
    "settings",
    [
        {"colour": "blue"},
        {"coverage": "high"},
        {"coverage": 120},
        {"layers": {"pre-comit": {"budget": "5s"}}},
        {"layers": {"pre-commit": {"budget": "5 seconds"}}},
        {"layers": {"ci": {"stages": ["tests"]}}},
        {"checks": {"licenses": {"kind": "shell"}}},
        {"checks": {"mypy": {"argz": []}}},
        {"checks": {"bad name": {"kind": "mypy"}}},
        {"checks": {"pip-audit": {"on_unreachable": "ignore"}}},
    ],
)
def test_schema_and_loader_reject_the_same_bad_settings(
    settings: dict[str, Any], tmp_path: Path
) -> None:
    assert schema_errors(settings) != []
    with pytest.raises(ConfigError, match=r"^gates\.toml: "):
        build_config(settings, "gates.toml", "")


# --- the presets ------------------------------------------------------------------------------


def test_presets_ship_from_the_source_tree() -> None:
    assert presets_dir() == REPO / "presets"
    assert available_presets() == sorted(p.stem for p in (REPO / "presets").glob("*.toml"))
    assert {"python", "strict"} <= set(available_presets())


@pytest.mark.parametrize("name", available_presets())
def test_every_preset_is_a_complete_valid_config_on_its_own(name: str) -> None:
    raw = preset(name)
    config = validate_config(raw, f"{name}.toml", "")  # no merge: nothing left to a base
    check_references(config, f"{name}.toml", "")
    assert set(config.layers) == set(LAYERS)
    used = {check for layer in config.layers.values() for stage in layer.stages for check in stage}
    assert used == set(config.checks), "every check of a preset runs in some layer"
    assert build_config({"preset": name}, "gates.toml", "").checks == config.checks


@pytest.mark.parametrize("name", available_presets())
def test_presets_use_the_documented_check_names(name: str) -> None:
    assert sorted(preset(name)["checks"]) == sorted(PRESET_CHECKS)


def test_python_preset_check_names_are_exactly_the_documented_ones() -> None:
    assert list(preset("python")["checks"]) == PRESET_CHECKS


def test_a_preset_can_be_used_from_the_cli(gates: GatesRunner, tmp_path: Path) -> None:
    write(tmp_path, {"gates.toml": 'preset = "strict"\n'})
    done = gates(tmp_path, "config", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["coverage"] == preset("strict")["coverage"]
