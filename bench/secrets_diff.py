"""The secret scan on a commit of small edits: added lines only, whole files, the hook.

    python bench/secrets_diff.py [--runs N] [--files N]

Builds a git repository of real Python files (modules of rich, installed beside this
script), commits it, gives each of --files (50) files a one-line edit and stages them.
Then times, after one warm-up, --runs (5) rounds of:

- diff: gates' secrets check as pre-commit runs it, scanning the staged lines only
  (the Plan's diff is ("--cached",), as the pre-commit workspace sets it);
- whole: the same check with no diff, scanning whole files (as ci does);
- hook: `detect-secrets-hook` on the same files.

The check runs through the pipeline's own plan and `execute` (its worker processes, its
batches over the cores). Prints the median of each and the ratios. Before timing, it checks
that the diff mode really scanned by lines (the worker's own count) and that a key planted
on a staged line is found in diff mode. Exits 0; 1 when a sanity check fails.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from gates.config.loader import build_config
from gates.pipeline.execute import execute
from gates.pipeline.plan import Plan, plan_layer
from gates.pipeline.process import ProcessGroups
from gates.results import CheckResult

BIN = Path(sys.executable).parent
PLANTED_KEY = "AKIA" + "Z7QPLX3M4VN5TR2W"  # built at run time: this file holds no secret
EDIT = "_bench_edited = True  # one staged line\n"


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True)
    return done.stdout


def make_repo(root: Path, count: int) -> list[str]:
    """A committed repository of rich's modules, with `count` of them edited and staged."""
    import rich

    sources = sorted(Path(rich.__file__).parent.glob("*.py"))
    names = [f"rich_copy/{path.name}" for path in sources]
    for path, name in zip(sources, names, strict=True):
        (root / name).parent.mkdir(exist_ok=True)
        shutil.copyfile(path, root / name)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "-c", "user.name=bench", "-c", "user.email=bench@example.com",
        "commit", "-q", "-m", "corpus")  # fmt: skip
    edited = [name for name in names if (root / name).stat().st_size > 2000][:count]
    for name in edited:
        edit_middle_line(root / name)
    git(root, "add", "--", *edited)
    return edited


def edit_middle_line(path: Path) -> None:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    middle = len(lines) // 2
    lines.insert(middle, EDIT)
    path.write_text("".join(lines), encoding="utf-8")


def secrets_plan(root: Path, files: list[str], diff: tuple[str, ...] | None) -> Plan:
    settings = {
        "layers": {"pre-commit": {"budget": "300s", "stages": [["secrets"]]}},
        "checks": {"secrets": {"kind": "secrets"}},
    }
    plan = plan_layer(build_config(settings, "bench", ""), "pre-commit", root, files)
    return dataclasses.replace(plan, diff=diff)


def run_check(plan: Plan) -> CheckResult:
    (planned,) = plan.stages[0]
    return execute(planned, plan, time.monotonic() + plan.budget, ProcessGroups())


def run_hook(root: Path, files: list[str]) -> None:
    done = subprocess.run([str(BIN / "detect-secrets-hook"), "--", *files], cwd=root,
                          capture_output=True, text=True, check=False)  # fmt: skip
    if done.returncode not in (0, 1):
        raise SystemExit(f"detect-secrets-hook exited {done.returncode}: {done.stdout}")


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def sanity(root: Path, files: list[str]) -> list[str]:
    """What is wrong with the diff mode on this repository, if anything."""
    problems = []
    worker = [sys.executable, "-m", "gates.checks.secrets_worker",
              "--diff-from-git", str(root), "--diff-arg", "--cached", "--", *files]  # fmt: skip
    report = json.loads(subprocess.run(worker, cwd=root, capture_output=True, check=True).stdout)
    if report["lines_only"] != len(files):
        problems.append(f"only {report['lines_only']} of {len(files)} files scanned by lines")
    planted = root / files[0]
    original = planted.read_text(encoding="utf-8")
    planted.write_text(original.replace(EDIT, f"KEY_ID = '{PLANTED_KEY}'\n", 1), "utf-8")
    git(root, "add", "--", files[0])
    result = run_check(secrets_plan(root, files, ("--cached",)))
    if [(f.path, f.rule) for f in result.findings] != [(files[0], "AWS Access Key")]:
        problems.append(f"the planted key was not found alone: {result.message}")
    planted.write_text(original, encoding="utf-8")
    git(root, "add", "--", files[0])
    return problems


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--files", type=int, default=50)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="gates-bench-secrets-") as folder:
        root = Path(folder)
        files = make_repo(root, args.files)
        problems = sanity(root, files)
        for problem in problems:
            print(f"sanity: {problem}")
        if problems:
            return 1
        actions: dict[str, Callable[[], object]] = {
            "diff": lambda: run_check(secrets_plan(root, files, ("--cached",))),
            "whole": lambda: run_check(secrets_plan(root, files, None)),
            "hook": lambda: run_hook(root, files),
        }
        report(measure(actions, args.runs), len(files))
    return 0


def measure(actions: dict[str, Callable[[], object]], runs: int) -> dict[str, float]:
    times: dict[str, list[float]] = {name: [] for name in actions}
    for action in actions.values():
        action()  # warm-up: the file cache, and Python's bytecode cache
    for _ in range(runs):  # round-robin, so a slow moment of the machine hits all alike
        for name, action in actions.items():
            times[name].append(timed(action))
    return {name: statistics.median(values) for name, values in times.items()}


def report(medians: dict[str, float], count: int) -> None:
    print(f"{count} staged files with a one-line edit each (median of the runs):")
    for name, seconds in medians.items():
        print(f"  {name:<6} {seconds * 1000:8.0f} ms")
    print(f"  diff / whole = {medians['diff'] / medians['whole']:.2f}")
    print(f"  diff / hook  = {medians['diff'] / medians['hook']:.2f}")
    print(f"  whole / hook = {medians['whole'] / medians['hook']:.2f}")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
