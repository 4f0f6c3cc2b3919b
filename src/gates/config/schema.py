"""The JSON Schema of the config, generated from the model.

Regenerate the committed copy from the repository root with `python -m gates.config.schema`
(it writes schema/gates.schema.json); a test fails while the committed copy is stale.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import msgspec

from gates.config.model import LAYERS, Config

SCHEMA_PATH = Path("schema") / "gates.schema.json"


def schema() -> dict[str, Any]:
    """The schema of the file a user writes: the model, with every key optional.

    The model describes the config after it is merged over its preset, where a layer has a
    budget and a check a kind. A user's file may leave any key to the preset, so the schema
    requires none; the loader still says when a new check has no kind.
    """
    generated = msgspec.json.schema(Config)
    for definition in generated["$defs"].values():
        definition.pop("required", None)
    layers = generated["$defs"]["Config"]["properties"]["layers"]
    layers["propertyNames"] = {"enum": list(LAYERS)}  # msgspec leaves Literal keys open
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "gates config ([tool.gates] in pyproject.toml, or gates.toml)",
        "description": "Every key overrides the preset's; a table merges, any other value"
        " (a list too) replaces the preset's whole.",
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
