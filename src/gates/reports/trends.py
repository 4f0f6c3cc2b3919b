"""Warnings before a budget breaks, and the check medians a learned order sorts by.

Pure functions over run records (the JSON of `gates.reports.record`), oldest first. No
hook manager keeps timing history, so a team learns that a gate got slow when developers
start typing --no-verify; these warnings say it while it is still a trend.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

Record = Mapping[str, Any]

BUDGET_SHARE = 0.8  # a layer that used more than this share of its budget is warned about
RECENT = 10  # a check's latest runs...
OLDER = 50  # ...against the runs before them
GROWTH = 1.5  # the recent median is at least this many times the older one,
MIN_GROWTH_S = 0.1  # and larger by this much: a check from 10 ms to 20 ms is no news
MIN_OLDER = 10  # fewer earlier runs than this say nothing about "before"
_MEASURED = ("passed", "failed", "timeout")  # a skipped or broken run says nothing of cost
_DAY = 86_400.0


def median(values: Iterable[float]) -> float:
    """The middle value (statistics.median, without importing `fractions` on every commit)."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("the median of no values")
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def samples(records: Sequence[Record], check: str) -> list[tuple[str, float]]:
    """(started_at, seconds) of each run of `check` that did its work, oldest first."""
    found = []
    for record in records:
        for item in _checks(record):
            if item.get("name") == check and _measured(item):
                found.append((str(record.get("started_at", "")), float(item["duration_s"])))
    return found


def check_medians(records: Sequence[Record], window: int = OLDER) -> dict[str, float]:
    """Each check's median over its last `window` measured runs."""
    names = dict.fromkeys(str(i.get("name")) for r in records for i in _checks(r))
    medians = {}
    for name in names:
        durations = [seconds for _, seconds in samples(records, name)[-window:]]
        if durations:
            medians[name] = median(durations)
    return medians


def run_warnings(record: Record, earlier: Sequence[Record]) -> list[dict[str, Any]]:
    """What to warn about after `record`, given the `earlier` runs of its layer."""
    warnings = [w for w in [budget_warning(record)] if w is not None]
    history = [*earlier, record]
    grown = [growth_warning(history, str(item.get("name"))) for item in _checks(record)]
    ranked = sorted((g for g in grown if g is not None), key=lambda g: -g["grew_s"])
    return warnings + ranked


def budget_warning(record: Record) -> dict[str, Any] | None:
    """More than 80% of the budget used, and not over it (an overrun is already a failure)."""
    used, budget = record.get("duration_s"), record.get("budget_s")
    if not isinstance(used, int | float) or not isinstance(budget, int | float) or budget <= 0:
        return None
    if not BUDGET_SHARE * budget < used <= budget:
        return None
    layer = record.get("layer")
    return {
        "kind": "budget",
        "layer": layer,
        "used_s": used,
        "budget_s": budget,
        "message": f"{layer} used {seconds(used)} of {budget:g} s",
    }


def growth_warning(history: Sequence[Record], check: str) -> dict[str, Any] | None:
    """The check's median over its last 10 runs against the 50 before, when it grew."""
    runs = samples(history, check)
    recent, older = runs[-RECENT:], runs[-RECENT - OLDER : -RECENT]
    if len(recent) < RECENT or len(older) < MIN_OLDER:
        return None
    now, was = median(s for _, s in recent), median(s for _, s in older)
    if now <= GROWTH * was or now - was <= MIN_GROWTH_S:
        return None
    when = ago(older[len(older) // 2][0], recent[-1][0]) or f"over the {len(older)} runs before"
    return {
        "kind": "slower",
        "check": check,
        "median_s": round(now, 4),
        "was_s": round(was, 4),
        "grew_s": round(now - was, 4),
        "recent_runs": len(recent),
        "older_runs": len(older),
        "message": f"{check}: median {seconds(now)}, was {seconds(was)} {when}",
    }


def seconds(value: float) -> str:
    """2.9 s, 0.25 s, 12 s: two significant figures, enough to compare."""
    return f"{value:.0f} s" if value >= 10 else f"{value:.2g} s"


def ago(then: str, now: str) -> str | None:
    """'a month ago' when the two times are at least two days apart, else None."""
    start, end = _epoch(then), _epoch(now)
    if start is None or end is None or end - start < 2 * _DAY:
        return None
    days = (end - start) / _DAY
    if days < 14:
        return f"{days:.0f} days ago"
    if days < 28:
        return f"{days / 7:.0f} weeks ago"
    if days < 60:
        return "a month ago"
    return f"{days / 30:.0f} months ago"


def _epoch(stamp: str) -> float | None:
    from datetime import datetime, timezone  # only when a growth is found

    try:
        moment = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return None
    return moment.replace(tzinfo=timezone.utc).timestamp()


def _checks(record: Record) -> list[Mapping[str, Any]]:
    checks = record.get("checks")
    return [c for c in checks if isinstance(c, Mapping)] if isinstance(checks, list) else []


def _measured(item: Mapping[str, Any]) -> bool:
    duration = item.get("duration_s")
    return (
        item.get("status") in _MEASURED
        and not item.get("cache_hit")
        and isinstance(duration, int | float)
        and not isinstance(duration, bool)
    )
