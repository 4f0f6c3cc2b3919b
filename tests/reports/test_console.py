"""The console: plain text off a terminal, a live rich view on one, the same facts in both."""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

from rich.console import Console

from gates.events import (
    BudgetExceeded,
    CheckFinished,
    CheckStarted,
    Event,
    RunFinished,
    RunStarted,
    StageFinished,
)
from gates.reports.console import PlainConsole
from gates.reports.rich_console import RichConsole
from gates.results import CheckResult, Finding, Status
from tests.conftest import write

LINT = CheckResult(
    "ruff-lint", "ruff-lint", 1, Status.FAILED, 0.031,
    (Finding("pkg/a.py", 3, 8, "F401", "`os` imported but unused"),
     Finding("pkg/a.py", 1, 1, "E501", "line too long")),
    "2 finding(s)",
)  # fmt: skip
FORMAT = CheckResult("ruff-format", "ruff-format", 1, Status.PASSED, 0.02)
SECRETS = CheckResult("secrets", "secrets", 0, Status.PASSED, 0.4)
STAGES = (("secrets",), ("ruff-format", "ruff-lint"))


def events() -> list[Event]:
    results = (SECRETS, FORMAT, LINT)
    return [
        RunStarted("r1", "pre-commit", 5.0, 3, STAGES, 0.0),
        CheckStarted("r1", "secrets", 0),
        CheckFinished("r1", SECRETS),
        StageFinished("r1", 0, False),
        CheckStarted("r1", "ruff-format", 1),
        CheckStarted("r1", "ruff-lint", 1),
        CheckFinished("r1", LINT),  # finishes first, is reported in config order
        CheckFinished("r1", FORMAT),
        StageFinished("r1", 1, True),
        BudgetExceeded("r1", "pre-commit", 5.0, 5.2, (("secrets", 0.4),)),
        RunFinished("r1", "pre-commit", False, 5.2, 5.0, results),
    ]


def test_plain_console_reports_in_config_order_and_groups_findings_by_file() -> None:
    stream = io.StringIO()
    console = PlainConsole(stream)
    for event in events():
        console(event)
    lines = stream.getvalue().splitlines()
    assert lines[0] == "gates pre-commit: 3 file(s), budget 5 s"
    order = [line.split()[0] for line in lines[1:5] if not line.startswith(" ")]
    assert order == ["secrets", "ruff-format", "ruff-lint"]
    start = lines.index("pkg/a.py")
    assert lines[start + 1].split()[:3] == ["1:1", "ruff-lint", "E501"]  # sorted by line
    assert lines[start + 2].split()[:3] == ["3:8", "ruff-lint", "F401"]
    assert (
        "over budget: pre-commit took 5.20 s of its 5 s; the time went to secrets 0.40 s" in lines
    )
    assert lines[-1] == "pre-commit  5.20 s of 5 s (104%)  FAILED"
    assert "\x1b[" not in stream.getvalue()


def test_rich_console_shows_statuses_findings_and_the_budget_table() -> None:
    stream = io.StringIO()
    console = RichConsole(Console(file=stream, force_terminal=True, width=100))
    for event in events():
        console(event)
    text = stream.getvalue()
    assert "\x1b[" in text  # coloured
    for fact in ("ruff-lint", "failed", "pkg/a.py", "F401", "5.20 s of 5 s", "FAILED",
                 "over budget"):  # fmt: skip
        assert fact in text


def test_on_a_real_terminal_the_cli_uses_the_live_view(tmp_path: Path) -> None:
    config = f"""
[layers.ci]
budget = "60s"
stages = [["hello"]]
[checks.hello]
kind = "command"
command = ["{sys.executable}", "-c", "print('hi')"]
"""
    write(tmp_path, {"gates.toml": config})
    output, code = _run_in_pty([sys.executable, "-m", "gates", "run", "ci"], tmp_path)
    assert code == 0
    assert "\x1b[" in output  # rich drew it
    assert "hello" in output
    assert "passed" in output


def _run_in_pty(argv: list[str], cwd: Path) -> tuple[str, int]:
    leader, follower = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | {"TERM": "xterm-256color"}
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=follower, stdout=follower,
                            stderr=follower, close_fds=True)  # fmt: skip
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 30)
        if not ready:
            proc.kill()
            break
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the program ended
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return b"".join(chunks).decode(errors="replace"), proc.wait(30)
