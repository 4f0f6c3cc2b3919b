"""The console reporter: a line per check, findings grouped by file, a closing table.

Plain text when the output is not a terminal or NO_COLOR is set; rich (imported only
then) for a live line per check on a terminal.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, TextIO

from gates.config.durations import format_seconds
from gates.events import (
    BudgetExceeded,
    CheckFinished,
    Event,
    RunFinished,
    RunStarted,
    StageFinished,
)
from gates.results import CheckResult, Finding, Status

WIDTH = 28


def status_line(result: CheckResult) -> str:
    timing = f"{result.duration:6.2f} s" if result.status is not Status.SKIPPED else ""
    return f"{result.name:<{WIDTH}} {result.status.value:<8} {timing}".rstrip()


def detail_lines(result: CheckResult) -> list[str]:
    if not result.message or (result.status is Status.PASSED and not result.findings):
        return [f"    {result.message}"] if result.message else []
    return [f"    {line}" for line in result.message.splitlines()]


def findings_by_file(results: Iterable[CheckResult]) -> list[str]:
    grouped: dict[str, list[tuple[str, Finding]]] = defaultdict(list)
    for result in results:
        for finding in result.findings:
            grouped[finding.path or "(project)"].append((result.name, finding))
    lines: list[str] = []
    for path in sorted(grouped):
        lines.append(path)
        for check, f in sorted(grouped[path], key=lambda item: (item[1].line or 0, item[0])):
            where = f"{f.line or '-'}:{f.column or '-'}"
            lines.append(f"  {where:<9} {check:<12} {f.rule:<14} {f.message}")
    return lines


def config_order(event: RunStarted) -> dict[str, int]:
    names = [name for stage in event.stages for name in stage]
    return {name: index for index, name in enumerate(names)}


def table_lines(results: Iterable[CheckResult]) -> list[str]:
    lines = [f"{'check':<{WIDTH}} {'status':<8} {'time':>8}  findings"]
    for r in results:
        timing = "-" if r.status is Status.SKIPPED else f"{r.duration:6.2f} s"
        lines.append(f"{r.name:<{WIDTH}} {r.status.value:<8} {timing:>8}  {len(r.findings)}")
    return lines


def summary_lines(event: RunFinished) -> list[str]:
    share = event.duration / event.budget if event.budget else 0.0
    verdict = "passed" if event.passed else "FAILED"
    used = f"{event.duration:.2f} s of {format_seconds(event.budget)} ({share:.0%})"
    return [f"{event.layer}  {used}  {verdict}"]


def budget_line(event: BudgetExceeded) -> str:
    culprits = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in event.culprits)
    return (
        f"over budget: {event.layer} took {event.elapsed:.2f} s of its"
        f" {format_seconds(event.budget)}; the time went to {culprits or 'no check'}"
    )


class PlainConsole:
    """Text for logs, CI and NO_COLOR: stable, in config order, no escape codes."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stdout
        self._stage: list[CheckResult] = []
        self._over: BudgetExceeded | None = None
        self._order: dict[str, int] = {}

    def __call__(self, event: Event) -> None:
        if isinstance(event, RunStarted):
            self._order = config_order(event)
            self._print(f"gates {event.layer}: {event.file_count} file(s), budget"
                        f" {format_seconds(event.budget)}")  # fmt: skip
            for note in event.notes:
                self._print(f"note: {note}")
        elif isinstance(event, CheckFinished):
            self._stage.append(event.result)
        elif isinstance(event, StageFinished):
            self._flush_stage()
        elif isinstance(event, BudgetExceeded):
            self._over = event
        elif isinstance(event, RunFinished):
            self._finish(event)

    def _flush_stage(self) -> None:
        for result in sorted(self._stage, key=lambda r: self._order.get(r.name, 0)):
            self._print(status_line(result))
            for line in detail_lines(result):
                self._print(line)
        self._stage.clear()

    def _finish(self, event: RunFinished) -> None:
        lines = findings_by_file(event.results)
        if lines:
            self._print("")
            for line in lines:
                self._print(line)
        self._print("")
        for line in table_lines(event.results):
            self._print(line)
        if self._over is not None:
            self._print(budget_line(self._over))
        for line in summary_lines(event):
            self._print(line)

    def _print(self, text: str) -> None:
        print(text, file=self.stream, flush=True)


def order_line(runs: int, stages: Iterable[Iterable[str]]) -> str:
    """Said when a layer's order was learned from its history: which order, from how much."""
    names = ", ".join(name for stage in stages for name in stage)
    return f"order learned from {runs} run{'s' if runs != 1 else ''}: {names}"


def trend_line(warnings: Sequence[Mapping[str, Any]], named: int = 3) -> str:
    """The run's warnings in one line: the budget first, then the checks that grew most."""
    budget = [str(w["message"]) for w in warnings if w.get("kind") == "budget"]
    grown = [str(w["message"]) for w in warnings if w.get("kind") != "budget"]
    more = len(grown) - named
    return "; ".join([*budget, *grown[:named], *([f"and {more} more"] if more > 0 else [])])
