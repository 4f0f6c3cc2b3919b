"""Statistics over recorded runs, shared by the HTML dashboard, Markdown and the terminal.

Pure functions over run records (the JSON shape of `gates.reports.record`), oldest first.
Records come from a history that may hold older versions or runs that ended badly, so
every field is read defensively: a value that is missing or of the wrong type is left out
of the statistics rather than failing the whole report.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

LAYER_ORDER = ("pre-commit", "pre-push", "ci")
RECENT_WINDOW = 20  # at most this many of a check's latest runs count as "recent"
MIN_GROWTH_SAMPLES = 4  # fewer than two runs on each side says nothing about a trend
TOP = 10  # rows in the "grew the most" and "slowest" tables
_BLOCKING = ("failed", "error", "timeout")  # the check statuses that fail a gate

Record = Mapping[str, Any]


@dataclass(frozen=True)
class Run:
    """One run of a layer, as the charts need it."""

    run_id: str
    started_at: str
    duration_s: float
    budget_s: float | None
    passed: bool
    failed_checks: tuple[str, ...]
    culprits: tuple[tuple[str, float], ...]  # the checks that used the time of an overrun

    @property
    def over_budget(self) -> bool:
        return bool(self.culprits) or (
            self.budget_s is not None and self.duration_s > self.budget_s
        )


@dataclass(frozen=True)
class CheckStats:
    name: str
    runs: int
    median_s: float
    p95_s: float
    failures: int


@dataclass(frozen=True)
class Growth:
    name: str
    older_median_s: float
    recent_median_s: float

    @property
    def delta_s(self) -> float:
        return self.recent_median_s - self.older_median_s

    @property
    def ratio(self) -> float | None:
        return self.recent_median_s / self.older_median_s if self.older_median_s else None


@dataclass(frozen=True)
class Slow:
    """A file or test a tool reported among its slowest (a check's `slowest` list)."""

    check: str
    name: str
    median_s: float
    max_s: float
    runs: int


@dataclass(frozen=True)
class LayerSummary:
    layer: str
    runs: tuple[Run, ...]
    checks: tuple[CheckStats, ...]
    growth: tuple[Growth, ...]
    slowest: tuple[Slow, ...]

    @property
    def budget_s(self) -> float | None:
        """The budget of the latest run: the one a reader compares today's runs with."""
        return next((r.budget_s for r in reversed(self.runs) if r.budget_s is not None), None)

    @property
    def overruns(self) -> tuple[Run, ...]:
        return tuple(r for r in self.runs if r.over_budget)

    @property
    def failures(self) -> tuple[Run, ...]:
        return tuple(r for r in self.runs if not r.passed)

    @property
    def median_s(self) -> float:
        return statistics.median(r.duration_s for r in self.runs)

    @property
    def p95_s(self) -> float:
        return percentile([r.duration_s for r in self.runs], 95)


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile, interpolated between the closest ranks (numpy's default)."""
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summarize(records: Iterable[Record], runs: int | None = None) -> list[LayerSummary]:
    """One summary per layer that has runs, in layer order, over its last `runs` runs."""
    by_layer: dict[str, list[Record]] = {}
    for record in records:
        if isinstance(record.get("layer"), str) and _number(record.get("duration_s")) is not None:
            by_layer.setdefault(record["layer"], []).append(record)
    order = sorted(by_layer, key=_layer_rank)
    return [summarize_layer(name, _last(by_layer[name], runs)) for name in order]


def summarize_layer(layer: str, records: Sequence[Record]) -> LayerSummary:
    samples = _check_samples(records)
    failures = Counter(
        str(c.get("name")) for r in records for c in _checks(r) if c.get("status") in _BLOCKING
    )
    return LayerSummary(
        layer=layer,
        runs=tuple(_run(r) for r in records),
        checks=tuple(
            CheckStats(name, len(d), statistics.median(d), percentile(d, 95), failures[name])
            for name, d in samples.items()
        ),
        growth=growth(samples),
        slowest=slowest(records),
    )


def growth(samples: Mapping[str, Sequence[float]]) -> tuple[Growth, ...]:
    """The checks whose recent median grew most over their older median, largest first.

    A check's latest min(20, n/2) timed runs are "recent", the ones before "older": halves
    when the history is short, and a recent window that follows change when it is long.
    """
    grown = []
    for name, durations in samples.items():
        if len(durations) < MIN_GROWTH_SAMPLES:
            continue
        cut = len(durations) - min(RECENT_WINDOW, len(durations) // 2)
        entry = Growth(name, statistics.median(durations[:cut]), statistics.median(durations[cut:]))
        if entry.delta_s > 0:
            grown.append(entry)
    return tuple(sorted(grown, key=lambda g: -g.delta_s)[:TOP])


def slowest(records: Iterable[Record]) -> tuple[Slow, ...]:
    """The files or tests with the largest median time, over the runs whose tool listed them."""
    times: dict[tuple[str, str], list[float]] = {}
    for record in records:
        for check in _checks(record):
            for item in check.get("slowest") or ():
                duration = _number(item.get("duration_s")) if isinstance(item, dict) else None
                if duration is not None and isinstance(item.get("name"), str):
                    times.setdefault((str(check.get("name")), item["name"]), []).append(duration)
    found = [
        Slow(check, name, statistics.median(d), max(d), len(d))
        for (check, name), d in times.items()
    ]
    return tuple(sorted(found, key=lambda s: (-s.median_s, s.name))[:TOP])


def format_seconds(seconds: float) -> str:
    """A duration as a reader wants it: ms below a second, one or two decimals above."""
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 120:
        # 2 significant decimals under 10 s, one above; no trailing zeros: a budget is "5 s"
        text = f"{seconds:.{2 if seconds < 10 else 1}f}".rstrip("0").rstrip(".")
        return f"{text} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}m {rest:02d}s" if rest else f"{minutes}m"


def _run(record: Record) -> Run:
    over = record.get("over_budget")
    culprits = over.get("culprits") if isinstance(over, dict) else None
    return Run(
        run_id=str(record.get("run_id", "")),
        started_at=str(record.get("started_at", "")),
        duration_s=_number(record.get("duration_s")) or 0.0,
        budget_s=_number(record.get("budget_s")),
        passed=record.get("status") == "passed",
        failed_checks=tuple(
            str(c.get("name")) for c in _checks(record) if c.get("status") in _BLOCKING
        ),
        culprits=tuple(
            (str(c.get("check")), _number(c.get("duration_s")) or 0.0)
            for c in culprits or ()
            if isinstance(c, dict)
        ),
    )


def _check_samples(records: Iterable[Record]) -> dict[str, list[float]]:
    """Each check's durations in run order; a skipped check did no work, so it has none."""
    samples: dict[str, list[float]] = {}
    for record in records:
        for check in _checks(record):
            duration = _number(check.get("duration_s"))
            if duration is not None and check.get("status") != "skipped":
                samples.setdefault(str(check.get("name")), []).append(duration)
    return samples


def _layer_rank(layer: str) -> tuple[int, str]:
    return (LAYER_ORDER.index(layer) if layer in LAYER_ORDER else len(LAYER_ORDER), layer)


def _last(records: list[Record], count: int | None) -> list[Record]:
    return records[-count:] if count else records


def _checks(record: Record) -> list[Mapping[str, Any]]:
    checks = record.get("checks")
    return [c for c in checks if isinstance(c, dict)] if isinstance(checks, list) else []


def _number(value: object) -> float | None:
    # bool is an int to Python, never a duration to us
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None
