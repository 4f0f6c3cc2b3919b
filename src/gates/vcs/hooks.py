"""`gates install` / `gates uninstall`: git hooks that run a layer, and never clobber.

A hook that is not ours is kept as `<hook>.legacy` and run first; uninstalling puts it
back. The hook calls the interpreter that installed it, or `gates` on PATH.
"""

from __future__ import annotations

import os
import shlex
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

from gates.vcs.git import GitError, run_git

MARKER = "# gates-hook: installed by `gates install`; `gates uninstall` removes it"
HOOK_LAYERS = ("pre-commit", "pre-push")

_TEMPLATE = """#!/bin/sh
{marker}
HOOK_DIR=$(cd "$(dirname "$0")" && pwd)
{stdin}LEGACY="$HOOK_DIR/{hook}.legacy"
if [ -x "$LEGACY" ]; then
    {feed}"$LEGACY" "$@" || exit $?
fi
PYTHON={python}
if [ -x "$PYTHON" ]; then
    {feed}"$PYTHON" -m gates hook {hook} "$@"
    exit $?
elif command -v gates >/dev/null 2>&1; then
    {feed}gates hook {hook} "$@"
    exit $?
fi
echo "gates: the {hook} hook cannot find gates: $PYTHON is gone and gates is not on PATH." >&2
echo "gates: reinstall it (pip install quality-gates && gates install)," \
     "or skip once with git {skip} --no-verify." >&2
exit 1
"""


@dataclass(frozen=True)
class HookState:
    hook: str
    path: Path
    ours: bool
    legacy: bool  # a hook that was there before ours is kept beside it

    @property
    def installed(self) -> bool:
        return self.ours


def hooks_dir(cwd: Path) -> Path:
    """Where git looks for hooks here: honours core.hooksPath, worktrees and submodules."""
    path = Path(run_git(["rev-parse", "--git-path", "hooks"], cwd).strip())
    return path if path.is_absolute() else (cwd / path).resolve()


def render(hook: str, python: str) -> str:
    # pre-push gets its refs on stdin: keep them for the legacy hook and for gates both.
    pushes = hook == "pre-push"
    return _TEMPLATE.format(
        marker=MARKER,
        hook=hook,
        python=shlex.quote(python),
        stdin="INPUT=$(cat)\n" if pushes else "",
        feed='printf "%s\\n" "$INPUT" | ' if pushes else "",
        skip="push" if pushes else "commit",
    )


def is_ours(path: Path) -> bool:
    try:
        return MARKER in path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def state(cwd: Path, hook: str) -> HookState:
    path = hooks_dir(cwd) / hook
    legacy = path.with_name(f"{hook}.legacy")
    return HookState(hook, path, is_ours(path), legacy.exists())


def install(cwd: Path, hook: str, python: str = sys.executable, force: bool = False) -> str:
    """Install one hook; say what was done. Installing twice changes nothing."""
    if hook not in HOOK_LAYERS:
        raise GitError(f"gates installs {' and '.join(HOOK_LAYERS)} hooks, not {hook}")
    path = hooks_dir(cwd) / hook
    path.parent.mkdir(parents=True, exist_ok=True)
    text = render(hook, python)
    legacy = path.with_name(f"{hook}.legacy")
    note = f"installed {path}"
    if path.exists() and not is_ours(path):
        if legacy.exists() and not force:
            raise GitError(
                f"{path} is not a gates hook and {legacy.name} exists already;"
                " move one of them away, or pass --force to replace the hook"
            )
        os.replace(path, legacy)
        note += f" (the existing hook is kept as {legacy.name} and runs first)"
    elif path.exists() and path.read_text(encoding="utf-8") == text:
        return f"{path} is installed already"
    _write_executable(path, text)
    return note


def uninstall(cwd: Path, hook: str) -> str:
    path = hooks_dir(cwd) / hook
    legacy = path.with_name(f"{hook}.legacy")
    if not is_ours(path):
        return f"{path}: no gates hook to remove"
    path.unlink()
    if legacy.exists():
        os.replace(legacy, path)
        return f"removed the gates hook; restored the previous {hook} hook"
    return f"removed {path}"


def _write_executable(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.gates-tmp")
    temporary.write_text(text, encoding="utf-8")
    mode = temporary.stat().st_mode
    temporary.chmod(mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    os.replace(temporary, path)  # atomic: git never runs a half-written hook
