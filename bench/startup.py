"""Start-up cost of gates, against the floor (`python -c pass`) and pre-commit.

    python bench/startup.py [--runs N]

Times, N times each (round-robin, after one warm-up run of each), the wall time of:

- `python -c pass`: the interpreter's own start-up, the floor for any Python tool;
- `gates --version`: gates' start-up alone (target: within 1.5x of `python -c pass`);
- `gates run pre-commit` in a fresh git repository holding the example project's config,
  with nothing staged: what every commit pays when gates has nothing to check
  (target: under 250 ms);
- `pre-commit --version`: the tool a team would use instead (from the `bench` extra,
  `pip install -e '.[bench]'`; the row is skipped, with a message, when it is missing).

Every program is taken from the environment running this script; gates' bytecode is
compiled first, as `pip install` compiles it. Prints a table of the
median and minimum times and the ratios against the targets. Exits 0 whether or not the
targets are met; 1 when a command fails (the timings would be meaningless), 2 on bad usage.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from installed import CompileError, compile_gates

BIN = Path(sys.executable).parent
DEMO = Path(__file__).resolve().parent.parent / "examples" / "demo"
VERSION_TARGET = 1.5  # gates --version / python -c pass
EMPTY_RUN_TARGET_MS = 250.0  # gates run pre-commit with nothing staged


@dataclass
class Row:
    name: str
    argv: list[str]
    cwd: Path | None = None
    times: list[float] = field(default_factory=list)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times) * 1000

    @property
    def min_ms(self) -> float:
        return min(self.times) * 1000


class CommandFailed(Exception):
    pass


def time_once(row: Row, env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        row.argv, cwd=row.cwd, env=env, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        output = (done.stdout + done.stderr).strip()[-2000:]
        raise CommandFailed(f"`{row.name}` exited with {done.returncode}:\n{output}")
    return elapsed


def measure(rows: Sequence[Row], runs: int, env: dict[str, str]) -> None:
    """Round-robin, so that a change of machine load falls on every row alike."""
    for row in rows:
        time_once(row, env)  # warm-up: page cache, .pyc files
    for _ in range(runs):
        for row in rows:
            row.times.append(time_once(row, env))


def empty_repo(parent: Path) -> Path:
    """A git repository with the example project committed and nothing staged."""
    repo = parent / "repo"
    shutil.copytree(DEMO, repo, ignore=shutil.ignore_patterns("__pycache__", ".*_cache"))
    git = ["git", "-C", str(repo), "-c", "user.name=bench", "-c", "user.email=bench@invalid"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "--no-verify", "-m", "demo"]):
        subprocess.run([*git, *args], check=True, capture_output=True)
    return repo


def program(name: str) -> Path | None:
    path = BIN / name
    return path if path.is_file() and os.access(path, os.X_OK) else None


def table(rows: Sequence[Row], floor: Row) -> list[str]:
    lines = [f"{'command':<38} {'median':>9} {'min':>9} {'vs python':>10}"]
    for row in rows:
        ratio = row.median_ms / floor.median_ms
        lines.append(
            f"{row.name:<38} {row.median_ms:>6.1f} ms {row.min_ms:>6.1f} ms {ratio:>9.2f}x"
        )
    return lines


def verdicts(floor: Row, version: Row, empty: Row, pre_commit: Row | None) -> list[str]:
    ratio = version.median_ms / floor.median_ms
    lines = [
        f"gates --version / python -c pass: {ratio:.2f}x (target <= {VERSION_TARGET}x)"
        f"  {'met' if ratio <= VERSION_TARGET else 'MISSED'}",
        f"empty pre-commit run: {empty.median_ms:.0f} ms (target < {EMPTY_RUN_TARGET_MS:.0f} ms)"
        f"  {'met' if empty.median_ms < EMPTY_RUN_TARGET_MS else 'MISSED'}",
    ]
    if pre_commit is not None:
        against = version.median_ms / pre_commit.median_ms
        lines.append(f"gates --version / pre-commit --version: {against:.2f}x")
        against = empty.median_ms / pre_commit.median_ms
        lines.append(f"empty gates pre-commit run / pre-commit --version: {against:.2f}x")
    return lines


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--runs", type=int, default=20, help="timed runs of each command (default 20)"
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    gates = program("gates")
    if gates is None:
        print(f"no gates beside {sys.executable}: pip install -e .", file=sys.stderr)
        return 1
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("SKIP", None)
    try:
        print(compile_gates(env))
    except CompileError as exc:  # timed as it is, and said
        print(f"not compiled: {exc}")
    with tempfile.TemporaryDirectory(prefix="gates-bench-") as tmp:
        floor = Row("python -c pass", [sys.executable, "-c", "pass"])
        version = Row("gates --version", [str(gates), "--version"])
        empty = Row("gates run pre-commit (nothing staged)", [str(gates), "run", "pre-commit"])
        empty.cwd = empty_repo(Path(tmp))
        rows = [floor, version, empty]
        pre_commit_exe = program("pre-commit")
        pre_commit = None
        if pre_commit_exe is not None:
            pre_commit = Row("pre-commit --version", [str(pre_commit_exe), "--version"])
            rows.append(pre_commit)
        try:
            measure(rows, args.runs, env)
        except CommandFailed as exc:
            print(f"bench/startup.py: {exc}", file=sys.stderr)
            return 1
    print(f"{args.runs} runs each, round-robin; python {sys.version.split()[0]},"
          f" {os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.2f}")  # fmt: skip
    print()
    for line in table(rows, floor):
        print(line)
    if pre_commit is None:
        missing = "skipped: pre-commit is not installed here (pip install -e '.[bench]')"
        print(f"{'pre-commit --version':<38} {missing}")
    print()
    for line in verdicts(floor, version, empty, pre_commit):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
