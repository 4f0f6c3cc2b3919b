"""The secret scan, run for real through its worker: findings carry a masked hint only."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gates.checks import ProcessOutput
from gates.results import Status
from tests.checks.harness import located, parse_only, rendered, run_check
from tests.conftest import write

AWS_KEY = "AKIAZ7QX3MPLR4TBV2WN"  # pragma: allowlist secret
OTHER_AWS_KEY = "AKIAQ4HN8CWT2JRXY6VE"  # pragma: allowlist secret
SECRETS: dict[str, Any] = {"kind": "secrets"}
CLEAN = 'GREETING = "hello"\n'
LEAKY = f'import os\n\nREGION = "eu-west-1"\nKEY_ID = "{AWS_KEY}"\n'


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("secrets-project")
    write(root, {"clean.py": CLEAN, "config/settings.py": LEAKY, "notes.md": "# notes\n"})
    return root


def test_clean_files_pass(project: Path) -> None:
    result = run_check(project, SECRETS, ["clean.py", "notes.md"])
    assert result.status is Status.PASSED, result.message


def test_planted_aws_key_fails_at_its_line(project: Path) -> None:
    result = run_check(project, SECRETS, ["clean.py", "config/settings.py"])
    assert result.status is Status.FAILED
    (finding,) = result.findings
    assert located(finding) == ("config/settings.py", 4, None, "AWS Access Key")
    assert "pragma: allowlist secret" in result.message


def test_the_secret_value_never_appears_only_a_masked_hint(project: Path) -> None:
    result = run_check(project, SECRETS, ["config/settings.py"])
    (finding,) = result.findings
    assert AWS_KEY not in rendered(result)
    assert AWS_KEY[4:] not in rendered(result)
    assert finding.message == "masked: AKIA************ (20 chars)"


def test_a_secret_recorded_in_the_baseline_passes_and_a_new_one_fails(
    make_repo: Callable[..., Path],
) -> None:
    root = make_repo({"known.py": LEAKY})  # detect-secrets scan looks at tracked files only
    record_baseline(root)
    assert run_check(root, SECRETS, ["known.py"]).status is Status.PASSED
    write(root, {"new.py": f'TOKEN_ID = "{OTHER_AWS_KEY}"\n'})
    result = run_check(root, SECRETS, ["known.py", "new.py"])
    assert result.status is Status.FAILED
    assert [located(f) for f in result.findings] == [("new.py", 1, None, "AWS Access Key")]


def record_baseline(root: Path) -> None:
    detect_secrets = str(Path(sys.executable).parent / "detect-secrets")
    scan = subprocess.run(
        [detect_secrets, "scan"], cwd=root, capture_output=True, text=True, check=True
    )
    (root / ".secrets.baseline").write_text(scan.stdout)


def test_a_file_it_cannot_read_is_an_error(project: Path) -> None:
    # detect-secrets alone logs "Unable to open file" and finds nothing: not a pass.
    spec = {**SECRETS, "types": [], "files": ["*.py"]}  # let a missing file reach the worker
    result = run_check(project, spec, ["clean.py", "gone.py"])
    assert result.status is Status.ERROR
    assert "cannot read gone.py" in result.message


@pytest.mark.parametrize(
    "stdout",
    ['{"scanned": 1, "findings": [{"path": "a.py", "line": 3, "ty', "", '{"scanned": 1}'],
    ids=["truncated-json", "empty", "missing-findings"],
)
def test_unparsable_output_is_an_error(tmp_path: Path, stdout: str) -> None:
    outcome = parse_only(tmp_path, SECRETS, ProcessOutput(0, stdout, ""))
    assert outcome.status is Status.ERROR


def test_a_crashed_worker_is_an_error(tmp_path: Path) -> None:
    out = ProcessOutput(1, "", "Traceback (most recent call last):\nRuntimeError: boom")
    outcome = parse_only(tmp_path, SECRETS, out)
    assert outcome.status is Status.ERROR
    assert "boom" in outcome.message


def test_missing_detect_secrets_is_an_error_with_the_install_command(tmp_path: Path) -> None:
    out = ProcessOutput(1, "", "ModuleNotFoundError: No module named 'detect_secrets'")
    outcome = parse_only(tmp_path, SECRETS, out)
    assert outcome.status is Status.ERROR
    assert "pip install detect-secrets" in outcome.message
