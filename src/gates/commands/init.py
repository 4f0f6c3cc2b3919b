"""`gates init`: a minimal [tool.gates] in pyproject.toml, or a gates.toml."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from gates.cli import EXIT_OK
from gates.vcs import git


def register(subparsers: Any) -> None:
    init = subparsers.add_parser("init", help="write a minimal [tool.gates] config")
    init.add_argument(
        "--preset", default="python", help="the preset to start from (default: python)"
    )
    init.add_argument("--force", action="store_true", help="replace an existing gates config")
    init.set_defaults(main=main)


def main(args: argparse.Namespace) -> int:
    from gates.config.init import init_config

    root = git.toplevel(Path.cwd()) or Path.cwd()
    written = init_config(root, args.preset, args.force)
    print(f"wrote the gates config ({args.preset} preset) to {written}")
    print("next: gates run pre-commit --all-files, then gates install")
    return EXIT_OK
