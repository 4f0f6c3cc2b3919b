"""The verbs behind the command line: one module each, a `register` and a `main`.

A verb module imports what its work needs inside `main`, so that `gates run pre-commit`
pays only for its own imports.
"""

from __future__ import annotations

import argparse
import signal
import sys
from collections.abc import Sequence
from types import FrameType, ModuleType

from gates import __version__
from gates.cli import EXIT_INTERRUPTED, EXIT_USAGE
from gates.commands import config, history, hooks, init, recover, report, run
from gates.config import ConfigError
from gates.pipeline.service import UsageError
from gates.vcs.git import GitError

VERBS: tuple[ModuleType, ...] = (run, config, init, hooks, recover, report, history)
# The module that registers each command name.
BY_NAME: dict[str, ModuleType] = {
    "run": run, "config": config, "init": init, "install": hooks, "uninstall": hooks,
    "hook": hooks, "recover": recover, "report": report, "history": history,
}  # fmt: skip


def build_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The parser of every command, or of only the one `argv` names: a commit's hook pays
    for building one command's options, not eleven."""
    parser = argparse.ArgumentParser(prog="gates", description="Quality gates with speed budgets.")
    parser.add_argument("-V", "--version", action="version", version=f"gates {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    named = BY_NAME.get(argv[0]) if argv else None
    for verb in (named,) if named is not None else VERBS:
        verb.register(subparsers)
    return parser


def dispatch(argv: Sequence[str]) -> int:
    argv, after_dashes = list(argv), []
    if "--" in argv:
        # Files after -- may look like options (a file named -rf): split them off first.
        cut = argv.index("--")
        argv, after_dashes = argv[:cut], argv[cut + 1 :]
    args = build_parser(argv).parse_args(argv)
    args.paths = after_dashes
    for ending in (signal.SIGTERM, signal.SIGHUP):  # a closed terminal ends a run as ^C does
        signal.signal(ending, _interrupt)
    try:
        code: int = args.main(args)
        return code
    except (ConfigError, UsageError, GitError) as exc:
        print(f"gates: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("gates: interrupted", file=sys.stderr)
        _ignore_late_signals()
        return EXIT_INTERRUPTED


def _ignore_late_signals() -> None:
    # A Ctrl-C pressed again while Python shuts down would turn 130 into -2.
    for ending in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(ending, signal.SIG_IGN)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # SIGTERM ends a run as Ctrl-C does: children killed, then 130
