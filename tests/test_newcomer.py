"""The newcomer's path, end to end, with real tools and real git.

The clean example project (examples/demo) passes all three layers; each problem planted
from examples/planted/, alone, is caught by the right layer and the right check; a fresh
package set up with `gates init` runs the three layers on the python preset; and the
README's first command, examples/try.sh, runs through.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import GatesRunner, git, write

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
DEMO = EXAMPLES / "demo"
PLANTED = EXAMPLES / "planted"
UNAUDITED = "could not be audited"
_IGNORED = shutil.ignore_patterns("__pycache__", ".*_cache", ".coverage*")


def planted_key() -> str:
    """The planted AWS-style key, read from the example so this file never holds it."""
    text = (PLANTED / "secret" / "deploy" / "credentials.ini").read_text(encoding="utf-8")
    found = re.search(r"\bAKIA[0-9A-Z]{16}\b", text)
    assert found, "the planted credentials file lost its key"
    return found.group(0)


def demo_repo(root: Path, *overlays: str) -> Path:
    """The demo, committed, in a new git repository at `root`; then `overlays` staged on top."""
    shutil.copytree(DEMO, root, ignore=_IGNORED)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "the clean demo")
    for name in overlays:
        shutil.copytree(PLANTED / name, root, dirs_exist_ok=True, ignore=_IGNORED)
    git(root, "add", "-A")
    return root


def record(done: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert done.stdout.lstrip().startswith("{"), done.stdout + done.stderr
    loaded: dict[str, Any] = json.loads(done.stdout)
    return loaded


def statuses(run: dict[str, Any]) -> dict[str, str]:
    return {check["name"]: check["status"] for check in run["checks"]}


def shown(done: subprocess.CompletedProcess[str]) -> str:
    return f"exit {done.returncode}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"


# --- the clean demo ----------------------------------------------------------------------------


@pytest.fixture
def clean_demo(tmp_path: Path) -> Path:
    return demo_repo(tmp_path / "demo")


@pytest.mark.parametrize("layer", ["pre-commit", "pre-push"])
def test_the_clean_demo_passes_the_local_layers(
    clean_demo: Path, gates: GatesRunner, layer: str
) -> None:
    done = gates(clean_demo, "run", layer, "--all-files", "--json")
    assert done.returncode == 0, shown(done)
    run = record(done)
    assert run["status"] == "passed"
    assert set(statuses(run).values()) == {"passed"}, statuses(run)


def test_the_clean_demo_passes_ci_and_the_unaudited_warning_shows(
    clean_demo: Path, gates: GatesRunner
) -> None:
    done = gates(clean_demo, "run", "ci")
    assert done.returncode == 0, shown(done)
    assert re.search(r"^tests\s+passed", done.stdout, re.MULTILINE), shown(done)
    assert "coverage 100.0% (gate 80%)" in done.stdout
    # pip-audit cannot reach its service here: the demo's config lets that pass, visibly.
    pip_audit = re.search(r"^pip-audit\s+passed.*\n\s+WARNING.*", done.stdout, re.MULTILINE)
    assert pip_audit, shown(done)
    assert "on_unreachable" in pip_audit.group(0), pip_audit.group(0)
    assert UNAUDITED in pip_audit.group(0), pip_audit.group(0)
    assert re.search(r"^ci\s.*\bpassed$", done.stdout, re.MULTILINE), shown(done)


# --- each planted problem, alone ---------------------------------------------------------------

# overlay, the layer that catches it, the check that fails, what the message must say
PROBLEMS = [
    pytest.param("secret", "pre-commit", "secrets", "potential secret", id="aws-key"),
    pytest.param("formatting", "pre-commit", "ruff-format", "1 finding", id="bad-formatting"),
    pytest.param("type-error", "pre-push", "mypy", "1 type error", id="type-error"),
    pytest.param("eval", "pre-push", "bandit", "1 security issue", id="eval-input"),
    pytest.param("failing-test", "pre-push", "tests", "1 test(s) failed", id="failing-test"),
    pytest.param("coverage", "ci", "tests", "coverage 50.0% (gate 80%)", id="coverage-50"),
]


@pytest.mark.parametrize(("overlay", "layer", "check", "message"), PROBLEMS)
def test_a_planted_problem_is_caught_by_its_layer_and_check(
    tmp_path: Path, gates: GatesRunner, overlay: str, layer: str, check: str, message: str
) -> None:
    repo = demo_repo(tmp_path / "demo", overlay)
    scope = ["--all-files"]
    if layer == "ci":  # every tracked file; pip-audit has nothing to do with the project's code
        git(repo, "commit", "-q", "-m", f"plant {overlay}")
        scope = ["--skip", "pip-audit"]
    done = gates(repo, "run", layer, *scope, "--no-fail-fast", "--json")
    assert done.returncode == 1, shown(done)
    run = record(done)
    assert run["status"] == "failed"
    # Exactly one problem planted: the one check fails, every other one passes.
    others = {name: status for name, status in statuses(run).items() if name != check}
    assert statuses(run)[check] == "failed", statuses(run)
    assert set(others.values()) <= {"passed"} | ({"skipped"} if layer == "ci" else set()), others
    result = next(c for c in run["checks"] if c["name"] == check)
    assert message in result["message"], result
    assert result["findings"], result
    if overlay == "coverage":
        assert any(f["rule"] == "coverage" for f in result["findings"]), result


def test_the_planted_key_is_reported_masked_and_never_printed(
    tmp_path: Path, gates: GatesRunner
) -> None:
    key = planted_key()
    repo = demo_repo(tmp_path / "demo", "secret")
    console = gates(repo, "run", "pre-commit")  # the staged files, as the git hook runs it
    as_json = gates(repo, "run", "pre-commit", "--json")
    for done in (console, as_json):
        assert done.returncode == 1, shown(done)
        assert key not in done.stdout + done.stderr
        assert key[-6:] not in done.stdout + done.stderr  # not even its tail
    assert re.search(r"^secrets\s+failed", console.stdout, re.MULTILINE), shown(console)
    assert "deploy/credentials.ini" in console.stdout
    (finding,) = next(c for c in record(as_json)["checks"] if c["name"] == "secrets")["findings"]
    assert (finding["path"], finding["line"], finding["rule"]) == (
        "deploy/credentials.ini",
        5,
        "AWS Access Key",
    )


# --- gates init in a fresh package -------------------------------------------------------------

FRESH = {
    "pyproject.toml": (
        "[project]\n"
        'name = "tally"\n'
        'version = "0.1.0"\n'
        "\n"
        "# the team's own settings, which gates init must leave as they are\n"
        "[tool.pytest.ini_options]\n"
        'pythonpath = ["."]\n'
    ),
    "tally/__init__.py": (
        '"""Counting things."""\n'
        "\n"
        "\n"
        "def tally(items: list[str]) -> dict[str, int]:\n"
        "    counts: dict[str, int] = {}\n"
        "    for item in items:\n"
        "        counts[item] = counts.get(item, 0) + 1\n"
        "    return counts\n"
    ),
    "tests/test_tally.py": (
        "from tally import tally\n"
        "\n"
        "\n"
        "def test_tally() -> None:\n"
        '    assert tally(["a", "b", "a"]) == {"a": 2, "b": 1}\n'
    ),
}


def test_gates_init_then_the_three_layers_on_a_fresh_package(
    tmp_path: Path, gates: GatesRunner
) -> None:
    repo = tmp_path / "tally"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    write(repo, FRESH)
    before = (repo / "pyproject.toml").read_text(encoding="utf-8")

    done = gates(repo, "init")
    assert done.returncode == 0, shown(done)
    assert "python preset" in done.stdout
    after = (repo / "pyproject.toml").read_text(encoding="utf-8")
    assert after.startswith(before)
    assert after.endswith('\npreset = "python"\n'), after
    assert "\n[tool.gates]\n" in after[len(before) :], after
    git(repo, "add", "-A")

    for layer in ("pre-commit", "pre-push"):
        done = gates(repo, "run", layer, "--all-files", "--json")
        assert done.returncode == 0, shown(done)
        assert set(statuses(record(done)).values()) == {"passed"}, statuses(record(done))
    git(repo, "commit", "-q", "-m", "a fresh package with gates")

    # This machine cannot reach pip-audit's service: the preset fails closed on it, so the
    # newcomer says, visibly, to let it pass with a warning.
    with (repo / "pyproject.toml").open("a", encoding="utf-8") as config:
        config.write('\n[tool.gates.checks.pip-audit]\non_unreachable = "warn"\n')
    git(repo, "commit", "-q", "-am", "pip-audit: warn when its service is unreachable")
    done = gates(repo, "run", "ci", "--json")
    assert done.returncode == 0, shown(done)
    run = record(done)
    assert set(statuses(run).values()) == {"passed"}, statuses(run)
    tests = next(c for c in run["checks"] if c["name"] == "tests")
    assert "coverage 100.0% (gate 80%)" in tests["message"]


# --- the README's first command ----------------------------------------------------------------


def test_try_sh_catches_every_planted_problem_then_passes_the_clean_demo(tmp_path: Path) -> None:
    """`bash examples/try.sh` with this environment's gates on PATH, from another directory."""
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("try.sh needs bash")
    bin_dir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bin_dir + os.pathsep + os.environ.get("PATH", ""),
           "TMPDIR": str(tmp_path)}  # fmt: skip
    done = subprocess.run(
        [bash, str(EXAMPLES / "try.sh")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=240, check=False,
    )  # fmt: skip
    assert done.returncode == 0, shown(done)
    out = done.stdout
    assert planted_key() not in out + done.stderr
    assert out.count("(exit 1, as expected)") == 3
    assert out.count("(exit 0, as expected)") == 3
    for check, where in [
        ("secrets", "deploy/credentials.ini"),
        ("ruff-format", "demo/text.py"),
        ("mypy", "demo/shapes.py"),
        ("bandit", "demo/calc.py"),
        ("tests", "tests/test_accents.py"),
    ]:
        assert re.search(rf"^\s+\S+\s+{re.escape(check)}\s+", out, re.MULTILINE), check
        assert where in out, where
    # 50% from the untested module alone; the other planted modules are untested too.
    assert re.search(r"^\s+1 test\(s\) failed; coverage 4\d\.\d% \(gate 80%\)$", out, re.MULTILINE)
    assert UNAUDITED in out
    assert list(tmp_path.iterdir()) == [], "try.sh left its temporary repositories behind"
