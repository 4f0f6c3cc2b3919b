"""`gates history export|import`: carry the run history as JSON Lines, e.g. a CI artifact.

CI machines start with an empty .git each time; a job that imports the last artifact,
runs, and exports again keeps the history (and so the trends and learned order) going.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gates.cli import EXIT_OK
from gates.config import LAYERS
from gates.pipeline.service import UsageError

if TYPE_CHECKING:  # the store imports sqlite3: only this verb pays for it
    from gates.reports.history import HistoryStore


def register(subparsers: Any) -> None:
    history = subparsers.add_parser(
        "history", help="export or import the recorded runs (JSON Lines), e.g. for CI"
    )
    actions = history.add_subparsers(dest="action", required=True, metavar="ACTION")
    export = actions.add_parser("export", help="write the recorded runs, oldest first")
    export.add_argument("--output", "-o", type=Path, metavar="FILE", help="default: stdout")
    export.add_argument("--layer", choices=LAYERS, help="only this layer's runs")
    export.add_argument("--limit", type=_positive, metavar="N", help="only the last N runs")
    export.set_defaults(main=main)
    load = actions.add_parser("import", help="add runs from a file; runs already there are kept")
    load.add_argument("file", type=Path, metavar="FILE", help='JSON Lines; "-" for stdin')
    load.set_defaults(main=main)


def main(args: argparse.Namespace) -> int:
    from gates.reports.history import open_history

    store = open_history(Path.cwd())
    if store.path is None:
        raise UsageError("not in a git repository: the run history lives in .git")
    try:
        if args.action == "export":
            return _export(store, args)
        return _import(store, args.file)
    finally:
        store.close()


def _export(store: HistoryStore, args: argparse.Namespace) -> int:
    if args.output is None:
        store.export(sys.stdout, args.layer, args.limit)
        return EXIT_OK
    try:
        with args.output.open("w", encoding="utf-8") as out:
            count = store.export(out, args.layer, args.limit)
    except OSError as exc:
        raise UsageError(f"cannot write {args.output}: {exc.strerror or exc}") from None
    print(f"exported {count} run(s) to {args.output}")
    return EXIT_OK


def _import(store: HistoryStore, path: Path) -> int:
    try:
        if str(path) == "-":
            added, known = store.import_(sys.stdin, "<stdin>")
        else:
            with path.open(encoding="utf-8") as lines:
                added, known = store.import_(lines, str(path))
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    print(f"imported {added} run(s); {known} already in the history")
    return EXIT_OK


def _positive(text: str) -> int:
    value = int(text) if text.isdigit() else 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number, 1 or more: {text!r}")
    return value
