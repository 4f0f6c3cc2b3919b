"""JUnit XML: the real multi-tool run as CI test views read it, and recorded edge cases."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

import pytest

from gates.events import BudgetExceeded, Event, RunFinished, RunStarted
from gates.reports.junit import MAX_FINDINGS, JunitReport
from gates.results import CheckResult, Finding, Severity, Status
from tests.reports.test_sarif import EXPECTED, KEY, RealRun, real_run


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> RealRun:
    return real_run(tmp_path_factory)


def parse(text: str) -> ElementTree.Element:
    return ElementTree.fromstring(text)  # noqa: S314  (our own report, in a test)


def cases(suite: ElementTree.Element) -> dict[str, ElementTree.Element]:
    return {case.get("name", ""): case for case in suite.iter("testcase")}


def test_one_suite_for_the_layer_with_counts_that_add_up(planted: RealRun) -> None:
    text = planted.text("junit.xml")
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>')
    root = parse(text)
    assert root.tag == "testsuites"
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "ci"
    counts = {name: suite.get(name) for name in ("tests", "failures", "errors", "skipped")}
    assert counts == {"tests": "7", "failures": "6", "errors": "0", "skipped": "1"}
    assert float(suite.get("time", "")) > 0
    assert {name: root.get(name) for name in counts} == counts
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert properties["gates.passed"] == "false"


def test_a_case_per_check_in_config_order_with_the_findings_as_failure_text(
    planted: RealRun,
) -> None:
    suite = parse(planted.text("junit.xml")).find("testsuite")
    assert suite is not None
    names = [case.get("name") for case in suite.iter("testcase")]
    assert names == [*EXPECTED, "pip-audit"]
    for name, case in cases(suite).items():
        assert case.get("classname") == "ci"
        assert float(case.get("time", "")) >= 0
        if name == "pip-audit":
            (skipped,) = case.findall("skipped")
            assert skipped.get("message") == "skipped by --skip"
            continue
        (failure,) = case.findall("failure")
        rule, path, line = EXPECTED[name]
        assert f"{path}:{line}" in (failure.text or ""), failure.text
        assert rule in (failure.text or "")
    lint = cases(suite)["ruff-lint"].find("failure")
    assert lint is not None
    assert lint.get("message") == "1 finding(s)"
    assert "app/lint.py:3:8: F401 `os` imported but unused [error]" in (lint.text or "")


def test_the_planted_key_is_masked_in_the_junit_report(planted: RealRun) -> None:
    text = planted.text("junit.xml")
    assert KEY not in text
    assert KEY[4:] not in text
    assert "AKIA************ (20 chars)" in text


# --- recorded events ---------------------------------------------------------------------------


def junit_of(tmp_path: Path, results: tuple[CheckResult, ...], over: bool = False) -> str:
    report = JunitReport(tmp_path / "out" / "junit.xml")
    events: list[Event] = [RunStarted("r1", "pre-push", 60.0, 3, (("a",),), 0.0)]
    if over:
        events.append(BudgetExceeded("r1", "pre-push", 60.0, 61.5, (("tests", 60.0),)))
    events.append(RunFinished("r1", "pre-push", not over, 61.5, 60.0, results))
    for event in events:
        report(event)
    return (tmp_path / "out" / "junit.xml").read_text(encoding="utf-8")


def test_an_error_or_a_timeout_is_an_error_element_with_its_reason(tmp_path: Path) -> None:
    crashed = CheckResult("mypy", "mypy", 0, Status.ERROR, 0.2, (), "mypy exited with 2: boom")
    killed = CheckResult("tests", "pytest", 1, Status.TIMEOUT, 60.0, (), "killed at the budget")
    suite = parse(junit_of(tmp_path, (crashed, killed))).find("testsuite")
    assert suite is not None
    assert (suite.get("errors"), suite.get("failures")) == ("2", "0")
    for name, kind, text in (("mypy", "error", "boom"), ("tests", "timeout", "killed")):
        (error,) = cases(suite)[name].findall("error")
        assert error.get("type") == kind
        assert text in (error.get("message") or "")


def test_a_layer_over_budget_gets_a_failing_budget_case(tmp_path: Path) -> None:
    quick = CheckResult("mypy", "mypy", 0, Status.PASSED, 0.2)
    suite = parse(junit_of(tmp_path, (quick,), over=True)).find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures")) == ("2", "1")
    failure = cases(suite)["budget"].find("failure")
    assert failure is not None
    assert failure.get("message") == "pre-push took 61.50 s of its 60 s budget"
    assert "the time went to tests 60.00 s" in (failure.text or "")


def test_warnings_of_a_passed_check_are_output_and_terminal_codes_never_break_the_xml(
    tmp_path: Path,
) -> None:
    warning = Finding(None, None, None, "unaudited", "3 dependencies could not be audited",
                      Severity.WARNING)  # fmt: skip
    audit = CheckResult("pip-audit", "pip-audit", 0, Status.PASSED, 1.0, (warning,), "WARNING")
    noisy = CheckResult("lint", "command", 0, Status.FAILED, 0.1, (), "\x1b[31mred\x1b[0m \x00")
    suite = parse(junit_of(tmp_path, (audit, noisy))).find("testsuite")
    assert suite is not None
    out = cases(suite)["pip-audit"].find("system-out")
    assert out is not None
    assert "(project): unaudited 3 dependencies could not be audited [warning]" in (out.text or "")
    failure = cases(suite)["lint"].find("failure")
    assert failure is not None
    assert failure.get("message") == "?[31mred?[0m ?"


def test_a_check_with_too_many_findings_says_how_many_more(tmp_path: Path) -> None:
    findings = tuple(Finding("a.py", i, None, "E1", "x") for i in range(1, MAX_FINDINGS + 6))
    lint = CheckResult("lint", "ruff-lint", 0, Status.FAILED, 0.1, findings, "many")
    failure = cases(parse(junit_of(tmp_path, (lint,))))["lint"].find("failure")
    assert failure is not None
    lines = (failure.text or "").splitlines()
    assert len(lines) == 1 + MAX_FINDINGS + 1
    assert lines[-1] == "... and 5 more finding(s)"
