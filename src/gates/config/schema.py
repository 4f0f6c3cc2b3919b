"""The JSON Schema of the config, generated from the model: `python -m gates.config.schema`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import msgspec

from gates.config.model import Config

SCHEMA_PATH = Path("schema") / "gates.schema.json"


def schema() -> dict[str, Any]:
    generated = msgspec.json.schema(Config)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "gates config ([tool.gates] in pyproject.toml, or gates.toml)",
        **generated,
    }


def render() -> str:
    return json.dumps(schema(), indent=2, sort_keys=True) + "\n"


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else SCHEMA_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(), encoding="utf-8")
    print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
