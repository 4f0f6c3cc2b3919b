"""The runner: stages in order, parallel checks, fail fast, budgets enforced by killing."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from gates.config.loader import build_config
from gates.events import BudgetExceeded, CheckFinished, CheckStarted, Event, EventBus, RunFinished
from gates.pipeline.plan import Selection, plan_layer
from gates.pipeline.runner import RunOutcome, run_plan
from gates.results import Status

PY = sys.executable


def command(code: str, **extra: Any) -> dict[str, Any]:
    return {"kind": "command", "command": [PY, "-c", code], **extra}


def run(
    tmp_path: Path,
    checks: dict[str, dict[str, Any]],
    stages: list[list[str]],
    budget: str = "60s",
    fail_fast: bool | None = None,
    selection: Selection | None = None,
) -> tuple[RunOutcome, list[Event]]:
    settings = {"layers": {"ci": {"budget": budget, "stages": stages}}, "checks": checks}
    config = build_config(settings, "gates.toml", "")
    plan = plan_layer(config, "ci", tmp_path, [], selection or Selection(), fail_fast)
    events: list[Event] = []
    bus = EventBus()
    bus.subscribe(events.append)
    return run_plan(plan, bus), events


def by_name(outcome: RunOutcome) -> dict[str, Any]:
    return {r.name: r for r in outcome.results}


def alive(marker: str) -> list[int]:
    """Processes whose command line holds `marker` (read from /proc, no mocking)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if marker in cmdline and int(entry.name) != os.getpid():
            found.append(int(entry.name))
    return found


def test_stages_run_in_order_and_report_in_config_order(tmp_path: Path) -> None:
    checks = {
        "slow": command("import time; time.sleep(0.3)"),
        "fast": command("pass"),
        "last": command("pass"),
    }
    outcome, events = run(tmp_path, checks, [["slow", "fast"], ["last"]])
    assert outcome.passed
    assert [r.name for r in outcome.results] == ["slow", "fast", "last"]
    finished = [e.result.name for e in events if isinstance(e, CheckFinished)]
    assert finished.index("last") > finished.index("slow")  # a stage waits for the one before
    assert isinstance(events[-1], RunFinished)


def test_checks_of_a_stage_run_in_parallel(tmp_path: Path) -> None:
    # Each check waits until the other has started: only parallel runs can both finish.
    flag = tmp_path / "flags"
    flag.mkdir()
    code = (
        "import pathlib, sys, time; d = pathlib.Path(sys.argv[1]); (d / sys.argv[2]).touch(); "
        "t = time.time() + 20\n"
        "while len(list(d.iterdir())) < 2 and time.time() < t: time.sleep(0.01)\n"
        "sys.exit(0 if len(list(d.iterdir())) == 2 else 1)"
    )
    checks = {n: {"kind": "command", "command": [PY, "-c", code, str(flag), n]} for n in "ab"}
    outcome, _ = run(tmp_path, checks, [["a", "b"]])
    assert outcome.passed, [r.message for r in outcome.results]


def test_fail_fast_cancels_siblings_and_skips_later_stages(tmp_path: Path) -> None:
    marker = f"gates-test-sibling-{os.getpid()}-{time.time_ns()}"
    checks = {
        "boom": command("import sys, time; time.sleep(0.2); sys.exit(1)"),
        "sleeper": command(f"import time; time.sleep(60)  # {marker}"),
        "later": command("pass"),
    }
    outcome, _ = run(tmp_path, checks, [["boom", "sleeper"], ["later"]])
    results = by_name(outcome)
    assert not outcome.passed
    assert results["boom"].status is Status.FAILED
    assert results["sleeper"].status is Status.SKIPPED
    assert "cancelled" in results["sleeper"].message
    assert results["later"].status is Status.SKIPPED
    assert results["later"].message == "an earlier stage failed"
    assert results["sleeper"].duration < 30  # killed, not waited for
    assert alive(marker) == []


def test_no_fail_fast_runs_every_stage(tmp_path: Path) -> None:
    checks = {"boom": command("raise SystemExit(1)"), "later": command("pass")}
    outcome, _ = run(tmp_path, checks, [["boom"], ["later"]], fail_fast=False)
    assert by_name(outcome)["later"].status is Status.PASSED
    assert not outcome.passed


def test_layer_budget_kills_the_check_and_its_children(tmp_path: Path) -> None:
    marker = f"gates-test-child-{os.getpid()}-{time.time_ns()}"
    shell = f"sleep 120 & sleep 120 & wait  # {marker}"
    checks = {"hang": {"kind": "command", "command": ["sh", "-c", shell]}}
    started = time.monotonic()
    outcome, events = run(tmp_path, checks, [["hang"]], budget="1s")
    elapsed = time.monotonic() - started
    result = by_name(outcome)["hang"]
    assert result.status is Status.TIMEOUT
    assert result.message == "killed at the ci layer's 1 s budget"
    assert not outcome.passed
    assert elapsed < 30  # killed at the deadline, not after the 120 s sleep
    assert alive(marker) == []  # the shell's children died with it
    exceeded = [e for e in events if isinstance(e, BudgetExceeded)]
    assert exceeded
    assert exceeded[0].culprits[0][0] == "hang"


def test_a_check_budget_is_its_own(tmp_path: Path) -> None:
    checks = {"hang": command("import time; time.sleep(60)", budget="500ms")}
    outcome, _ = run(tmp_path, checks, [["hang"]], budget="60s")
    result = by_name(outcome)["hang"]
    assert result.status is Status.TIMEOUT
    assert result.message == "killed at its own 0.5 s budget"


def test_missing_program_is_an_error_that_says_how_to_install(tmp_path: Path) -> None:
    checks = {"ghost": {"kind": "command", "command": ["no-such-program-gates-test"]}}
    outcome, _ = run(tmp_path, checks, [["ghost"]])
    result = by_name(outcome)["ghost"]
    assert result.status is Status.ERROR
    assert "no-such-program-gates-test is not installed" in result.message
    assert not outcome.passed


def test_selection_skips_with_reasons(tmp_path: Path) -> None:
    checks = {"a": command("pass"), "b": command("pass"), "c": command("pass")}
    selection = Selection(only=("a", "b"), skip=("b",), env_skip=())
    outcome, _ = run(tmp_path, checks, [["a", "b", "c"]], selection=selection)
    results = by_name(outcome)
    assert results["a"].status is Status.PASSED
    assert results["b"].message == "skipped by --skip"
    assert results["c"].message == "not selected by --only"
    env_outcome, _ = run(tmp_path, checks, [["a"]], selection=Selection(env_skip=("a",)))
    assert by_name(env_outcome)["a"].message == "skipped by SKIP in the environment"


def test_started_events_come_before_finished(tmp_path: Path) -> None:
    outcome, events = run(tmp_path, {"a": command("pass")}, [["a"]])
    kinds = [type(e).__name__ for e in events]
    assert kinds.index("CheckStarted") < kinds.index("CheckFinished")
    assert any(isinstance(e, CheckStarted) and e.check == "a" for e in events)
    assert outcome.passed


def test_a_failing_subscriber_does_not_change_the_outcome(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = {"layers": {"ci": {"budget": "60s", "stages": [["a"]]}},
                "checks": {"a": command("pass")}}  # fmt: skip
    plan = plan_layer(build_config(settings, "gates.toml", ""), "ci", tmp_path, [])
    bus = EventBus()

    def broken(event: Event) -> None:
        raise RuntimeError("reporter bug")

    bus.subscribe(broken)
    assert run_plan(plan, bus).passed
    assert "reporter" in capsys.readouterr().err


def test_batches_split_long_file_lists_across_cores() -> None:
    from gates.pipeline.execute import MIN_BATCH, batches

    few = tuple(f"f{i}.py" for i in range(MIN_BATCH))
    assert batches(few, cores=2) == [few]  # not worth a second process
    many = tuple(f"f{i}.py" for i in range(MIN_BATCH * 4))
    parts = batches(many, cores=2)
    assert len(parts) == 2
    assert sorted(sum(parts, ())) == sorted(many)  # every file once
    assert all(part == tuple(sorted(part, key=many.index)) for part in parts)  # order kept
    # A folder of large modules listed together is shared out, not left to one core.
    heavy = set(many[:8])
    parts = batches(many, cores=2, size=lambda name: 1000 if name in heavy else 10)
    assert [len(heavy.intersection(part)) for part in parts] == [4, 4]
    assert abs(len(parts[0]) - len(parts[1])) <= 1
    assert batches((), cores=2) == [()]
    long_names = tuple("d/" * 400 + f"{i}.py" for i in range(200))
    assert len(batches(long_names, cores=1)) >= 2  # kept under the argument limit


def test_a_file_local_check_runs_its_batches_in_parallel(tmp_path: Path) -> None:
    names = [f"m{i}.py" for i in range(40)]
    for name in names:
        (tmp_path / name).write_text("x = 1\n")
    code = (
        "import os, sys; open(sys.argv[1] + '/' + str(os.getpid()), 'w').write(str(len(sys.argv)))"
    )
    pids = tmp_path / "pids"
    pids.mkdir()
    check = {"kind": "command", "command": [PY, "-c", code, str(pids)], "files": ["*.py"],
             "pass_files": True, "file_local": True}  # fmt: skip
    settings = {
        "layers": {"ci": {"budget": "60s", "stages": [["each"]]}},
        "checks": {"each": check},
    }
    plan = plan_layer(build_config(settings, "gates.toml", ""), "ci", tmp_path, names)
    outcome = run_plan(plan, EventBus())
    assert outcome.passed
    runs = list(pids.iterdir())
    assert len(runs) == min(os.cpu_count() or 1, 40 // 16)
    # every file reached exactly one batch: argv is [-c, dir, --, files...]
    assert sum(int(p.read_text()) - 3 for p in runs) == 40
