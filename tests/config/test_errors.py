"""Every bad config gets one precise line: the file, the key path as written there, the problem.

The messages are tested by their exact text through the real CLI: `gates: <file>: <key>: <problem>`
on stderr, nothing on stdout, exit code 2. Each case is written once as gates.toml and run
again as [tool.gates] in pyproject.toml, where the key path starts with `tool.gates.`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import GatesRunner, write

KINDS = "secrets, ruff-format, ruff-lint, mypy, bandit, pytest, pip-audit, command"
CHECKS = "bandit, mypy, pip-audit, ruff-format, ruff-lint, secrets, tests"
DURATION = 'expected a duration such as "5s", "500ms" or "2m"'
WAIVED = (
    '[layers.pre-commit]\nstages = [["ruff-lint"]]\n'
    'no_secret_scan = "scanned by the server hook"\n'  # pragma: allowlist secret
)
CHECK_KEYS = (
    "kind, args, command, types, files, exclude, pass_files, budget, on_unreachable,"
    " file_local, fix, allow_skip"
)

# (id, gates.toml text, key path below the gates table, the problem)
CASES = [
    (
        "unknown-top-level-key",
        'colour = "blue"\n',
        "colour",
        "unknown key; the keys here are preset, coverage, exclude, layers, checks",
    ),
    (
        "misspelled-top-level-key",
        "coverge = 90\n",
        "coverge",
        'unknown key; did you mean "coverage"?',
    ),
    (
        "unknown-key-in-layer",
        '[layers.pre-commit]\nbudgett = "5s"\n',
        "layers.pre-commit.budgett",
        'unknown key; did you mean "budget"?',
    ),
    (
        "unknown-key-in-check",
        '[checks.mypy]\nargz = ["--strict"]\n',
        "checks.mypy.argz",
        'unknown key; did you mean "args"?',
    ),
    (
        "unknown-key-in-new-check",
        '[checks.licenses]\nkind = "command"\ncommand = ["x"]\nretries = 3\n',
        "checks.licenses.retries",
        f"unknown key; the keys here are {CHECK_KEYS}",
    ),
    (
        "coverage-wrong-type",
        'coverage = "high"\n',
        "coverage",
        'expected a number from 0 to 100, got "high"',
    ),
    (
        "coverage-above-range",
        "coverage = 120\n",
        "coverage",
        "expected a number from 0 to 100, got 120",
    ),
    (
        "coverage-infinite",
        "coverage = inf\n",
        "coverage",
        "expected a number from 0 to 100, got inf",
    ),
    (
        "coverage-a-date",
        "coverage = 2024-05-01\n",
        "coverage",
        "expected a number from 0 to 100, got 2024-05-01",
    ),
    (
        "long-bad-value-shortened",
        f'exclude = "{"tests/" * 20}"\n',
        "exclude",
        f'expected an array of strings, got "{("tests/" * 10)[:56]}...',
    ),
    (
        "coverage-below-range",
        "coverage = -1\n",
        "coverage",
        "expected a number from 0 to 100, got -1",
    ),
    (
        "layer-budget-in-words",
        '[layers.pre-commit]\nbudget = "5 seconds"\n',
        "layers.pre-commit.budget",
        f'{DURATION}, got "5 seconds"',
    ),
    (
        "layer-budget-without-unit",
        "[layers.ci]\nbudget = 300\n",
        "layers.ci.budget",
        f"{DURATION}, got 300",
    ),
    (
        "check-budget-in-words",
        '[checks.mypy]\nbudget = "ten seconds"\n',
        "checks.mypy.budget",
        f'{DURATION}, got "ten seconds"',
    ),
    (
        "unknown-layer",
        '[layers.pre-comit]\nbudget = "5s"\n',
        "layers.pre-comit",
        "unknown layer; expected pre-commit, pre-push or ci",
    ),
    (
        "stage-names-an-undefined-check",
        '[layers.pre-push]\nstages = [["mypy", "typecheck"]]\n',
        "layers.pre-push.stages[0][1]",
        f'check "typecheck" is not defined; the checks are {CHECKS}',
    ),
    (
        "stage-names-a-misspelled-check",
        '[layers.ci]\nstages = [["secrets"], ["mpy"]]\n',
        "layers.ci.stages[1][0]",
        'check "mpy" is not defined; did you mean "mypy"?',
    ),
    (
        "unknown-check-kind",
        '[checks.licenses]\nkind = "shell"\ncommand = ["x"]\n',
        "checks.licenses.kind",
        f'unknown check kind "shell"; expected one of {KINDS}',
    ),
    (
        "new-check-without-kind",
        '[checks.licenses]\ncommand = ["python", "tools/licenses.py"]\n',
        "checks.licenses",
        f'missing the key "kind"; it is one of {KINDS}',
    ),
    (
        "unknown-preset",
        'preset = "django"\n',
        "preset",
        'unknown preset "django"; the presets are python, strict',
    ),
    (
        "preset-not-a-string",
        "preset = 3\n",
        "preset",
        'expected a preset name such as "python", got 3',
    ),
    (
        "pre-commit-without-secret-scan",
        '[layers.pre-commit]\nstages = [["ruff-format", "ruff-lint"]]\n',
        "layers.pre-commit",
        'runs no secret scan; add the "secrets" check to a stage, or say why not with'
        ' no_secret_scan = "<reason>"',
    ),
    (
        "pre-commit-with-no-stages",
        "[layers.pre-commit]\nstages = []\n",
        "layers.pre-commit",
        'runs no secret scan; add the "secrets" check to a stage, or say why not with'
        ' no_secret_scan = "<reason>"',
    ),
    (
        "secret-scan-waived-without-a-reason",
        '[layers.pre-commit]\nstages = [["ruff-lint"]]\nno_secret_scan = " "\n',
        "layers.pre-commit.no_secret_scan",
        "say why the pre-commit layer runs no secret scan; an empty reason is not one",
    ),
    (
        "command-check-without-command",
        '[checks.licenses]\nkind = "command"\nfiles = ["*.py"]\n',
        "checks.licenses",
        'a command check needs command = ["program", "arg", ...]',
    ),
    (
        "command-check-with-empty-command",
        '[checks.licenses]\nkind = "command"\ncommand = []\n',
        "checks.licenses",
        'a command check needs command = ["program", "arg", ...]',
    ),
    (
        "command-on-a-tool-check",
        '[checks.mypy]\ncommand = ["mypy", "--strict"]\n',
        "checks.mypy.command",
        'only a kind = "command" check runs a command; to pass options to mypy, use args = [...]',
    ),
    (
        "stages-not-nested",
        '[layers.pre-commit]\nstages = ["secrets", "ruff-lint"]\n',
        "layers.pre-commit.stages[0]",
        'expected an array of check names, got "secrets"',
    ),
    (
        "stages-a-string",
        '[layers.pre-push]\nstages = "tests"\n',
        "layers.pre-push.stages",
        'expected an array of arrays of check names, got "tests"',
    ),
    (
        "args-a-string",
        '[checks.bandit]\nargs = "-q"\n',
        "checks.bandit.args",
        'expected an array of strings, got "-q"',
    ),
    (
        "args-holds-a-number",
        '[checks.bandit]\nargs = ["-n", 3]\n',
        "checks.bandit.args[1]",
        "expected a string, got 3",
    ),
    (
        "fail-fast-not-a-boolean",
        '[layers.ci]\nfail_fast = "no"\n',
        "layers.ci.fail_fast",
        'expected true or false, got "no"',
    ),
    (
        "unknown-on-unreachable",
        '[checks.pip-audit]\non_unreachable = "ignore"\n',
        "checks.pip-audit.on_unreachable",
        'unknown value "ignore"; expected one of error, warn',
    ),
    (
        "unknown-file-type",
        '[checks.mypy]\ntypes = ["python", "py"]\n',
        "checks.mypy.types[1]",
        'unknown file type "py"; expected one of python, pyi, toml, yaml, json, markdown, text',
    ),
    (
        "exclude-a-string",
        'exclude = "tests/*"\n',
        "exclude",
        'expected an array of strings, got "tests/*"',
    ),
    ("layers-not-a-table", "layers = 3\n", "layers", "expected a table, got 3"),
    (
        "layer-not-a-table",
        'layers = { ci = "fast" }\n',
        "layers.ci",
        'expected a table, got "fast"',
    ),
    (
        "check-name-with-a-space",
        '[checks."my check"]\nkind = "mypy"\n',
        'checks."my check"',
        "a check name is letters, digits, '-', '_' or '.'",
    ),
    (
        "dotted-check-name-quoted-in-key-path",
        '[checks."lint.docs"]\nkind = "ruff-lint"\nbudget = "soon"\n',
        'checks."lint.docs".budget',
        f'{DURATION}, got "soon"',
    ),
]


def as_pyproject(gates_toml: str) -> str:
    """The same settings as [tool.gates] in pyproject.toml (top-level keys come first)."""
    lines = [
        f"[tool.gates.{line[1:]}" if line.startswith("[") else line
        for line in gates_toml.splitlines()
    ]
    return '[project]\nname = "demo"\n\n[tool.gates]\n' + "\n".join(lines) + "\n"


def config_file(folder: Path, name: str, gates_toml: str) -> str:
    """Write the settings as `name` in `folder`; the key prefix errors carry in that file."""
    if name == "gates.toml":
        write(folder, {name: gates_toml})
        return ""
    write(folder, {name: as_pyproject(gates_toml)})
    return "tool.gates."


def assert_config_error(gates: GatesRunner, folder: Path, line: str) -> None:
    done = gates(folder, "config")
    assert (done.returncode, done.stdout, done.stderr) == (2, "", line + "\n")


@pytest.mark.parametrize("name", ["gates.toml", "pyproject.toml"])
@pytest.mark.parametrize(
    ("text", "key", "problem"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_config_gets_one_exact_line_and_exit_2(
    gates: GatesRunner, tmp_path: Path, name: str, text: str, key: str, problem: str
) -> None:
    prefix = config_file(tmp_path, name, text)
    assert_config_error(gates, tmp_path, f"gates: {name}: {prefix}{key}: {problem}")


@pytest.mark.parametrize("name", ["gates.toml", "pyproject.toml"])
def test_malformed_toml_says_so_with_the_position(
    gates: GatesRunner, tmp_path: Path, name: str
) -> None:
    write(tmp_path, {name: '[tool.gates]\ncoverage = 80\nbudget "5s"\n'})
    done = gates(tmp_path, "config")
    assert done.returncode == 2
    assert done.stdout == ""
    assert re.fullmatch(
        rf"gates: {re.escape(name)}: not valid TOML: [^\n]+ \(at line 3, column \d+\)\n",
        done.stderr,
    ), done.stderr


def test_a_duplicate_key_is_malformed_toml(gates: GatesRunner, tmp_path: Path) -> None:
    write(tmp_path, {"gates.toml": "coverage = 80\ncoverage = 90\n"})
    done = gates(tmp_path, "config")
    assert done.returncode == 2
    assert done.stderr.startswith("gates: gates.toml: not valid TOML: ")
    assert done.stderr.count("\n") == 1


def test_tool_gates_table_inside_gates_toml_is_explained(
    gates: GatesRunner, tmp_path: Path
) -> None:
    write(tmp_path, {"gates.toml": "[tool.gates]\ncoverage = 90\n"})
    assert_config_error(
        gates,
        tmp_path,
        "gates: gates.toml: tool: in gates.toml the settings go at the top level,"
        " without [tool.gates]",
    )


def test_tool_gates_not_a_table(gates: GatesRunner, tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": '[tool]\ngates = "python"\n'})
    assert_config_error(
        gates, tmp_path, 'gates: pyproject.toml: tool.gates: expected a table, got "python"'
    )


def test_gates_run_reports_the_same_line(
    gates: GatesRunner, make_repo: Callable[..., Path]
) -> None:
    repo = make_repo({"gates.toml": '[layers.pre-commit]\nbudget = "5 seconds"\n'})
    done = gates(repo, "run", "pre-commit")
    assert (done.returncode, done.stderr) == (
        2,
        f'gates: gates.toml: layers.pre-commit.budget: {DURATION}, got "5 seconds"\n',
    )


def test_an_error_names_the_config_of_the_folder_it_came_from(
    gates: GatesRunner, tmp_path: Path
) -> None:
    write(tmp_path, {"pyproject.toml": as_pyproject("coverage = 101\n")})
    sub = tmp_path / "src" / "pkg"
    sub.mkdir(parents=True)
    assert_config_error(
        gates,
        sub,
        "gates: pyproject.toml: tool.gates.coverage: expected a number from 0 to 100, got 101",
    )


@pytest.mark.parametrize(
    "text",
    [
        WAIVED,  # the reason makes a pre-commit layer without a secret scan acceptable
        # a team's own check, as in the design
        '[checks.licenses]\nkind = "command"\ncommand = ["python", "tools/check_licenses.py"]\n'
        'files = ["*.py"]\npass_files = true\nbudget = "2s"\n'
        '[layers.pre-commit]\nstages = [["secrets"], ["ruff-format", "ruff-lint", "licenses"]]\n',
        # every duration form
        '[layers.pre-commit]\nbudget = "1.5s"\n'
        '[layers.pre-push]\nbudget = "500ms"\n'
        '[layers.ci]\nbudget = "10m"\n',
        # edges of the coverage range
        "coverage = 0\n",
        "coverage = 100\n",
        "coverage = 87.5\n",
    ],
    ids=[
        "no-secret-scan-with-reason",
        "command-check",
        "durations",
        "coverage-0",
        "coverage-100",
        "coverage-87.5",
    ],
)
@pytest.mark.parametrize("name", ["gates.toml", "pyproject.toml"])
def test_good_configs_are_accepted(
    gates: GatesRunner, tmp_path: Path, name: str, text: str
) -> None:
    config_file(tmp_path, name, text)
    done = gates(tmp_path, "config")
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    assert done.stdout.startswith(f"# effective gates config: preset 'python' + {name}\n")


def test_the_reason_for_no_secret_scan_is_shown_in_the_effective_config(
    gates: GatesRunner, tmp_path: Path
) -> None:
    write(tmp_path, {"gates.toml": WAIVED})
    done = gates(tmp_path, "config")
    assert done.returncode == 0, done.stderr
    assert WAIVED.splitlines()[-1] in done.stdout.splitlines()
