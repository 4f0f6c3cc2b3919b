"""ruff format (check only) and ruff lint, run for real on files in a temporary project."""

from __future__ import annotations

from pathlib import Path

import pytest

from gates.checks import ProcessOutput
from gates.results import Status
from tests.checks.harness import located, parse_only, rendered, rules, run_check
from tests.conftest import write

AWS_KEY = "AKIAZ7QX3MPLR4TBV2WN"  # pragma: allowlist secret
CLEAN = 'def greet(name: str) -> str:\n    return f"hello {name}"\n'
UNFORMATTED = "def greet( name ):\n    return  name\n"
UNUSED_IMPORT = "import os\n\n\ndef greet(name: str) -> str:\n    return name\n"
SYNTAX_ERROR = "def greet(:\n    pass\n"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ruff-project")
    write(root, {
        "clean.py": CLEAN,
        "pkg/unformatted.py": UNFORMATTED,
        "pkg/unused.py": UNUSED_IMPORT,
        "pkg/broken.py": SYNTAX_ERROR,
    })  # fmt: skip
    return root


@pytest.mark.parametrize("kind", ["ruff-format", "ruff-lint"])
def test_clean_file_passes(project: Path, kind: str) -> None:
    result = run_check(project, {"kind": kind}, ["clean.py"])
    assert result.status is Status.PASSED, result.message
    assert result.findings == ()


def test_unformatted_file_fails_at_its_first_change(project: Path) -> None:
    result = run_check(project, {"kind": "ruff-format"}, ["clean.py", "pkg/unformatted.py"])
    assert result.status is Status.FAILED
    (finding,) = result.findings
    assert located(finding) == ("pkg/unformatted.py", 1, 11, "unformatted")
    assert "ruff format" in finding.message


def test_unused_import_fails_with_its_rule_and_position(project: Path) -> None:
    result = run_check(project, {"kind": "ruff-lint"}, ["clean.py", "pkg/unused.py"])
    assert result.status is Status.FAILED
    (finding,) = result.findings
    assert located(finding) == ("pkg/unused.py", 1, 8, "F401")
    assert "os" in finding.message


@pytest.mark.parametrize("kind", ["ruff-format", "ruff-lint"])
def test_syntax_error_is_a_finding_not_a_pass(project: Path, kind: str) -> None:
    # ruff format exits 2 here but still prints the finding: the file is what failed.
    result = run_check(project, {"kind": kind}, ["pkg/broken.py"])
    assert result.status is Status.FAILED
    assert rules(result) == {"invalid-syntax"}
    assert {f.path for f in result.findings} == {"pkg/broken.py"}


@pytest.mark.parametrize("kind", ["ruff-format", "ruff-lint"])
def test_a_file_ruff_cannot_read_is_an_error(project: Path, kind: str) -> None:
    # ruff reports it as a finding ("io" / E902), not as a crash: the file went unchecked.
    result = run_check(project, {"kind": kind}, ["clean.py", "gone.py"])
    assert result.status is Status.ERROR
    assert result.message == "ruff could not read gone.py"


def test_lint_never_rewrites_a_file_even_when_the_project_says_fix(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": "[tool.ruff]\nfix = true\n", "unused.py": UNUSED_IMPORT})
    result = run_check(tmp_path, {"kind": "ruff-lint"}, ["unused.py"])
    assert result.status is Status.FAILED
    assert (tmp_path / "unused.py").read_text() == UNUSED_IMPORT


@pytest.mark.parametrize("kind", ["ruff-format", "ruff-lint"])
def test_project_excludes_apply_to_files_named_explicitly(tmp_path: Path, kind: str) -> None:
    pyproject = '[tool.ruff]\nextend-exclude = ["generated"]\n'
    write(tmp_path, {"pyproject.toml": pyproject, "generated/out.py": UNFORMATTED + "import os\n"})
    result = run_check(tmp_path, {"kind": kind}, ["generated/out.py"])
    assert result.status is Status.PASSED, result.message


@pytest.mark.parametrize("kind", ["ruff-format", "ruff-lint"])
def test_a_file_holding_a_secret_is_reported_without_it(tmp_path: Path, kind: str) -> None:
    write(tmp_path, {"settings.py": f'password  =  "{AWS_KEY}"\n'})
    args = ["--select", "S105"] if kind == "ruff-lint" else []
    result = run_check(tmp_path, {"kind": kind, "args": args}, ["settings.py"])
    assert result.status is Status.FAILED
    (finding,) = result.findings
    assert finding.path == "settings.py"
    assert AWS_KEY not in rendered(result)


@pytest.mark.parametrize("kind", ["ruff-format", "ruff-lint"])
def test_a_bad_flag_is_an_error(project: Path, kind: str) -> None:
    result = run_check(project, {"kind": kind, "args": ["--no-such-flag"]}, ["clean.py"])
    assert result.status is Status.ERROR
    assert "exited with 2" in result.message
    assert "--no-such-flag" in result.message


@pytest.mark.parametrize("kind", ["ruff-format", "ruff-lint"])
@pytest.mark.parametrize(
    "stdout",
    ['[{"code": "F401", "filename": "/x/a.py", "location": {"row": 1, "col', "Segmentation fault"],
    ids=["truncated-json", "not-json"],
)
def test_unparsable_output_is_an_error(tmp_path: Path, kind: str, stdout: str) -> None:
    for returncode in (0, 1):
        outcome = parse_only(tmp_path, {"kind": kind}, ProcessOutput(returncode, stdout, ""))
        assert outcome.status is Status.ERROR
        assert "cannot parse" in outcome.message


def test_json_without_the_expected_keys_is_an_error(tmp_path: Path) -> None:
    out = ProcessOutput(1, '[{"code": "F401"}]', "")
    assert parse_only(tmp_path, {"kind": "ruff-lint"}, out).status is Status.ERROR


def test_a_failing_exit_with_no_finding_is_an_error(tmp_path: Path) -> None:
    out = ProcessOutput(1, "[]", "something went wrong")
    outcome = parse_only(tmp_path, {"kind": "ruff-lint"}, out)
    assert outcome.status is Status.ERROR
    assert "something went wrong" in outcome.message
