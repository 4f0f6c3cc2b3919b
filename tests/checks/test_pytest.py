"""pytest, run for real on small projects: quick before a push, with coverage in ci."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from gates.checks import ProcessOutput
from gates.results import Status
from tests.checks.harness import context, located, parse_only, rendered, rules, run_check
from tests.conftest import write

PYTEST: dict[str, Any] = {"kind": "pytest"}
AWS_KEY = "AKIAZ7QX3MPLR4TBV2WN"  # pragma: allowlist secret
PYPROJECT = """\
[tool.pytest.ini_options]
testpaths = ["tests"]
pythonpath = ["."]

[tool.coverage.run]
source = ["calc"]
"""
OWN_GATE_ADDOPTS = 'addopts = ["--cov", "--cov-fail-under=90"]\n\n'
# 8 statements. HALF_THE_TESTS runs 4 of them (VERSION, the two `def`s, `used`'s body):
# exactly 50% covered. ALL_THE_TESTS runs every one.
CALC = """\
VERSION = "1"


def used(n):
    return n + 1


def unused(n):
    total = 0
    for i in range(n):
        total += i
    return total
"""
HALF_THE_TESTS = "from calc import used\n\n\ndef test_used():\n    assert used(1) == 2\n"
ALL_THE_TESTS = HALF_THE_TESTS + "\n\ndef test_unused():\n    from calc import unused\n\n"
ALL_THE_TESTS += "    assert unused(3) == 3\n"
FAILING_TEST = "from calc import used\n\n\ndef test_off_by_one():\n    assert used(1) == 3\n"


def make_project(root: Path, tests: dict[str, str], pyproject: str = PYPROJECT) -> Path:
    write(root, {"pyproject.toml": pyproject, "calc.py": CALC, **tests})
    return root


@pytest.fixture(scope="module")
def half_covered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_project(tmp_path_factory.mktemp("half"), {"tests/test_calc.py": HALF_THE_TESTS})


@pytest.fixture(scope="module")
def fully_covered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_project(tmp_path_factory.mktemp("full"), {"tests/test_calc.py": ALL_THE_TESTS})


@pytest.fixture(scope="module")
def with_a_failing_test(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tests = {"tests/test_calc.py": HALF_THE_TESTS, "tests/test_wrong.py": FAILING_TEST}
    return make_project(tmp_path_factory.mktemp("failing"), tests)


def coverage_figure(message: str) -> float:
    found = re.search(r"coverage (\d+\.\d)% \(gate (\d+)%\)", message)
    assert found, message
    return float(found.group(1))


def test_pre_push_runs_quick_and_passes(half_covered: Path) -> None:
    result = run_check(half_covered, PYTEST, layer="pre-push")
    assert result.status is Status.PASSED, result.message
    assert {"-x", "-q"} <= set(result.command)
    assert not any(part.startswith("--cov") for part in result.command)


@pytest.mark.parametrize("layer", ["pre-push", "ci"])
def test_a_failing_test_is_a_finding_at_the_test(with_a_failing_test: Path, layer: str) -> None:
    result = run_check(with_a_failing_test, PYTEST, layer=layer)
    assert result.status is Status.FAILED
    failure = next(f for f in result.findings if f.rule == "test-failure")
    assert located(failure) == ("tests/test_wrong.py", 4, None, "test-failure")
    assert "test_off_by_one" in failure.message
    assert result.message.startswith("1 test(s) failed")


def test_ci_reports_the_coverage_of_a_failing_run_too(with_a_failing_test: Path) -> None:
    result = run_check(with_a_failing_test, PYTEST, layer="ci")
    assert rules(result) == {"test-failure", "coverage"}
    assert coverage_figure(result.message) == 50.0


def test_ci_half_covered_fails_the_default_gate_with_the_figure(half_covered: Path) -> None:
    result = run_check(half_covered, PYTEST, layer="ci")
    assert result.status is Status.FAILED
    assert coverage_figure(result.message) == 50.0
    assert "gate 80%" in result.message
    (finding,) = result.findings
    assert located(finding) == (None, None, None, "coverage")


def test_ci_fully_covered_passes_with_the_figure(fully_covered: Path) -> None:
    result = run_check(fully_covered, PYTEST, layer="ci")
    assert result.status is Status.PASSED, result.message
    assert coverage_figure(result.message) == 100.0


def test_ci_coverage_exactly_at_the_configured_gate_passes(half_covered: Path) -> None:
    result = run_check(half_covered, PYTEST, layer="ci", coverage=50)
    assert result.status is Status.PASSED, result.message
    assert "coverage 50.0% (gate 50%)" in result.message


def test_the_projects_own_fail_under_is_a_coverage_failure_not_an_error(tmp_path: Path) -> None:
    pyproject = PYPROJECT + "\n[tool.coverage.report]\nfail_under = 90\n"
    root = make_project(tmp_path, {"tests/test_calc.py": HALF_THE_TESTS}, pyproject)
    result = run_check(root, PYTEST, layer="ci")
    assert result.status is Status.FAILED, result.message
    assert coverage_figure(result.message) == 50.0


def test_the_projects_own_stricter_gate_fails_above_the_gates_one(tmp_path: Path) -> None:
    pyproject = PYPROJECT + "\n[tool.coverage.report]\nfail_under = 90\n"
    root = make_project(tmp_path, {"tests/test_calc.py": HALF_THE_TESTS}, pyproject)
    result = run_check(root, PYTEST, layer="ci", coverage=40)
    assert result.status is Status.FAILED, result.message
    assert "coverage 50.0% (gate 40%)" in result.message
    assert "Required test coverage of 90.0% not reached" in result.message
    assert rules(result) == {"coverage"}


def test_the_projects_own_gate_in_addopts_fails_before_a_push(tmp_path: Path) -> None:
    pyproject = PYPROJECT.replace("[tool.coverage.run]", OWN_GATE_ADDOPTS + "[tool.coverage.run]")
    root = make_project(tmp_path, {"tests/test_calc.py": HALF_THE_TESTS}, pyproject)
    result = run_check(root, PYTEST, layer="pre-push")
    assert result.status is Status.FAILED, result.message
    assert "Required test coverage of 90% not reached" in result.message


@pytest.mark.parametrize("layer", ["pre-push", "ci"])
def test_no_tests_collected_is_an_error(tmp_path: Path, layer: str) -> None:
    root = make_project(tmp_path, {"tests/helpers.py": "HELP = 1\n"})
    result = run_check(root, PYTEST, layer=layer)
    assert result.status is Status.ERROR
    assert "collected no tests" in result.message


def test_a_bad_flag_is_an_error(half_covered: Path) -> None:
    result = run_check(half_covered, {**PYTEST, "args": ["--no-such-flag"]}, layer="pre-push")
    assert result.status is Status.ERROR
    assert "exited with 4" in result.message
    assert "--no-such-flag" in result.message


def test_a_secret_in_an_assertion_is_masked(tmp_path: Path) -> None:
    leaky = f'KEY_ID = "{AWS_KEY}"\n\n\ndef test_key():\n    assert KEY_ID == "expected"\n'
    root = make_project(tmp_path, {"tests/test_key.py": leaky})
    result = run_check(root, PYTEST, layer="pre-push")
    assert result.status is Status.FAILED
    assert AWS_KEY not in rendered(result)
    assert "AKIA************ (20 chars)" in result.findings[0].message


def test_an_unparsable_junit_report_is_an_error(tmp_path: Path) -> None:
    ctx = context(tmp_path, PYTEST, layer="pre-push")
    (ctx.workdir / "junit.xml").write_text('<testsuites><testsuite name="pytest"><testca')
    outcome = parse_only(tmp_path, PYTEST, ProcessOutput(0, "", ""), layer="pre-push")
    assert outcome.status is Status.ERROR
    assert "cannot parse" in outcome.message


@pytest.mark.parametrize("report", ['{"totals": {"percent_cov', '{"files": {}}', None])
def test_an_unusable_coverage_report_is_an_error(tmp_path: Path, report: str | None) -> None:
    ctx = context(tmp_path, PYTEST, layer="ci")
    (ctx.workdir / "junit.xml").write_text('<testsuites><testsuite name="pytest"/></testsuites>')
    if report is not None:
        (ctx.workdir / "coverage.json").write_text(report)
    outcome = parse_only(tmp_path, PYTEST, ProcessOutput(0, "", ""), layer="ci")
    assert outcome.status is Status.ERROR
    assert "coverage report" in outcome.message


def test_no_junit_report_at_all_is_an_error(tmp_path: Path) -> None:
    outcome = parse_only(tmp_path, PYTEST, ProcessOutput(0, "1 passed", ""), layer="pre-push")
    assert outcome.status is Status.ERROR


def test_the_slowest_tests_are_kept_for_the_report(tmp_path: Path) -> None:
    slow = "import time\n\n\ndef test_slow():\n    time.sleep(0.3)\n"
    root = make_project(
        tmp_path, {"tests/test_calc.py": HALF_THE_TESTS, "tests/test_slow.py": slow}
    )
    result = run_check(root, PYTEST, layer="pre-push")
    assert result.status is Status.PASSED, result.message
    names = [name for name, _ in result.slowest]
    assert names[0] == "tests.test_slow::test_slow"  # slowest first
    assert set(names) == {"tests.test_slow::test_slow", "tests.test_calc::test_used"}
    assert result.slowest[0][1] >= 0.3
    recorded = result.to_json()["slowest"]
    assert isinstance(recorded, list)
    assert recorded[0]["name"] == "tests.test_slow::test_slow"
