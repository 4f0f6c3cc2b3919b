"""bandit, run for real with the preset's arguments."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gates.checks import ProcessOutput
from gates.checks.redact import mask
from gates.results import Severity, Status
from tests.checks.harness import located, parse_only, rendered, run_check
from tests.conftest import write

BANDIT: dict[str, Any] = {"kind": "bandit", "args": ["--severity-level", "medium"]}
CLEAN = "import json\n\n\ndef load(text: str) -> object:\n    return json.loads(text)\n"
AWS_KEY = "AKIAZ7QX3MPLR4TBV2WN"  # pragma: allowlist secret
PASSWORD = "s3cr3t-horse"  # pragma: allowlist secret
HARDCODED = f'password = "{AWS_KEY}"\ndb_password = "{PASSWORD}"\n'
EVAL = "import ast\n\n\ndef load(text: str) -> object:\n    return eval(text)\n"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bandit-project")
    write(root, {"clean.py": CLEAN, "pkg/risky.py": EVAL, "pkg/broken.py": "def f(:\n"})
    return root


def test_clean_file_passes(project: Path) -> None:
    result = run_check(project, BANDIT, ["clean.py"])
    assert result.status is Status.PASSED, result.message


def test_eval_fails_with_b307_at_its_position(project: Path) -> None:
    result = run_check(project, BANDIT, ["clean.py", "pkg/risky.py"])
    assert result.status is Status.FAILED
    (finding,) = result.findings
    # bandit's col_offset is 0-based: "    return eval(...)" puts eval at column 12.
    assert located(finding) == ("pkg/risky.py", 5, 12, "B307")
    assert finding.severity is Severity.ERROR
    assert "severity MEDIUM" in finding.message


def test_a_hardcoded_password_is_reported_with_its_value_masked(tmp_path: Path) -> None:
    write(tmp_path, {"settings.py": HARDCODED})
    result = run_check(tmp_path, {"kind": "bandit"}, ["settings.py"])
    assert result.status is Status.FAILED
    assert [located(f) for f in result.findings] == [
        ("settings.py", 1, 12, "B105"),  # the column of the string
        ("settings.py", 2, 15, "B105"),
    ]
    assert AWS_KEY not in rendered(result)
    assert PASSWORD not in rendered(result)
    first, second = (f.message.split(" (severity")[0] for f in result.findings)
    assert first == f"Possible hardcoded password: '{mask(AWS_KEY)}'"
    assert second == f"Possible hardcoded password: '{mask(PASSWORD)}'"


def test_the_projects_bandit_table_is_honoured(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": '[tool.bandit]\nskips = ["B307"]\n', "risky.py": EVAL})
    result = run_check(tmp_path, BANDIT, ["risky.py"])
    assert result.status is Status.PASSED, result.message
    assert result.command[:5] == ("bandit", "-f", "json", "-q", "-c")


def test_a_file_bandit_cannot_parse_is_an_error(project: Path) -> None:
    # bandit exits 0 here, listing the file under "errors": it was not scanned.
    result = run_check(project, BANDIT, ["clean.py", "pkg/broken.py"])
    assert result.status is Status.ERROR
    assert "pkg/broken.py" in result.message
    assert "syntax error" in result.message


def test_a_bad_flag_is_an_error(project: Path) -> None:
    result = run_check(project, {**BANDIT, "args": ["--no-such-flag"]}, ["clean.py"])
    assert result.status is Status.ERROR
    assert "exited with 2" in result.message


@pytest.mark.parametrize(
    "stdout",
    ['{"errors": [], "results": [{"filename": "./a.py", "line_nu', "", '{"metrics": {}}'],
    ids=["truncated-json", "empty", "missing-results"],
)
def test_unparsable_output_is_an_error(tmp_path: Path, stdout: str) -> None:
    for returncode in (0, 1):
        outcome = parse_only(tmp_path, BANDIT, ProcessOutput(returncode, stdout, ""))
        assert outcome.status is Status.ERROR, outcome


def test_an_exit_of_1_with_no_result_is_an_error(tmp_path: Path) -> None:
    out = ProcessOutput(1, '{"errors": [], "results": []}', "")
    assert parse_only(tmp_path, BANDIT, out).status is Status.ERROR
