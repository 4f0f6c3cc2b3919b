"""pre-commit checks what will be committed, and the user's unstaged work is never lost."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import GatesRunner, git, write

LINT_ONLY = """
[layers.pre-commit]
budget = "60s"
stages = [["ruff-lint"]]
no_secret_scan = "these tests are about staged content"  # pragma: allowlist secret
"""
WHOLE_TREE = """
[layers.pre-commit]
budget = "60s"
stages = [["look"]]
no_secret_scan = "these tests are about staged content"  # pragma: allowlist secret

[checks.look]
kind = "command"
command = ["{python}", "-c", "{code}"]
"""
FIXER = """
[layers.pre-commit]
budget = "60s"
stages = [["fmt"]]
no_secret_scan = "these tests are about staged content"  # pragma: allowlist secret

[checks.fmt]
kind = "ruff-format"
fix = true
"""


def whole_tree(sleep: float = 0) -> str:
    """A whole-tree check that fails when it sees unstaged work in a.py."""
    code = f"import sys, time; time.sleep({sleep}); sys.exit('UNSTAGED' in open('a.py').read())"
    return WHOLE_TREE.format(python=sys.executable, code=code)


def fingerprint(repo: Path) -> dict[str, str]:
    """A hash of every file in the working tree (but .git) and of the index."""
    found = {}
    for path in sorted(repo.rglob("*")):
        if ".git" in path.relative_to(repo).parts or path.is_dir():
            continue
        data = os.readlink(path).encode() if path.is_symlink() else path.read_bytes()
        found[path.relative_to(repo).as_posix()] = hashlib.sha256(data).hexdigest()
    found["(index)"] = hashlib.sha256((repo / ".git" / "index").read_bytes()).hexdigest()
    return found


def stage_with_unstaged_work(root: Path) -> None:
    """a.py staged as `x = 2`, with an unstaged edit on top."""
    write(root, {"a.py": "x = 2\n"})
    git(root, "add", "a.py")
    write(root, {"a.py": "x = 2  # UNSTAGED\n"})


@pytest.fixture
def repo(make_repo: Callable[..., Path]) -> Callable[[str], Path]:
    def make(config: str) -> Path:
        return make_repo({"gates.toml": config, "a.py": "x = 1\n"}, commit=True)

    return make


def test_partially_staged_file_is_checked_as_staged(
    repo: Callable[[str], Path], gates: GatesRunner
) -> None:
    root = repo(LINT_ONLY)
    write(root, {"a.py": "import os\n"})  # staged: an unused import
    git(root, "add", "a.py")
    write(root, {"a.py": "import os\n\nprint(os.sep)\n"})  # unstaged: the fix
    before = fingerprint(root)
    done = gates(root, "run", "pre-commit", "--json")
    assert done.returncode == 1, done.stdout + done.stderr
    finding = json.loads(done.stdout)["checks"][0]["findings"][0]
    assert (finding["path"], finding["rule"]) == ("a.py", "F401")
    assert fingerprint(root) == before


def test_unstaged_problem_is_not_blamed_on_the_commit(
    repo: Callable[[str], Path], gates: GatesRunner
) -> None:
    root = repo(LINT_ONLY)
    write(root, {"a.py": "y = 2\n"})
    git(root, "add", "a.py")
    write(root, {"a.py": "import os\n"})  # only in the working tree
    before = fingerprint(root)
    done = gates(root, "run", "pre-commit")
    assert done.returncode == 0, done.stdout + done.stderr
    assert fingerprint(root) == before


def test_whole_tree_check_sees_the_index_and_the_tree_comes_back(
    repo: Callable[[str], Path], gates: GatesRunner
) -> None:
    root = repo(whole_tree())
    write(root, {"a.py": "x = 2\n", "other.txt": "untracked\n"})
    git(root, "add", "a.py")
    write(root, {"a.py": "x = 2  # UNSTAGED\n"})
    before = fingerprint(root)
    done = gates(root, "run", "pre-commit")
    assert done.returncode == 0, done.stdout + done.stderr  # the check saw no UNSTAGED
    assert fingerprint(root) == before
    assert not list((root / ".git" / "gates" / "stash").iterdir())


def test_fixer_leaves_its_fixes_unstaged_for_review(
    repo: Callable[[str], Path], gates: GatesRunner
) -> None:
    root = repo(FIXER)
    write(root, {"a.py": "x=1\n"})
    git(root, "add", "a.py")
    done = gates(root, "run", "pre-commit")
    assert done.returncode == 1
    assert "fixed 1 file(s): a.py" in done.stdout
    assert (root / "a.py").read_text() == "x = 1\n"  # the fix, in the working tree
    assert git(root, "diff", "--cached", "--", "a.py").count("+x=1") == 1  # index untouched


def test_fixer_conflicting_with_unstaged_work_loses(
    repo: Callable[[str], Path], gates: GatesRunner
) -> None:
    root = repo(FIXER)
    write(root, {"a.py": "x=1\n"})
    git(root, "add", "a.py")
    write(root, {"a.py": "x=1\ny=2  # mine\n"})
    before = fingerprint(root)
    done = gates(root, "run", "pre-commit")
    assert done.returncode == 1
    assert "the fixes to a.py were dropped: your unstaged changes to it win" in done.stderr
    assert fingerprint(root) == before


def test_a_held_index_lock_does_not_stop_or_break_a_run(
    repo: Callable[[str], Path], gates: GatesRunner
) -> None:
    root = repo(LINT_ONLY)
    write(root, {"a.py": "import os\n"})
    git(root, "add", "a.py")
    write(root, {"a.py": "import os\n\nprint(os.sep)\n"})
    (root / ".git" / "index.lock").write_text("")
    before = fingerprint(root)
    done = gates(root, "run", "pre-commit")
    assert done.returncode == 1  # it checked the staged content all the same
    assert fingerprint(root) == before
    assert (root / ".git" / "index.lock").exists()


def test_repository_with_no_commits(make_repo: Callable[..., Path], gates: GatesRunner) -> None:
    root = make_repo({"gates.toml": LINT_ONLY, "a.py": "import os\n"})
    write(root, {"a.py": "import os\n\nprint(os.sep)\n"})
    before = fingerprint(root)
    done = gates(root, "run", "pre-commit")
    assert done.returncode == 1, done.stdout + done.stderr
    assert fingerprint(root) == before


def _start_slow_run(root: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "gates", "run", "pre-commit"], cwd=root, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "NO_COLOR": "1"},
    )  # fmt: skip


def _wait_for_stash(root: Path) -> None:
    """Until the run has saved the unstaged work and put the staged version in its place."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        saved = list((root / ".git" / "gates").glob("stash/*/manifest.json"))
        if saved and (root / "a.py").read_text() == "x = 2\n":
            return
        time.sleep(0.02)
    raise AssertionError("the run never stashed")


def test_killed_run_loses_nothing_and_recover_restores(
    repo: Callable[[str], Path], gates: GatesRunner
) -> None:
    root = repo(whole_tree(sleep=30))
    stage_with_unstaged_work(root)
    before = fingerprint(root)
    proc = _start_slow_run(root)
    _wait_for_stash(root)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    assert (root / "a.py").read_text() == "x = 2\n"  # the index version, as the run left it
    done = gates(root, "recover")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "restored your unstaged changes to a.py" in done.stdout
    assert fingerprint(root) == before


def test_next_run_recovers_by_itself(repo: Callable[[str], Path], gates: GatesRunner) -> None:
    root = repo(whole_tree(sleep=30))
    stage_with_unstaged_work(root)
    before = fingerprint(root)
    proc = _start_slow_run(root)
    _wait_for_stash(root)
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=30)
    write(root, {"gates.toml": whole_tree(sleep=0)})
    git(root, "add", "gates.toml")
    done = gates(root, "run", "pre-commit")
    assert "restored your unstaged changes to a.py" in done.stderr
    assert done.returncode == 0, done.stdout + done.stderr
    before["gates.toml"] = fingerprint(root)["gates.toml"]
    before["(index)"] = fingerprint(root)["(index)"]
    assert fingerprint(root) == before


def test_a_second_stashing_run_waits_then_says_why(
    repo: Callable[[str], Path], gates: GatesRunner
) -> None:
    root = repo(whole_tree(sleep=30))
    stage_with_unstaged_work(root)
    before = fingerprint(root)
    first = _start_slow_run(root)
    try:
        _wait_for_stash(root)
        second = gates(root, "run", "pre-commit")
        assert second.returncode == 2
        assert "another gates run is checking this working tree" in second.stderr
    finally:
        first.send_signal(signal.SIGINT)
        first.communicate(timeout=30)
    assert first.returncode == 130
    assert fingerprint(root) == before


def test_a_staged_file_deleted_in_the_tree_is_checked_as_staged(
    repo: Callable[[str], Path], gates: GatesRunner
) -> None:
    root = repo(LINT_ONLY)
    write(root, {"gone.py": "import os\n"})
    git(root, "add", "gone.py")
    (root / "gone.py").unlink()  # still committed as staged
    before = fingerprint(root)
    done = gates(root, "run", "pre-commit", "--json")
    assert done.returncode == 1, done.stdout + done.stderr
    finding = json.loads(done.stdout)["checks"][0]["findings"][0]
    assert (finding["path"], finding["rule"]) == ("gone.py", "F401")
    assert fingerprint(root) == before
