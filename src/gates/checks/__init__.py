"""The tool adapters, in one explicit registry: adding a tool is one module and one line.

Every adapter's outcome is redacted here, in one place: whatever a tool echoes (a hardcoded
password, an assertion's values, a command's output), a secret value never leaves in full.
"""

from __future__ import annotations

import dataclasses

from gates.checks import bandit, command, mypy, pip_audit, pytest, ruff, secrets
from gates.checks.base import CheckContext, ProcessOutput, Tool
from gates.checks.redact import redacting


def _redacted(tool: Tool) -> Tool:
    return dataclasses.replace(tool, parse=redacting(tool.parse))


ADAPTERS: dict[str, Tool] = {
    "secrets": secrets.TOOL,
    "ruff-format": ruff.FORMAT,
    "ruff-lint": ruff.LINT,
    "mypy": mypy.TOOL,
    "bandit": bandit.TOOL,
    "pytest": pytest.TOOL,
    "pip-audit": pip_audit.TOOL,
    "command": command.TOOL,
}
TOOLS: dict[str, Tool] = {kind: _redacted(tool) for kind, tool in ADAPTERS.items()}

__all__ = ["TOOLS", "CheckContext", "ProcessOutput", "Tool"]
