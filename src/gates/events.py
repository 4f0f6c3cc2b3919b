"""The in-process event bus and the events the runner publishes.

Events are past tense and carry plain values. Subscribers never change the outcome of a
run: an exception in one is reported on stderr and the run carries on.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass

from gates.results import CheckResult


@dataclass(frozen=True)
class RunStarted:
    run_id: str
    layer: str
    budget: float
    file_count: int
    stages: tuple[tuple[str, ...], ...]
    started_at: float  # seconds since the epoch
    notes: tuple[str, ...] = ()  # what the run says about the files it checks


@dataclass(frozen=True)
class CheckStarted:
    run_id: str
    check: str
    stage: int


@dataclass(frozen=True)
class CheckFinished:
    run_id: str
    result: CheckResult


@dataclass(frozen=True)
class StageFinished:
    run_id: str
    stage: int
    failed: bool


@dataclass(frozen=True)
class BudgetExceeded:
    run_id: str
    layer: str
    budget: float
    elapsed: float
    culprits: tuple[tuple[str, float], ...]  # (check, seconds), slowest first


@dataclass(frozen=True)
class RunFinished:
    run_id: str
    layer: str
    passed: bool
    duration: float
    budget: float
    results: tuple[CheckResult, ...]


Event = RunStarted | CheckStarted | CheckFinished | StageFinished | BudgetExceeded | RunFinished
Handler = Callable[[Event], None]


class EventBus:
    def __init__(self) -> None:
        self._handlers: list[Handler] = []

    def subscribe(self, handler: Handler) -> None:
        self._handlers.append(handler)

    def publish(self, event: Event) -> None:
        for handler in self._handlers:
            try:
                handler(event)
            except Exception as exc:  # a reporter must not change the run's outcome
                name = getattr(handler, "__qualname__", repr(handler))
                print(f"gates: reporter {name} failed: {exc!r}", file=sys.stderr)
