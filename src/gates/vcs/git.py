"""The files a layer looks at, from git: staged for pre-commit, tracked for the rest."""

from __future__ import annotations

import functools
import os
import subprocess
from pathlib import Path

_SKIPPED_DIRS = {".git", ".hg", ".venv", "venv", "node_modules", "__pycache__", "build", "dist",
                 ".mypy_cache", ".ruff_cache", ".pytest_cache", ".tox", ".nox"}  # fmt: skip


# gates only reads the index: no opportunistic refresh of its stat cache either, so a run
# never takes index.lock and leaves the index file byte for byte as it was.
READ_ONLY_ENV = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}


_REGULAR_MODES = ("100644", "100755")


class GitError(Exception):
    """git is missing or refused; the message says what to do."""


def run_git(args: list[str], cwd: Path, stdin: str | None = None) -> str:
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, env=READ_ONLY_ENV, input=stdin, capture_output=True,
            text=True, encoding="utf-8", errors="surrogateescape", check=False,
        )  # fmt: skip
    except FileNotFoundError:
        raise GitError("git is not installed; install git or pass --files") from None
    if done.returncode != 0:
        raise GitError(f"git {args[0]} failed: {done.stderr.strip()}")
    return done.stdout


@functools.lru_cache(maxsize=16)  # asked by the loader, the file set and the workspace
def toplevel(cwd: Path) -> Path | None:
    """The top of the work tree that holds `cwd`, or None outside a repository."""
    try:
        return Path(run_git(["rev-parse", "--show-toplevel"], cwd).strip())
    except GitError:
        return None


def _split(output: str) -> list[str]:
    return [name for name in output.split("\0") if name]


def staged_files(root: Path) -> list[str]:
    """Files added, copied, modified or renamed in the index, relative to `root`: regular
    files as staged (a staged file since deleted in the working tree is still committed,
    so it is still checked), not symlinks or submodules."""
    out = run_git(
        ["diff", "--cached", "--raw", "-z", "--diff-filter=ACMR", "--no-renames", "--relative"],
        root,
    )
    fields = _split(out)
    return [
        path
        for meta, path in zip(fields[0::2], fields[1::2], strict=True)
        if meta.split()[1] in _REGULAR_MODES
    ]


def tracked_files(root: Path) -> list[str]:
    """Every tracked file under `root` that exists, relative to `root`."""
    names = _split(run_git(["ls-files", "-z", "--cached"], root))
    return [name for name in names if _is_regular(root / name)]


def _is_regular(path: Path) -> bool:
    # Symlinks and submodules are not files a checker can read as source.
    return path.is_file() and not path.is_symlink()


def walk_files(root: Path) -> list[str]:
    """Every file under `root`, for a project that is not in a git repository."""
    found: list[str] = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_DIRS and not d.endswith(".egg-info"))
        base = Path(folder).relative_to(root)
        found.extend((base / name).as_posix() for name in sorted(files))
    return found


def git_dir(cwd: Path) -> Path | None:
    """The git directory of the repository holding `cwd`, found without starting git.

    A `.git` folder, or a `.git` file pointing elsewhere (worktrees, submodules). With
    GIT_DIR set, git decides: ask it.
    """
    if os.environ.get("GIT_DIR"):
        return _ask_git_dir(cwd)
    for folder in (cwd, *cwd.parents):
        dot_git = folder / ".git"
        if dot_git.is_dir():
            return dot_git
        if dot_git.is_file():
            text = dot_git.read_text(encoding="utf-8", errors="replace").strip()
            if text.startswith("gitdir:"):
                return (folder / text[len("gitdir:") :].strip()).resolve()
    return None


def _ask_git_dir(cwd: Path) -> Path | None:
    done = subprocess.run(
        ["git", "rev-parse", "--absolute-git-dir"], cwd=cwd, capture_output=True, text=True
    )
    return Path(done.stdout.strip()) if done.returncode == 0 else None
