"""`gates recover`: put back unstaged work that a killed run had saved."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from gates.cli import EXIT_FAILED, EXIT_OK
from gates.vcs.git import GitError, toplevel


def register(subparsers: Any) -> None:
    recover = subparsers.add_parser(
        "recover", help="restore unstaged work saved by a run that was killed"
    )
    recover.set_defaults(main=main)


def main(args: argparse.Namespace) -> int:
    from gates.vcs import stash

    top = toplevel(Path.cwd())
    if top is None:
        raise GitError("gates recover works inside a git repository")
    messages = stash.recover(top)
    for line in messages or ["nothing to recover: no saved work is waiting"]:
        print(line)
    return EXIT_FAILED if stash.leftovers(top) else EXIT_OK
