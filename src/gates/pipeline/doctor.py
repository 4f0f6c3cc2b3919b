"""Which tools a layer needs that this environment lacks."""

from __future__ import annotations

from gates.checks import TOOLS
from gates.config.model import Config
from gates.pipeline.process import find_program


def missing_tools(config: Config, layer: str) -> list[str]:
    missing = []
    for stage in config.layers[layer].stages:  # type: ignore[index]
        for name in stage:
            spec = config.checks[name]
            tool = TOOLS[spec.kind]
            program = spec.command[0] if spec.kind == "command" and spec.command else tool.program
            if program and find_program(program) is None:
                missing.append(f"{name} needs {program} ({tool.install})")
    return missing
