"""`gates config`: the effective config, as TOML or JSON, or its JSON Schema."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from gates.cli import EXIT_OK


def register(subparsers: Any) -> None:
    config = subparsers.add_parser("config", help="print the effective config")
    config.add_argument("--json", action="store_true", help="as JSON instead of TOML")
    config.add_argument("--schema", action="store_true", help="print the config's JSON Schema")
    config.set_defaults(main=main)


def main(args: argparse.Namespace) -> int:
    if args.schema:
        from gates.config.schema import render

        print(render(), end="")
        return EXIT_OK
    import tomlkit

    from gates.commands.run import load
    from gates.config.model import as_settings

    loaded = load(Path.cwd())
    effective = as_settings(loaded.config)
    if args.json:
        print(json.dumps(effective, indent=2))
    else:
        print(f"# effective gates config: preset {loaded.config.preset!r} + {loaded.source}")
        print(tomlkit.dumps(effective), end="")
    return EXIT_OK
