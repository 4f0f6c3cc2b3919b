"""Run one tool: its own process group, a deadline, and a kill that reaches its children.

A missing program, a crash and a timeout are results, never exceptions.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

_GRACE = 0.3  # seconds between SIGTERM and SIGKILL


@dataclass(frozen=True)
class Completed:
    returncode: int
    stdout: str
    stderr: str
    timed_out: bool = False
    cancelled: bool = False


def find_program(name: str) -> str | None:
    """The program beside the running interpreter (its venv) first, then on PATH."""
    if os.path.isabs(name):
        return name if os.access(name, os.X_OK) else None
    here = str(Path(sys.executable).parent)
    return shutil.which(name, path=os.pathsep.join((here, os.environ.get("PATH", ""))))


class ProcessGroups:
    """Every running tool, so that a fail-fast or a deadline can stop them all at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: dict[int, subprocess.Popen[str]] = {}
        self._cancelled = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def add(self, proc: subprocess.Popen[str]) -> None:
        with self._lock:
            self._running[proc.pid] = proc
        if self.cancelled:
            kill_group(proc)

    def remove(self, proc: subprocess.Popen[str]) -> None:
        with self._lock:
            self._running.pop(proc.pid, None)

    def cancel_all(self) -> None:
        self._cancelled.set()
        with self._lock:
            procs = list(self._running.values())
        for proc in procs:
            kill_group(proc)

    def reset(self) -> None:
        self._cancelled.clear()


def kill_group(proc: subprocess.Popen[str]) -> None:
    """SIGTERM the whole group, then SIGKILL what is left after a short grace."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            return
        if sig == signal.SIGTERM:
            try:
                proc.wait(_GRACE)
            except subprocess.TimeoutExpired:
                continue
            # The leader is gone; its children may not be: KILL the group regardless.


def run(
    argv: list[str],
    cwd: Path,
    deadline: float,
    groups: ProcessGroups,
    env: dict[str, str] | None = None,
) -> Completed:
    """Run `argv` until it ends or `deadline` (a time.monotonic() value) passes."""
    proc = subprocess.Popen(
        argv,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="replace",
        start_new_session=True,  # its own process group, so that a kill reaches its children
    )
    groups.add(proc)
    try:
        out, err = proc.communicate(timeout=max(deadline - time.monotonic(), 0.001))
    except subprocess.TimeoutExpired:
        kill_group(proc)
        out, err = _drain(proc)
        return Completed(proc.returncode or -9, out, err, timed_out=True)
    finally:
        groups.remove(proc)
    return Completed(proc.returncode, out, err, cancelled=groups.cancelled and proc.returncode < 0)


def _drain(proc: subprocess.Popen[str]) -> tuple[str, str]:
    # A grandchild that left the group may hold the pipes open: do not wait on it forever.
    try:
        return proc.communicate(timeout=1.0)
    except subprocess.TimeoutExpired:
        proc.kill()
        for pipe in (proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()
        proc.wait()
        return "", ""
