"""The verbs behind the command line, each a thin call into a domain service."""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from gates import __version__
from gates.cli import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from gates.config import LAYERS, ConfigError, LoadedConfig, load_config
from gates.events import EventBus, Handler
from gates.pipeline.service import RunRequest, UsageError, run_layer
from gates.vcs import git


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gates", description="Quality gates with speed budgets.")
    parser.add_argument("-V", "--version", action="version", version=f"gates {__version__}")
    verbs = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = verbs.add_parser("run", help="run one layer: pre-commit, pre-push or ci")
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
    run.epilog = (
        "Files after -- are checked as with --files, whatever their names: gates run ci -- -rf"
    )

    config = verbs.add_parser("config", help="print the effective config")
    config.add_argument("--json", action="store_true", help="as JSON instead of TOML")
    config.add_argument("--schema", action="store_true", help="print the config's JSON Schema")

    init = verbs.add_parser("init", help="write a minimal [tool.gates] config")
    init.add_argument(
        "--preset", default="python", help="the preset to start from (default: python)"
    )
    init.add_argument("--force", action="store_true", help="replace an existing gates config")
    return parser


def dispatch(argv: Sequence[str]) -> int:
    argv, after_dashes = list(argv), []
    if "--" in argv:
        # Files after -- may look like options (a file named -rf): split them off first.
        cut = argv.index("--")
        argv, after_dashes = argv[:cut], argv[cut + 1 :]
    args = build_parser().parse_args(argv)
    args.paths = after_dashes
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        if args.command == "run":
            return cmd_run(args)
        if args.command == "config":
            return cmd_config(args)
        return cmd_init(args)
    except (ConfigError, UsageError, git.GitError) as exc:
        print(f"gates: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("gates: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # SIGTERM ends a run as Ctrl-C does: children killed, then 130


def _load(cwd: Path) -> LoadedConfig:
    return load_config(cwd, fallback_root=git.toplevel(cwd))


def cmd_run(args: argparse.Namespace) -> int:
    cwd = Path.cwd()
    loaded = _load(cwd)
    files = [*(args.files or []), *args.paths] or None
    request = RunRequest(
        layer=args.layer,
        cwd=cwd,
        files=files,
        all_files=args.all_files,
        only=args.only,
        skip=args.skip,
        env_skip=[n.strip() for n in os.environ.get("SKIP", "").split(",") if n.strip()],
        fail_fast=False if args.no_fail_fast else None,
    )
    bus = EventBus()
    if args.json:
        from gates.reports.record import RunRecorder

        recorder = RunRecorder()
        bus.subscribe(recorder)
        outcome = run_layer(request, loaded, bus)
        print(json.dumps(recorder.record, indent=2))
    else:
        bus.subscribe(_console())
        outcome = run_layer(request, loaded, bus)
    return EXIT_OK if outcome.passed else EXIT_FAILED


def _console() -> Handler:
    if sys.stdout.isatty() and not os.environ.get("NO_COLOR"):
        from gates.reports.rich_console import RichConsole

        return RichConsole()
    from gates.reports.console import PlainConsole

    return PlainConsole()


def cmd_config(args: argparse.Namespace) -> int:
    if args.schema:
        from gates.config.schema import render

        print(render(), end="")
        return EXIT_OK
    import msgspec
    import tomlkit

    loaded = _load(Path.cwd())
    effective = msgspec.to_builtins(loaded.config)
    if args.json:
        print(json.dumps(effective, indent=2))
    else:
        print(f"# effective gates config: preset {loaded.config.preset!r} + {loaded.source}")
        print(tomlkit.dumps(effective), end="")
    return EXIT_OK


def cmd_init(args: argparse.Namespace) -> int:
    from gates.config.init import init_config

    root = git.toplevel(Path.cwd()) or Path.cwd()
    written = init_config(root, args.preset, args.force)
    print(f"wrote the gates config ({args.preset} preset) to {written}")
    print("next: gates run pre-commit --all-files")
    return EXIT_OK
