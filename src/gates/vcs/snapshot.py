"""Materialize what will be committed (the index) or pushed (a commit) in a temporary tree.

File-local checks read their files here, so the user's working tree is never touched.
Blobs are read with `git cat-file --batch` and written by gates itself: nothing here
takes git's index lock, so a concurrent `git add` or a held `.git/index.lock` is harmless.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from gates.vcs.git import READ_ONLY_ENV, GitError, run_git

# The files tools read their settings from: a check in the snapshot must see them too.
CONFIG_FILES = (
    "pyproject.toml", "ruff.toml", ".ruff.toml", "setup.cfg", "tox.ini", "mypy.ini",
    ".mypy.ini", ".bandit", ".secrets.baseline", "pytest.ini", ".coveragerc", "gates.toml",
)  # fmt: skip
_SYMLINK, _EXECUTABLE = "120000", "100755"


@dataclass(frozen=True)
class Entry:
    mode: str
    sha: str
    path: str  # relative to the repository's top level


def _parse_entries(output: str, *, tree: bool) -> list[Entry]:
    entries = []
    for record in output.split("\0"):
        if not record:
            continue
        meta, path = record.split("\t", 1)
        fields = meta.split()
        if tree:  # ls-tree: mode type sha
            mode, kind, sha = fields
            if kind != "blob":
                continue  # a submodule's commit: nothing to check in it
        else:  # ls-files -s: mode sha stage
            mode, sha, stage = fields
            if stage != "0" or mode == "160000":
                continue  # an unmerged side, or a submodule
        entries.append(Entry(mode, sha, path))
    return entries


def index_entries(top: Path, paths: Iterable[str]) -> list[Entry]:
    """The staged blobs of `paths` (relative to `top`); none for no paths (to git, an
    empty pathspec means every file)."""
    literal = _literal(paths)
    if not literal:
        return []
    out = run_git(["ls-files", "-s", "-z", "--", *literal], top)
    return _parse_entries(out, tree=False)


def commit_entries(top: Path, commit: str, paths: Iterable[str]) -> list[Entry]:
    """The blobs of `paths` as they are in `commit`."""
    out = run_git(["ls-tree", "-r", "-z", "--full-tree", commit, "--", *_literal(paths)], top)
    return _parse_entries(out, tree=True)


def _literal(paths: Iterable[str]) -> list[str]:
    # Pathspec magic off: a file named "*.py" or ":x" means itself.
    return [f":(literal){p}" for p in paths]


def read_blobs(top: Path, shas: list[str]) -> dict[str, bytes]:
    """Blob contents by sha, in one `git cat-file --batch` process."""
    unique = list(dict.fromkeys(shas))
    if not unique:
        return {}
    done = subprocess.run(
        ["git", "cat-file", "--batch"], cwd=top, input="\n".join(unique).encode() + b"\n",
        env=READ_ONLY_ENV, capture_output=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise GitError(f"git cat-file failed: {done.stderr.decode(errors='replace').strip()}")
    blobs, data, position = {}, done.stdout, 0
    for sha in unique:
        header_end = data.index(b"\n", position)
        _, _kind, size = data[position:header_end].decode().split()
        start = header_end + 1
        blobs[sha] = data[start : start + int(size)]
        position = start + int(size) + 1  # the content is followed by a newline
    return blobs


def write_entry(dest: Path, entry: Entry, content: bytes) -> None:
    """Write one blob as git would check it out: a symlink, or a file with its mode.
    The file is replaced in one step, so nothing ever sees it missing or half written."""
    target = dest / entry.path
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.gates-write")
    if temporary.is_symlink() or temporary.exists():
        temporary.unlink()
    if entry.mode == _SYMLINK:
        os.symlink(content.decode(errors="surrogateescape"), temporary)
    else:
        temporary.write_bytes(content)
        temporary.chmod(0o755 if entry.mode == _EXECUTABLE else 0o644)
    os.replace(temporary, target)


def materialize(top: Path, entries: list[Entry], dest: Path) -> None:
    blobs = read_blobs(top, [e.sha for e in entries])
    for entry in entries:
        write_entry(dest, entry, blobs[entry.sha])


@contextmanager
def snapshot(top: Path, files: Iterable[str], commit: str | None = None) -> Iterator[Path]:
    """A temporary tree holding `files` (and the config files beside them) as staged,
    or as they are in `commit`; removed afterwards, whatever happens."""
    paths = [*files, *_config_paths(top)]
    entries = commit_entries(top, commit, paths) if commit else index_entries(top, paths)
    import tempfile  # only a partly staged commit or a push needs it: not every commit

    dest = Path(tempfile.mkdtemp(prefix="gates-snapshot-"))
    try:
        materialize(top, entries, dest)
        _copy_untracked_configs(top, dest, {e.path for e in entries})
        yield dest
    finally:
        shutil.rmtree(dest, ignore_errors=True)


def _config_paths(top: Path) -> list[str]:
    return [name for name in CONFIG_FILES if (top / name).exists()]


def _copy_untracked_configs(top: Path, dest: Path, present: set[str]) -> None:
    # A config file the user has not added still governs the tools: bring it along.
    for name in _config_paths(top):
        if name not in present and (top / name).is_file():
            shutil.copy2(top / name, dest / name)
