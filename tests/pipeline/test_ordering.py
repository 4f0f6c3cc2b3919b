"""Learned order: cheapest first by history medians, unmeasured last, seen in real runs."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gates.config.loader import build_config, load_config
from gates.events import CheckFinished, CheckStarted, Event, EventBus
from gates.pipeline.ordering import learned_order
from gates.pipeline.plan import Plan, plan_layer
from gates.pipeline.service import RunRequest, run_layer
from gates.reports.history import open_history
from gates.reports.trends import check_medians
from tests.conftest import GatesRunner
from tests.reports.test_trends import make_record

PY = sys.executable


def plan_of(stages: list[list[str]], order: str = "auto") -> Plan:
    checks = {
        name: {"kind": "command", "command": [PY, "-c", "pass"]} for s in stages for name in s
    }
    settings = {"layers": {"ci": {"budget": "60s", "stages": stages, "order": order}},
                "checks": checks}  # fmt: skip
    return plan_layer(build_config(settings, "gates.toml", ""), "ci", Path(), [])


def names(plan: Plan) -> list[list[str]]:
    return [[check.name for check in stage] for stage in plan.stages]


def test_stages_go_by_their_slowest_check_and_checks_by_their_own_cost() -> None:
    plan = plan_of([["types", "security"], ["leaks"], ["format", "lint"]])
    medians = {"types": 3.0, "security": 0.9, "leaks": 0.4, "format": 0.05, "lint": 0.2}
    ordered = learned_order(plan, medians)
    assert names(ordered) == [["format", "lint"], ["leaks"], ["security", "types"]]
    # Stage numbers follow the new order: events and records say where a check ran.
    assert [[c.stage for c in stage] for stage in ordered.stages] == [[0, 0], [1], [2, 2]]
    assert ordered.budget == plan.budget
    assert ordered.layer == plan.layer


def test_unmeasured_checks_go_last_in_config_order() -> None:
    plan = plan_of([["new-a"], ["slow"], ["new-b", "fast"], ["new-c"]])
    ordered = learned_order(plan, {"slow": 2.0, "fast": 0.1})
    # A stage with an unmeasured check costs +inf too: it waits for that check.
    assert names(ordered) == [["slow"], ["new-a"], ["fast", "new-b"], ["new-c"]]
    assert names(learned_order(plan, {})) == names(plan)  # nothing measured: config order


def test_equal_costs_keep_config_order() -> None:
    plan = plan_of([["b"], ["a"], ["c", "d"]])
    ordered = learned_order(plan, {"a": 1.0, "b": 1.0, "c": 1.0, "d": 1.0})
    assert names(ordered) == names(plan)


def history_repo(make_repo: Callable[..., Path]) -> Path:
    """A repository whose ci layer lists A before B, with 40 recorded runs of A slower than B."""
    checks = {"A": [PY, "-c", "import time; time.sleep(0.2)"], "B": [PY, "-c", "pass"]}
    toml = '[layers.ci]\nbudget = "60s"\norder = "auto"\nstages = [["A"], ["B"]]\n' + "".join(
        f'[checks.{n}]\nkind = "command"\ncommand = {json.dumps(c)}\n' for n, c in checks.items()
    )
    repo = make_repo({"gates.toml": toml}, commit=True)
    records = [
        make_record(i, {"A": 1.5 + 0.1 * (i % 4), "B": 0.05 + 0.01 * (i % 3)}, layer="ci")
        for i in range(40)
    ]
    open_history(repo).add_all(records)
    return repo


def test_the_cheaper_check_runs_first_in_a_real_run(make_repo: Callable[..., Path]) -> None:
    repo = history_repo(make_repo)
    medians = check_medians(open_history(repo).records("ci"))
    assert medians["B"] < medians["A"]
    events: list[Event] = []
    bus = EventBus()
    bus.subscribe(events.append)
    request = RunRequest(layer="ci", cwd=repo, medians=medians)
    outcome = run_layer(request, load_config(repo), bus)
    assert outcome.passed
    started = [e.check for e in events if isinstance(e, CheckStarted)]
    finished = [e.result.name for e in events if isinstance(e, CheckFinished)]
    assert started == ["B", "A"]
    assert finished == ["B", "A"]
    assert [r.name for r in outcome.results] == ["B", "A"]


def test_without_order_auto_the_history_changes_nothing(make_repo: Callable[..., Path]) -> None:
    repo = history_repo(make_repo)
    toml = repo / "gates.toml"
    toml.write_text(toml.read_text().replace('order = "auto"\n', ""))
    events: list[Event] = []
    bus = EventBus()
    bus.subscribe(events.append)
    run_layer(RunRequest("ci", repo, medians={"A": 2.0, "B": 0.1}), load_config(repo), bus)
    assert [e.check for e in events if isinstance(e, CheckStarted)] == ["A", "B"]


def test_the_console_says_the_order_was_learned(
    gates: GatesRunner, make_repo: Callable[..., Path]
) -> None:
    repo = history_repo(make_repo)
    done = gates(repo, "run", "ci")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[1] == "order learned from 40 runs: B, A"
    assert [line.split()[0] for line in lines[2:4]] == ["B", "A"]
    record = open_history(repo).records()[-1]
    assert record["stages"] == [["B"], ["A"]]
    assert [c["name"] for c in record["checks"]] == ["B", "A"]


def test_a_fast_failure_stops_the_run_before_the_slow_check_starts(
    gates: GatesRunner, make_repo: Callable[..., Path]
) -> None:
    repo = history_repo(make_repo)
    toml = repo / "gates.toml"
    toml.write_text(toml.read_text().replace('"pass"', '"import sys; sys.exit(1)"'))
    done = gates(repo, "run", "ci", "--json")
    assert done.returncode == 1
    checks = {c["name"]: c for c in json.loads(done.stdout)["checks"]}
    assert checks["B"]["status"] == "failed"
    assert (checks["A"]["status"], checks["A"]["message"]) == ("skipped", "an earlier stage failed")


@pytest.mark.parametrize("auto", [True, False])
def test_a_repository_without_history_keeps_config_order(
    gates: GatesRunner, make_repo: Callable[..., Path], auto: bool
) -> None:
    toml = '[layers.ci]\nbudget = "60s"\nstages = [["A"], ["B"]]\n' + (
        'order = "auto"\n' if auto else ""
    )
    toml += "".join(f'[checks.{n}]\nkind = "command"\ncommand = ["true"]\n' for n in "AB")
    repo = make_repo({"gates.toml": toml}, commit=True)
    done = gates(repo, "run", "ci")
    assert done.returncode == 0
    assert "order learned" not in done.stdout
    assert [line.split()[0] for line in done.stdout.splitlines()[1:3]] == ["A", "B"]


def test_warnings_reach_the_console_and_the_record(
    gates: GatesRunner, make_repo: Callable[..., Path]
) -> None:
    repo = history_repo(make_repo)
    store = open_history(repo)
    # 50 runs where B took 10 ms, then 9 where it took 400 ms: the run to come is the 10th.
    base = 100
    store.add_all(
        [make_record(base + i, {"A": 0.3, "B": 0.01}, layer="ci") for i in range(50)]
        + [make_record(base + 50 + i, {"A": 0.3, "B": 0.4}, layer="ci") for i in range(9)]
    )
    toml = repo / "gates.toml"
    toml.write_text(toml.read_text().replace('"pass"', '"import time; time.sleep(0.4)"'))
    done = gates(repo, "run", "ci")
    assert done.returncode == 0, done.stderr
    record: dict[str, Any] = open_history(repo).records()[-1]
    (warning,) = record["warnings"]
    assert (warning["kind"], warning["check"], warning["was_s"]) == ("slower", "B", 0.01)
    assert done.stdout.splitlines()[-1] == warning["message"]
    assert warning["message"].startswith("B: median 0.4 s, was 0.01 s ")
