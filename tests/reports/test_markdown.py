"""The Markdown summary: the real multi-tool run, rendered by a GFM table parser, and what
tool output must never do to it (break the table, inject HTML, run on past the cap)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from gates.events import BudgetExceeded, Event, RunFinished
from gates.reports.markdown import MAX_FINDINGS, MarkdownReport
from gates.results import CheckResult, Finding, Status
from tests.reports.test_sarif import EXPECTED, KEY, RealRun, real_run

HEADER = "| check | status | time | findings | details |"


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> RealRun:
    return real_run(tmp_path_factory)


def render(text: str) -> str:
    """HTML as GitHub's flavour renders it: CommonMark with tables."""
    return MarkdownIt("commonmark").enable(["table", "strikethrough"]).render(text)


def body_rows(rendered: str) -> list[list[str]]:
    body = rendered.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.DOTALL)
    return [re.findall(r"<td[^>]*>(.*?)</td>", row, re.DOTALL) for row in rows]


def test_the_table_has_a_row_per_check_with_status_time_and_findings(planted: RealRun) -> None:
    text = planted.text("summary.md")
    lines = text.splitlines()
    assert lines[0] == "## gates ci: failed"
    start = lines.index(HEADER)
    assert lines[start + 1] == "| --- | --- | ---: | ---: | --- |"
    rows = body_rows(render(text))
    assert [row[0] for row in rows] == [*EXPECTED, "pip-audit"]
    assert all(len(row) == 5 for row in rows), rows
    for row in rows[:-1]:
        assert row[1] == "❌ failed"
        assert re.fullmatch(r"\d+\.\d\d s", row[2]), row
        assert row[3] == "1"
    assert rows[-1][1:4] == ["⏭️ skipped", "-", "0"]
    assert rows[-1][4] == "skipped by --skip"
    assert re.search(r"^\*\*Budget:\*\* \d+\.\d\d s of 300 s \(\d+%\) used\.$", text, re.M)


def test_findings_are_grouped_under_their_file_with_their_line(planted: RealRun) -> None:
    text = planted.text("summary.md")
    findings = text.split("### Findings", 1)[1]
    for check, (rule, path, line) in EXPECTED.items():
        block = findings.split(f"**`{path}`**", 1)[1].split("**`", 1)[0]
        assert re.search(rf"^- `{line}(:\d+)?` {check} \*\*{re.escape(rule)}\*\* ", block, re.M)
    assert "- `3:8` ruff-lint **F401** \\`os\\` imported but unused" in findings
    assert "<code>app/lint.py</code>" in render(text)


def test_the_planted_key_is_masked_in_the_summary(planted: RealRun) -> None:
    text = planted.text("summary.md")
    assert KEY not in text
    assert KEY[4:] not in text
    assert "masked: AKIA\\*\\*\\*" in text


# --- recorded events ---------------------------------------------------------------------------

NASTY = "a | b <script>x</script> *em* `code` [link](http://e.example) \\ &amp; _u_ ~~s~~ # h"


def summary_of(tmp_path: Path, results: tuple[CheckResult, ...], over: bool = False) -> str:
    report = MarkdownReport(tmp_path / "summary.md")
    events: list[Event] = []
    if over:
        events.append(BudgetExceeded("r1", "pre-commit", 5.0, 5.4, (("secrets", 4.9),)))
    events.append(RunFinished("r1", "pre-commit", not over, 5.4, 5.0, results))
    for event in events:
        report(event)
    return (tmp_path / "summary.md").read_text(encoding="utf-8")


def test_tool_output_stays_plain_text_in_the_table_and_the_findings(tmp_path: Path) -> None:
    finding = Finding("src/a.py", 2, 1, "X1", NASTY + "\nsecond line")
    check = CheckResult("lint", "command", 0, Status.FAILED, 0.1, (finding,), NASTY)
    rendered = render(summary_of(tmp_path, (check,)))
    (row,) = body_rows(rendered)
    assert len(row) == 5
    assert html.unescape(row[4]) == NASTY
    assert "<script>" not in rendered
    assert "<a href" not in rendered
    item = re.search(r"<li>(.*?)</li>", rendered, re.DOTALL)
    assert item is not None
    plain = re.sub(r"<[^>]+>", "", item.group(1))
    assert html.unescape(plain) == f"2:1 lint X1 {NASTY} second line"


def test_the_findings_are_capped_with_a_line_saying_how_many_more(tmp_path: Path) -> None:
    findings = tuple(
        Finding(f"src/m{i % 3}.py", i + 1, None, "E1", f"problem {i}")
        for i in range(MAX_FINDINGS + 50)
    )
    check = CheckResult("lint", "ruff-lint", 0, Status.FAILED, 0.1, findings, "many")
    text = summary_of(tmp_path, (check,))
    assert sum(1 for line in text.splitlines() if line.startswith("- ")) == MAX_FINDINGS
    assert "_… and 50 more; `gates run --json` lists them all._" in text
    assert re.findall(r"^\*\*`(.*)`\*\*$", text, re.M) == ["src/m0.py", "src/m1.py"]  # 50 each


def test_over_budget_and_findings_about_the_project_are_said(tmp_path: Path) -> None:
    coverage = Finding(None, None, None, "coverage", "total coverage 50.0% (gate 80%)")
    tests = CheckResult("tests", "pytest", 0, Status.FAILED, 5.0, (coverage,), "coverage 50.0%")
    text = summary_of(tmp_path, (tests,), over=True)
    assert "> **Over budget:** pre-commit took 5.40 s of its 5 s; the time went to" in text
    assert "**Budget:** 5.40 s of 5 s (108%) used." in text
    assert "**the project**\n\n- tests **coverage** total coverage 50.0% (gate 80%)" in text
