"""The terminal reporter: a live line per check (a spinner, then status and time)."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group
from rich.live import Live
from rich.spinner import Spinner
from rich.table import Table
from rich.text import Text

from gates.config.durations import format_seconds
from gates.events import (
    BudgetExceeded,
    CheckFinished,
    CheckStarted,
    Event,
    RunFinished,
    RunStarted,
)
from gates.reports.console import budget_line, detail_lines, findings_by_file
from gates.results import CheckResult, Status

STYLE = {
    Status.PASSED: "green",
    Status.FAILED: "bold red",
    Status.ERROR: "bold magenta",
    Status.TIMEOUT: "bold red",
    Status.SKIPPED: "dim",
}


class RichConsole:
    def __init__(self, console: Console | None = None) -> None:
        self.console = console or Console(highlight=False)
        self._rows: dict[str, CheckResult | None] = {}
        self._running: set[str] = set()
        self._live: Live | None = None
        self._over: BudgetExceeded | None = None

    def __call__(self, event: Event) -> None:
        if isinstance(event, RunStarted):
            self._start(event)
        elif isinstance(event, CheckStarted):
            self._running.add(event.check)
        elif isinstance(event, CheckFinished):
            self._running.discard(event.result.name)
            self._rows[event.result.name] = event.result
        elif isinstance(event, BudgetExceeded):
            self._over = event
        elif isinstance(event, RunFinished):
            self._finish(event)
            return
        if self._live is not None:
            self._live.update(self._render())

    def _start(self, event: RunStarted) -> None:
        self._rows = {name: None for stage in event.stages for name in stage}
        self.console.print(
            f"[bold]gates {event.layer}[/]: {event.file_count} file(s),"
            f" budget {format_seconds(event.budget)}"
        )
        for note in event.notes:
            self.console.print(f"[yellow]note:[/] {note}")
        self._live = Live(self._render(), console=self.console, refresh_per_second=12)
        self._live.start()

    def _render(self) -> Group:
        lines: list[Any] = []
        for name, result in self._rows.items():
            if result is None:
                label = "running" if name in self._running else "waiting"
                lines.append(Spinner("dots", Text(f"{name:<28} {label}", style="dim")))
                continue
            lines.append(self._line(result))
        return Group(*lines)

    def _line(self, result: CheckResult) -> Text:
        line = Text(f"{result.name:<28} ")
        line.append(f"{result.status.value:<8}", style=STYLE[result.status])
        if result.status is not Status.SKIPPED:
            line.append(f" {result.duration:6.2f} s")
        for detail in detail_lines(result):
            line.append("\n" + detail, style="dim" if result.status is Status.SKIPPED else "")
        return line

    def _finish(self, event: RunFinished) -> None:
        if self._live is not None:
            self._live.update(self._render())
            self._live.stop()
        findings = findings_by_file(event.results)
        if findings:
            self.console.print()
            for line in findings:
                style = "bold" if not line.startswith(" ") else ""
                self.console.print(Text(line, style=style))
        self.console.print()
        self.console.print(self._table(event))
        if self._over is not None:
            self.console.print(Text(budget_line(self._over), style="bold red"))

    def _table(self, event: RunFinished) -> Table:
        share = event.duration / event.budget if event.budget else 0.0
        verdict = "[green]passed[/]" if event.passed else "[bold red]FAILED[/]"
        table = Table(
            title=f"{event.layer}  {event.duration:.2f} s of {format_seconds(event.budget)}"
            f" ({share:.0%})  {verdict}",
            title_justify="left",
        )
        for column in ("check", "status", "time", "findings"):
            table.add_column(column, justify="right" if column in ("time", "findings") else "left")
        for r in event.results:
            timing = f"{r.duration:.2f} s" if r.status is not Status.SKIPPED else "-"
            status = Text(r.status.value, style=STYLE[r.status])
            table.add_row(r.name, status, timing, str(len(r.findings)))
        return table
