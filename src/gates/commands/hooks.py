"""`gates install`, `gates uninstall`, and `gates hook`, which the installed hooks call."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from gates.cli import EXIT_OK

HOOK_LAYERS = ("pre-commit", "pre-push")  # gates.vcs.hooks is imported only when used
LAYER_HELP = "pre-commit or pre-push (default: both)"


def register(subparsers: Any) -> None:
    install = subparsers.add_parser("install", help="install the git hooks that run the layers")
    install.add_argument("--layer", action="append", choices=HOOK_LAYERS, help=LAYER_HELP)
    install.add_argument("--force", action="store_true", help="replace a foreign hook's backup")
    install.add_argument("--status", action="store_true", help="show what is installed")
    install.set_defaults(main=main_install)

    uninstall = subparsers.add_parser("uninstall", help="remove the hooks; restore earlier ones")
    uninstall.add_argument("--layer", action="append", choices=HOOK_LAYERS, help=LAYER_HELP)
    uninstall.set_defaults(main=main_uninstall)

    hook = subparsers.add_parser("hook", help=argparse.SUPPRESS)
    hook.add_argument("layer", choices=HOOK_LAYERS)
    hook.add_argument("hook_args", nargs="*")
    hook.set_defaults(main=main_hook)


def main_install(args: argparse.Namespace) -> int:
    from gates.vcs import hooks

    cwd = Path.cwd()
    if args.status:
        return _status(cwd)
    for layer in args.layer or HOOK_LAYERS:
        print(hooks.install(cwd, layer, force=args.force))
    return EXIT_OK


def main_uninstall(args: argparse.Namespace) -> int:
    from gates.vcs import hooks

    for layer in args.layer or HOOK_LAYERS:
        print(hooks.uninstall(Path.cwd(), layer))
    return EXIT_OK


def _status(cwd: Path) -> int:
    from gates.commands.run import load
    from gates.pipeline.doctor import missing_tools
    from gates.vcs import hooks

    loaded = load(cwd)
    for layer in HOOK_LAYERS:
        state = hooks.state(cwd, layer)
        where = f"installed at {state.path}" if state.installed else "not installed"
        legacy = f" (runs {state.path.name}.legacy first)" if state.legacy else ""
        print(f"{layer:<11} hook {where}{legacy}")
    for layer in loaded.config.layers:
        missing = missing_tools(loaded.config, layer)
        tools = "every tool found" if not missing else "missing: " + "; ".join(missing)
        print(f"{layer:<11} layer: {tools}")
    return EXIT_OK


def main_hook(args: argparse.Namespace) -> int:
    from gates.commands import build_parser, run

    # The hook runs the layer exactly as `gates run LAYER` would, with the files git gives.
    run_args = build_parser(["run"]).parse_args(["run", args.layer])
    run_args.paths = []
    if args.layer == "pre-push":
        from gates.vcs.push import parse_stdin, ranges_in_push

        remote = args.hook_args[0] if args.hook_args else "origin"
        run_args.ranges = ranges_in_push(parse_stdin(sys.stdin.read()), remote, Path.cwd())
        if not run_args.ranges:
            print("gates pre-push: the push adds no commit to check")
            return EXIT_OK
    code: int = run.main(run_args)
    return code
