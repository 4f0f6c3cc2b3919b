"""Run one planned check to a result: build, run, parse; every failure is a result."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from gates.checks import CheckContext, ProcessOutput
from gates.pipeline import process
from gates.pipeline.plan import Plan, PlannedCheck, takes_files
from gates.results import CheckResult, Outcome, Status


def execute(
    planned: PlannedCheck, plan: Plan, layer_deadline: float, groups: process.ProcessGroups
) -> CheckResult:
    started = time.monotonic()
    deadline = layer_deadline
    if planned.budget is not None:
        deadline = min(deadline, started + planned.budget)
    try:
        outcome, argv = _run_tool(planned, plan, deadline, groups)
    except Exception as exc:  # fail closed: a crash inside gates is not a pass either
        outcome, argv = Outcome.error(f"gates could not run this check: {exc!r}"), []
    if outcome.status is Status.TIMEOUT:
        whose = "its own" if deadline < layer_deadline else f"the {plan.layer} layer's"
        limit = planned.budget if deadline < layer_deadline else plan.budget
        outcome = Outcome(Status.TIMEOUT, (), f"killed at {whose} {limit:g} s budget")
    return CheckResult(
        name=planned.name,
        tool=planned.tool.kind,
        stage=planned.stage,
        status=outcome.status,
        duration=time.monotonic() - started,
        findings=outcome.findings,
        message=outcome.message,
        files=len(planned.files),
        command=tuple(argv[:8]),  # the head of the command: file lists stay out of records
    )


def _run_tool(
    planned: PlannedCheck, plan: Plan, deadline: float, groups: process.ProcessGroups
) -> tuple[Outcome, list[str]]:
    with tempfile.TemporaryDirectory(prefix="gates-") as workdir:
        ctx = CheckContext(
            name=planned.name,
            layer=plan.layer,
            root=plan.root,
            files=planned.files if takes_files(planned) else (),
            spec=planned.spec,
            coverage=plan.coverage,
            workdir=Path(workdir),
        )
        argv = planned.tool.build(ctx)
        program = process.find_program(argv[0]) if argv else None
        if program is None:
            missing = argv[0] if argv else "(empty command)"
            return Outcome.error(f"{missing} is not installed: {planned.tool.install}"), argv
        done = process.run([program, *argv[1:]], plan.root, deadline, groups)
        if done.timed_out:
            return Outcome(Status.TIMEOUT), argv
        if done.cancelled:
            return Outcome(Status.SKIPPED, (), "cancelled: a check in its stage failed"), argv
        return planned.tool.parse(
            ctx, ProcessOutput(done.returncode, done.stdout, done.stderr)
        ), argv
