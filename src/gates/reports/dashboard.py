"""The HTML dashboard: one self-contained page, readable on a laptop and on paper.

No script, no font, no image fetched: styles are inline and the charts are SVG drawn in
Python (`gates.reports.charts`), and a Content-Security-Policy tells the browser to load
nothing at all, so opening the file never reaches the network. Only names, times and
statuses are shown, never a check's message or findings: those may quote a file, and a
report kept for months must not carry what a secret scan found.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from gates import __version__
from gates.reports import tables
from gates.reports.charts import timeline, wall_chart
from gates.reports.summary import LayerSummary

CSP = "default-src 'none'; style-src 'unsafe-inline'"

STYLE = """
:root { --fg: #1f2430; --muted: #667085; --line: #e4e7ec; --card: #f8f9fb; --bg: #fff;
  --ok: #4c7bd9; --failed: #d64545; --over: #e8930c; --budget: #1f2430; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6e8ee; --muted: #98a2b3; --line: #2d3340; --card: #1b1f27; --bg: #12151b;
    --ok: #6b96ec; --failed: #ef6a6a; --over: #f2a93b; --budget: #e6e8ee; } }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); line-height: 1.45;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
header, main { max-width: 1180px; margin: 0 auto; padding: 0 24px; }
header { padding-top: 20px; display: flex; flex-wrap: wrap; align-items: baseline; gap: 8px 24px; }
h1 { font-size: 22px; margin: 0; }
h2 { font-size: 19px; margin: 0 0 12px; }
h3 { font-size: 13px; margin: 18px 0 6px; color: var(--muted); text-transform: uppercase;
  letter-spacing: .04em; }
.meta { color: var(--muted); margin: 0; }
nav a { color: inherit; margin-right: 14px; font-weight: 600; text-decoration: none; }
nav a:hover { text-decoration: underline; }
section.layer { border-top: 1px solid var(--line); margin-top: 20px; padding-top: 18px; }
.kpis { display: grid; grid-template-columns: repeat(auto-fit, minmax(120px, 1fr)); gap: 10px; }
.kpi { background: var(--card); border-radius: 8px; padding: 8px 12px; }
.kpi b { display: block; font-size: 19px; font-variant-numeric: tabular-nums; }
.kpi span { color: var(--muted); font-size: 12px; }
.kpi.bad b { color: var(--failed); }
.chart { width: 100%; height: auto; display: block; }
.chart .grid { stroke: var(--line); }
.chart .lane { stroke: var(--line); stroke-dasharray: 2 3; }
.chart .axis { fill: var(--muted); font-size: 12px; }
.chart .run.passed { fill: var(--ok); }
.chart .run.failed, .chart .mark.failed { fill: var(--failed); }
.chart .run.over, .chart .mark.over { fill: var(--over); }
.chart .budget { fill: none; stroke: var(--budget); stroke-width: 2; stroke-dasharray: 7 4; }
.chart .budget-label { fill: var(--budget); font-size: 12px; font-weight: 600; }
.legend { color: var(--muted); font-size: 12px; margin: 2px 0 0 calc(100% * 96 / 960 - 12px); }
.legend i { display: inline-block; width: 10px; height: 10px; border-radius: 2px;
  margin: 0 4px 0 12px; vertical-align: -1px; }
.legend i.budget-key { width: 20px; height: 0; border-top: 2px dashed var(--budget);
  border-radius: 0; vertical-align: 3px; }
.cols { display: grid; grid-template-columns: 1fr 1fr; gap: 0 32px; }
.cols > div { min-width: 0; }  /* a long test name wraps instead of widening the page */
@media (max-width: 900px) { .cols { grid-template-columns: 1fr; } }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { text-align: left; padding: 4px 8px 4px 0; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { color: var(--muted); font-weight: 600; font-size: 12px; }
td.n, th.n { text-align: right; white-space: nowrap; }
td.name { word-break: break-word; }
.bar { display: inline-block; position: relative; width: 90px; height: 8px;
  background: var(--line); border-radius: 4px; vertical-align: middle; }
.bar > span { position: absolute; left: 0; top: 0; bottom: 0; border-radius: 4px; }
.bar .p95 { background: var(--ok); opacity: .35; } .bar .med { background: var(--ok); }
.none { color: var(--muted); }
footer { max-width: 1180px; margin: 28px auto; padding: 0 24px; color: var(--muted);
  font-size: 12px; }
@media print {
  :root { --fg: #000; --muted: #555; --line: #ccc; --card: #f3f3f3; --bg: #fff; --budget: #000; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  @page { size: A4; margin: 12mm; }
  body { font-size: 10px; } nav { display: none; }
  header, main, footer { max-width: none; padding: 0; }
  section.layer + section.layer { break-before: page; }
  figure, .kpis, tr, h3 { break-inside: avoid; } h3 { break-after: avoid; }
  .kpis { grid-template-columns: repeat(7, 1fr); gap: 6px; }
  .kpi { padding: 4px 6px; } .kpi b { font-size: 14px; } .kpi span { font-size: 9px; }
  .chart .axis, .chart .budget-label { font-size: 13px; }
  .cols { gap: 0 16px; } .bar { width: 44px; }
  th, td { padding-right: 5px; } th { font-size: 9px; }
}
"""


def render_html(summaries: Sequence[LayerSummary], generated_at: str = "") -> str:
    """The whole page for layers that have runs (the caller says when there are none)."""
    total = sum(len(s.runs) for s in summaries)
    nav = "".join(f'<a href="#layer-{escape(s.layer)}">{escape(s.layer)}</a>' for s in summaries)
    when = f" · generated {escape(generated_at)}" if generated_at else ""
    return "".join(
        [
            '<!doctype html><html lang="en"><head><meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>gates report</title><style>{STYLE}</style></head><body>",
            f'<header><h1>gates report</h1><p class="meta">{total} runs{when}</p>',
            f"<nav>{nav}</nav></header><main>",
            *(layer_section(s) for s in summaries),
            f"</main><footer>gates {escape(__version__)} · times are wall-clock seconds; ",
            "p95 is the 95th percentile</footer></body></html>",
        ]
    )


def layer_section(s: LayerSummary) -> str:
    name = escape(s.layer)
    growth, problems, slowest = tables.growth(s), tables.problems(s), tables.slowest(s)
    return "".join(
        [
            f'<section class="layer" id="layer-{name}" data-layer="{name}"',
            f' data-runs="{len(s.runs)}"><h2>{name}</h2>',
            _kpis(s),
            "<h3>Wall time against the budget</h3><figure>",
            wall_chart(s),
            timeline(s),
            _legend(),
            '</figure><div class="cols"><div>',
            _checks(s),
            f"</div><div>{_table(growth)}</div></div>",
            f'<div class="cols"><div>{_table(problems)}</div><div>{_table(slowest)}</div></div>',
            "</section>",
        ]
    )


def _kpis(s: LayerSummary) -> str:
    cards = "".join(
        f'<div class="kpi{" bad" if bad else ""}"><b>{escape(v)}</b><span>{escape(label)}</span>'
        "</div>"
        for label, v, bad in tables.headline(s)
    )
    return f'<div class="kpis">{cards}</div>'


def _legend() -> str:
    items = (("ok", "passed"), ("failed", "failed"), ("over", "over budget"))
    keys = "".join(f'<i style="background: var(--{c})"></i>{label}' for c, label in items)
    return f'<p class="legend">{keys}<i class="budget-key"></i>budget</p>'


def _checks(s: LayerSummary) -> str:
    """The checks table, with a bar of each check's median and p95 against the slowest."""
    table = tables.checks(s)
    widest = max((c.p95_s for c in s.checks), default=0.0) or 1.0
    bars = [_bar(c.median_s / widest, c.p95_s / widest) for c in s.checks]
    return _table(table, extra=("median · p95", bars))


def _table(table: tables.Table, extra: tuple[str, list[str]] | None = None) -> str:
    """`extra`: a last column of trusted HTML, a cell a row."""
    if not table.rows:
        empty = f'<p class="none">{escape(table.empty)}</p>' if table.empty else ""
        return f"<h3>{escape(table.title)}</h3>{empty}" if empty else ""
    css = ["name" if a == "l" else "n" for a in table.align]
    th = "".join(f'<th class="{c}">{escape(h)}</th>' for c, h in zip(css, table.head, strict=True))
    rows = [
        "".join(f'<td class="{c}">{escape(v)}</td>' for c, v in zip(css, row, strict=True))
        for row in table.rows
    ]
    if extra:
        th += f"<th>{escape(extra[0])}</th>"
        rows = [f"{row}<td>{cell}</td>" for row, cell in zip(rows, extra[1], strict=True)]
    body = "".join(f"<tr>{row}</tr>" for row in rows)
    return (
        f"<h3>{escape(table.title)}</h3>"
        f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"
    )


def _bar(median: float, p95: float) -> str:
    return (
        f'<span class="bar"><span class="p95" style="width:{100 * p95:.1f}%"></span>'
        f'<span class="med" style="width:{100 * median:.1f}%"></span></span>'
    )
