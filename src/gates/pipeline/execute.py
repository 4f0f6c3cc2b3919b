"""Run one planned check to a result: build, run, parse; every failure is a result.

A file-local check with a long file list is split into batches that run on all cores
(a slow tool on 200 files must not run on one), and the worst batch decides its status.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from gates.checks import CheckContext, ProcessOutput
from gates.pipeline import process
from gates.pipeline.plan import Plan, PlannedCheck, is_file_local, takes_files
from gates.results import CheckResult, Finding, Outcome, Severity, Status

MIN_BATCH = 16  # files; below this a second process costs more than it saves
MAX_ARGS_CHARS = 100_000  # well under Linux's argument limit
_WORST_FIRST = (Status.TIMEOUT, Status.ERROR, Status.FAILED, Status.SKIPPED, Status.PASSED)


def execute(
    planned: PlannedCheck, plan: Plan, layer_deadline: float, groups: process.ProcessGroups
) -> CheckResult:
    started = time.monotonic()
    deadline = layer_deadline
    if planned.budget is not None:
        deadline = min(deadline, started + planned.budget)
    cwd = where(planned, plan)
    before = _digests(cwd, planned.files) if planned.spec.fix else {}
    try:
        outcome, argv = _run_batches(planned, plan, cwd, deadline, groups)
    except Exception as exc:  # fail closed: a crash inside gates is not a pass either
        outcome, argv = Outcome.error(f"gates could not run this check: {exc!r}"), []
    if outcome.status is Status.TIMEOUT:
        whose = "its own" if deadline < layer_deadline else f"the {plan.layer} layer's"
        limit = planned.budget if deadline < layer_deadline else plan.budget
        outcome = Outcome(Status.TIMEOUT, (), f"killed at {whose} {limit:g} s budget")
    elif planned.spec.fix:
        outcome = _with_fixes(outcome, before, _digests(cwd, planned.files))
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
        slowest=outcome.slowest,
    )


def where(planned: PlannedCheck, plan: Plan) -> Path:
    """A file-local check reads the snapshot when there is one; others the real tree."""
    if plan.local_root is not None and is_file_local(planned):
        return plan.local_root
    return plan.root


def batches(
    files: tuple[str, ...], cores: int, size: Callable[[str], int] = len
) -> list[tuple[str, ...]]:
    """Split across the cores when there are enough files, and below the argument limit.

    Files are dealt largest first, each to the batch with the least so far (a tool's time
    grows with a file's size, and neighbours in a listing are often alike: a folder of
    large generated modules), so that no core is left waiting for another. Each batch
    keeps the files in their given order."""
    if not files:
        return [()]
    count = min(cores, len(files) // MIN_BATCH) or 1
    count = max(count, -(-sum(len(f) + 1 for f in files) // MAX_ARGS_CHARS))
    if count == 1:
        return [files]
    loads = [0] * count
    dealt: list[list[int]] = [[] for _ in range(count)]
    sizes = [size(name) for name in files]
    for index in sorted(range(len(files)), key=lambda i: -sizes[i]):
        lightest = loads.index(min(loads))
        loads[lightest] += sizes[index] + 1
        dealt[lightest].append(index)
    return [tuple(files[i] for i in sorted(part)) for part in dealt]


def _file_size(root: Path) -> Callable[[str], int]:
    def size(name: str) -> int:
        try:
            return (root / name).stat().st_size
        except OSError:
            return 0

    return size


def _run_batches(
    planned: PlannedCheck, plan: Plan, cwd: Path, deadline: float, groups: process.ProcessGroups
) -> tuple[Outcome, list[str]]:
    files = planned.files if takes_files(planned) else ()
    cleared = None
    if planned.tool.screen is not None and files:
        files, cleared = planned.tool.screen(_context(planned, plan, cwd, files, None))
        if not files:
            return Outcome(Status.PASSED, (), cleared or ""), []
    cores = (os.cpu_count() or 1) if is_file_local(planned) else 1
    parts = batches(files, cores, _file_size(cwd))
    if len(parts) == 1:
        outcome, argv = _run_tool(planned, plan, cwd, parts[0], deadline, groups)
    else:
        from concurrent.futures import ThreadPoolExecutor  # only a long file list pays for it

        with ThreadPoolExecutor(len(parts), thread_name_prefix=f"gates-{planned.name}") as pool:
            runs = list(
                pool.map(lambda part: _run_tool(planned, plan, cwd, part, deadline, groups), parts)
            )
        outcome, argv = merge([outcome for outcome, _ in runs]), runs[0][1]
    return _noted(outcome, cleared), argv


def _noted(outcome: Outcome, note: str | None) -> Outcome:
    if note is None or outcome.status is not Status.PASSED:
        return outcome
    return Outcome(
        outcome.status, outcome.findings, "; ".join(filter(None, (outcome.message, note)))
    )


def _context(
    planned: PlannedCheck, plan: Plan, cwd: Path, files: tuple[str, ...], workdir: Path | None
) -> CheckContext:
    return CheckContext(
        name=planned.name,
        layer=plan.layer,
        root=cwd,
        files=files,
        spec=planned.spec,
        coverage=plan.coverage,
        workdir=workdir,
        diff=plan.diff,
        project=plan.root,
    )


def merge(outcomes: list[Outcome]) -> Outcome:
    status = min((o.status for o in outcomes), key=_WORST_FIRST.index)
    findings = tuple(f for o in outcomes for f in o.findings)
    if status is Status.FAILED and findings:
        return Outcome(status, findings, f"{len(findings)} finding(s)")
    messages = dict.fromkeys(o.message for o in outcomes if o.status is status and o.message)
    return Outcome(status, findings, "; ".join(messages))


def _run_tool(
    planned: PlannedCheck,
    plan: Plan,
    cwd: Path,
    files: tuple[str, ...],
    deadline: float,
    groups: process.ProcessGroups,
) -> tuple[Outcome, list[str]]:
    with _workdir(planned) as workdir:
        ctx = _context(planned, plan, cwd, files, workdir)
        argv = planned.tool.build(ctx)
        program = process.find_program(argv[0]) if argv else None
        if program is None:
            missing = argv[0] if argv else "(empty command)"
            return Outcome.error(f"{missing} is not installed: {planned.tool.install}"), argv
        done = process.run([program, *argv[1:]], cwd, deadline, groups)
        if done.timed_out:
            return Outcome(Status.TIMEOUT), argv
        if done.cancelled:
            return Outcome(Status.SKIPPED, (), "cancelled: a check in its stage failed"), argv
        output = ProcessOutput(done.returncode, done.stdout, done.stderr)
        return planned.tool.parse(ctx, output), argv


@contextmanager
def _workdir(planned: PlannedCheck) -> Iterator[Path | None]:
    if not planned.tool.workdir:
        yield None
        return
    import tempfile  # not on a commit's path: only the tests check asks for a folder

    with tempfile.TemporaryDirectory(prefix="gates-") as folder:
        yield Path(folder)


def _digests(root: Path, files: tuple[str, ...]) -> dict[str, str]:
    import hashlib  # only fixers need it

    found = {}
    for name in files:
        try:
            found[name] = hashlib.sha256((root / name).read_bytes()).hexdigest()
        except OSError:
            found[name] = ""
    return found


def _with_fixes(outcome: Outcome, before: dict[str, str], after: dict[str, str]) -> Outcome:
    """A fixer that changed files fails the layer, and says which files to review."""
    changed = [name for name in before if before[name] != after.get(name)]
    if not changed or outcome.status in (Status.ERROR, Status.SKIPPED):
        return outcome
    fixed = tuple(
        Finding(
            name,
            None,
            None,
            "fixed",
            "rewritten by the fixer; review it and git add it",
            Severity.ERROR,
        )
        for name in changed
    )
    message = f"fixed {len(changed)} file(s): {', '.join(changed[:5])}" + (
        " ..." if len(changed) > 5 else ""
    )
    if outcome.message and outcome.status is Status.FAILED:
        message += f"; {outcome.message}"
    return Outcome(Status.FAILED, fixed + outcome.findings, message)
