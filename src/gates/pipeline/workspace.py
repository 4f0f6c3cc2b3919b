"""Where a layer's checks read their files: the working tree, or what will be committed
or pushed, without touching the user's work.

- pre-commit: file-local checks read a snapshot of the index when a staged file also has
  unstaged changes; a whole-tree check gets the index version in the working tree (the
  stash), and everything is put back afterwards.
- pre-push: file-local checks read the pushed commits; whole-tree checks run on the
  working tree and say so when it is not what is being pushed.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from gates.pipeline.plan import Plan, is_file_local, runs
from gates.vcs import git, snapshot, stash


@dataclass(frozen=True)
class FileSet:
    files: list[str]  # relative to the project root
    source: str = "worktree"  # "worktree", "index" or "commits"
    ranges: tuple[tuple[str, str], ...] = ()  # (base, head) of each pushed range


@dataclass
class Aftermath:
    """What the run should be told once the files are back where they were."""

    dropped_fixes: list[str] = field(default_factory=list)


@contextmanager
def workspace(plan: Plan, files: FileSet, run_id: str) -> Iterator[tuple[Plan, Aftermath]]:
    after = Aftermath()
    top = git.toplevel(plan.root) if files.source != "worktree" else None
    if top is None:
        yield plan, after
        return
    prefix = Path(os.path.relpath(plan.root, top)).as_posix()
    in_top = [_join(prefix, name) for name in files.files]
    _recover_leftovers(top)
    if files.source == "index":
        with _index(plan, top, prefix, in_top, run_id, after) as ready:
            yield ready, after
    else:
        with _commits(plan, top, prefix, files) as ready:
            yield ready, after


def _recover_leftovers(top: Path) -> None:
    """Work a killed run saved is put back before anything else touches the tree."""
    if (top / ".git").is_dir() and not (top / ".git" / "gates" / "stash").is_dir():
        return  # the common case, answered without asking git
    for line in stash.recover(top):
        print(f"gates: {line}", file=sys.stderr)


def _join(prefix: str, name: str) -> str:
    return name if prefix == "." else f"{prefix}/{name}"


@contextmanager
def _index(
    plan: Plan, top: Path, prefix: str, staged: list[str], run_id: str, after: Aftermath
) -> Iterator[Plan]:
    plan = dataclasses.replace(plan, diff=("--cached",))
    dirty = set(stash.unstaged_files(top))
    if any(not is_file_local(c) for c in runs(plan)):
        # Even with nothing to stash now, take the lock: another run may be mid-stash,
        # and then the working tree is not the user's until it finishes.
        with (
            stash.index_in_worktree(top, run_id) as result,
            _file_local(plan, top, prefix, staged, dirty, after) as ready,
        ):
            yield ready
        after.dropped_fixes.extend(result.dropped_fixes)
    else:
        with _file_local(plan, top, prefix, staged, dirty, after) as ready:
            yield ready


@contextmanager
def _file_local(
    plan: Plan, top: Path, prefix: str, staged: list[str], dirty: set[str], after: Aftermath
) -> Iterator[Plan]:
    """File-local checks read a snapshot of the index when a staged file has unstaged
    changes, even while the stash is out: then no fixer ever writes a stashed file, and a
    run killed outright leaves only staged versions there, which `gates recover` can tell
    from the user's later edits and put back."""
    if not dirty & set(staged) or not any(is_file_local(c) for c in runs(plan)):
        yield plan  # the working tree holds exactly what is staged: check it in place
        return
    with snapshot.snapshot(top, staged) as tree:
        yield dataclasses.replace(plan, local_root=tree / prefix)
        after.dropped_fixes.extend(_bring_back_fixes(plan, top, tree, prefix, dirty))


def _bring_back_fixes(plan: Plan, top: Path, tree: Path, prefix: str, dirty: set[str]) -> list[str]:
    """A fixer rewrote files in the snapshot: copy its fixes to files with no unstaged
    changes; where the user has unstaged changes, the user's changes win."""
    dropped = []
    fixed = {f for c in runs(plan) if c.spec.fix and is_file_local(c) for f in c.files}
    entries = snapshot.index_entries(top, [_join(prefix, f) for f in sorted(fixed)])
    blobs = snapshot.read_blobs(top, [e.sha for e in entries])
    for entry in entries:
        rewritten = (tree / entry.path).read_bytes()
        if rewritten == blobs[entry.sha]:
            continue
        if entry.path in dirty:
            dropped.append(entry.path)
        else:
            (top / entry.path).write_bytes(rewritten)
    return dropped


@contextmanager
def _commits(plan: Plan, top: Path, prefix: str, files: FileSet) -> Iterator[Plan]:
    diff = files.ranges[0] if len(files.ranges) == 1 else None
    plan = dataclasses.replace(plan, diff=diff, notes=_worktree_notes(plan, top, files))
    running = runs(plan)
    if not any(is_file_local(c) for c in running) or not files.ranges:
        yield plan
        return
    with snapshot.snapshot(top, [], commit=files.ranges[-1][1]) as tree:
        for _, head in files.ranges:  # each ref's files as they are in its own commit
            wanted = _changed_in(top, files, head)  # relative to the top, as git says
            snapshot.materialize(top, snapshot.commit_entries(top, head, wanted), tree)
        yield dataclasses.replace(plan, local_root=tree / prefix)


def _changed_in(top: Path, files: FileSet, head: str) -> list[str]:
    from gates.vcs.push import changed_files

    base = next(b for b, h in files.ranges if h == head)
    return changed_files(base, head, top)


def _worktree_notes(plan: Plan, top: Path, files: FileSet) -> tuple[str, ...]:
    whole_tree = [c.name for c in runs(plan) if not is_file_local(c)]
    if not whole_tree or not files.ranges:
        return ()
    head = git.run_git(["rev-parse", "HEAD"], top).strip()
    pushed = files.ranges[-1][1]
    if head == pushed and not stash.unstaged_files(top):
        return ()
    return (
        f"{', '.join(whole_tree)} checked the working tree, which is not the pushed commit"
        f" {pushed[:10]}",
    )
