"""`gates run LAYER`: run one layer and exit 0 when every gate passed, 1 otherwise."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from gates.cli import EXIT_FAILED, EXIT_OK
from gates.config import LAYERS, LoadedConfig, load_config
from gates.events import EventBus, Handler
from gates.pipeline.service import RunRequest, UsageError, run_layer
from gates.vcs import git

if TYPE_CHECKING:
    from gates.reports.record import RunRecorder


def register(subparsers: Any) -> None:
    run = subparsers.add_parser("run", help="run one layer: pre-commit, pre-push or ci")
    run.add_argument("layer", choices=LAYERS, metavar="LAYER", help="pre-commit, pre-push or ci")
    scope = run.add_mutually_exclusive_group()
    scope.add_argument("--all-files", action="store_true", help="check every tracked file")
    scope.add_argument("--files", nargs="+", metavar="FILE", help="check these files")
    run.add_argument("--only", nargs="+", default=[], metavar="CHECK", help="run only these")
    run.add_argument("--skip", nargs="+", default=[], metavar="CHECK", help="leave these out")
    run.add_argument(
        "--no-fail-fast", action="store_true", help="run every stage, even after a failure"
    )
    run.add_argument("--json", action="store_true", help="print the run record as JSON instead")
    run.add_argument("--from-ref", metavar="REF", help="with --to-ref: check what REF..TO adds")
    run.add_argument("--to-ref", metavar="REF", help="the commit whose files are checked")
    run.add_argument("--report-junit", type=Path, metavar="PATH", help="write JUnit XML here")
    run.add_argument("--report-sarif", type=Path, metavar="PATH", help="write SARIF 2.1.0 here")
    run.add_argument("--report-md", type=Path, metavar="PATH", help="write a Markdown summary")
    run.epilog = (
        "Files after -- are checked as with --files, whatever their names: gates run ci -- -rf"
    )
    run.set_defaults(main=main)


def load(cwd: Path) -> LoadedConfig:
    return load_config(cwd, fallback_root=git.toplevel(cwd))


def request_from(args: argparse.Namespace, cwd: Path) -> RunRequest:
    return RunRequest(
        layer=args.layer,
        cwd=cwd,
        files=[*(args.files or []), *args.paths] or None,
        all_files=args.all_files,
        only=args.only,
        skip=args.skip,
        env_skip=[n.strip() for n in os.environ.get("SKIP", "").split(",") if n.strip()],
        fail_fast=False if args.no_fail_fast else None,
        ranges=_ranges(args, cwd),
    )


def _ranges(args: argparse.Namespace, cwd: Path) -> tuple[tuple[str, str], ...]:
    """The pushed ranges a hook found, or the one given by --from-ref and --to-ref."""
    if getattr(args, "ranges", None):
        return tuple(args.ranges)
    if bool(args.from_ref) != bool(args.to_ref):
        raise UsageError("--from-ref and --to-ref go together")
    if not args.from_ref:
        return ()
    from gates.vcs.push import resolve

    return ((resolve(args.from_ref, cwd), resolve(args.to_ref, cwd)),)


def main(args: argparse.Namespace) -> int:
    cwd = Path.cwd()
    loaded = load(cwd)
    request = request_from(args, cwd)
    bus = EventBus()
    if args.json:
        from gates.reports.record import RunRecorder

        recorder = RunRecorder()
        bus.subscribe(recorder)
        subscribe_reports(bus, args, loaded.root, cwd)
        request = keep_history(bus, request, loaded, recorder, out=None)
        outcome = run_layer(request, loaded, bus)
        print(json.dumps(recorder.record, indent=2))
    else:
        bus.subscribe(console())
        subscribe_reports(bus, args, loaded.root, cwd)
        request = keep_history(bus, request, loaded, None, out=sys.stdout)
        outcome = run_layer(request, loaded, bus)
    return EXIT_OK if outcome.passed else EXIT_FAILED


def keep_history(
    bus: EventBus,
    request: RunRequest,
    loaded: LoadedConfig,
    recorder: RunRecorder | None,
    out: TextIO | None,
) -> RunRequest:
    """Every run goes into the repository's history; a layer with order = "auto" learns
    its order from it. Subscribed last, so its lines follow the console's summary."""
    from gates.reports.history_writer import keep_history as record_run
    from gates.reports.record import RunRecorder

    if recorder is None:
        recorder = RunRecorder()
        bus.subscribe(recorder)
    layer = loaded.config.layers.get(request.layer)  # type: ignore[call-overload]
    learn = layer is not None and layer.order == "auto"
    medians = record_run(bus, recorder, request.cwd, request.layer, learn, out)
    return dataclasses.replace(request, medians=medians)


def subscribe_reports(bus: EventBus, args: argparse.Namespace, root: Path, cwd: Path) -> None:
    """The report files asked for; a writer is imported only when its flag is given."""
    if args.report_junit:
        from gates.reports.junit import JunitReport

        bus.subscribe(JunitReport(cwd / args.report_junit))
    if args.report_sarif:
        from gates.reports.sarif import SarifReport

        bus.subscribe(SarifReport(cwd / args.report_sarif, root, git.toplevel(cwd)))
    if args.report_md:
        from gates.reports.markdown import MarkdownReport

        bus.subscribe(MarkdownReport(cwd / args.report_md))


def console() -> Handler:
    if sys.stdout.isatty() and not os.environ.get("NO_COLOR"):
        from gates.reports.rich_console import RichConsole

        return RichConsole()
    from gates.reports.console import PlainConsole

    return PlainConsole()
