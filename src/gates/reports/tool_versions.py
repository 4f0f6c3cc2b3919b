"""The version of each program a run started, asked once per program file.

`ruff --version` costs little, `mypy --version` or `pytest --version` a good part of a
second: too much to pay on every commit. A version is cached in the history by the
program's path and modification time, and asked for only when `ask` (the ci layer).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

ASK_TIMEOUT_S = 10.0


class VersionCache(Protocol):
    def tool_version(self, path: str, mtime_ns: int) -> tuple[bool, str | None]: ...

    def remember_tool_version(self, path: str, mtime_ns: int, version: str | None) -> None: ...


def fill_versions(tools: Mapping[str, dict[str, Any]], cache: VersionCache, ask: bool) -> None:
    """Set each entry's "version" (from {check: {"program": argv0}}) from the cache or the tool."""
    found = {name: _program(str(entry.get("program", ""))) for name, entry in tools.items()}
    programs = {p for p in found.values() if p is not None}
    versions = {p: cache.tool_version(*p) for p in programs}
    unknown = [p for p, (known, _) in versions.items() if not known]
    if ask and unknown:
        from concurrent.futures import ThreadPoolExecutor  # the ci layer only

        with ThreadPoolExecutor(max_workers=len(unknown)) as pool:
            for program, version in zip(unknown, pool.map(_ask, unknown), strict=True):
                cache.remember_tool_version(*program, version)
                versions[program] = (True, version)
    for name, entry in tools.items():
        located = found[name]
        entry["version"] = versions[located][1] if located is not None else None


def _program(name: str) -> tuple[str, int] | None:
    """(path, mtime_ns) of the program a check's argv starts, found as the runner finds it."""
    if not name:
        return None
    here = str(Path(sys.executable).parent)
    path = (
        name
        if os.path.isabs(name)
        else shutil.which(name, path=f"{here}{os.pathsep}{os.environ.get('PATH', '')}")
    )
    try:
        return (path, os.stat(path).st_mtime_ns) if path else None
    except OSError:
        return None


def _ask(program: tuple[str, int]) -> str | None:
    """The first line `PROGRAM --version` prints, or None when it cannot say."""
    try:
        done = subprocess.run(
            [program[0], "--version"],
            capture_output=True,
            text=True,
            timeout=ASK_TIMEOUT_S,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    lines = (done.stdout or done.stderr).strip().splitlines()
    return lines[0].strip() if done.returncode == 0 and lines else None
