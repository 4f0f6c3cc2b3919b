"""mypy, run for real: JSON Lines output, 0-based columns made 1-based."""

from __future__ import annotations

from pathlib import Path

import pytest

from gates.checks import ProcessOutput
from gates.results import Severity, Status
from tests.checks.harness import errors_only, located, parse_only, rendered, run_check
from tests.conftest import write

CLEAN = "def double(x: int) -> int:\n    return x * 2\n"
WRONG_RETURN = "def name(x: int) -> str:\n    return x\n"
AWS_KEY = "AKIAZ7QX3MPLR4TBV2WN"  # pragma: allowlist secret
OTHER_AWS_KEY = "AKIAQ4HN8CWT2JRXY6VE"  # pragma: allowlist secret
LITERAL_KEYS = f"""\
from typing import Literal

KeyId = Literal["{AWS_KEY}"]


def use(key: KeyId) -> None:
    print(key)


use("{OTHER_AWS_KEY}")
"""
UNTYPED_BODY = 'def untyped():\n    count: int = "many"\n    return count\n'


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("mypy-project")
    write(root, {"clean.py": CLEAN, "pkg/wrong.py": WRONG_RETURN, "untyped.py": UNTYPED_BODY})
    return root


def test_clean_file_passes(project: Path) -> None:
    result = run_check(project, {"kind": "mypy"}, ["clean.py"])
    assert result.status is Status.PASSED, result.message
    assert result.findings == ()


def test_type_error_fails_with_its_code_and_1_based_position(project: Path) -> None:
    result = run_check(project, {"kind": "mypy"}, ["clean.py", "pkg/wrong.py"])
    assert result.status is Status.FAILED
    (finding,) = result.findings
    # "    return x": x is at 0-based column 11 in mypy's JSON, column 12 for a person.
    assert located(finding) == ("pkg/wrong.py", 2, 12, "return-value")
    assert 'expected "str"' in finding.message


def test_a_note_alone_passes_and_is_kept(project: Path) -> None:
    # With -O json mypy exits 1 on notes alone, where its text mode says "Success".
    result = run_check(project, {"kind": "mypy"}, ["untyped.py"])
    assert result.status is Status.PASSED, result.message
    (note,) = result.findings
    assert note.severity is Severity.NOTE
    assert located(note) == ("untyped.py", 2, 5, "annotation-unchecked")


def test_nonexistent_file_is_an_error(project: Path) -> None:
    # mypy exits 2 ("Cannot read file"): it checked nothing, so nothing passed.
    result = run_check(project, {"kind": "mypy"}, ["clean.py", "gone.py"])
    assert result.status is Status.ERROR
    assert "exited with 2" in result.message
    assert errors_only(result) == []


def test_a_bad_flag_is_an_error(project: Path) -> None:
    result = run_check(project, {"kind": "mypy", "args": ["--no-such-flag"]}, ["clean.py"])
    assert result.status is Status.ERROR
    assert "--no-such-flag" in result.message


@pytest.mark.parametrize(
    "stdout",
    ['{"file": "a.py", "line": 2, "column": 11, "mess', "a.py:2: error: Incompatible types"],
    ids=["truncated-json", "text-instead-of-json"],
)
def test_unparsable_output_is_an_error(tmp_path: Path, stdout: str) -> None:
    for returncode in (0, 1):
        outcome = parse_only(tmp_path, {"kind": "mypy"}, ProcessOutput(returncode, stdout, ""))
        assert outcome.status is Status.ERROR
        assert "cannot parse" in outcome.message


def test_an_exit_of_1_with_no_error_is_an_error(tmp_path: Path) -> None:
    outcome = parse_only(tmp_path, {"kind": "mypy"}, ProcessOutput(1, "", "internal error"))
    assert outcome.status is Status.ERROR
    assert "internal error" in outcome.message


def test_a_secret_in_a_literal_type_is_masked(tmp_path: Path) -> None:
    # mypy names Literal types in full in its messages.
    write(tmp_path, {"keys.py": LITERAL_KEYS})
    result = run_check(tmp_path, {"kind": "mypy"}, ["keys.py"])
    assert result.status is Status.FAILED
    (finding,) = result.findings
    assert located(finding) == ("keys.py", 10, 5, "arg-type")
    assert AWS_KEY not in rendered(result)
    assert OTHER_AWS_KEY not in rendered(result)
    assert "AKIA************ (20 chars)" in finding.message
