"""The HTML dashboard: self-contained, escaped, and drawn as it says in a real browser."""

from __future__ import annotations

import base64
import json
import math
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from gates.reports.charts import axis_ticks
from gates.reports.dashboard import render_html
from gates.reports.summary import summarize
from tests.conftest import GatesRunner, write
from tests.reports.cdp import Browser, find_chromium
from tests.reports.test_summary import record

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
BUDGETS = {"pre-commit": 5.0, "pre-push": 60.0, "ci": 300.0}
PLANTED_KEY = "AKIA" + "IOSFODNN7EXAMPLE"  # an AWS example key, split so no scan trips on it here


def history(count: int = 60) -> list[dict[str, Any]]:
    """Runs of the three layers, oldest first: wall times that vary and drift, a budget
    overrun every 11th run, a failure every 7th, and pytest's slowest tests on ci."""
    records = []
    for i in range(count):
        layer = ("pre-commit", "pre-commit", "pre-push", "ci")[i % 4]
        budget = BUDGETS[layer]
        share = 0.2 + 0.5 * ((i * 37) % 17) / 17 + 0.2 * i / count
        over = i % 11 == 5
        failed = over or i % 7 == 3
        checks = {"lint": budget * share * 0.3, "tests": budget * share * 0.6}
        records.append(
            record(
                layer, budget * (1.15 if over else share), budget=budget, run=i,
                status="failed" if failed else "passed", checks=checks,
                statuses={"tests": "failed"} if failed and not over else {},
                culprits=[("tests", checks["tests"])] if over else None,
                slow={"tests": [("tests/test_a.py::test_big", share)]} if layer == "ci" else None,
            )
        )  # fmt: skip
        records[-1]["checks"][0]["message"] = f"found {PLANTED_KEY}"  # messages are never shown
    return records


def sections(page: str) -> dict[str, str]:
    parts = re.split(r'<section class="layer" id="layer-([^"]+)"', page)[1:]
    return dict(zip(parts[::2], parts[1::2], strict=True))


def test_page_loads_nothing_from_anywhere() -> None:
    page = render_html(summarize(history()))
    assert "Content-Security-Policy\" content=\"default-src 'none'" in page
    for fetching in ("<script", "<link", "<img", "<iframe", "@import", "url(", "@font-face"):
        assert fetching not in page
    assert re.findall(r'(?:src|href)="([^"]*)"', page) == [
        "#layer-pre-commit", "#layer-pre-push", "#layer-ci",
    ]  # fmt: skip


def test_each_layer_has_a_bar_per_run_a_budget_line_and_its_problems() -> None:
    summaries = summarize(history())
    drawn = sections(render_html(summaries))
    for s in summaries:
        html = drawn[s.layer]
        assert (
            html.count('<rect class="run ')
            == len(s.runs)
            == int(
                re.search(r'data-runs="(\d+)"', html)[1]  # type: ignore[index]
            )
        )
        assert html.count('<path class="budget"') == 1
        assert html.count('<rect class="mark over"') == len(s.overruns) > 0
        assert html.count('<rect class="mark failed"') == len(s.failures) > len(s.overruns)
        assert f"budget {s.budget_s:g} s" in html or "budget 5m" in html


def test_a_bar_is_as_tall_as_its_run_against_the_budget() -> None:
    """The SVG's geometry follows the numbers: a run at the budget reaches the budget line."""
    records = [record(duration=d, budget=4.0, run=i) for i, d in enumerate([1.0, 2.0, 4.0])]
    page = render_html(summarize(records))
    heights = [
        float(h) for h in re.findall(r'<rect class="run [^"]*"[^>]* height="([\d.]+)"', page)
    ]
    assert heights[1] == pytest.approx(2 * heights[0], abs=0.02)
    bar_top = float(re.findall(r'<rect class="run [^"]*" x="[\d.]+" y="([\d.]+)"', page)[2])
    budget_y = float(re.search(r'<path class="budget" d="M[\d.]+ ([\d.]+)', page)[1])  # type: ignore[index]
    assert bar_top == pytest.approx(budget_y)


def test_budget_line_steps_where_the_budget_changed() -> None:
    records = [record(budget=5.0 if i < 3 else 10.0, run=i) for i in range(6)]
    path = re.search(r'<path class="budget" d="([^"]+)"', render_html(summarize(records)))[1]  # type: ignore[index]
    levels = {float(y) for y in re.findall(r"[ML][\d.]+ ([\d.]+)", path)}
    assert len(levels) == 2


@pytest.mark.parametrize("value", [0.004, 0.3, 0.77, 5.2, 9.0, 63.0, 180.0, 400.0, 4000.0])
def test_axis_ticks_are_round_and_cover_the_value(value: float) -> None:
    ticks = axis_ticks(value)
    step = ticks[1]
    assert ticks[0] == 0
    assert ticks[-1] >= value > ticks[-2]
    assert 3 <= len(ticks) - 1 <= 5
    assert all(t == pytest.approx(k * step) for k, t in enumerate(ticks))
    if step < 10:
        assert round(step / 10 ** math.floor(math.log10(step)), 9) in (1, 2, 2.5, 5)
    else:  # above 10 s, steps a clock reads
        assert step in (10, 15, 20, 30, 60, 120, 300, 600, 900, 1800, 3600)


def test_names_are_escaped_and_messages_never_shown() -> None:
    records = history(8)
    records[0]["checks"][0]["name"] = "<img src=x onerror=alert(1)>"
    page = render_html(summarize(records))
    assert "<img" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert PLANTED_KEY not in page


def test_slowest_tests_only_where_a_tool_reported_them() -> None:
    drawn = sections(render_html(summarize(history())))
    assert "tests/test_a.py::test_big" in drawn["ci"]
    assert "Slowest tests" not in drawn["pre-commit"]


def _watch(browser: Browser, page: Path) -> dict[str, Any]:
    for domain in ("Runtime", "Log", "Network", "Page"):
        browser.send(f"{domain}.enable")
    browser.send("Emulation.setScrollbarsHidden", hidden=True)  # the screenshots show the page
    browser.send(
        "Emulation.setDeviceMetricsOverride", width=1366, height=900, deviceScaleFactor=1,
        mobile=False,
    )  # fmt: skip
    browser.send("Page.navigate", url=page.as_uri())
    browser.wait_for("Page.loadEventFired")
    facts = browser.send("Runtime.evaluate", expression=DOM_FACTS, returnByValue=True)
    return dict(json.loads(facts["result"]["value"]))


DOM_FACTS = """JSON.stringify({
  width: document.documentElement.scrollWidth,
  layers: [...document.querySelectorAll("section.layer")].map(s => ({
    layer: s.dataset.layer, runs: +s.dataset.runs,
    bars: [...s.querySelectorAll("rect.run")].filter(r => r.getBBox().height > 0).length,
    budget: [...s.querySelectorAll("path.budget")].map(p => p.getBoundingClientRect().width),
    chartWidth: s.querySelector("svg.chart").getBoundingClientRect().width,
  })),
})"""


def _problems(events: list[dict[str, Any]], page: Path) -> tuple[list[str], list[str]]:
    """(console errors, requests for anything but the page itself)."""
    errors = []
    for event in events:
        method, params = event.get("method"), event.get("params", {})
        if method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
            errors.append(str(params["args"]))
        elif method == "Runtime.exceptionThrown":
            errors.append(str(params["exceptionDetails"]))
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            errors.append(params["entry"]["text"])
    requests = [
        e["params"]["request"]["url"]
        for e in events
        if e.get("method") == "Network.requestWillBeSent"
        and e["params"]["request"]["url"] != page.as_uri()
    ]
    return errors, requests


def _real_runs(gates: GatesRunner, folder: Path) -> list[dict[str, Any]]:
    """Records from the real `gates run --json`: a passing and a failing ci, a pre-commit."""
    python = json.dumps(sys.executable)
    write(folder, {"gates.toml": REAL_CONFIG.replace("PYTHON", python)})
    runs = []
    for args in (["ci"], ["ci", "--skip", "fails"], ["pre-commit", "--all-files"]):
        done = gates(folder, "run", *args, "--json")
        assert done.returncode in (0, 1), done.stderr
        runs.append(json.loads(done.stdout))
    return runs


REAL_CONFIG = """
[layers.pre-commit]
budget = "5s"
stages = [["hello"]]
no_secret_scan = "a test of the report"  # pragma: allowlist secret

[layers.ci]
budget = "300s"
stages = [["hello"], ["fails"]]

[checks.hello]
kind = "command"
command = [PYTHON, "-c", "print('hello')"]

[checks.fails]
kind = "command"
command = [PYTHON, "-c", "import sys; sys.exit(1)"]
"""


def test_dashboard_in_headless_chromium(gates: GatesRunner, tmp_path: Path) -> None:
    binary = find_chromium()
    if binary is None:
        pytest.skip("no chromium binary on PATH (Debian: apt-get install chromium)")
    records = history(60) + _real_runs(gates, tmp_path / "project")
    summaries = summarize(records)
    page = tmp_path / "gates-report.html"
    page.write_text(render_html(summaries, generated_at="the browser test"), encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    browser = Browser(binary, tmp_path / "profile")
    try:
        facts = _watch(browser, page)
        browser.screenshot(ARTIFACTS / "dashboard.png")
        browser.screenshot(ARTIFACTS / "dashboard-full.png", captureBeyondViewport=True)
        print_facts = _print_view(browser)
    finally:
        browser.close()
    errors, requests = _problems(browser.events, page)
    assert errors == []
    assert requests == []
    assert facts["width"] <= 1366  # nothing runs off a laptop screen sideways
    drawn = {f["layer"]: f for f in facts["layers"]}
    assert list(drawn) == [s.layer for s in summaries] == ["pre-commit", "pre-push", "ci"]
    for s in summaries:
        assert drawn[s.layer]["runs"] == drawn[s.layer]["bars"] == len(s.runs)
        assert len(drawn[s.layer]["budget"]) == 1  # one line, drawn across the chart:
        assert drawn[s.layer]["budget"][0] > 0.75 * drawn[s.layer]["chartWidth"] > 700
    assert print_facts == {"nav": "none", "width": A4_PX, "pdf": True}


def _print_view(browser: Browser) -> dict[str, Any]:
    """What paper gets: the print stylesheet on an A4 page's width, and a PDF."""
    browser.send("Emulation.setEmulatedMedia", media="print")
    browser.send(
        "Emulation.setDeviceMetricsOverride", width=A4_PX, height=1000, deviceScaleFactor=1,
        mobile=False,
    )  # fmt: skip
    browser.screenshot(ARTIFACTS / "dashboard-print.png", captureBeyondViewport=True)
    facts = browser.send("Runtime.evaluate", expression=PRINT_FACTS, returnByValue=True)
    browser.send("Emulation.clearDeviceMetricsOverride")
    browser.send("Emulation.setEmulatedMedia", media="")
    pdf = base64.b64decode(browser.send("Page.printToPDF", printBackground=True)["data"])
    (ARTIFACTS / "dashboard.pdf").write_bytes(pdf)
    return {**json.loads(facts["result"]["value"]), "pdf": pdf.startswith(b"%PDF")}


A4_PX = 703  # 210 mm less the print stylesheet's 12 mm margins, at 96 px an inch
PRINT_FACTS = """JSON.stringify({
  nav: getComputedStyle(document.querySelector("nav")).display,
  width: document.documentElement.scrollWidth,
})"""
