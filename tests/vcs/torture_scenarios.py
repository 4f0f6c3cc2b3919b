"""The staged/unstaged situations of the torture test: each builds a real repository.

A builder gets a path that does not exist yet and the gates.toml to commit, and leaves a
repository with staged work, unstaged work on top, and whatever else the situation needs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import git

Files = Mapping[str, str | bytes]


@dataclass(frozen=True)
class Setup:
    """What the test does around the run, beyond interrupting it."""

    during_run: tuple[str, ...] = ()  # git arguments another process runs mid-run
    index_lock: bool = False  # .git/index.lock is held when the run starts


Builder = Callable[[Path, str], Setup]
SCENARIOS: dict[str, Builder] = {}


def scenario(builder: Builder) -> Builder:
    SCENARIOS[builder.__name__.replace("_", "-")] = builder
    return builder


def put(root: Path, files: Files) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode() if isinstance(content, str) else content)


def stage(root: Path, files: Files) -> None:
    put(root, files)
    git(root, "--literal-pathspecs", "add", "--", *files)


def base(root: Path, config: str, files: Files, *, commit: bool = True) -> None:
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    put(root, {"gates.toml": config, **files})
    git(root, "add", "-A")
    if commit:
        git(root, "commit", "-q", "-m", "base")


def partial(root: Path, *names: str) -> None:
    """Each file (a.py by default) partially staged: a change staged, another unstaged."""
    stage(root, dict.fromkeys(names or ("a.py",), "x = 2\n"))
    put(root, dict.fromkeys(names or ("a.py",), "x = 2\ny = 3  # mine, unstaged\n"))


@scenario
def partially_staged(root: Path, config: str) -> Setup:
    base(root, config, {"a.py": "x = 1\n", "b.py": "b = 1\n"})
    partial(root)
    return Setup()


@scenario
def unstaged_elsewhere(root: Path, config: str) -> Setup:
    base(root, config, {"a.py": "x = 1\n", "b.py": "b = 1\n", "c.py": "c = 1\n"})
    stage(root, {"a.py": "x = 2\n"})  # staged in full: nothing of a.py is unstaged
    put(root, {"b.py": "b = 2  # mine\n", "c.py": "import os  # mine\n"})
    return Setup()


@scenario
def binary(root: Path, config: str) -> Setup:
    base(root, config, {"data.bin": bytes(range(256)), "other.bin": b"\0\1\2", "a.py": "x = 1\n"})
    stage(root, {"data.bin": b"\0staged\xff\xfe" * 64})
    put(root, {"data.bin": b"\0mine\x80" * 80, "other.bin": b"\xff\0mine"})
    return Setup()


@scenario
def crlf(root: Path, config: str) -> Setup:
    base(root, config, {"a.py": "x = 1\r\n", "notes.txt": "one\r\ntwo\r\n"})
    stage(root, {"a.py": "x = 1\r\ny = 2\r\n", "notes.txt": "one\r\ntwo\nthree\r"})
    put(root, {"a.py": "x = 1\r\ny = 2\r\nz = 3\r\n", "notes.txt": "one\r\n"})
    return Setup()


@scenario
def no_trailing_newline(root: Path, config: str) -> Setup:
    base(root, config, {"a.py": "x = 1", "b.py": "b = 1\n", "c.txt": "c"})
    stage(root, {"a.py": "x = 2", "b.py": "b = 2", "c.txt": "c2"})
    put(root, {"a.py": "x = 2\ny = 3", "c.txt": "c2\nmine"})
    return Setup()


@scenario
def intent_to_add(root: Path, config: str) -> Setup:
    base(root, config, {"a.py": "x = 1\n"})
    partial(root)
    put(root, {"n.py": "n = 1  # new, intent to add\n", "empty.txt": ""})
    git(root, "add", "-N", "n.py", "empty.txt")
    return Setup()


@scenario
def rename(root: Path, config: str) -> Setup:
    base(root, config, {"a.py": "x = 1\n", "b.py": "b = 1\n", "d/old.py": "o = 1\n"})
    git(root, "mv", "b.py", "c.py")
    put(root, {"c.py": "b = 1\nw = 2  # mine\n"})  # renamed, then edited unstaged
    git(root, "mv", "d/old.py", "d/new.py")
    stage(root, {"d/new.py": "o = 2\n"})  # renamed and edited, all staged
    return Setup()


@scenario
def deletion(root: Path, config: str) -> Setup:
    files = {n: f"{n[0]} = 1\n" for n in ("a.py", "b.py", "c.py", "d.py", "e.py", "pkg/mod.py")}
    base(root, config, files)
    git(root, "rm", "-q", "b.py")  # deleted, staged
    git(root, "rm", "-q", "--cached", "e.py")  # deletion staged, the file kept untracked
    (root / "c.py").unlink()  # deleted, unstaged
    shutil.rmtree(root / "pkg")  # a whole folder deleted, unstaged
    stage(root, {"d.py": "d = 2\n"})
    (root / "d.py").unlink()  # a staged change, then the file deleted
    stage(root, {"a.py": "x = 2\n"})
    return Setup()


@scenario
def submodule(root: Path, config: str) -> Setup:
    source = root.with_name(root.name + "-upstream")
    base(source, "", {"s.py": "s = 1\n"})
    base(root, config, {"a.py": "x = 1\n"})
    add = ["-c", "protocol.file.allow=always", "submodule", "add", "-q", str(source)]
    git(root, *add, "sub")
    git(root, "commit", "-q", "-m", "sub")
    git(root, *add, "sub2")  # a submodule added, staged only
    put(root / "sub", {"s.py": "s = 2\n"})
    git(root / "sub", "commit", "-q", "-am", "moved")  # the gitlink changes, unstaged
    put(root / "sub", {"s.py": "s = 3  # mine, inside the submodule\n", "u.txt": "untracked"})
    partial(root)
    return Setup()


@scenario
def untracked(root: Path, config: str) -> Setup:
    base(root, config, {"a.py": "x = 1\n", ".gitignore": "*.log\n"})
    partial(root)
    put(root, {"u.txt": "untracked\n", "new dir/x.py": "import os\n", "debug.log": "ignored"})
    (root / "empty dir").mkdir()
    os.symlink("nowhere", root / "dangling")
    return Setup()


ODD_NAMES = (
    "with space.py", "ünïcødé ñame.py", "-dash.py", "dir with space/--x.py", "new\nline.py",
    "tab\tand 'quotes\".py", "back\\slash.py", "*.py", ":(magic).py",
)  # fmt: skip


@scenario
def odd_names(root: Path, config: str) -> Setup:
    base(root, config, dict.fromkeys(ODD_NAMES, "x = 1\n"))
    partial(root, *ODD_NAMES)
    return Setup()


@scenario
def symlinks(root: Path, config: str) -> Setup:
    files = {"a.py": "x = 1\n", "b.py": "b = 1\n", "c.py": "c = 1\n", "t.py": "t = 1\n"}
    base(root, config, files)
    os.symlink("a.py", root / "link")
    git(root, "add", "link")
    git(root, "commit", "-q", "-m", "link")
    _relink(root, "link", "b.py")
    git(root, "add", "link")  # retargeted, staged
    _relink(root, "link", "c.py")  # and again, unstaged
    os.symlink("a.py", root / "new-link")
    git(root, "add", "new-link")
    _relink(root, "new-link", "missing-target")  # a new link, its target changed unstaged
    (root / "t.py").unlink()
    os.symlink("a.py", root / "t.py")  # a file turned into a symlink, unstaged
    os.symlink("nowhere", root / "dangling")
    partial(root)
    return Setup()


def _relink(root: Path, name: str, target: str) -> None:
    (root / name).unlink()
    os.symlink(target, root / name)


@scenario
def empty_repository(root: Path, config: str) -> Setup:
    base(root, config, {"a.py": "x = 1\n", "b.py": "b=1\n"}, commit=False)
    put(root, {"a.py": "x = 1\nz = 2  # mine\n", "c.py": "c = 1  # untracked\n"})
    return Setup()


def _merge(root: Path, config: str, conflicts: tuple[str, ...]) -> None:
    base(root, config, {"a.py": "x = 1\n", "b.py": "b = 1\n", "c.py": "c = 1\n"})
    git(root, "checkout", "-q", "-b", "other")
    put(root, {**{n: f"{n[0]} = 2\n" for n in conflicts}, "b.py": "b = 2  # theirs\n"})
    git(root, "commit", "-q", "-am", "theirs")
    git(root, "checkout", "-q", "main")
    put(root, {n: f"{n[0]} = 3\n" for n in conflicts})
    git(root, "commit", "-q", "-am", "ours")
    merged = subprocess.run(["git", "merge", "-q", "other"], cwd=root, capture_output=True)
    assert merged.returncode == 1, merged  # stopped at the conflicts
    stage(root, {"a.py": "x = 4  # resolved\n"})
    put(root, {"a.py": "x = 4  # resolved\ny = 5  # mine, unstaged\n"})


@scenario
def merge_in_progress(root: Path, config: str) -> Setup:
    _merge(root, config, ("a.py",))
    return Setup()


@scenario
def merge_with_unresolved_file(root: Path, config: str) -> Setup:
    _merge(root, config, ("a.py", "c.py"))  # c.py keeps its conflict markers, unmerged
    return Setup()


@scenario
def concurrent_git_add(root: Path, config: str) -> Setup:
    base(root, config, {"a.py": "x = 1\n", "b.py": "b = 1\n"})
    partial(root)
    put(root, {"b.py": "b = 2  # mine, another terminal adds it\n"})
    return Setup(during_run=("add", "--", "b.py"))


@scenario
def hunk_staged_meanwhile(root: Path, config: str) -> Setup:
    """An editor stages a hunk of b.py during the run: the index changes, not the file."""
    base(root, config, {"a.py": "x = 1\n", "b.py": "b = 1\n"})
    partial(root)
    put(root, {"b.py": "b = 1\nc = 2  # mine, an editor stages this hunk\n"})
    patch = root.with_name(root.name + "-b.patch")
    patch.write_text(git(root, "diff", "--", "b.py"), encoding="utf-8")
    return Setup(during_run=("apply", "--cached", str(patch)))


@scenario
def index_lock_held(root: Path, config: str) -> Setup:
    base(root, config, {"a.py": "x = 1\n", "b.py": "b = 1\n"})
    partial(root)
    put(root, {"b.py": "b = 2  # mine\n"})
    return Setup(index_lock=True)


@scenario
def fixer_conflict(root: Path, config: str) -> Setup:
    base(root, config, {"a.py": "x = 1\n", "b.py": "b = 1\n"})
    stage(root, {"a.py": "x=1\n", "b.py": "b=2\n"})  # both unformatted
    put(root, {"a.py": "x=1\ny=2  # mine: the formatter's a.py would lose this\n"})
    return Setup()


@scenario
def executable_bits(root: Path, config: str) -> Setup:
    base(root, config, {"run.sh": "echo 1\n", "tool.sh": "echo t\n", "a.py": "x = 1\n"})
    (root / "tool.sh").chmod(0o755)
    git(root, "add", "tool.sh")
    git(root, "commit", "-q", "-m", "executable")
    (root / "run.sh").chmod(0o755)
    stage(root, {"run.sh": "echo 2\n"})  # made executable and changed, staged
    put(root, {"run.sh": "echo 2\necho 3  # mine\n"})
    (root / "tool.sh").chmod(0o644)  # only its mode changed, unstaged
    return Setup()


@scenario
def many_files(root: Path, config: str) -> Setup:
    names = [f"m/f{i:02}.py" for i in range(40)]
    base(root, config, {**dict.fromkeys(names, "x = 1\n"), "n/g.txt": "g\n"})
    partial(root, *names)
    put(root, {f"n/h{i:02}.txt": f"mine {i}\n" for i in range(20)})
    put(root, {"n/g.txt": "g mine\n"})
    return Setup()


@scenario
def nothing_unstaged(root: Path, config: str) -> Setup:
    base(root, config, {"a.py": "x = 1\n"})
    stage(root, {"a.py": "x = 2\n"})
    put(root, {"u.txt": "untracked\n"})
    return Setup()
