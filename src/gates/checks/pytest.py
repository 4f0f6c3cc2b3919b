"""pytest: failures from the JUnit XML report; in ci, the coverage gate from coverage JSON.

Before a push the suite runs quick (-x -q, no coverage); in the ci layer it runs in full
with pytest-cov, and a total below the config's `coverage` fails the check with the figure.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

from gates.checks.base import CheckContext, ProcessOutput, Tool, relative, tail
from gates.results import Finding, Outcome, Status

_NO_TESTS = 5
SLOWEST = 10  # tests kept in the run record, slowest first


def _junit(ctx: CheckContext) -> Path:
    return _reports(ctx) / "junit.xml"


def _coverage(ctx: CheckContext) -> Path:
    return _reports(ctx) / "coverage.json"


def _reports(ctx: CheckContext) -> Path:
    if ctx.workdir is None:  # the Tool below asks for one: the pipeline always gives it
        raise ValueError("the pytest check needs a folder for its reports")
    return ctx.workdir


def build(ctx: CheckContext) -> list[str]:
    args = ["pytest", *ctx.spec.args, f"--junitxml={_junit(ctx)}", "-o", "junit_family=xunit1"]
    if ctx.layer != "ci":
        return [*args, "-x", "-q"]
    has_source = any(a == "--cov" or a.startswith("--cov=") for a in ctx.spec.args)
    return [*args, *([] if has_source else ["--cov"]), f"--cov-report=json:{_coverage(ctx)}"]


def parse(ctx: CheckContext, out: ProcessOutput) -> Outcome:
    if out.returncode == _NO_TESTS:
        return Outcome.error("pytest collected no tests")
    if not _junit(ctx).is_file():
        return Outcome.error(
            f"pytest exited with {out.returncode}: {tail(out.stdout + out.stderr)}"
        )
    from xml.etree.ElementTree import ParseError  # nosec B405: our own pytest run wrote it

    try:
        failures, slowest = _read_junit(_junit(ctx), ctx)
    except ParseError as exc:
        return Outcome.error(f"pytest wrote a JUnit report gates cannot parse: {exc}")
    return dataclasses.replace(_verdict(ctx, out, failures), slowest=slowest)


def _verdict(ctx: CheckContext, out: ProcessOutput, failures: tuple[Finding, ...]) -> Outcome:
    gate = _coverage_gate(ctx) if ctx.layer == "ci" else Outcome(Status.PASSED)
    # A project's own --cov-fail-under (in addopts) makes pytest exit 1 with no test failed,
    # before a push too, and in ci also when its figure is above gates' own gate.
    if out.returncode == 1 and gate.status is Status.PASSED:
        gate = _own_coverage_gate(out, gate)
    own_gate_failed = out.returncode == 1 and gate.status is Status.FAILED
    if not failures and out.returncode != 0 and not own_gate_failed:
        return Outcome.error(
            f"pytest exited with {out.returncode}: {tail(out.stdout + out.stderr)}"
        )
    if not failures:
        return gate
    message = f"{len(failures)} test(s) failed" + (f"; {gate.message}" if gate.message else "")
    return Outcome(Status.FAILED, failures + gate.findings, message)


def _read_junit(
    junit: Path, ctx: CheckContext
) -> tuple[tuple[Finding, ...], tuple[tuple[str, float], ...]]:
    """The failed tests, and the slowest ones (for the report's "slowest tests")."""
    from xml.etree import ElementTree  # nosec B405: imported late, off the commit's hot path

    root = ElementTree.parse(junit).getroot()  # noqa: S314  # nosec B314: our own pytest wrote it
    timed = [
        (f"{case.get('classname')}::{case.get('name')}", float(case.get("time") or 0))
        for case in root.iter("testcase")
    ]
    slowest = tuple(sorted(timed, key=lambda item: -item[1])[:SLOWEST])
    return _failures(root, ctx), slowest


def _failures(root: Any, ctx: CheckContext) -> tuple[Finding, ...]:
    found = []
    for case in root.iter("testcase"):
        for problem in (*case.findall("failure"), *case.findall("error")):
            line = case.get("line")
            found.append(
                Finding(
                    path=relative(case.get("file") or "", ctx.root) or None,
                    line=int(line) + 1 if line and line.isdigit() else None,
                    column=None,
                    rule=f"test-{problem.tag}",
                    message=f"{case.get('classname')}::{case.get('name')}: "
                    + (problem.get("message") or "failed").splitlines()[0][:300],
                )
            )
    return tuple(found)


def _own_coverage_gate(out: ProcessOutput, gate: Outcome) -> Outcome:
    """The project's own coverage gate, failed, as pytest-cov reported it; else `gate`."""
    for line in (out.stdout + "\n" + out.stderr).splitlines():
        if "Required test coverage of" in line and "not reached" in line:
            text = line.strip().removeprefix("FAIL ").removeprefix("ERROR: ")
            message = "; ".join(part for part in (gate.message, text) if part)
            return Outcome(Status.FAILED, (Finding(None, None, None, "coverage", text),), message)
    return gate


def _coverage_gate(ctx: CheckContext) -> Outcome:
    try:
        total = float(json.loads(_coverage(ctx).read_text())["totals"]["percent_covered"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        return Outcome.error(
            f"pytest-cov wrote no usable coverage report ({exc}); pip install pytest-cov"
        )
    figure = f"coverage {total:.1f}% (gate {ctx.coverage:g}%)"
    if total + 1e-9 < ctx.coverage:
        finding = Finding(None, None, None, "coverage", f"total {figure}")
        return Outcome(Status.FAILED, (finding,), figure)
    return Outcome(Status.PASSED, (), figure)


TOOL = Tool(
    "pytest",
    "pip install pytest pytest-cov",
    (),
    False,
    build,
    parse,
    program="pytest",
    workdir=True,
)
