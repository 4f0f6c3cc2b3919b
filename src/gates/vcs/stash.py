"""Put the index version in the working tree for a whole-tree check, and put it all back.

Every stash-and-restore hook manager has lost someone's work. Here the unstaged work is
saved in full, fsynced, under the git directory *before* any file changes, and restored
in `finally`, which no SIGINT, SIGTERM or SIGHUP can cut short (see `_Interrupts`). If the
process dies outright, the saved copies stay, and `gates recover` (or the next run) puts
them back or says where they are. The index is never written: a concurrent `git add` or a
held index.lock is harmless.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from gates.vcs.git import GitError, run_git
from gates.vcs.snapshot import index_entries, read_blobs, write_entry

MANIFEST = "manifest.json"
LOCK_WAIT = 2.0  # seconds a second run waits for the first to finish with the tree
_GITLINK = "160000"
_HASH_BATCH = 200  # file names per `git hash-object`, well under the argument limit
# The signals that end a run (SIGHUP: the terminal closed), as far as the platform has them.
_ENDING = tuple(getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n))
_TEMPORARY = (".gates-write", ".gates-restore")  # what write_entry and _put_back replace from


def gates_dir(top: Path) -> Path:
    path = Path(run_git(["rev-parse", "--git-path", "gates"], top).strip())
    return path if path.is_absolute() else (top / path).resolve()


def unstaged_files(top: Path) -> list[str]:
    """Tracked files whose working copy differs from the index. Left out, as gates never
    touches them: intent-to-add files (like untracked ones), submodules (a folder with a
    repository of its own: what is staged is a commit id, not files) and unmerged paths
    (there is no staged version to show; git refuses to commit with them anyway).

    `git diff` would refresh the index's stat cache and write it, even with
    GIT_OPTIONAL_LOCKS=0; `git diff-files` never writes, but lists files that were only
    touched, so their content and mode are compared with the staged entry."""
    fields = [f for f in run_git(["diff-files", "--raw", "-z"], top).split("\0") if f]
    changed, unmerged = {}, set()
    for meta, path in zip(fields[0::2], fields[1::2], strict=True):
        old_mode, new_mode, _old, _new, status = meta.lstrip(":").split()
        if status == "U":  # an unmerged path is also listed as "M" against "ours"
            unmerged.add(path)
        elif status in ("M", "D", "T") and _GITLINK not in (old_mode, new_mode):
            changed[path] = status
    touched = [path for path, status in changed.items() if status == "M"]
    same = _same_as_staged(top, touched)
    return [path for path in changed if path not in same and path not in unmerged]


def _same_as_staged(top: Path, paths: list[str]) -> set[str]:
    regular = [p for p in paths if (top / p).is_file() and not (top / p).is_symlink()]
    if not regular:
        return set()
    staged = {(e.path, e.sha, e.mode) for e in index_entries(top, regular)}
    return {
        path
        for path, sha in zip(regular, _hash_objects(top, regular), strict=True)
        if (path, sha, _mode(top / path)) in staged  # a mode-only change is a change too
    }


def _hash_objects(top: Path, paths: list[str]) -> list[str]:
    # The names go as arguments: with --stdin-paths, a name holding a newline breaks the run.
    shas = []
    for start in range(0, len(paths), _HASH_BATCH):
        batch = paths[start : start + _HASH_BATCH]
        shas += run_git(["hash-object", "--", *batch], top).split()
    return shas


def _mode(path: Path) -> str:
    return "100755" if path.stat().st_mode & 0o100 else "100644"


@dataclass(frozen=True)
class Saved:
    path: str
    kind: str  # "file", "symlink" or "absent" (deleted in the working tree)
    mode: int
    copy: str  # the saved copy's name inside the stash folder
    swapped_in: str = ""  # the staged blob the run put in its place ("": an older gates)


@dataclass
class StashResult:
    """What the restore found: fixes dropped because the user's own changes won."""

    dropped_fixes: list[str]


def _save(top: Path, folder: Path, paths: list[str], staged: dict[str, str]) -> list[Saved]:
    (folder / "files").mkdir(parents=True)
    saved = []
    for number, path in enumerate(paths):
        source, copy = top / path, f"files/{number}"
        if source.is_symlink():
            (folder / copy).write_text(
                os.readlink(source), encoding="utf-8", errors="surrogateescape"
            )
            saved.append(Saved(path, "symlink", 0, copy, staged[path]))
        elif source.exists():
            shutil.copyfile(source, folder / copy)
            saved.append(Saved(path, "file", _mode_bits(source), copy, staged[path]))
        else:
            saved.append(Saved(path, "absent", 0, "", staged[path]))
        _fsync(folder / copy) if saved[-1].kind != "absent" else None
    missing = {_missing_folder(top, s.path) for s in saved if s.kind == "absent"}
    made = sorted(name for name in missing if name)
    manifest = {"version": 1, "created": time.time(), "top": str(top),
                "files": [s.__dict__ for s in saved], "folders": made}  # fmt: skip
    temporary = folder / (MANIFEST + ".tmp")
    temporary.write_text(json.dumps(manifest), encoding="utf-8")
    _fsync(temporary)
    os.replace(temporary, folder / MANIFEST)  # the manifest appears only once all is saved
    _fsync(folder)
    return saved


def _missing_folder(top: Path, path: str) -> str | None:
    """The outermost folder of a deleted file that is gone too: putting the staged version
    in place creates it, and putting the user's work back removes it again."""
    parents = Path(path).parents
    for folder in reversed(list(parents)[:-1]):  # outermost first, "." left out
        if not (top / folder).is_dir():
            return folder.as_posix()
    return None


def _remove_made_folders(top: Path, folder: Path) -> None:
    """Only empty folders go: a file anyone put there meanwhile keeps its folder."""
    for made in _manifest(folder).get("folders", []):
        for here, _dirs, _files in os.walk(top / made, topdown=False):
            with contextlib.suppress(OSError):
                os.rmdir(here)


def _discard(folder: Path) -> None:
    # The manifest goes first: a kill halfway through the removal must not leave a
    # manifest that names copies already deleted (recover would fail on them).
    (folder / MANIFEST).unlink()
    shutil.rmtree(folder)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _manifest(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    return data


def _load(folder: Path) -> list[Saved]:
    return [Saved(**item) for item in _manifest(folder)["files"]]


def _current(top: Path, path: str) -> bytes | None:
    target = top / path
    if target.is_symlink():
        return os.readlink(target).encode(errors="surrogateescape")
    return target.read_bytes() if target.exists() else None


def _mode_bits(path: Path) -> int:
    return path.stat().st_mode & 0o7777


def _saved_bytes(folder: Path, item: Saved) -> bytes | None:
    return None if item.kind == "absent" else (folder / item.copy).read_bytes()


def _is_saved_state(top: Path, folder: Path, item: Saved) -> bool:
    """The path is as saved: the same kind, bytes and (for a file) mode. Bytes alone would
    miss a mode-only change (chmod +x, unstaged) that the stash had to undo."""
    target = top / item.path
    if target.is_symlink() != (item.kind == "symlink"):
        return False
    if item.kind == "file" and not (target.is_file() and _mode_bits(target) == item.mode):
        return False
    return _current(top, item.path) == _saved_bytes(folder, item)


def _put_back(top: Path, folder: Path, item: Saved) -> None:
    target = top / item.path
    if item.kind == "absent":
        if target.is_symlink() or target.exists():
            target.unlink()
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}{_TEMPORARY[1]}")
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
        if _is_saved_state(top, folder, item):
            continue
        now = _current(top, item.path)
        if item.path in index_version and now != index_version[item.path]:
            dropped.append(item.path)  # a fixer changed it: the user's own changes win
            _keep_aside(top, folder, item.path)
        _put_back(top, folder, item)
    _remove_made_folders(top, folder)
    _discard(folder)
    return StashResult(dropped)


def _keep_aside(top: Path, folder: Path, path: str) -> None:
    """What was written over a stashed file during the run (a whole-tree fixer, or the
    user saving it in an editor) is copied to <git dir>/gates/dropped/<run>/ before the
    saved work replaces it: the user's unstaged changes win, and nothing is lost."""
    source, aside = top / path, folder.parent.parent / "dropped" / folder.name / path
    aside.parent.mkdir(parents=True, exist_ok=True)
    if source.is_symlink():
        os.symlink(os.readlink(source), aside)
    elif source.is_file():
        shutil.copy2(source, aside)


class _Interrupts:
    """SIGINT, SIGTERM and SIGHUP while the working tree holds the staged version.

    A signal mask cannot hold them off: it is per thread, and once a first Ctrl-C has cut
    short the wait for the checks' worker threads, the next one is delivered to one of
    them, and Python still raises KeyboardInterrupt in the main thread: in the middle of
    the restore, or as the mask is set (pthread_sigmask runs pending handlers). Python
    runs handlers only in the main thread, so these replace gates's own: while the checks
    run, the first signal interrupts them (KeyboardInterrupt, as before); during the swap
    and the restore, and after that first one, a signal is only noted, and a noted one is
    raised again once the user's files are back. SIGHUP (the terminal closed) no longer
    kills the run with the tree swapped: it is an interruption like the others."""

    def __init__(self) -> None:
        self.armed = False  # the checks are running: the first signal interrupts them
        self.fired = False
        self.noted: int | None = None
        self._previous: dict[int, Any] = {}

    def install(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return  # Python delivers signals to the main thread only: none reach here
        for sig in _ENDING:
            previous = signal.getsignal(sig)
            if previous is not signal.SIG_IGN:  # under nohup, SIGHUP stays ignored
                self._previous[sig] = signal.SIG_DFL if previous is None else previous
                signal.signal(sig, self._handle)

    def arm(self) -> None:
        self.armed = True
        if self.noted is not None:  # Ctrl-C during the swap: stop before any check starts
            self._fire()

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.armed:
            self._fire()
        self.noted = signum

    def _fire(self) -> None:
        self.armed, self.fired = False, True  # one KeyboardInterrupt, never a second
        raise KeyboardInterrupt

    def uninstall(self) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)

    def raise_noted(self) -> None:
        if self.noted is not None and not self.fired:
            signal.raise_signal(self.noted)  # now the user's work is back


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
    interrupts, index_version = _Interrupts(), {}
    try:  # from before the first file is saved: whatever fails or stops, all is put back
        interrupts.install()
        index_version = _swap_in(top, folder, paths)
        interrupts.arm()
        yield result
    finally:
        interrupts.armed = False  # first of all: nothing may cut the restore short
        try:
            result.dropped_fixes.extend(_put_all_back(top, folder, index_version))
        finally:
            interrupts.uninstall()
    interrupts.raise_noted()


def _swap_in(top: Path, folder: Path, paths: list[str]) -> dict[str, bytes | None]:
    """Save the unstaged work, then put the staged version of each file in its place.
    The manifest names the blob each file gets: a concurrent `git add` may change the
    index meanwhile, and `recover` must still know what the run itself wrote."""
    entries = index_entries(top, paths)
    missing = set(paths) - {e.path for e in entries}
    if missing:  # unstaged_files lists only paths with a staged entry: never expected
        raise GitError(f"no staged version of {', '.join(sorted(missing))}")
    _save(top, folder, paths, {e.path: e.sha for e in entries})
    blobs = read_blobs(top, [e.sha for e in entries])
    index_version: dict[str, bytes | None] = dict.fromkeys(paths)
    for entry in entries:
        index_version[entry.path] = blobs[entry.sha]
        write_entry(top, entry, blobs[entry.sha])
    return index_version


def _put_all_back(top: Path, folder: Path, index_version: dict[str, bytes | None]) -> list[str]:
    if (folder / MANIFEST).is_file():
        return restore(top, folder, index_version).dropped_fixes
    if folder.exists():  # the save failed before its manifest: no file was touched
        shutil.rmtree(folder)
    return []


def _left_by_the_run(top: Path, item: Saved) -> list[bytes | None]:
    """What a killed run left at the path: the blob it swapped in, or (from a manifest of
    an older gates, or a blob pruned since) the version staged now, None when none is."""
    staged = [e.sha for e in index_entries(top, [item.path])]
    versions: list[bytes | None] = [] if staged else [None]
    for sha in filter(None, [*staged, item.swapped_in]):
        with contextlib.suppress(GitError, ValueError):  # ValueError: the blob is gone
            versions.append(read_blobs(top, [sha])[sha])
    return versions


def _remove_temporaries(target: Path) -> None:
    """A run killed between writing a file's new version and renaming it into place
    leaves the new version beside it, under a name of gates's own: it goes."""
    for suffix in _TEMPORARY:
        temporary = target.with_name(f".{target.name}{suffix}")
        if temporary.is_symlink() or temporary.is_file():
            temporary.unlink()


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
        _remove_temporaries(top / item.path)
        if _is_saved_state(top, folder, item):
            continue
        if _current(top, item.path) in _left_by_the_run(top, item):  # safe to put back
            _put_back(top, folder, item)
            messages.append(f"restored your unstaged changes to {item.path}")
        else:
            kept = True
            copy = folder / item.copy if item.copy else folder
            messages.append(f"{item.path} changed since; your earlier version is in {copy}")
    _remove_made_folders(top, folder)
    if not kept:
        _discard(folder)
    return messages
