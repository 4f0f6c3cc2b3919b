"""The tool adapters, in one explicit registry: adding a tool is one module and one line.

Every adapter's outcome is redacted here, in one place: whatever a tool echoes (a hardcoded
password, an assertion's values, a command's output), a secret value never leaves in full.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Iterator, Mapping

from gates.checks.base import CheckContext, ProcessOutput, Tool
from gates.checks.redact import redacting

# Each kind's adapter: the module under gates.checks and the Tool in it.
ADAPTERS: dict[str, tuple[str, str]] = {
    "secrets": ("secrets", "TOOL"),
    "ruff-format": ("ruff", "FORMAT"),
    "ruff-lint": ("ruff", "LINT"),
    "mypy": ("mypy", "TOOL"),
    "bandit": ("bandit", "TOOL"),
    "pytest": ("pytest", "TOOL"),
    "pip-audit": ("pip_audit", "TOOL"),
    "command": ("command", "TOOL"),
}


class _Tools(Mapping[str, Tool]):
    """The adapters by kind, each imported when first asked for: a commit pays for the
    tools its layer runs, not for all eight."""

    def __init__(self) -> None:
        self._loaded: dict[str, Tool] = {}

    def __getitem__(self, kind: str) -> Tool:
        tool = self._loaded.get(kind)
        if tool is None:
            module, name = ADAPTERS[kind]
            adapter: Tool = getattr(importlib.import_module(f"gates.checks.{module}"), name)
            tool = self._loaded[kind] = dataclasses.replace(adapter, parse=redacting(adapter.parse))
        return tool

    def __iter__(self) -> Iterator[str]:
        return iter(ADAPTERS)

    def __len__(self) -> int:
        return len(ADAPTERS)


TOOLS: Mapping[str, Tool] = _Tools()

__all__ = ["TOOLS", "CheckContext", "ProcessOutput", "Tool"]
