"""Every run into the repository's history, with the warnings its trends call for.

Subscribed after the console and the run recorder: at the end of a run it reads the
layer's recent records, adds the warnings (`trends`) to the record, stores it, and says
them in one line. A history that cannot be read or written costs one line on stderr and
never changes the run's outcome.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from gates.events import Event, EventBus, RunFinished, RunStarted
from gates.reports.console import order_line, trend_line
from gates.reports.history import HistoryStore, open_history
from gates.reports.record import RunRecorder, git_head
from gates.reports.tool_versions import fill_versions
from gates.reports.trends import OLDER, RECENT, check_medians, run_warnings


class HistoryWriter:
    def __init__(
        self, store: HistoryStore, recorder: RunRecorder, out: TextIO | None, learned_from: int
    ) -> None:
        self.store = store
        self.recorder = recorder
        self.out = out  # where the console lines go; None: say nothing (--json)
        self.learned_from = learned_from  # runs the order was learned from; 0: not learned

    def __call__(self, event: Event) -> None:
        if isinstance(event, RunStarted) and self.learned_from:
            self._say(order_line(self.learned_from, event.stages))
        elif isinstance(event, RunFinished):
            self._finish()

    def _finish(self) -> None:
        record = self.recorder.record
        try:
            earlier = self.store.records(record["layer"], limit=RECENT + OLDER)
            record["warnings"] = run_warnings(record, earlier)
            fill_versions(record.get("tools", {}), self.store, ask=record["layer"] == "ci")
            self.store.add(record)
        except Exception as exc:  # the run's outcome never depends on its history
            print(f"gates: the run history was not written: {exc}", file=sys.stderr)
        finally:
            self.store.close()
        if record.get("warnings"):
            self._say(trend_line(record["warnings"]))

    def _say(self, line: str) -> None:
        if self.out is not None:
            print(line, file=self.out, flush=True)


def keep_history(
    bus: EventBus,
    recorder: RunRecorder,
    cwd: Path,
    layer: str,
    learn: bool,
    out: TextIO | None,
) -> dict[str, float]:
    """Record this run in the history; when `learn`, the check medians to order it by."""
    store = open_history(cwd)
    if store.path is None:
        return {}  # not in a git repository: no history, and nothing to say about it
    recorder.git = git_head(store.path.parent.parent)  # <git dir>/gates/history.sqlite
    medians, runs = {}, 0
    if learn:
        try:
            records = store.records(layer, limit=OLDER)
        except Exception as exc:  # unreadable: the config's order, and no record either
            print(f"gates: the run history is not available: {exc}", file=sys.stderr)
            return {}
        medians, runs = check_medians(records), len(records)
    bus.subscribe(HistoryWriter(store, recorder, out, runs if medians else 0))
    return medians
