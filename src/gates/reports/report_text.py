"""`gates report` as Markdown (a CI job summary) and as rich tables in a terminal."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, Group, RenderableType
from rich.table import Table as RichTable
from rich.text import Text

from gates.reports import tables
from gates.reports.summary import LayerSummary, Run

SPARK = "▁▂▃▄▅▆▇█"
SPARK_RUNS = 60  # the sparkline's runs: as many as fit a summary's line


def render_markdown(summaries: Sequence[LayerSummary]) -> str:
    parts = ["# gates report"]
    for s in summaries:
        figures = " · ".join(f"{label} **{value}**" for label, value, _ in tables.headline(s))
        parts += [f"## {s.layer}", figures, _md_sparkline(s)]
        parts += [_md_table(t) for t in tables.all_tables(s) if t.rows or t.empty]
    return "\n\n".join(parts) + "\n"


def render_terminal(summaries: Sequence[LayerSummary], console: Console) -> None:
    for s in summaries:
        console.print(_layer(s))


def sparkline(runs: Sequence[Run], top: float) -> str:
    """Each run's wall time as one of eight block heights, `top` being the tallest."""
    levels = len(SPARK) - 1
    return "".join(SPARK[min(levels, round(levels * r.duration_s / top))] for r in runs)


def _spark_top(s: LayerSummary) -> float:
    # against the budget as well, so a run at the budget is always a full block
    return max([r.duration_s for r in s.runs] + [s.budget_s or 0.0]) or 1.0


def _md_sparkline(s: LayerSummary) -> str:
    runs = s.runs[-SPARK_RUNS:]
    return f"wall time of the last {len(runs)} runs: `{sparkline(runs, _spark_top(s))}`"


def _md_table(t: tables.Table) -> str:
    if not t.rows:
        return f"**{t.title}**: {t.empty}"
    align = "|".join("---:" if a == "n" else "---" for a in t.align)
    lines = [f"**{t.title}**", "", _md_row(t.head), f"|{align}|"]
    return "\n".join(lines + [_md_row(row) for row in t.rows])


def _md_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(_md_cell(c) for c in cells) + " |"


def _md_cell(text: str) -> str:
    # A name is the user's text: a pipe would cut the row, and GitHub renders HTML tags.
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace("\n", " ")


def _layer(s: LayerSummary) -> RenderableType:
    figures = Text("  ").join(
        Text.assemble((value, "bold red" if bad else "bold"), f" {label}")
        for label, value, bad in tables.headline(s)
    )
    parts: list[RenderableType] = [
        Text(s.layer, style="bold underline"),
        figures,
        _term_sparkline(s),
    ]
    for t in tables.all_tables(s):
        if t.rows:
            parts.append(_rich_table(t))
        elif t.empty:
            parts.append(Text(f"{t.title}: {t.empty}", style="dim"))
    return Group(*parts, Text(""))


def _term_sparkline(s: LayerSummary) -> Text:
    runs, top = s.runs[-SPARK_RUNS:], _spark_top(s)
    line = Text(f"last {len(runs)} runs ", style="dim")
    for run, block in zip(runs, sparkline(runs, top), strict=True):
        line.append(block, "yellow" if run.over_budget else "blue" if run.passed else "red")
    return line


def _rich_table(t: tables.Table) -> RichTable:
    table = RichTable(title=t.title, title_justify="left", title_style="bold", box=None)
    for head, align in zip(t.head, t.align, strict=True):
        table.add_column(head, justify="right" if align == "n" else "left", overflow="fold")
    for row in t.rows:
        table.add_row(*(Text(cell) for cell in row))  # Text: a name is never markup
    return table
