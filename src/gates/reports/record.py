"""The run record: versioned JSON built from the run's events, plus where the run happened.

Besides the run's events it holds `git` (commit and branch), `stages` (as run: a learned
order shows here), `cache_hit` on each check, `tools` (the program each check started,
with its version when known) and `warnings` (filled in by the history writer).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

from gates import __version__
from gates.events import BudgetExceeded, Event, RunFinished, RunStarted
from gates.results import CheckResult, Status

RECORD_VERSION = 1  # bumped when a field changes meaning; new fields are additive


class RunRecorder:
    """Subscribes to a run's events; `record` is complete once the run has finished."""

    def __init__(self, git: dict[str, str | None] | None = None) -> None:
        self.record: dict[str, Any] = {}
        self.git = git or {"commit": None, "branch": None}

    def __call__(self, event: Event) -> None:
        if isinstance(event, RunStarted):
            self._start(event)
        elif isinstance(event, BudgetExceeded):
            self.record["over_budget"] = {
                "elapsed_s": round(event.elapsed, 4),
                "culprits": [{"check": c, "duration_s": s} for c, s in event.culprits],
            }
        elif isinstance(event, RunFinished):
            self._finish(event)

    def _start(self, event: RunStarted) -> None:
        self.record = {
            "version": RECORD_VERSION,
            "run_id": event.run_id,
            "layer": event.layer,
            "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(event.started_at)),
            "git": dict(self.git),
            "files": event.file_count,
            "budget_s": event.budget,
            "stages": [list(stage) for stage in event.stages],
            "gates_version": __version__,
            "machine": {"cpus": os.cpu_count(), "platform": _platform()},
            "over_budget": None,
            "warnings": [],
        }

    def _finish(self, event: RunFinished) -> None:
        self.record.update(
            status="passed" if event.passed else "failed",
            duration_s=round(event.duration, 4),
            budget_used=round(event.duration / event.budget, 4) if event.budget else None,
            # No result cache yet: every check ran. The field is here so that readers of
            # the history need not change when one arrives.
            checks=[{**r.to_json(), "cache_hit": False} for r in event.results],
            skips=[
                {"check": r.name, "reason": r.message}
                for r in event.results
                if r.status is Status.SKIPPED
            ],
            tools={r.name: {"program": r.command[0], "version": None} for r in _ran(event)},
        )


def _ran(event: RunFinished) -> list[CheckResult]:
    return [r for r in event.results if r.command and r.status is not Status.SKIPPED]


def _platform() -> str:
    # platform.platform() reads the interpreter binary to find the libc version: 18 ms,
    # on every commit. uname says what a reader of the history needs.
    if not hasattr(os, "uname"):
        return sys.platform
    uname = os.uname()
    return f"{uname.sysname}-{uname.release}-{uname.machine}"


def git_head(git_dir: Path) -> dict[str, str | None]:
    """The commit and branch of HEAD, read from files: cheaper than two git processes.

    An empty repository has a branch but no commit (null); a detached HEAD, a commit and
    no branch. When the refs are not plain files (the reftable format), git is asked.
    """
    try:
        head = (git_dir / "HEAD").read_text(encoding="utf-8").strip()
    except OSError:
        return {"commit": None, "branch": None}
    if not head.startswith("ref:"):
        return {"commit": head or None, "branch": None}
    ref = head[len("ref:") :].strip()
    branch = ref.removeprefix("refs/heads/") if ref.startswith("refs/heads/") else None
    return {"commit": _resolve(git_dir, ref), "branch": branch}


def _resolve(git_dir: Path, ref: str) -> str | None:
    common = _common_dir(git_dir)
    for folder in (git_dir, common):
        try:
            return (folder / ref).read_text(encoding="utf-8").strip() or None
        except OSError:
            continue
    packed = _packed(common, ref)
    if packed is None and (common / "reftable").is_dir():
        return _ask_commit(git_dir)
    return packed


def _common_dir(git_dir: Path) -> Path:
    try:
        text = (git_dir / "commondir").read_text(encoding="utf-8").strip()
    except OSError:
        return git_dir
    return (git_dir / text).resolve()


def _packed(common: Path, ref: str) -> str | None:
    try:
        lines = (common / "packed-refs").read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    for line in lines:
        sha, _, name = line.partition(" ")
        if name == ref:
            return sha
    return None


def _ask_commit(git_dir: Path) -> str | None:
    import subprocess

    done = subprocess.run(
        ["git", "--git-dir", str(git_dir), "rev-parse", "-q", "--verify", "HEAD"],
        capture_output=True,
        text=True,
    )
    commit = done.stdout.strip() if done.returncode == 0 else ""
    return commit or None
