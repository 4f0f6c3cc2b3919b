"""Put the index version in the working tree for a whole-tree check, and put it all back.

Every stash-and-restore hook manager has lost someone's work. Here the unstaged work is
saved in full, fsynced, under the git directory *before* any file changes, and restored
in `finally` with SIGINT and SIGTERM held off. If the process dies outright, the saved
copies stay, and `gates recover` (or the next run) puts them back or says where they are.
The index is never written: a concurrent `git add` or a held index.lock is harmless.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gates.vcs.git import GitError, run_git
from gates.vcs.snapshot import Entry, index_entries, read_blobs, write_entry

MANIFEST = "manifest.json"
LOCK_WAIT = 2.0  # seconds a second run waits for the first to finish with the tree


def gates_dir(top: Path) -> Path:
    path = Path(run_git(["rev-parse", "--git-path", "gates"], top).strip())
    return path if path.is_absolute() else (top / path).resolve()


def unstaged_files(top: Path) -> list[str]:
    """Tracked files whose working copy differs from the index; intent-to-add files are
    left out: like untracked files, gates never touches them.

    `git diff` would refresh the index's stat cache and write it, even with
    GIT_OPTIONAL_LOCKS=0; `git diff-files` never writes, but lists files that were only
    touched, so their content is compared with the staged blob."""
    out = run_git(["diff-files", "--name-status", "-z", "--diff-filter=MDT"], top)
    fields = [f for f in out.split("\0") if f]
    changed = dict(zip(fields[1::2], fields[0::2], strict=True))
    touched = [path for path, status in changed.items() if status == "M"]
    same = _same_as_staged(top, touched)
    return [path for path in changed if path not in same]


def _same_as_staged(top: Path, paths: list[str]) -> set[str]:
    regular = [p for p in paths if (top / p).is_file() and not (top / p).is_symlink()]
    if not regular:
        return set()
    hashed = run_git(["hash-object", "--stdin-paths"], top, stdin="\n".join(regular) + "\n")
    staged = {e.path: e.sha for e in index_entries(top, regular)}
    return {p for p, sha in zip(regular, hashed.split(), strict=True) if staged.get(p) == sha}


@dataclass(frozen=True)
class Saved:
    path: str
    kind: str  # "file", "symlink" or "absent" (deleted in the working tree)
    mode: int
    copy: str  # the saved copy's name inside the stash folder


@dataclass
class StashResult:
    """What the restore found: fixes dropped because the user's own changes won."""

    dropped_fixes: list[str]


def _save(top: Path, folder: Path, paths: list[str]) -> list[Saved]:
    (folder / "files").mkdir(parents=True)
    saved = []
    for number, path in enumerate(paths):
        source, copy = top / path, f"files/{number}"
        if source.is_symlink():
            (folder / copy).write_text(
                os.readlink(source), encoding="utf-8", errors="surrogateescape"
            )
            saved.append(Saved(path, "symlink", 0, copy))
        elif source.exists():
            shutil.copyfile(source, folder / copy)
            saved.append(Saved(path, "file", source.stat().st_mode & 0o7777, copy))
        else:
            saved.append(Saved(path, "absent", 0, ""))
        _fsync(folder / copy) if saved[-1].kind != "absent" else None
    manifest = {"version": 1, "created": time.time(), "top": str(top),
                "files": [s.__dict__ for s in saved]}  # fmt: skip
    temporary = folder / (MANIFEST + ".tmp")
    temporary.write_text(json.dumps(manifest), encoding="utf-8")
    _fsync(temporary)
    os.replace(temporary, folder / MANIFEST)  # the manifest appears only once all is saved
    _fsync(folder)
    return saved


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _load(folder: Path) -> list[Saved]:
    data: dict[str, Any] = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    return [Saved(**item) for item in data["files"]]


def _current(top: Path, path: str) -> bytes | None:
    target = top / path
    if target.is_symlink():
        return os.readlink(target).encode(errors="surrogateescape")
    return target.read_bytes() if target.exists() else None


def _saved_bytes(folder: Path, item: Saved) -> bytes | None:
    return None if item.kind == "absent" else (folder / item.copy).read_bytes()


def _put_back(top: Path, folder: Path, item: Saved) -> None:
    target = top / item.path
    if item.kind == "absent":
        if target.is_symlink() or target.exists():
            target.unlink()
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.gates-restore")
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    if item.kind == "symlink":
        link = (folder / item.copy).read_text(encoding="utf-8", errors="surrogateescape")
        os.symlink(link, temporary)
    else:
        shutil.copyfile(folder / item.copy, temporary)
        temporary.chmod(item.mode)
    os.replace(temporary, target)  # atomic: an editor never sees the file missing


def restore(top: Path, folder: Path, index_version: dict[str, bytes | None]) -> StashResult:
    """Put every saved file back; a fixer's change to one of them is dropped, and said."""
    dropped = []
    for item in _load(folder):
        now = _current(top, item.path)
        if now == _saved_bytes(folder, item):
            continue
        if item.path in index_version and now != index_version[item.path]:
            dropped.append(item.path)  # a fixer changed it: the user's own changes win
        _put_back(top, folder, item)
    shutil.rmtree(folder)
    return StashResult(dropped)


@contextmanager
def _signals_held() -> Iterator[None]:
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextmanager
def index_in_worktree(top: Path, run_id: str) -> Iterator[StashResult]:
    """While inside, every tracked file in the working tree is as staged."""
    from filelock import FileLock, Timeout  # only this path pays for the import

    base = gates_dir(top)
    base.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(base / "stash.lock"))
    try:
        lock.acquire(timeout=LOCK_WAIT)
    except Timeout:
        raise GitError(
            "another gates run is checking this working tree; wait for it to finish and try"
            f" again (if none is running, remove {base / 'stash.lock'})"
        ) from None
    try:
        yield from _stashed(top, base / "stash" / run_id)
    finally:
        lock.release()


def _stashed(top: Path, folder: Path) -> Iterator[StashResult]:
    result = StashResult([])
    paths = unstaged_files(top)
    if not paths:
        yield result
        return
    with _signals_held():
        _save(top, folder, paths)
        entries = index_entries(top, paths)
        blobs = read_blobs(top, [e.sha for e in entries])
        index_version: dict[str, bytes | None] = dict.fromkeys(paths)
        for entry in entries:
            index_version[entry.path] = blobs[entry.sha]
            write_entry(top, entry, blobs[entry.sha])
        _remove_unstaged_additions(top, paths, entries)
    try:
        yield result
    finally:
        with _signals_held():
            result.dropped_fixes.extend(restore(top, folder, index_version).dropped_fixes)


def _remove_unstaged_additions(top: Path, paths: list[str], entries: list[Entry]) -> None:
    # Only "M", "D" and "T" reach here, so every path has an index entry; nothing to remove.
    missing = set(paths) - {e.path for e in entries}
    if missing:
        raise GitError(f"no staged version of {', '.join(sorted(missing))}")


def leftovers(top: Path) -> list[Path]:
    """Saved work from a run that was killed before it could restore it."""
    folder = gates_dir(top) / "stash"
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if (p / MANIFEST).is_file())


def recover(top: Path) -> list[str]:
    """Put back what a killed run saved. A file edited since is never overwritten: its
    saved copy stays, and the message says where. A run still going is left alone."""
    if not leftovers(top):
        return []
    from filelock import FileLock, Timeout

    lock = FileLock(str(gates_dir(top) / "stash.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        return ["a gates run in progress holds saved work; it puts it back when it ends"]
    try:
        return [line for folder in leftovers(top) for line in _recover_one(top, folder)]
    finally:
        lock.release()


def _recover_one(top: Path, folder: Path) -> list[str]:
    messages, kept = [], False
    for item in _load(folder):
        now = _current(top, item.path)
        if now == _saved_bytes(folder, item):
            continue
        entries = index_entries(top, [item.path])
        staged = read_blobs(top, [entries[0].sha])[entries[0].sha] if entries else None
        if now == staged:  # still as the killed run left it: safe to put back
            _put_back(top, folder, item)
            messages.append(f"restored your unstaged changes to {item.path}")
        else:
            kept = True
            copy = folder / item.copy if item.copy else folder
            messages.append(f"{item.path} changed since; your earlier version is in {copy}")
    if not kept:
        shutil.rmtree(folder)
    return messages
