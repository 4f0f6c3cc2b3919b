"""A team's own command, run for real: a small Python script that checks file headers."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from gates.results import Status
from tests.checks.harness import CHECK_NAME, located, rendered, run_check
from tests.conftest import write

AWS_KEY = "AKIAZ7QX3MPLR4TBV2WN"  # pragma: allowlist secret
# Reports every file whose first line lacks the licence header, as path:line:col: message.
CHECK_HEADERS = """\
import sys

files = sys.argv[sys.argv.index("--") + 1 :]
bad = [name for name in files if not open(name).readline().startswith("# SPDX")]
for name in bad:
    print(f"{name}:1:1: missing SPDX licence header; first line: {open(name).readline()!r}")
print(f"Error: {len(bad)} file(s) without a header")
sys.exit(1 if bad else 0)
"""
HEADER = "# SPDX-License-Identifier: MIT\n"


def headers_check(**extra: Any) -> dict[str, Any]:
    command = [sys.executable, "tools/check_headers.py"]
    return {"kind": "command", "command": command, "files": ["*.py"], "pass_files": True, **extra}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("command-project")
    write(root, {
        "tools/check_headers.py": HEADER + CHECK_HEADERS,
        "good.py": HEADER + "X = 1\n",
        "pkg/no_header.py": "X = 1\n",
        "leaky.py": f'KEY_ID = "{AWS_KEY}"\n',
    })  # fmt: skip
    return root


def test_exit_0_passes(project: Path) -> None:
    result = run_check(project, headers_check(), ["good.py", "tools/check_headers.py"])
    assert result.status is Status.PASSED, result.message


def test_a_located_problem_is_a_finding_named_after_the_check(project: Path) -> None:
    result = run_check(project, headers_check(), ["good.py", "pkg/no_header.py"])
    assert result.status is Status.FAILED
    (finding,) = result.findings  # "Error: 1 file(s) ..." is no location: it stays in the message
    assert located(finding) == ("pkg/no_header.py", 1, 1, CHECK_NAME)
    assert "missing SPDX licence header" in finding.message
    assert "exited with 1" in result.message
    assert "Error: 1 file(s) without a header" in result.message


def test_a_failure_with_no_location_fails_with_the_output(project: Path) -> None:
    spec = {"kind": "command", "command": [sys.executable, "-c", "print('2 problems'); exit(3)"]}
    result = run_check(project, spec)
    assert result.status is Status.FAILED
    assert result.findings == ()
    assert result.message == "exited with 3: 2 problems"


def test_a_secret_the_command_prints_is_masked(project: Path) -> None:
    result = run_check(project, headers_check(), ["leaky.py"])
    assert result.status is Status.FAILED
    assert AWS_KEY not in rendered(result)
    assert "AKIA************ (20 chars)" in result.findings[0].message


def test_a_program_that_does_not_exist_is_an_error(project: Path) -> None:
    spec = {"kind": "command", "command": ["gates-no-such-program", "--check"]}
    result = run_check(project, spec)
    assert result.status is Status.ERROR
    assert "gates-no-such-program is not installed" in result.message
    assert "install the program named in `command`" in result.message


def test_a_command_killed_by_a_signal_is_an_error(project: Path) -> None:
    code = "import os, signal; os.kill(os.getpid(), signal.SIGSEGV)"
    result = run_check(project, {"kind": "command", "command": [sys.executable, "-c", code]})
    assert result.status is Status.ERROR
    assert "killed by SIGSEGV" in result.message


def test_file_names_arrive_after_a_double_dash(project: Path) -> None:
    code = "import sys; print(sys.argv[1:]); sys.exit(1)"
    spec = {"kind": "command", "command": [sys.executable, "-c", code], "args": ["-v"]}
    result = run_check(project, {**spec, "pass_files": True, "files": ["*.py"]}, ["good.py"])
    assert result.message == "exited with 1: ['-v', '--', 'good.py']"
