"""`gates report`: the recorded runs as an HTML dashboard, Markdown, or tables in a terminal."""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from gates.cli import EXIT_OK, EXIT_USAGE
from gates.pipeline.service import UsageError

if TYPE_CHECKING:
    from gates.reports.summary import LayerSummary

FORMATS = ("html", "md", "term")
DEFAULT_RUNS = 100
DEFAULT_HTML = "gates-report.html"
NO_HISTORY = (
    "no runs recorded yet: run `gates run pre-commit` (every run is recorded) "
    "or import a CI history with `gates history import FILE`"
)


def register(subparsers: Any) -> None:
    report = subparsers.add_parser(
        "report", help="recorded runs: wall time against the budget, slow and growing checks"
    )
    report.add_argument(
        "--format", choices=FORMATS, default="html",
        help="html: a page to open (default); md: Markdown, e.g. for a CI job summary; "
        "term: tables in the terminal",
    )  # fmt: skip
    report.add_argument(
        "--output", "-o", type=Path, metavar="PATH",
        help=f"write here (default for html: {DEFAULT_HTML} in the current folder; "
        "md and term print to standard output)",
    )  # fmt: skip
    report.add_argument(
        "--runs", type=_positive, default=DEFAULT_RUNS, metavar="N",
        help=f"the last N runs of each layer (default {DEFAULT_RUNS})",
    )  # fmt: skip
    report.set_defaults(main=main)


def main(args: argparse.Namespace) -> int:
    cwd = Path.cwd()
    return report(load_records(cwd, args.runs), args.format, args.output, args.runs, cwd)


class HistoryStore(Protocol):
    """What this verb needs of `gates.reports.history` (the store, another domain's)."""

    def records(
        self, layer: str | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]: ...


def load_records(cwd: Path, runs: int) -> list[dict[str, Any]]:
    """The last `runs` records of each layer, oldest first."""
    from gates.config import LAYERS

    store = open_history(cwd)
    return [record for layer in LAYERS for record in store.records(layer=layer, limit=runs)]


def open_history(cwd: Path) -> HistoryStore:
    # Imported when asked for, so no other verb pays for the store; by name, so that this
    # module type-checks against the Protocol whichever version of the store is installed.
    try:
        history = importlib.import_module("gates.reports.history")
    except ModuleNotFoundError as exc:
        if exc.name != "gates.reports.history":
            raise
        raise UsageError("gates report needs the run history, which this gates lacks") from exc
    store: HistoryStore = history.open_history(cwd)
    return store


def report(
    records: Sequence[dict[str, Any]],
    fmt: str,
    output: Path | None,
    runs: int,
    cwd: Path,
    out: TextIO | None = None,
) -> int:
    """Render `records` as `fmt`; say how to record runs when there are none."""
    from gates.reports.summary import summarize

    out = out or sys.stdout
    summaries = summarize(records, runs=runs)
    if not summaries:
        print(NO_HISTORY, file=out)
        return EXIT_OK
    if fmt == "term":
        return _terminal(summaries, output, out)
    text = _html(summaries) if fmt == "html" else _markdown(summaries)
    if output is None and fmt == "md":
        out.write(text)
        return EXIT_OK
    return _write(cwd / (output or DEFAULT_HTML), text, out)


def _html(summaries: Sequence[LayerSummary]) -> str:
    from gates.reports.dashboard import render_html

    return render_html(summaries, generated_at=time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()))


def _markdown(summaries: Sequence[LayerSummary]) -> str:
    from gates.reports.report_text import render_markdown

    return render_markdown(summaries)


def _terminal(summaries: Sequence[LayerSummary], output: Path | None, out: TextIO) -> int:
    from rich.console import Console

    from gates.reports.report_text import render_terminal

    if output is None:
        render_terminal(summaries, Console(file=out))
        return EXIT_OK
    try:
        with output.open("w", encoding="utf-8") as file:
            render_terminal(summaries, Console(file=file, width=120, no_color=True))
    except OSError as exc:
        return _cannot_write(output, exc)
    print(output, file=out)
    return EXIT_OK


def _write(path: Path, text: str, out: TextIO) -> int:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        return _cannot_write(path, exc)
    print(path, file=out)
    return EXIT_OK


def _cannot_write(path: Path, exc: OSError) -> int:
    print(f"gates: cannot write {path}: {exc.strerror or exc}", file=sys.stderr)
    return EXIT_USAGE


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of runs, 1 or more: {text!r}")
    return value
