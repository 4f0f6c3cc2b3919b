"""JUnit XML: one <testsuite> for the layer, one <testcase> per check, for CI test views.

A failed check is a <failure> whose text lists its findings; an error or a timeout is an
<error>; a skipped check is <skipped> with its reason. A layer that ran over its budget
fails even when every check passed, so it gets one more test case, `budget`, that fails:
otherwise a test view would show green for a red job.
"""

from __future__ import annotations

import re
import socket
import time
from pathlib import Path

# Only builds XML, never parses any: nothing untrusted reaches an XML parser here.
from xml.etree import ElementTree  # nosec B405

from gates.events import BudgetExceeded, Event, RunFinished, RunStarted
from gates.reports.report_file import write_report
from gates.results import CheckResult, Finding, Status

MAX_FINDINGS = 1000  # per check: past that, test views choke and nobody reads on
# Characters XML 1.0 cannot hold at all (tool output may carry terminal escapes).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class JunitReport:
    """Subscribes to a run's events and writes JUnit XML to `path` when it finishes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._started: RunStarted | None = None
        self._over: BudgetExceeded | None = None

    def __call__(self, event: Event) -> None:
        if isinstance(event, RunStarted):
            self._started = event
        elif isinstance(event, BudgetExceeded):
            self._over = event
        elif isinstance(event, RunFinished):
            self._write(event)

    def _write(self, event: RunFinished) -> None:
        write_report(self.path, "JUnit", lambda: self.build(event))

    def build(self, event: RunFinished) -> str:
        suite = self._suite(event)
        root = ElementTree.Element("testsuites", name="gates")
        for name in ("tests", "failures", "errors", "skipped", "time"):
            root.set(name, suite.get(name, "0"))
        root.append(suite)
        ElementTree.indent(root)
        body = ElementTree.tostring(root, encoding="unicode")
        return f'<?xml version="1.0" encoding="utf-8"?>\n{body}\n'

    def _suite(self, event: RunFinished) -> ElementTree.Element:
        cases = [testcase(r, event.layer) for r in event.results]
        if self._over is not None:
            cases.append(budget_case(self._over))
        suite = ElementTree.Element("testsuite", name=event.layer)
        counts = {"failures": "failure", "errors": "error", "skipped": "skipped"}
        suite.set("tests", str(len(cases)))
        for attribute, tag in counts.items():
            suite.set(attribute, str(sum(1 for c in cases if c.find(tag) is not None)))
        suite.set("time", seconds(event.duration))
        if self._started is not None:
            stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(self._started.started_at))
            suite.set("timestamp", stamp)
        suite.set("hostname", socket.gethostname())
        suite.append(properties(event))
        suite.extend(cases)
        return suite


def testcase(result: CheckResult, layer: str) -> ElementTree.Element:
    case = ElementTree.Element(
        "testcase", name=result.name, classname=layer, time=seconds(result.duration)
    )
    message = clean(result.message.splitlines()[0] if result.message else result.status.value)
    if result.status is Status.SKIPPED:
        ElementTree.SubElement(case, "skipped", message=message)
    elif result.status is Status.FAILED:
        failure = ElementTree.SubElement(case, "failure", message=message, type="failed")
        failure.text = details(result)
    elif result.status in (Status.ERROR, Status.TIMEOUT):
        error = ElementTree.SubElement(case, "error", message=message, type=result.status.value)
        error.text = details(result)
    elif result.findings or result.message:  # passed, with notes or warnings worth reading
        ElementTree.SubElement(case, "system-out").text = details(result)
    return case


def budget_case(over: BudgetExceeded) -> ElementTree.Element:
    case = ElementTree.Element("testcase", name="budget", classname=over.layer)
    case.set("time", seconds(over.elapsed))
    culprits = ", ".join(f"{name} {s:.2f} s" for name, s in over.culprits) or "no check"
    text = f"{over.layer} took {over.elapsed:.2f} s of its {over.budget:g} s budget"
    failure = ElementTree.SubElement(case, "failure", message=text, type="over-budget")
    failure.text = f"{text}; the time went to {culprits}"
    return case


def properties(event: RunFinished) -> ElementTree.Element:
    element = ElementTree.Element("properties")
    values = {
        "run_id": event.run_id,
        "budget_s": f"{event.budget:g}",
        "passed": "true" if event.passed else "false",
    }
    for name, value in values.items():
        ElementTree.SubElement(element, "property", name=f"gates.{name}", value=value)
    return element


def details(result: CheckResult) -> str:
    lines = [result.message] if result.message else []
    lines += [finding_line(f) for f in result.findings[:MAX_FINDINGS]]
    if len(result.findings) > MAX_FINDINGS:
        lines.append(f"... and {len(result.findings) - MAX_FINDINGS} more finding(s)")
    return clean("\n".join(lines))


def finding_line(finding: Finding) -> str:
    where = ":".join(str(part) for part in (finding.line, finding.column) if part)
    place = f"{finding.path}:{where}" if where and finding.path else finding.path or "(project)"
    return f"{place}: {finding.rule} {finding.message} [{finding.severity.value}]"


def seconds(duration: float) -> str:
    return f"{duration:.3f}"


def clean(text: str) -> str:
    return _NOT_XML.sub("?", text)
