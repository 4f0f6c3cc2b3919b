"""`gates report`: Markdown, the terminal, and the verb from arguments to files and exit codes."""

from __future__ import annotations

import io
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from gates.commands import dispatch
from gates.commands.report import DEFAULT_HTML, NO_HISTORY, report
from gates.config import LAYERS
from gates.reports.report_text import SPARK, SPARK_RUNS, render_markdown, render_terminal, sparkline
from gates.reports.summary import summarize
from tests.conftest import GatesRunner, write
from tests.reports.test_dashboard import PLANTED_KEY, history
from tests.reports.test_summary import record


def test_markdown_has_each_layers_figures_and_tables() -> None:
    summaries = summarize(history(80))
    text = render_markdown(summaries)
    assert text.startswith("# gates report\n")
    for s in summaries:
        part = text.split(f"## {s.layer}\n", 1)[1].split("\n## ", 1)[0]
        assert f"runs **{len(s.runs)}**" in part
        checks = part.split("**Checks**", 1)[1].split("\n\n", 2)[1]
        assert len(checks.splitlines()) == 2 + len(s.checks)  # head, rule, a row a check
        assert ("**Slowest tests and files**" in part) == bool(s.slowest)
        spark = part.split("`")[1]
        assert len(spark) == min(len(s.runs), SPARK_RUNS)
    assert PLANTED_KEY not in text


def test_markdown_keeps_a_name_from_breaking_the_table() -> None:
    records = [record(checks={"a|b <i>": 1.0})]
    text = render_markdown(summarize(records))
    assert "| a\\|b &lt;i> |" in text


def test_sparkline_scales_to_the_top() -> None:
    runs = summarize([record(duration=d, run=i) for i, d in enumerate([0.0, 2.0, 4.0, 8.0])])
    assert sparkline(runs[0].runs, 8.0) == SPARK[0] + SPARK[2] + SPARK[4] + SPARK[-1]


def test_terminal_tables_show_names_as_text() -> None:
    records = history(40)
    records[0]["checks"][0]["name"] = "[bold]lint[/bold]"
    out = io.StringIO()
    render_terminal(summarize(records), Console(file=out, width=120, color_system=None))
    text = out.getvalue()
    for heading in ("pre-commit", "pre-push", "ci", "Checks", "Grew the most"):
        assert heading in text
    assert "[bold]lint[/bold]" in text
    assert PLANTED_KEY not in text


def test_no_history_says_how_to_make_some_and_writes_nothing(tmp_path: Path) -> None:
    for fmt in ("html", "md", "term"):
        out = io.StringIO()
        assert report([], fmt, None, 100, tmp_path, out) == 0
        assert out.getvalue() == NO_HISTORY + "\n"
    assert list(tmp_path.iterdir()) == []


def test_html_goes_to_the_current_folder_or_output(tmp_path: Path) -> None:
    out = io.StringIO()
    assert report(history(), "html", None, 100, tmp_path, out) == 0
    assert out.getvalue() == f"{tmp_path / DEFAULT_HTML}\n"
    assert (tmp_path / DEFAULT_HTML).read_text().startswith("<!doctype html>")
    out = io.StringIO()
    assert report(history(), "html", Path("out/r.html"), 100, tmp_path, io.StringIO()) == 2
    (tmp_path / "out").mkdir()
    assert report(history(), "html", Path("out/r.html"), 100, tmp_path, out) == 0
    assert out.getvalue() == f"{tmp_path / 'out/r.html'}\n"


def test_md_and_term_print_unless_given_a_file(tmp_path: Path) -> None:
    for fmt, start in (("md", "# gates report"), ("term", "pre-commit")):
        out = io.StringIO()
        assert report(history(), fmt, None, 100, tmp_path, out) == 0
        assert out.getvalue().startswith(start)
        out = io.StringIO()
        assert report(history(), fmt, tmp_path / f"r.{fmt}", 100, tmp_path, out) == 0
        assert out.getvalue() == f"{tmp_path / f'r.{fmt}'}\n"
        assert (tmp_path / f"r.{fmt}").read_text().startswith(start)
    assert report(history(), "term", tmp_path / "no/r", 100, tmp_path, io.StringIO()) == 2


def test_the_verb_asks_the_store_for_the_last_runs_of_each_layer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    asked: list[tuple[str | None, int | None]] = []

    class Store:
        def records(self, layer: str | None = None, limit: int | None = None) -> list[Any]:
            asked.append((layer, limit))
            return [r for r in history() if r["layer"] == layer]

    fake = types.ModuleType("gates.reports.history")
    fake.open_history = lambda cwd: Store()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "gates.reports.history", fake)
    monkeypatch.chdir(tmp_path)
    assert dispatch(["report", "--runs", "7", "--format", "md"]) == 0
    assert asked == [(layer, 7) for layer in LAYERS]
    assert capsys.readouterr().out.startswith("# gates report")
    with pytest.raises(SystemExit):
        dispatch(["report", "--runs", "0"])
    assert "1 or more" in capsys.readouterr().err


def test_without_the_history_module_it_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "gates.reports.history", None)  # import fails
    assert dispatch(["report"]) == 2
    assert "needs the run history" in capsys.readouterr().err


def test_the_real_cli_reports_recorded_runs(
    gates: GatesRunner, make_repo: Callable[..., Path]
) -> None:
    pytest.importorskip("gates.reports.history")
    repo = make_repo({"mod.py": "x = 1\n"}, commit=True)
    done = gates(repo, "report")
    assert (done.returncode, done.stdout) == (0, NO_HISTORY + "\n"), done.stderr
    write(repo, {"mod.py": "x = 2\n"})
    for _ in range(3):
        assert gates(repo, "run", "pre-commit", "--all-files").returncode == 0
    done = gates(repo, "report")
    assert done.returncode == 0, done.stderr
    page = Path(done.stdout.strip())
    assert page == repo / DEFAULT_HTML
    assert page.read_text().count('<rect class="run ') == 3
    done = gates(repo, "report", "--format", "md")
    assert "## pre-commit" in done.stdout
