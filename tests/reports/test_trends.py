"""Trends: budget and growth warnings, exact text for known inputs, expectations computed."""

from __future__ import annotations

import statistics
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from gates.reports.console import order_line, trend_line
from gates.reports.trends import (
    OLDER,
    RECENT,
    ago,
    budget_warning,
    check_medians,
    growth_warning,
    median,
    run_warnings,
    samples,
    seconds,
)

START = datetime(2024, 9, 1, 9, 0, tzinfo=timezone.utc)  # before any real run of a test


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def make_record(
    index: int,
    durations: dict[str, float],
    *,
    layer: str = "pre-commit",
    budget: float = 5.0,
    at: datetime | None = None,
    statuses: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A run record as RunRecorder writes it, with the check durations given."""
    status = statuses or {}
    checks = [
        {"name": name, "tool": "command", "stage": i, "status": status.get(name, "passed"),
         "duration_s": seconds, "message": "", "files": 1, "findings": [], "cache_hit": False}
        for i, (name, seconds) in enumerate(durations.items())
    ]  # fmt: skip
    total = sum(durations.values())
    return {
        "version": 1,
        "run_id": f"run-{layer}-{index:05d}",
        "layer": layer,
        "started_at": stamp(at or START + timedelta(hours=index)),
        "git": {"commit": None, "branch": "main"},
        "files": 1,
        "budget_s": budget,
        "stages": [[name] for name in durations],
        "status": "passed",
        "duration_s": total,
        "budget_used": total / budget,
        "checks": checks,
        "skips": [],
        "warnings": [],
    }


def series(values: list[float], check: str = "secrets", days_apart: float = 1.0) -> list[Any]:
    return [
        make_record(i, {check: v}, at=START + timedelta(days=days_apart * i))
        for i, v in enumerate(values)
    ]


def test_median_matches_the_standard_library() -> None:
    for values in ([3.0], [1.0, 4.0], [5.0, 1.0, 3.0], [0.2, 0.9, 0.4, 0.4, 7.0, 0.1]):
        assert median(values) == statistics.median(values)
    with pytest.raises(ValueError, match="no values"):
        median([])


def test_only_runs_that_did_their_work_are_samples() -> None:
    records = [
        make_record(0, {"a": 1.0}),
        make_record(1, {"a": 0.0}, statuses={"a": "skipped"}),
        make_record(2, {"a": 0.01}, statuses={"a": "error"}),  # a missing tool: no cost
        make_record(3, {"a": 2.0}, statuses={"a": "failed"}),
        make_record(4, {"a": 5.0}, statuses={"a": "timeout"}),
        make_record(5, {"a": 0.0}),
    ]
    records[5]["checks"][0]["cache_hit"] = True  # a cached result ran nothing
    assert [s for _, s in samples(records, "a")] == [1.0, 2.0, 5.0]
    assert samples([{"checks": "broken"}, {}], "a") == []


def test_check_medians_use_the_last_window_of_each_check() -> None:
    a = [0.1 * (i % 7) + 0.3 for i in range(80)]
    b = [2.0 + 0.05 * (i % 5) for i in range(80)]
    records = [make_record(i, {"a": a[i], "b": b[i]}) for i in range(80)]
    medians = check_medians(records)
    assert medians == {"a": statistics.median(a[-OLDER:]), "b": statistics.median(b[-OLDER:])}
    assert check_medians(records, window=5)["a"] == statistics.median(a[-5:])
    assert check_medians([]) == {}


@pytest.mark.parametrize(
    ("used", "budget", "expected"),
    [
        (4.3, 5.0, "pre-commit used 4.3 s of 5 s"),
        (4.0, 5.0, None),  # 80% exactly is not "more than 80%"
        (5.0, 5.0, "pre-commit used 5 s of 5 s"),
        (5.2, 5.0, None),  # over the budget: the run failed and the console said why
        (55.0, 60.0, "pre-commit used 55 s of 60 s"),
        (0.45, 0.5, "pre-commit used 0.45 s of 0.5 s"),
    ],
)
def test_budget_warning(used: float, budget: float, expected: str | None) -> None:
    record = make_record(0, {"a": used}, budget=budget)
    warning = budget_warning(record)
    assert (warning["message"] if warning else None) == expected


def test_growth_warning_names_the_check_and_the_figures() -> None:
    older, recent = [0.8] * OLDER, [2.9] * RECENT
    records = series(older + recent)
    warning = growth_warning(records, "secrets")
    assert warning is not None
    # One run a day: the older window's middle run (day 25) is 34 days before the last.
    assert warning["message"] == "secrets: median 2.9 s, was 0.8 s a month ago"
    assert (warning["median_s"], warning["was_s"], warning["older_runs"]) == (2.9, 0.8, 50)


def test_growth_on_the_same_day_counts_runs_instead_of_dates() -> None:
    older = [0.3 + 0.01 * (i % 9) for i in range(30)]
    recent = [0.7 + 0.02 * (i % 4) for i in range(RECENT)]
    records = series(older + recent, days_apart=0.001)
    warning = growth_warning(records, "secrets")
    now, was = statistics.median(recent), statistics.median(older)
    assert warning is not None
    assert warning["message"] == (
        f"secrets: median {seconds(now)}, was {seconds(was)} over the 30 runs before"
    )


@pytest.mark.parametrize(
    ("older", "recent"),
    [
        ([1.0] * 50, [1.4] * 10),  # 1.4 times: within the noise of a busy machine
        ([0.1] * 50, [0.19] * 10),  # 1.9 times, but 90 ms: no one notices
        ([0.1] * 9, [1.0] * 10),  # nine earlier runs say nothing about "before"
        ([0.1] * 56, [1.0] * 4),  # four slow runs of the last ten are not a trend
        ([2.0] * 50, [0.5] * 10),  # faster is not news
    ],
)
def test_no_growth_warning(older: list[float], recent: list[float]) -> None:
    assert growth_warning(series(older + recent), "secrets") is None


def test_only_the_last_fifty_before_the_recent_ten_count() -> None:
    # Long ago the check was slow; the 50 runs before the recent 10 were fast.
    values = [3.0] * 40 + [0.5] * OLDER + [1.0] * RECENT
    warning = growth_warning(series(values), "secrets")
    assert warning is not None
    assert (warning["was_s"], warning["median_s"]) == (0.5, 1.0)


def test_run_warnings_put_the_budget_first_and_the_largest_growth_next() -> None:
    earlier = [make_record(i, {"secrets": 0.8, "ruff": 0.1, "mypy": 1.0}) for i in range(OLDER)] + [
        make_record(OLDER + i, {"secrets": 2.0, "ruff": 0.5, "mypy": 1.1}) for i in range(9)
    ]
    current = make_record(OLDER + 9, {"secrets": 2.0, "ruff": 0.5, "mypy": 1.1})
    current["duration_s"] = 4.3
    kinds = [(w["kind"], w.get("check")) for w in run_warnings(current, earlier)]
    assert kinds == [("budget", None), ("slower", "secrets"), ("slower", "ruff")]
    assert trend_line(run_warnings(current, earlier)) == (
        "pre-commit used 4.3 s of 5 s; secrets: median 2 s, was 0.8 s over the 50 runs before;"
        " ruff: median 0.5 s, was 0.1 s over the 50 runs before"
    )


def test_trend_line_names_three_checks_at_most() -> None:
    warnings = [{"kind": "budget", "message": "ci used 250 s of 300 s"}] + [
        {"kind": "slower", "message": f"c{i}: median 2 s, was 1 s over the 50 runs before"}
        for i in range(5)
    ]
    line = trend_line(warnings)
    assert line.startswith("ci used 250 s of 300 s; c0: median 2 s")
    assert line.endswith("c2: median 2 s, was 1 s over the 50 runs before; and 2 more")
    assert "\n" not in line


def test_order_line() -> None:
    stages = (("ruff-lint",), ("secrets", "mypy"))
    assert order_line(37, stages) == "order learned from 37 runs: ruff-lint, secrets, mypy"
    assert order_line(1, (("a",),)) == "order learned from 1 run: a"


@pytest.mark.parametrize(
    ("days", "said"),
    [(1.9, None), (2, "2 days ago"), (13, "13 days ago"), (14, "2 weeks ago"),
     (27, "4 weeks ago"), (28, "a month ago"), (59, "a month ago"), (60, "2 months ago"),
     (200, "7 months ago")],
)  # fmt: skip
def test_ago(days: float, said: str | None) -> None:
    assert ago(stamp(START), stamp(START + timedelta(days=days))) == said
    assert ago("not a date", stamp(START)) is None


def test_seconds() -> None:
    assert [seconds(v) for v in (0.012, 0.25, 0.8, 2.94, 9.96, 12.4, 300.0)] == [
        "0.012 s", "0.25 s", "0.8 s", "2.9 s", "10 s", "12 s", "300 s",
    ]  # fmt: skip
