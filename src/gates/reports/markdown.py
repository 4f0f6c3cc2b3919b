"""A Markdown summary of a run, for a CI job summary ($GITHUB_STEP_SUMMARY) or a PR comment.

A table of the checks, the budget used, then the findings grouped by file. The findings
are capped: a job summary has a size limit, and past a hundred lines nobody reads on; the
console and `gates run --json` list them all.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from gates.events import BudgetExceeded, Event, RunFinished
from gates.reports.report_file import write_report
from gates.results import CheckResult, Finding, Status

MAX_FINDINGS = 100
MAX_DETAIL = 120  # characters of a check's message shown in the table
STATUS = {
    Status.PASSED: "✅ passed",
    Status.FAILED: "❌ failed",
    Status.ERROR: "💥 error",
    Status.TIMEOUT: "⏱️ timeout",
    Status.SKIPPED: "⏭️ skipped",
}
# GFM's backslash escapes, for text from tools that must not turn into markup.
_MARKUP = re.compile(r"([\\`*_\[\]<>|~#])")


class MarkdownReport:
    """Subscribes to a run's events and writes the Markdown summary when it finishes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._over: BudgetExceeded | None = None

    def __call__(self, event: Event) -> None:
        if isinstance(event, BudgetExceeded):
            self._over = event
        elif isinstance(event, RunFinished):
            self._write(event)

    def _write(self, event: RunFinished) -> None:
        write_report(self.path, "Markdown", lambda: self.build(event))

    def build(self, event: RunFinished) -> str:
        verdict = "passed" if event.passed else "failed"
        lines = [f"## gates {event.layer}: {verdict}", "", *table(event.results), ""]
        lines += [budget_line(event), ""]
        if self._over is not None:
            lines += [over_budget_line(self._over), ""]
        findings = findings_by_file(event.results)
        if findings:
            lines += ["### Findings", "", *findings, ""]
        return "\n".join(lines)


def table(results: Iterable[CheckResult]) -> list[str]:
    lines = ["| check | status | time | findings | details |", "| --- | --- | ---: | ---: | --- |"]
    for r in results:
        timing = "-" if r.status is Status.SKIPPED else f"{r.duration:.2f} s"
        detail = r.message.splitlines()[0] if r.message else ""
        if len(detail) > MAX_DETAIL:
            detail = detail[: MAX_DETAIL - 1] + "…"
        cells = [escape(r.name), STATUS[r.status], timing, str(len(r.findings)), escape(detail)]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def budget_line(event: RunFinished) -> str:
    share = f" ({event.duration / event.budget:.0%})" if event.budget else ""
    return f"**Budget:** {event.duration:.2f} s of {event.budget:g} s{share} used."


def over_budget_line(over: BudgetExceeded) -> str:
    culprits = ", ".join(f"{escape(n)} {s:.2f} s" for n, s in over.culprits) or "no check"
    return (
        f"> **Over budget:** {escape(over.layer)} took {over.elapsed:.2f} s of its"
        f" {over.budget:g} s; the time went to {culprits}."
    )


def findings_by_file(results: Iterable[CheckResult]) -> list[str]:
    grouped: dict[str, list[tuple[str, Finding]]] = defaultdict(list)
    for result in results:
        for finding in result.findings:
            grouped[finding.path or ""].append((result.name, finding))
    total = sum(len(items) for items in grouped.values())
    lines: list[str] = []
    shown = 0
    for path in sorted(grouped):  # "" sorts first: findings about the project as a whole
        if shown >= MAX_FINDINGS:
            break
        items = sorted(grouped[path], key=lambda item: (item[1].line or 0, item[0]))
        items = items[: MAX_FINDINGS - shown]
        lines += ["", f"**{code(path)}**" if path else "**the project**", ""]
        lines += [finding_item(check, f) for check, f in items]
        shown += len(items)
    if total > shown:
        lines += ["", f"_… and {total - shown} more; `gates run --json` lists them all._"]
    return lines[1:]


def finding_item(check: str, finding: Finding) -> str:
    where = ":".join(str(part) for part in (finding.line, finding.column) if part)
    place = f"`{where}` " if where else ""
    message = escape(finding.message)
    return f"- {place}{escape(check)} **{escape(finding.rule)}** {message}"


def code(text: str) -> str:
    """`text` as inline code, fenced with more backticks than it holds."""
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def escape(text: str) -> str:
    """`text` as plain GFM inline text: one line, no markup, no HTML."""
    flat = " ".join(text.split())
    return _MARKUP.sub(r"\\\1", flat.replace("&", "&amp;"))
