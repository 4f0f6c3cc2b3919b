"""Time `gates report` on a long history: 1,000 synthetic run records, rendered N times.

    python bench/report.py [--runs 1000] [--repeat 20] [--save gates-report.html]

The records have the shape `gates run --json` prints: the three layers in the mix a team
produces (mostly pre-commit), every check of the python preset with durations that drift
and jitter, a few failures and budget overruns, and pytest's slowest tests on the `tests`
check. The timing covers what `gates report` does once it has the records: the statistics
(`gates.reports.summary`) and each output format. Reading the history store is not timed
here: that is the store's own cost. Prints the median and minimum of each; exits 0.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console

from gates.reports.dashboard import render_html
from gates.reports.report_text import render_markdown, render_terminal
from gates.reports.summary import summarize

LAYERS = {  # layer: (share of runs, budget, {check: (stage, typical seconds)})
    "pre-commit": (0.6, 5.0, {
        "secrets": (0, 0.4), "ruff-format": (1, 0.05), "ruff-lint": (1, 0.06),
    }),
    "pre-push": (0.28, 60.0, {"mypy": (0, 6.0), "bandit": (0, 2.5), "tests": (1, 24.0)}),
    "ci": (0.12, 300.0, {
        "secrets": (0, 3.0), "ruff-format": (0, 0.2), "ruff-lint": (0, 0.3), "mypy": (1, 14.0),
        "bandit": (1, 4.0), "tests": (2, 95.0), "pip-audit": (3, 9.0),
    }),
}  # fmt: skip
TESTS = [f"tests/test_{m}.py::test_{t}" for m in ("cli", "run", "vcs", "config") for t in "abcd"]


def synthetic_history(count: int, seed: int = 5) -> list[dict[str, Any]]:
    """`count` run records, oldest first, one a few minutes after the other."""
    rng = random.Random(seed)  # noqa: S311 -- made-up timings, and the same ones every time
    names = list(LAYERS)
    weights = [LAYERS[n][0] for n in names]
    start = time.mktime((2025, 6, 1, 9, 0, 0, 0, 0, -1))
    return [
        _record(i, rng.choices(names, weights)[0], start + i * 900, i / count, rng)
        for i in range(count)
    ]


def _record(i: int, layer: str, at: float, age: float, rng: random.Random) -> dict[str, Any]:
    _, budget, plan = LAYERS[layer]
    checks = [_check(name, stage, base, age, rng) for name, (stage, base) in plan.items()]
    failed = rng.random() < 0.05
    if failed:
        checks[-1].update(status="failed", message="1 finding(s)")
    by_stage: dict[int, float] = {}
    for check in checks:
        by_stage[check["stage"]] = max(by_stage.get(check["stage"], 0.0), check["duration_s"])
    duration = sum(by_stage.values()) + 0.05
    if rng.random() < 0.03:  # a slow machine or a cold cache: the layer runs over
        duration = budget * rng.uniform(1.02, 1.3)
    over = duration > budget
    culprits = sorted(checks, key=lambda c: -c["duration_s"])[:2]
    return {
        "version": 1, "run_id": f"{i:08x}", "layer": layer,
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(at)),
        "files": rng.randint(1, 40), "budget_s": budget,
        "status": "failed" if failed or over else "passed",
        "duration_s": round(duration, 4), "budget_used": round(duration / budget, 4),
        "checks": checks, "skips": [], "gates_version": "0.1.0",
        "machine": {"cpus": 2, "platform": "Linux"},
        "over_budget": {
            "elapsed_s": round(duration, 4),
            "culprits": [{"check": c["name"], "duration_s": c["duration_s"]} for c in culprits],
        } if over else None,
    }  # fmt: skip


def _check(name: str, stage: int, base: float, age: float, rng: random.Random) -> dict[str, Any]:
    drift = 1 + (0.8 * age if name in ("tests", "mypy") else 0.0)  # these grow as code grows
    duration = round(base * drift * rng.lognormvariate(0, 0.25), 4)
    check: dict[str, Any] = {
        "name": name, "tool": name, "stage": stage, "status": "passed",
        "duration_s": duration, "message": "", "files": 10, "findings": [],
    }  # fmt: skip
    if name == "tests":
        picked = rng.sample(TESTS, 8)
        check["slowest"] = [
            {"name": t, "duration_s": round(duration * rng.uniform(0.01, 0.12), 4)} for t in picked
        ]
    return check


def time_it(render: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        render()
        times.append(time.perf_counter() - began)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000, help="records in the history")
    parser.add_argument("--repeat", type=int, default=20, help="renders timed of each case")
    parser.add_argument("--save", type=Path, help="also write the HTML page here, to look at")
    args = parser.parse_args(argv)
    records = synthetic_history(args.runs)
    quiet = Console(file=io.StringIO(), width=120, force_terminal=True)
    cases: dict[str, Callable[[], object]] = {
        "statistics, --runs 100": lambda: summarize(records, runs=100),
        f"statistics, --runs {args.runs}": lambda: summarize(records, runs=args.runs),
        "html, --runs 100 (default)": lambda: render_html(summarize(records, runs=100)),
        f"html, --runs {args.runs}": lambda: render_html(summarize(records, runs=args.runs)),
        f"md, --runs {args.runs}": lambda: render_markdown(summarize(records, runs=args.runs)),
        f"term, --runs {args.runs}": lambda: render_terminal(
            summarize(records, runs=args.runs), quiet
        ),
    }
    print(f"{args.runs} records, {args.repeat} renders each (python {sys.version.split()[0]})")
    print(f"{'case':<28} {'median':>10} {'min':>10}")
    for name, render in cases.items():
        times = time_it(render, args.repeat)
        print(f"{name:<28} {statistics.median(times) * 1000:>7.1f} ms {min(times) * 1000:>7.1f} ms")
    if args.save:
        args.save.write_text(render_html(summarize(records, runs=args.runs)), encoding="utf-8")
        print(f"wrote {args.save}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
