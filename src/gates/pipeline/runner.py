"""Run a planned layer: stages in order, checks of a stage in parallel, fail fast, on budget."""

from __future__ import annotations

import os
import queue
import threading
import time
from dataclasses import dataclass

from gates.events import (
    BudgetExceeded,
    CheckFinished,
    CheckStarted,
    EventBus,
    RunFinished,
    RunStarted,
    StageFinished,
)
from gates.pipeline.execute import execute
from gates.pipeline.plan import Plan, PlannedCheck
from gates.pipeline.process import ProcessGroups
from gates.results import CheckResult, Status


@dataclass(frozen=True)
class RunOutcome:
    run_id: str
    passed: bool
    duration: float
    results: tuple[CheckResult, ...]


def new_run_id() -> str:
    return time.strftime("%Y%m%dT%H%M%S") + "-" + os.urandom(3).hex()


def run_plan(plan: Plan, bus: EventBus, run_id: str | None = None) -> RunOutcome:
    run_id = run_id or new_run_id()
    names = tuple(tuple(c.name for c in stage) for stage in plan.stages)
    bus.publish(
        RunStarted(run_id, plan.layer, plan.budget, plan.file_count, names, time.time(), plan.notes)
    )
    started = time.monotonic()
    deadline = started + plan.budget
    groups = ProcessGroups()
    results: list[CheckResult] = []
    stopped = False
    try:
        for index, stage in enumerate(plan.stages):
            if stopped:
                stage_results = [
                    _skipped(c, c.skip_reason or "an earlier stage failed") for c in stage
                ]
                for result in stage_results:
                    bus.publish(CheckFinished(run_id, result))
            else:
                stage_results = _run_stage(stage, plan, deadline, groups, bus, run_id)
            results.extend(stage_results)
            failed = any(r.status.blocks for r in stage_results)
            bus.publish(StageFinished(run_id, index, failed))
            stopped = stopped or (failed and plan.fail_fast)
    finally:
        groups.cancel_all()  # nothing outlives the run, whatever ended it
    return _finish(plan, bus, run_id, started, tuple(results))


def _finish(
    plan: Plan, bus: EventBus, run_id: str, started: float, results: tuple[CheckResult, ...]
) -> RunOutcome:
    elapsed = time.monotonic() - started
    over = elapsed > plan.budget or any(r.status is Status.TIMEOUT for r in results)
    if over:
        ran = sorted(
            (r for r in results if r.status is not Status.SKIPPED), key=lambda r: -r.duration
        )
        culprits = tuple((r.name, round(r.duration, 3)) for r in ran[:3])
        bus.publish(BudgetExceeded(run_id, plan.layer, plan.budget, elapsed, culprits))
    passed = not over and not any(r.status.blocks for r in results)
    bus.publish(RunFinished(run_id, plan.layer, passed, elapsed, plan.budget, results))
    return RunOutcome(run_id, passed, elapsed, results)


def _run_stage(
    stage: tuple[PlannedCheck, ...],
    plan: Plan,
    deadline: float,
    groups: ProcessGroups,
    bus: EventBus,
    run_id: str,
) -> list[CheckResult]:
    done: dict[str, CheckResult] = {
        c.name: _skipped(c, c.skip_reason) for c in stage if c.skip_reason is not None
    }
    to_run = [c for c in stage if c.skip_reason is None]
    for result in done.values():
        bus.publish(CheckFinished(run_id, result))
    if to_run:
        done.update(_run_parallel(to_run, plan, deadline, groups, bus, run_id))
    return [done[c.name] for c in stage]  # reported in config order, whatever finished first


def _run_parallel(
    to_run: list[PlannedCheck],
    plan: Plan,
    deadline: float,
    groups: ProcessGroups,
    bus: EventBus,
    run_id: str,
) -> dict[str, CheckResult]:
    done: dict[str, CheckResult] = {}
    workers = max(1, min(len(to_run), os.cpu_count() or 1))
    groups.reset()
    for check in to_run:
        bus.publish(CheckStarted(run_id, check.name, check.stage))
    # A pool of plain threads: concurrent.futures would cost every commit its import.
    queued, finished = list(to_run), Finished()
    try:
        while queued or finished.running:
            while queued and finished.running < workers:
                finished.start(queued.pop(0), plan, deadline, groups)
            result = finished.next()
            if result is None:
                continue  # woken to notice a signal
            done[result.name] = result
            bus.publish(CheckFinished(run_id, result))
            if result.status.blocks and plan.fail_fast and not groups.cancelled:
                groups.cancel_all()
                for check in queued:
                    cancelled = _skipped(check, f"cancelled: {result.name} failed")
                    done[check.name] = cancelled
                    bus.publish(CheckFinished(run_id, cancelled))
                queued.clear()
    except BaseException:
        # Ctrl-C or SIGTERM: kill the tools now, and let their threads end before the
        # caller puts the user's files back.
        groups.cancel_all()
        raise
    finally:
        finished.join()
    return done


class Finished:
    """The checks' threads hand their results here, in the order they finish."""

    def __init__(self) -> None:
        self._results: queue.SimpleQueue[CheckResult | BaseException] = queue.SimpleQueue()
        self.running = 0
        self._threads: list[threading.Thread] = []

    def start(
        self, check: PlannedCheck, plan: Plan, deadline: float, groups: ProcessGroups
    ) -> None:
        def work() -> None:
            try:
                self._results.put(execute(check, plan, deadline, groups))
            except BaseException as exc:  # handed to the main thread, which raises it
                self._results.put(exc)

        thread = threading.Thread(target=work, name=f"gates-{check.name}", daemon=True)
        thread.start()
        self._threads.append(thread)
        self.running += 1

    def join(self) -> None:
        for thread in self._threads:
            thread.join()

    def next(self) -> CheckResult | None:
        """The next result; None after 0.1 s without one, so that signals are noticed."""
        try:
            result = self._results.get(timeout=0.1)
        except queue.Empty:
            return None
        self.running -= 1
        if isinstance(result, BaseException):
            raise result
        return result


def _skipped(check: PlannedCheck, reason: str | None) -> CheckResult:
    return CheckResult(
        name=check.name,
        tool=check.tool.kind,
        stage=check.stage,
        status=Status.SKIPPED,
        duration=0.0,
        message=reason or "skipped",
        files=len(check.files),
    )
