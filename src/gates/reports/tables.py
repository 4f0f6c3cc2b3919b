"""The tables every format of `gates report` shows, as plain rows of text.

HTML, Markdown and the terminal draw the same rows, so the three say the same thing. Only
names, times and statuses appear: never a check's message or findings, which may quote
what a secret scan found.
"""

from __future__ import annotations

from dataclasses import dataclass

from gates.reports.summary import LayerSummary, Run, format_seconds

RECENT_PROBLEMS = 12  # rows in the "overruns and failures" table


@dataclass(frozen=True)
class Table:
    title: str
    head: tuple[str, ...]
    align: str  # a letter a column: l text, n number
    rows: tuple[tuple[str, ...], ...]
    empty: str  # said instead of an empty table; "" leaves the table out


def headline(s: LayerSummary) -> list[tuple[str, str, bool]]:
    """The layer's key figures: (label, value, whether it is bad news)."""
    passed = len(s.runs) - len(s.failures)
    budget = format_seconds(s.budget_s) if s.budget_s is not None else "none"
    return [
        ("runs", str(len(s.runs)), False),
        ("passed", f"{100 * passed / len(s.runs):.0f}%", passed < len(s.runs)),
        ("median wall time", format_seconds(s.median_s), False),
        ("p95 wall time", format_seconds(s.p95_s), False),
        ("budget", budget, False),
        ("over budget", str(len(s.overruns)), bool(s.overruns)),
        ("failed", str(len(s.failures)), bool(s.failures)),
    ]


def checks(s: LayerSummary) -> Table:
    rows = tuple(
        (
            c.name,
            str(c.runs),
            format_seconds(c.median_s),
            format_seconds(c.p95_s),
            str(c.failures) if c.failures else "",
        )
        for c in s.checks
    )
    head = ("check", "runs", "median", "p95", "failed")
    return Table("Checks", head, "lnnnn", rows, "no check has run yet")


def growth(s: LayerSummary) -> Table:
    rows = tuple(
        (
            g.name,
            format_seconds(g.older_median_s),
            format_seconds(g.recent_median_s),
            f"+{format_seconds(g.delta_s)}" + (f" (+{g.ratio - 1:.0%})" if g.ratio else ""),
        )
        for g in s.growth
    )
    head = ("check", "older median", "recent median", "change")
    return Table("Grew the most", head, "lnnn", rows, "no check got slower, or too few runs")


def problems(s: LayerSummary, limit: int = RECENT_PROBLEMS) -> Table:
    latest = [r for r in s.runs if r.over_budget or not r.passed][-limit:]
    rows = tuple(_problem(r) for r in reversed(latest))
    head = ("run started", "wall time", "outcome", "checks")
    empty = "none: every run passed within its budget"
    return Table("Overruns and failures, latest first", head, "lnll", rows, empty)


def slowest(s: LayerSummary) -> Table:
    rows = tuple(
        (i.name, i.check, format_seconds(i.median_s), format_seconds(i.max_s), str(i.runs))
        for i in s.slowest
    )
    head = ("test or file", "check", "median", "max", "runs")
    # empty "": the layer's tools report no per-test times, so there is nothing to say
    return Table("Slowest tests and files", head, "llnnn", rows, "")


def all_tables(s: LayerSummary) -> list[Table]:
    return [checks(s), growth(s), problems(s), slowest(s)]


def started(run: Run) -> str:
    """`2025-11-24T13:05:09Z` as `2025-11-24 13:05`: seconds only take room."""
    text = run.started_at.replace("T", " ")
    return text[:16] if len(text) >= 16 else text


def _problem(run: Run) -> tuple[str, str, str, str]:
    if run.over_budget:
        culprits = ", ".join(f"{c} {format_seconds(t)}" for c, t in run.culprits)
        return started(run), format_seconds(run.duration_s), "over budget", culprits
    failed = ", ".join(run.failed_checks)
    return started(run), format_seconds(run.duration_s), "failed", failed
