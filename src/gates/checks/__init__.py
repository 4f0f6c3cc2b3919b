"""The tool adapters, in one explicit registry: adding a tool is one module and one line."""

from __future__ import annotations

from gates.checks import bandit, command, mypy, pip_audit, pytest, ruff, secrets
from gates.checks.base import CheckContext, ProcessOutput, Tool

TOOLS: dict[str, Tool] = {
    "secrets": secrets.TOOL,
    "ruff-format": ruff.FORMAT,
    "ruff-lint": ruff.LINT,
    "mypy": mypy.TOOL,
    "bandit": bandit.TOOL,
    "pytest": pytest.TOOL,
    "pip-audit": pip_audit.TOOL,
    "command": command.TOOL,
}

__all__ = ["TOOLS", "CheckContext", "ProcessOutput", "Tool"]
