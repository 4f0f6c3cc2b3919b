"""Finding the config, merging it over its preset, and `gates config` showing the result."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from gates.config.durations import parse_duration
from gates.config.loader import find_config_file, load_config
from gates.config.model import as_settings
from tests.conftest import GatesRunner, write

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

PRESETS = Path(__file__).resolve().parents[2] / "presets"


def preset(name: str) -> dict[str, Any]:
    return tomllib.loads((PRESETS / f"{name}.toml").read_text(encoding="utf-8"))


def effective(folder: Path) -> dict[str, Any]:
    return as_settings(load_config(folder).config)


def effective_via_cli(gates: GatesRunner, folder: Path, *args: str) -> dict[str, Any]:
    done = gates(folder, "config", *args)
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    loaded: dict[str, Any] = (
        json.loads(done.stdout) if "--json" in args else tomllib.loads(done.stdout)
    )
    return loaded


# --- merge semantics ----------------------------------------------------------------------


def test_a_list_replaces_the_presets_list_whole(tmp_path: Path) -> None:
    write(tmp_path, {"gates.toml": '[layers.pre-commit]\nstages = [["secrets"]]\n'})
    layer = effective(tmp_path)["layers"]["pre-commit"]
    assert layer["stages"] == [["secrets"]]  # not the preset's stages with ours appended
    assert layer["budget"] == "5s"  # the rest of the table is the preset's


def test_a_checks_args_replace_the_presets_args(tmp_path: Path) -> None:
    write(tmp_path, {"gates.toml": '[checks.bandit]\nargs = ["-q"]\n'})
    bandit = effective(tmp_path)["checks"]["bandit"]
    assert bandit["args"] == ["-q"]
    assert bandit["exclude"] == preset("python")["checks"]["bandit"]["exclude"]
    assert bandit["kind"] == "bandit"


def test_an_empty_list_empties_the_presets_list(tmp_path: Path) -> None:
    write(tmp_path, {"gates.toml": "[checks.bandit]\nexclude = []\n"})
    assert effective(tmp_path)["checks"]["bandit"]["exclude"] == []


def test_tables_merge_key_by_key(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": '[tool.gates.checks.pip-audit]\non_unreachable = "warn"\n'})
    checks = effective(tmp_path)["checks"]
    assert checks["pip-audit"] == {
        "kind": "pip-audit",
        "args": [],
        "exclude": [],
        "on_unreachable": "warn",
        "fix": False,
        "allow_skip": False,
    }
    assert list(checks) == list(preset("python")["checks"])  # the other checks are still there


def test_a_new_check_joins_the_presets_checks(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "gates.toml": '[checks.licenses]\nkind = "command"\ncommand = ["python", "lic.py"]\n'
            '[layers.ci]\nstages = [["licenses"]]\n'
        },
    )
    settings = effective(tmp_path)
    assert list(settings["checks"])[-1] == "licenses"
    assert settings["checks"]["licenses"]["command"] == ["python", "lic.py"]
    assert settings["layers"]["ci"]["stages"] == [["licenses"]]
    assert settings["layers"]["ci"]["budget"] == "300s"


def test_untouched_layers_and_checks_are_the_presets(tmp_path: Path) -> None:
    write(tmp_path, {"gates.toml": "coverage = 95\n"})
    settings = effective(tmp_path)
    python = preset("python")
    assert settings["coverage"] == 95
    for name, layer in python["layers"].items():
        assert settings["layers"][name]["budget"] == layer["budget"]
        assert settings["layers"][name]["stages"] == layer["stages"]
    assert {name: c["kind"] for name, c in settings["checks"].items()} == {
        name: c["kind"] for name, c in python["checks"].items()
    }


def test_top_level_exclude_replaces_the_presets(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": '[tool.gates]\nexclude = ["examples/*"]\n'})
    assert effective(tmp_path)["exclude"] == ["examples/*"]


def test_strict_preset_is_the_base_when_named(tmp_path: Path) -> None:
    write(tmp_path, {"gates.toml": 'preset = "strict"\n[checks.mypy]\nfiles = ["src/*"]\n'})
    settings = effective(tmp_path)
    assert settings["preset"] == "strict"
    assert settings["coverage"] == 90
    assert settings["checks"]["mypy"]["args"] == ["--strict"]  # the strict preset's
    assert settings["checks"]["mypy"]["files"] == ["src/*"]  # and ours


# --- finding the config -------------------------------------------------------------------


def test_gates_toml_wins_over_pyproject_in_the_same_folder(tmp_path: Path) -> None:
    write(
        tmp_path,
        {"gates.toml": "coverage = 70\n", "pyproject.toml": "[tool.gates]\ncoverage = 60\n"},
    )
    loaded = load_config(tmp_path)
    assert (loaded.source, loaded.config.coverage, loaded.root) == ("gates.toml", 70, tmp_path)


def test_the_nearest_config_upward_is_found(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "gates.toml": "coverage = 70\n",
            "app/pyproject.toml": "[tool.gates]\ncoverage = 60\n",
            "app/src/pkg/mod.py": "",
            "lib/pyproject.toml": '[project]\nname = "lib"\ndependencies = ["quality-gates"]\n',
            "lib/src/mod.py": "",
        },
    )
    nearest = load_config(tmp_path / "app" / "src" / "pkg")
    assert (nearest.source, nearest.config.coverage) == ("pyproject.toml", 60)
    assert nearest.root == tmp_path / "app"
    # a pyproject.toml without [tool.gates] is passed over, even when it mentions gates
    above = load_config(tmp_path / "lib" / "src")
    assert (above.source, above.config.coverage, above.root) == ("gates.toml", 70, tmp_path)


def test_tool_gates_written_as_a_key_of_tool_is_found(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": "[tool]\ngates = { coverage = 65 }\n"})
    assert find_config_file(tmp_path) == tmp_path / "pyproject.toml"
    assert load_config(tmp_path).config.coverage == 65


def test_a_mention_of_tool_gates_in_a_comment_is_harmless(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": '# see tool.gates in the docs\n[project]\nname = "x"\n'})
    assert find_config_file(tmp_path) is None


def test_no_config_means_the_python_preset(tmp_path: Path) -> None:
    loaded = load_config(tmp_path, fallback_root=tmp_path / "top")
    assert (loaded.source, loaded.root) == ("(defaults)", tmp_path / "top")
    python = preset("python")
    settings = as_settings(loaded.config)
    assert settings["coverage"] == python["coverage"]
    assert {n: layer["stages"] for n, layer in settings["layers"].items()} == {
        n: layer["stages"] for n, layer in python["layers"].items()
    }
    assert list(settings["checks"]) == list(python["checks"])


# --- the effective config, shown -----------------------------------------------------------


def test_effective_settings_show_defaults_wherever_they_came_from(tmp_path: Path) -> None:
    # msgspec.to_builtins leaves out a default only when it is the very default object, so
    # a value read from a file and the same value by default would show differently.
    write(
        tmp_path / "spelled", {"gates.toml": 'preset = "python"\n[layers.ci]\nfail_fast = true\n'}
    )
    spelled = as_settings(load_config(tmp_path / "spelled").config)
    (tmp_path / "none").mkdir()
    defaults = as_settings(load_config(tmp_path / "none").config)
    assert spelled == defaults
    assert defaults["preset"] == "python"
    assert defaults["layers"]["ci"]["fail_fast"] is True
    assert defaults["checks"]["mypy"]["on_unreachable"] == "error"
    assert "command" not in defaults["checks"]["mypy"]  # unset keys are left out, not null


@pytest.mark.parametrize("args", [(), ("--json",)], ids=["toml", "json"])
def test_gates_config_prints_the_merged_config(
    gates: GatesRunner, tmp_path: Path, args: tuple[str, ...]
) -> None:
    write(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "demo"\n\n[tool.gates]\ncoverage = 85\n'
            '[tool.gates.layers.pre-commit]\nstages = [["secrets"], ["ruff-lint"]]\n'
            '[tool.gates.checks.pip-audit]\non_unreachable = "warn"\n'
        },
    )
    shown = effective_via_cli(gates, tmp_path, *args)
    assert shown["coverage"] == 85
    assert shown["layers"]["pre-commit"] == {
        "budget": "5s",
        "stages": [["secrets"], ["ruff-lint"]],
        "fail_fast": True,  # every default is shown, wherever the value came from
        "order": "config",
    }
    assert shown["layers"]["ci"]["stages"] == preset("python")["layers"]["ci"]["stages"]
    assert shown["checks"]["pip-audit"]["kind"] == "pip-audit"
    assert shown["checks"]["pip-audit"]["on_unreachable"] == "warn"
    assert list(shown["checks"]) == list(preset("python")["checks"])


def test_gates_config_names_its_sources(gates: GatesRunner, tmp_path: Path) -> None:
    write(tmp_path, {"gates.toml": 'preset = "strict"\n'})
    done = gates(tmp_path, "config")
    assert done.stdout.splitlines()[0] == "# effective gates config: preset 'strict' + gates.toml"
    (tmp_path / "gates.toml").unlink()
    done = gates(tmp_path, "config")
    assert done.stdout.splitlines()[0] == "# effective gates config: preset 'python' + (defaults)"


def test_gates_config_output_is_a_valid_config_itself(gates: GatesRunner, tmp_path: Path) -> None:
    write(tmp_path, {"gates.toml": 'preset = "strict"\ncoverage = 91\n'})
    done = gates(tmp_path, "config")
    assert done.returncode == 0, done.stderr
    write(tmp_path / "again", {"gates.toml": done.stdout})
    assert effective(tmp_path / "again") == effective(tmp_path)


# --- durations ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"), [("5s", 5.0), ("500ms", 0.5), ("2m", 120.0), ("1.5s", 1.5), ("0s", 0.0)]
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["5", "5 s", "5 seconds", "s", "-1s", "1h", "1.s"])
def test_not_durations(text: str) -> None:
    with pytest.raises(ValueError, match="expected a duration such as"):
        parse_duration(text)
