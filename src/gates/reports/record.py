"""The run record: versioned JSON built from the run's events alone."""

from __future__ import annotations

import os
import platform
import time
from typing import Any

from gates import __version__
from gates.events import BudgetExceeded, Event, RunFinished, RunStarted
from gates.results import Status

RECORD_VERSION = 1


class RunRecorder:
    """Subscribes to a run's events; `record` is complete once the run has finished."""

    def __init__(self) -> None:
        self.record: dict[str, Any] = {}

    def __call__(self, event: Event) -> None:
        if isinstance(event, RunStarted):
            self.record = {
                "version": RECORD_VERSION,
                "run_id": event.run_id,
                "layer": event.layer,
                "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(event.started_at)),
                "files": event.file_count,
                "budget_s": event.budget,
                "gates_version": __version__,
                "machine": {"cpus": os.cpu_count(), "platform": platform.platform(terse=True)},
                "over_budget": None,
            }
        elif isinstance(event, BudgetExceeded):
            self.record["over_budget"] = {
                "elapsed_s": round(event.elapsed, 4),
                "culprits": [{"check": c, "duration_s": s} for c, s in event.culprits],
            }
        elif isinstance(event, RunFinished):
            self._finish(event)

    def _finish(self, event: RunFinished) -> None:
        self.record.update(
            status="passed" if event.passed else "failed",
            duration_s=round(event.duration, 4),
            budget_used=round(event.duration / event.budget, 4) if event.budget else None,
            checks=[r.to_json() for r in event.results],
            skips=[
                {"check": r.name, "reason": r.message}
                for r in event.results
                if r.status is Status.SKIPPED
            ],
        )
