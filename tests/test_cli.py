"""The command line end to end: exit codes, file sets, --json, signals."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from tests.conftest import GatesRunner, write

MARKER = f"gates-cli-test-{os.getpid()}"
SLEEP = f'"{sys.executable}", "-c", "import time; time.sleep(60)  # {MARKER}"'
CI_ONLY = """
[layers.pre-commit]
budget = "5s"
stages = [["hello"]]
no_secret_scan = "tests of the command line"  # pragma: allowlist secret

[layers.ci]
budget = "{budget}"
stages = [["hello"], ["nap"]]

[checks.hello]
kind = "command"
command = ["{python}", "-c", "print('hello')"]

[checks.nap]
kind = "command"
command = [{sleep}]
"""


def config(budget: str = "60s") -> str:
    return CI_ONLY.format(budget=budget, python=sys.executable, sleep=SLEEP)


def test_version_is_fast_path(gates: GatesRunner, tmp_path: Path) -> None:
    done = gates(tmp_path, "--version")
    assert done.returncode == 0
    assert done.stdout.startswith("gates ")


def test_pre_commit_with_nothing_staged_passes_and_says_why(
    gates: GatesRunner, make_repo: Callable[..., Path]
) -> None:
    repo = make_repo({"mod.py": "x = 1\n"}, commit=True)
    done = gates(repo, "run", "pre-commit")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no files to check" in done.stdout
    assert "0 file(s)" in done.stdout


def test_a_run_imports_only_the_adapters_its_layer_uses(make_repo: Callable[..., Path]) -> None:
    repo = make_repo({"gates.toml": config(), "mod.py": "x = 1\n"}, commit=True)
    code = (
        "import sys; from gates.cli import main;"
        " code = main(['run', 'pre-commit', '--all-files']);"
        " print(*sorted(m for m in sys.modules if m.startswith('gates.checks.')))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=repo, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    adapters = set(done.stdout.splitlines()[-1].split())
    assert "gates.checks.command" in adapters  # the layer's one check
    assert not adapters & {"gates.checks.mypy", "gates.checks.bandit", "gates.checks.pytest"}


def test_pre_commit_outside_git_is_a_usage_error(gates: GatesRunner, tmp_path: Path) -> None:
    done = gates(tmp_path, "run", "pre-commit")
    assert done.returncode == 2
    assert "not in a git repository: pass --all-files or --files" in done.stderr


def test_files_with_awkward_names_reach_the_tool_intact(
    gates: GatesRunner, make_repo: Callable[..., Path]
) -> None:
    repo = make_repo({"-rf": "x = 1\n", "a b.py": "y = 2\n"})
    done = gates(repo, "run", "pre-commit", "--json", "--files", "a b.py", "--", "-rf")
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert record["files"] == 2
    assert (repo / "-rf").read_text() == "x = 1\n"


def test_missing_file_is_a_usage_error(gates: GatesRunner, make_repo: Callable[..., Path]) -> None:
    repo = make_repo()
    done = gates(repo, "run", "ci", "--files", "nope.py")
    assert done.returncode == 2
    assert done.stderr.strip() == "gates: --files: no such file: nope.py"


def test_unknown_check_in_only_is_a_usage_error(gates: GatesRunner, tmp_path: Path) -> None:
    write(tmp_path, {"gates.toml": config()})
    done = gates(tmp_path, "run", "ci", "--only", "helo")
    assert done.returncode == 2
    assert "--only: unknown check helo" in done.stderr


def test_json_record_and_exit_code_of_a_failed_gate(gates: GatesRunner, tmp_path: Path) -> None:
    write(tmp_path, {"gates.toml": config(budget="1s")})
    done = gates(tmp_path, "run", "ci", "--json")
    assert done.returncode == 1
    record = json.loads(done.stdout)
    assert record["version"] == 1
    assert record["layer"] == "ci"
    assert record["status"] == "failed"
    statuses = {c["name"]: c["status"] for c in record["checks"]}
    assert statuses == {"hello": "passed", "nap": "timeout"}
    assert record["over_budget"]["culprits"][0]["check"] == "nap"


def test_console_names_the_checks_that_used_the_budget(gates: GatesRunner, tmp_path: Path) -> None:
    write(tmp_path, {"gates.toml": config(budget="1s")})
    done = gates(tmp_path, "run", "ci")
    assert done.returncode == 1
    assert "over budget: ci took" in done.stdout
    assert "the time went to nap" in done.stdout
    assert "ci  " in done.stdout
    assert "of 1 s" in done.stdout


def test_skip_environment_variable(gates: GatesRunner, tmp_path: Path) -> None:
    write(tmp_path, {"gates.toml": config()})
    done = gates(tmp_path, "run", "ci", "--json", env={"SKIP": "nap, other"})
    assert done.returncode == 0, done.stdout
    record = json.loads(done.stdout)
    assert record["skips"] == [{"check": "nap", "reason": "skipped by SKIP in the environment"}]


def _start(tmp_path: Path) -> subprocess.Popen[str]:
    write(tmp_path, {"gates.toml": config()})
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "gates", "run", "ci"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _sleepers() -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if MARKER in cmdline and "-m\0gates" not in cmdline:
            found.append(entry.name)
    return found


def _wait_for_sleeper(proc: subprocess.Popen[str]) -> list[str]:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = _sleepers()
        if found:
            return found
        time.sleep(0.05)
    proc.kill()
    raise AssertionError("the check never started")


def test_sigterm_and_sigint_end_the_run_with_130_and_kill_the_checks(tmp_path: Path) -> None:
    for sig in (signal.SIGTERM, signal.SIGINT):
        proc = _start(tmp_path)
        pids = _wait_for_sleeper(proc)
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=30)
        assert proc.returncode == 130, err
        assert "interrupted" in err
        assert not [p for p in pids if Path(f"/proc/{p}").exists()]
