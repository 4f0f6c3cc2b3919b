"""What a push sends: git's pre-push lines, turned into the files changed in them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from gates.vcs.git import GitError, run_git

EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"  # pragma: allowlist secret


@dataclass(frozen=True)
class PushedRef:
    local_ref: str
    local_sha: str
    remote_ref: str
    remote_sha: str

    @property
    def deleted(self) -> bool:
        return is_zero(self.local_sha)


def is_zero(sha: str) -> bool:
    """git's "no commit" (40 zeros, or 64 in a SHA-256 repository)."""
    return set(sha) == {"0"}


def parse_stdin(text: str) -> list[PushedRef]:
    """`<local ref> <local sha> <remote ref> <remote sha>` per line, as git writes it."""
    refs = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 4:
            refs.append(PushedRef(*parts))
    return refs


def _exists(sha: str, cwd: Path) -> bool:
    try:
        run_git(["cat-file", "-e", f"{sha}^{{commit}}"], cwd)
    except GitError:
        return False
    return True


def base_of(ref: PushedRef, remote: str, cwd: Path) -> str:
    """The commit the pushed commits grow from: what the remote has, or the empty tree."""
    if not is_zero(ref.remote_sha) and _exists(ref.remote_sha, cwd):
        return ref.remote_sha
    # A new branch: the commits not on any of the remote's refs are the new ones.
    new = run_git(["rev-list", "--topo-order", "--reverse", ref.local_sha, "--not",
                   f"--remotes={remote}"], cwd).split()  # fmt: skip
    if not new:
        return ref.local_sha  # nothing new: the remote has every commit already
    parents = run_git(["rev-list", "--parents", "-n", "1", new[0]], cwd).split()[1:]
    return parents[0] if parents else EMPTY_TREE


def resolve(ref: str, cwd: Path) -> str:
    """The commit a ref names; GitError when it names none."""
    return run_git(["rev-parse", "--verify", "--end-of-options", f"{ref}^{{commit}}"], cwd).strip()


def changed_files(base: str, head: str, cwd: Path) -> list[str]:
    out = run_git(["diff", "--name-only", "--diff-filter=ACMR", "-z", "--relative",
                   base, head], cwd)  # fmt: skip
    return [name for name in out.split("\0") if name]


def ranges_in_push(refs: Iterable[PushedRef], remote: str, cwd: Path) -> list[tuple[str, str]]:
    """(base, head) for every pushed ref that adds commits; a deleted ref adds nothing."""
    ranges = []
    for ref in refs:
        if ref.deleted:
            continue
        base = base_of(ref, remote, cwd)
        if base != ref.local_sha:
            ranges.append((base, ref.local_sha))
    return ranges


def files_in_ranges(ranges: Iterable[tuple[str, str]], cwd: Path) -> list[str]:
    """Every file changed in any of the ranges, once, in order."""
    seen: dict[str, None] = {}
    for base, head in ranges:
        for name in changed_files(base, head, cwd):
            seen.setdefault(name, None)
    return list(seen)
