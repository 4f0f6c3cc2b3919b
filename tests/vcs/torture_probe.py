"""The two checks the torture test (test_torture.py) runs inside `gates run pre-commit`.

    python torture_probe.py peek [-- FILE...]   fail unless what it reads is what is staged
    python torture_probe.py nap                 say it started (the moment to interrupt), sleep

peek reads each FILE from its working directory (the snapshot, for a file-local check);
with no FILE it reads every staged file of the real working tree (a whole-tree check, which
the stash must show the index). It is a script, not a module of the test suite: it imports
nothing from it.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

GITLINK, SYMLINK, EXECUTABLE, REGULAR = "160000", "120000", "100755", "100644"
State = tuple[str, str]  # (git mode, blob id)


def blob_id(data: bytes) -> str:
    header = b"blob %d\0" % len(data)
    return hashlib.sha1(header + data, usedforsecurity=False).hexdigest()


def git_z(repo: Path, *args: str) -> list[str]:
    """A git command's NUL-separated output; it never writes the index."""
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}
    done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, check=True)
    return [f for f in done.stdout.decode("utf-8", "surrogateescape").split("\0") if f]


def staged(repo: Path) -> dict[str, State]:
    """Every merged file or symlink in the index: what a commit would hold. Intent-to-add
    entries are left out: nothing of theirs is committed."""
    intent = set(git_z(repo, "diff-files", "--name-only", "-z", "--diff-filter=A"))
    entries = {}
    for record in git_z(repo, "ls-files", "-s", "-z"):
        meta, path = record.split("\t", 1)
        mode, sha, stage = meta.split()
        if stage == "0" and mode != GITLINK and path not in intent:
            entries[path] = (mode, sha)
    return entries


def seen(path: Path) -> State | None:
    """What a file holds, as git would stage it; None when it is missing."""
    if path.is_symlink():
        return SYMLINK, blob_id(os.fsencode(os.readlink(path)))
    if not path.is_file():
        return None
    mode = EXECUTABLE if path.stat().st_mode & 0o100 else REGULAR
    return mode, blob_id(path.read_bytes())


def peek(files: list[str]) -> int:
    entries = staged(Path(os.environ["TORTURE_REPO"]))
    here = Path.cwd()
    wrong = [name for name in files or sorted(entries) if seen(here / name) != entries.get(name)]
    for name in wrong:
        print(f"{name!r} is not what is staged: {seen(here / name)} != {entries.get(name)}")
    return 1 if wrong else 0


def nap() -> int:
    sentinel = Path(os.environ["TORTURE_SENTINEL"])
    temporary = sentinel.with_name(f"{sentinel.name}.{os.getpid()}")  # batches run side by side
    temporary.write_text(str(os.getpid()), encoding="utf-8")
    temporary.replace(sentinel)  # the test reads a whole pid or nothing
    time.sleep(float(os.environ["TORTURE_SLEEP"]))
    return 0


def main(argv: list[str]) -> int:
    files = argv[argv.index("--") + 1 :] if "--" in argv else []
    return nap() if argv[0] == "nap" else peek(files)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
