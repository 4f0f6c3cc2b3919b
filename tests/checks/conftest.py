"""Fixtures for the adapter tests (the harness itself is tests/checks/harness.py)."""

from __future__ import annotations

import pytest

# Modules whose subprocesses run gates' own code (the secret-scan worker): keep measuring.
RUNS_GATES_IN_SUBPROCESSES = {
    "tests.checks.test_secrets",
    "tests.checks.test_secrets_diff",
    "tests.checks.test_secrets_screen",
}


@pytest.fixture(autouse=True)
def _measure_only_gates_subprocesses(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ruff, mypy, bandit, pytest and pip-audit run no gates code: do not trace them.

    The suite's coverage config patches subprocesses (COVERAGE_PROCESS_CONFIG), so every
    Python tool these tests start would trace itself and write a data file for nothing.
    """
    if request.module.__name__ not in RUNS_GATES_IN_SUBPROCESSES:
        monkeypatch.delenv("COVERAGE_PROCESS_CONFIG", raising=False)
