"""The statistics behind `gates report`, on records whose answers are computed here."""

from __future__ import annotations

import statistics
from typing import Any

import pytest

from gates.reports.summary import (
    RECENT_WINDOW,
    TOP,
    format_seconds,
    growth,
    percentile,
    slowest,
    summarize,
)


def record(
    layer: str = "pre-commit",
    duration: float = 1.0,
    *,
    budget: float | None = 5.0,
    status: str = "passed",
    checks: dict[str, float] | None = None,
    statuses: dict[str, str] | None = None,
    culprits: list[tuple[str, float]] | None = None,
    slow: dict[str, list[tuple[str, float]]] | None = None,
    run: int = 0,
) -> dict[str, Any]:
    """A run record of the `gates run --json` shape, with only what a test sets."""
    statuses = statuses or {}
    return {
        "version": 1,
        "run_id": f"run{run}",
        "layer": layer,
        "started_at": f"2025-11-{1 + run // 24:02d}T{run % 24:02d}:00:00Z",
        "budget_s": budget,
        "status": status,
        "duration_s": duration,
        "checks": [
            _check(name, seconds, statuses.get(name, "passed"), (slow or {}).get(name))
            for name, seconds in (checks or {}).items()
        ],
        "over_budget": {"culprits": [{"check": c, "duration_s": d} for c, d in culprits]}
        if culprits
        else None,
    }


def _check(
    name: str, seconds: float, status: str, slow: list[tuple[str, float]] | None
) -> dict[str, Any]:
    check: dict[str, Any] = {"name": name, "status": status, "duration_s": seconds}
    if slow is not None:
        check["slowest"] = [{"name": n, "duration_s": d} for n, d in slow]
    return check


@pytest.mark.parametrize("size", [1, 2, 7, 20, 101])
def test_percentile_interpolates_as_the_inclusive_quantiles_do(size: int) -> None:
    values = [(i * 7919 % 1009) / 100 for i in range(size)]  # spread out, in no order
    expected = statistics.quantiles(values, n=20, method="inclusive")[-1] if size > 1 else values[0]
    assert percentile(values, 95) == pytest.approx(expected)
    assert percentile(values, 50) == pytest.approx(statistics.median(values))
    assert percentile(values, 0) == min(values)
    assert percentile(values, 100) == max(values)


def test_percentile_of_nothing_is_an_error() -> None:
    with pytest.raises(ValueError, match="no values"):
        percentile([], 95)


def test_layers_come_in_layer_order_each_cut_to_its_last_runs() -> None:
    records = [record(layer, float(i), run=i) for i, layer in enumerate(["ci", "pre-commit"] * 6)]
    records.append(record("nightly", 3.0))  # a layer gates does not know still shows, last
    summaries = summarize(records, runs=4)
    assert [s.layer for s in summaries] == ["pre-commit", "ci", "nightly"]
    pre_commit = summaries[0]
    assert [r.duration_s for r in pre_commit.runs] == [5.0, 7.0, 9.0, 11.0]
    assert [len(s.runs) for s in summarize(records)] == [6, 6, 1]


def test_records_without_a_layer_or_a_duration_are_left_out() -> None:
    broken: list[dict[str, Any]] = [
        {"layer": "ci"},
        {"duration_s": 1.0},
        {"layer": "ci", "duration_s": "slow"},
        {"layer": "ci", "duration_s": True},
        {"layer": "ci", "duration_s": float("nan")},
    ]
    assert summarize(broken) == []
    only = summarize([*broken, {"layer": "ci", "duration_s": 2.0, "checks": "?"}])
    assert [(s.layer, len(s.runs), s.checks) for s in only] == [("ci", 1, ())]


def test_check_median_and_p95_leave_skipped_runs_out_and_count_failures() -> None:
    durations = [0.1 * (i + 1) for i in range(30)]
    records = [
        record(checks={"lint": d, "mypy": 9.0}, run=i,
               statuses={"mypy": "skipped" if i % 3 else "failed"})
        for i, d in enumerate(durations)
    ]  # fmt: skip
    lint, mypy = summarize(records)[0].checks
    assert (lint.name, lint.runs, lint.failures) == ("lint", 30, 0)
    assert lint.median_s == pytest.approx(statistics.median(durations))
    assert lint.p95_s == pytest.approx(
        statistics.quantiles(durations, n=20, method="inclusive")[-1]
    )
    assert (mypy.runs, mypy.failures, mypy.median_s) == (10, 10, 9.0)


def test_wall_time_figures_and_the_latest_budget() -> None:
    walls = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0]
    records = [
        record(duration=w, budget=10.0 if i < 4 else 5.0, run=i) for i, w in enumerate(walls)
    ]
    s = summarize(records)[0]
    assert s.median_s == statistics.median(walls)
    assert s.p95_s == pytest.approx(statistics.quantiles(walls, n=20, method="inclusive")[-1])
    assert s.budget_s == 5.0


def test_overruns_by_culprits_or_by_time_and_failures() -> None:
    records = [
        record(duration=1.0),
        record(duration=6.0, status="failed", run=1),  # past its 5 s budget
        record(duration=4.0, status="failed", culprits=[("tests", 3.9)], run=2),
        record(duration=2.0, status="failed", checks={"lint": 0.1},
               statuses={"lint": "error"}, run=3),
        record(duration=50.0, budget=None, run=4),  # no budget: never over it
    ]  # fmt: skip
    s = summarize(records)[0]
    assert [r.run_id for r in s.overruns] == ["run1", "run2"]
    assert [r.run_id for r in s.failures] == ["run1", "run2", "run3"]
    assert s.runs[2].culprits == (("tests", 3.9),)
    assert s.runs[3].failed_checks == ("lint",)


def test_growth_compares_the_recent_window_with_the_runs_before() -> None:
    n = 60
    tests = [1.0] * (n - RECENT_WINDOW) + [3.0] * RECENT_WINDOW
    mypy = [2.0] * (n // 2) + [2.5] * (n // 2)  # grew before the window: its median moves less
    lint = [0.5] * (n // 2) + [0.1] * (n // 2)  # got faster: not listed
    found = growth({"tests": tests, "mypy": mypy, "lint": lint})
    assert [g.name for g in found] == ["tests", "mypy"]
    assert (found[0].older_median_s, found[0].recent_median_s) == (1.0, 3.0)
    assert found[0].delta_s == 2.0
    assert found[0].ratio == 3.0
    older, recent = mypy[: n - RECENT_WINDOW], mypy[n - RECENT_WINDOW :]
    assert found[1].delta_s == pytest.approx(statistics.median(recent) - statistics.median(older))


def test_growth_splits_a_short_history_in_halves_and_needs_four_runs() -> None:
    found = growth({"a": [1.0, 2.0, 3.0, 4.0, 5.0], "b": [1.0, 1.0, 9.0]})
    assert [(g.name, g.older_median_s, g.recent_median_s) for g in found] == [("a", 2.0, 4.5)]
    assert growth({"zero": [0.0, 0.0, 1.0, 1.0]})[0].ratio is None


def test_growth_keeps_the_largest() -> None:
    samples = {f"c{i}": [1.0, 1.0, 1.0 + i, 1.0 + i] for i in range(1, TOP + 5)}
    found = growth(samples)
    assert len(found) == TOP
    assert [g.delta_s for g in found] == sorted((g.delta_s for g in found), reverse=True)
    assert found[0].name == f"c{TOP + 4}"


def test_slowest_takes_each_items_median_over_the_runs_that_listed_it() -> None:
    records = [
        record(checks={"tests": 9.0}, slow={"tests": [("t::a", a), ("t::b", 0.5)]}, run=i)
        for i, a in enumerate([1.0, 3.0, 2.0])
    ]
    records.append(record(checks={"tests": 9.0}))  # a run whose tool listed nothing
    found = slowest(records)
    assert [(s.check, s.name, s.median_s, s.max_s, s.runs) for s in found] == [
        ("tests", "t::a", 2.0, 3.0, 3),
        ("tests", "t::b", 0.5, 0.5, 3),
    ]


def test_slowest_skips_malformed_items_and_keeps_the_top() -> None:
    items = [(f"t{i:02d}", float(i)) for i in range(TOP + 3)]
    rec = record(checks={"tests": 1.0}, slow={"tests": items})
    rec["checks"][0]["slowest"] += ["t::x", {"name": 3, "duration_s": 1.0}, {"name": "t::y"}]
    found = slowest([rec])
    assert [s.name for s in found] == [f"t{i:02d}" for i in range(TOP + 2, 2, -1)]
    assert slowest([record(checks={"tests": 1.0})]) == ()


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0.0004, "0 ms"), (0.25, "250 ms"), (1.0, "1 s"), (1.234, "1.23 s"), (5.0, "5 s"),
     (12.34, "12.3 s"), (60.0, "60 s"), (125.0, "2m 05s"), (300.0, "5m")],
)  # fmt: skip
def test_format_seconds(seconds: float, text: str) -> None:
    assert format_seconds(seconds) == text
