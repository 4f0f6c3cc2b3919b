"""Inline SVG charts of a layer's runs: drawn here, so the page needs no script or network.

Both charts share one x scale (a slot per run, oldest on the left), so a failure marked in
the timeline sits under its bar in the wall-time chart.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from html import escape

from gates.reports.summary import LayerSummary, Run, format_seconds

WIDTH = 960
LEFT, RIGHT = 96, 96  # room for the y-axis labels, and for the budget's label on the right
WALL_HEIGHT, WALL_TOP, WALL_BOTTOM = 230, 14, 30
GAP_BELOW = 150  # with more runs than this, gaps between bars would be under a pixel

Scale = Callable[[float], float]  # a value in seconds to its y coordinate


def wall_chart(summary: LayerSummary) -> str:
    """Wall time of each run as a bar, against the budget drawn as a line."""
    runs = summary.runs
    budgets = [r.budget_s for r in runs if r.budget_s is not None]
    ticks = axis_ticks(max([r.duration_s for r in runs] + budgets) * 1.05)
    top = ticks[-1]
    plot_h = WALL_HEIGHT - WALL_TOP - WALL_BOTTOM

    def y(value: float) -> float:
        return WALL_TOP + plot_h * (1 - min(value, top) / top)

    parts = [*_y_axis(ticks, y), *_x_labels(runs, WALL_HEIGHT - 8)]
    step = _step(runs)
    width = step * (0.72 if len(runs) <= GAP_BELOW else 1.0)
    for i, run in enumerate(runs):
        x = LEFT + i * step + (step - width) / 2
        top_y = y(run.duration_s)
        parts.append(
            f'<rect class="run {_outcome(run)}" x="{x:.2f}" y="{min(top_y, y(0) - 2):.2f}" '
            f'width="{width:.2f}" height="{max(y(0) - top_y, 2):.2f}">'
            f"<title>{escape(_tooltip(run))}</title></rect>"
        )
    parts.extend(_budget_line(runs, y))
    label = f"wall time of the last {len(runs)} {summary.layer} runs against the budget"
    return _svg(WALL_HEIGHT, label, parts)


def timeline(summary: LayerSummary) -> str:
    """One row for budget overruns and one for failures, a mark in the slot of each run."""
    rows: tuple[tuple[str, str, Callable[[Run], bool]], ...] = (
        ("over budget", "over", _over),
        ("failed", "failed", _failed),
    )
    step, parts = _step(summary.runs), []
    for row, (label, css, hit) in enumerate(rows):
        y = 8 + row * 22
        parts.append(f'<text class="axis" x="{LEFT - 8}" y="{y + 12}" text-anchor="end">')
        parts.append(f"{label}</text>")
        parts.append(_hline("lane", y + 8))
        for i, run in enumerate(summary.runs):
            if hit(run):
                parts.append(
                    f'<rect class="mark {css}" x="{LEFT + i * step:.2f}" y="{y}" '
                    f'width="{max(step - 1, 1.5):.2f}" height="16">'
                    f"<title>{escape(_tooltip(run))}</title></rect>"
                )
    return _svg(54, f"budget overruns and failures of {summary.layer} over time", parts)


def axis_ticks(value: float) -> list[float]:
    """Three to five round steps from 0 up past `value`: 1, 2, 2.5 or 5 times a power of
    ten under 10 s, and steps a clock reads (15 s, 30 s, 1 min, ...) above."""
    if value <= 0:
        return [0.0, 1.0]
    raw = value / 4
    if raw < 10:
        power = 10.0 ** math.floor(math.log10(raw))
        steps = [m * power for m in (1, 2, 2.5, 5, 10)]
    else:
        steps = [10, 15, 20, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, raw]
    step = next(s for s in steps if s >= raw * (1 - 1e-9))
    return [step * k for k in range(math.ceil(value / step - 1e-9) + 1)]


def _y_axis(ticks: list[float], y: Scale) -> list[str]:
    parts = []
    for value in ticks:
        at = y(value)
        parts.append(_hline("grid", at))
        parts.append(f'<text class="axis" x="{LEFT - 8}" y="{at + 4:.2f}" text-anchor="end">')
        parts.append(f"{escape(format_seconds(value) if value else '0')}</text>")
    return parts


def _x_labels(runs: tuple[Run, ...], at: float) -> list[str]:
    """Dates under the first, middle and last run: enough to place the history in time."""
    step, picks = _step(runs), sorted({0, len(runs) // 2, len(runs) - 1})
    anchors = {0: "start", len(runs) - 1: "end"}
    return [
        f'<text class="axis" x="{LEFT + (i + (i == len(runs) - 1)) * step:.2f}" y="{at}" '
        f'text-anchor="{anchors.get(i, "middle")}">{escape(_date(runs[i].started_at))}</text>'
        for i in picks
    ]


def _budget_line(runs: tuple[Run, ...], y: Scale) -> list[str]:
    """A step line: the budget may change during a history, and each run has its own."""
    step, path, previous = _step(runs), [], None
    for i, run in enumerate(runs):
        if run.budget_s is not None:  # a run with no budget breaks the line
            at = y(run.budget_s)
            path.append(f"{'M' if previous is None else 'L'}{LEFT + i * step:.2f} {at:.2f}")
            path.append(f"H{LEFT + (i + 1) * step:.2f}")
        previous = run.budget_s
    final = next((r.budget_s for r in reversed(runs) if r.budget_s is not None), None)
    if final is None:
        return []
    return [
        f'<path class="budget" d="{" ".join(path)}"/>',
        f'<text class="budget-label" x="{WIDTH - RIGHT + 6}" y="{y(final) + 4:.2f}">',
        f"budget {escape(format_seconds(final))}</text>",
    ]


def _svg(height: int, label: str, parts: list[str]) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="{escape(label)}">'
        f"{''.join(parts)}</svg>"
    )


def _hline(css: str, at: float) -> str:
    return f'<line class="{css}" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{at:.2f}" y2="{at:.2f}"/>'


def _step(runs: tuple[Run, ...]) -> float:
    return (WIDTH - LEFT - RIGHT) / max(len(runs), 1)


def _outcome(run: Run) -> str:
    return "over" if run.over_budget else "passed" if run.passed else "failed"


def _over(run: Run) -> bool:
    return run.over_budget


def _failed(run: Run) -> bool:
    return not run.passed


def _tooltip(run: Run) -> str:
    budget = f" of {format_seconds(run.budget_s)}" if run.budget_s is not None else ""
    why = ", ".join(run.failed_checks) or ("over budget" if run.over_budget else "")
    status = "passed" if run.passed else f"failed ({why})" if why else "failed"
    return f"{_date(run.started_at)}  {format_seconds(run.duration_s)}{budget}  {status}"


def _date(started_at: str) -> str:
    """`2025-11-24T13:05:09Z` as `11-24 13:05`: the year and seconds only take room."""
    return started_at[5:16].replace("T", " ") if len(started_at) >= 16 else started_at
