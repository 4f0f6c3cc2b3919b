"""`gates install` wires real git hooks: driven here by real `git commit` and `git push`."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import GatesRunner, git, write

KEY = "AKIAZ7QPLX3M4VN5TR2W"  # pragma: allowlist secret (shaped like an AWS key id)
LAYERS_ONLY_SECRETS = """
[layers.pre-commit]
budget = "30s"
stages = [["secrets"]]

[layers.pre-push]
budget = "30s"
stages = [["lint"]]

[checks.lint]
kind = "ruff-lint"
"""


def commit(repo: Path, message: str = "change") -> subprocess.CompletedProcess[str]:
    """git commit; what the hook prints (git sends it to stderr) is in `stdout` too."""
    argv = ["git", "commit", "-q", "-m", message]
    out = subprocess.PIPE
    return subprocess.run(
        argv, cwd=repo, text=True, stdout=out, stderr=subprocess.STDOUT, check=False
    )


@pytest.fixture
def repo(make_repo: Callable[..., Path], gates: GatesRunner) -> Path:
    root = make_repo({"gates.toml": LAYERS_ONLY_SECRETS, "app.py": "x = 1\n"}, commit=True)
    done = gates(root, "install")
    assert done.returncode == 0, done.stderr
    return root


def test_pre_commit_hook_blocks_a_secret_and_lets_clean_work_through(repo: Path) -> None:
    write(repo, {"leak.py": f'KEY = "{KEY}"\n'})
    git(repo, "add", "leak.py")
    refused = commit(repo)
    assert refused.returncode != 0
    assert "secrets" in refused.stdout
    assert KEY not in refused.stdout
    git(repo, "rm", "-q", "--cached", "leak.py")
    write(repo, {"ok.py": "y = 2\n"})
    git(repo, "add", "ok.py")
    assert commit(repo).returncode == 0
    assert "ok.py" in git(repo, "show", "--name-only", "HEAD")


def test_install_twice_changes_nothing_and_uninstall_restores(
    make_repo: Callable[..., Path], gates: GatesRunner
) -> None:
    root = make_repo({"gates.toml": LAYERS_ONLY_SECRETS}, commit=True)
    foreign = root / ".git" / "hooks" / "pre-commit"
    foreign.write_text("#!/bin/sh\necho foreign-hook-ran\n")
    foreign.chmod(0o755)
    first = gates(root, "install")
    assert "kept as pre-commit.legacy" in first.stdout
    hook_text = foreign.read_text()
    second = gates(root, "install")
    assert "installed already" in second.stdout
    assert foreign.read_text() == hook_text
    write(root, {"b.py": "b = 1\n"})
    git(root, "add", "b.py")
    done = commit(root)
    assert done.returncode == 0, done.stdout
    assert "foreign-hook-ran" in done.stdout  # the legacy hook runs first
    assert gates(root, "uninstall").returncode == 0
    assert foreign.read_text() == "#!/bin/sh\necho foreign-hook-ran\n"
    assert not (root / ".git" / "hooks" / "pre-commit.legacy").exists()


def test_a_failing_legacy_hook_stops_the_commit(
    make_repo: Callable[..., Path], gates: GatesRunner
) -> None:
    root = make_repo({"gates.toml": LAYERS_ONLY_SECRETS}, commit=True)
    legacy = root / ".git" / "hooks" / "pre-commit"
    legacy.write_text("#!/bin/sh\necho legacy-says-no; exit 3\n")
    legacy.chmod(0o755)
    gates(root, "install", "--layer", "pre-commit")
    write(root, {"c.py": "c = 1\n"})
    git(root, "add", "c.py")
    done = commit(root)
    assert done.returncode != 0
    assert "legacy-says-no" in done.stdout


def test_core_hooks_path_is_respected(make_repo: Callable[..., Path], gates: GatesRunner) -> None:
    root = make_repo({"gates.toml": LAYERS_ONLY_SECRETS}, commit=True)
    git(root, "config", "core.hooksPath", ".githooks")
    assert gates(root, "install").returncode == 0
    assert (root / ".githooks" / "pre-commit").is_file()
    assert not (root / ".git" / "hooks" / "pre-commit").exists()
    status = gates(root, "install", "--status")
    assert f"pre-commit  hook installed at {root / '.githooks' / 'pre-commit'}" in status.stdout


def test_status_names_hooks_and_tools(make_repo: Callable[..., Path], gates: GatesRunner) -> None:
    config = (
        LAYERS_ONLY_SECRETS + '\n[checks.ghost]\nkind = "command"\ncommand = ["no-such-tool-x"]\n'
    )
    config = config.replace('stages = [["lint"]]', 'stages = [["lint", "ghost"]]')
    root = make_repo({"gates.toml": config}, commit=True)
    gates(root, "install", "--layer", "pre-push")
    status = gates(root, "install", "--status").stdout
    assert "pre-commit  hook not installed" in status
    assert "pre-push    hook installed at" in status
    assert "pre-push    layer: missing: ghost needs no-such-tool-x" in status
    assert "pre-commit  layer: every tool found" in status


def test_the_hook_says_what_to_do_when_gates_is_gone(
    make_repo: Callable[..., Path], tmp_path: Path
) -> None:
    root = make_repo({"gates.toml": LAYERS_ONLY_SECRETS}, commit=True)
    from gates.vcs.hooks import install

    install(root, "pre-commit", python=str(tmp_path / "gone" / "python"))
    write(root, {"d.py": "d = 1\n"})
    git(root, "add", "d.py")
    env_path = "/usr/bin:/bin"
    env = {**os.environ, "PATH": env_path}
    done = subprocess.run(["git", "commit", "-q", "-m", "x"], cwd=root, capture_output=True,
                          text=True, env=env, check=False)  # fmt: skip
    assert done.returncode == 1
    assert "cannot find gates" in done.stderr
    assert "--no-verify" in done.stderr


def push(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    argv = ["git", "push", "-q", *args]
    out = subprocess.PIPE
    return subprocess.run(
        argv, cwd=repo, text=True, stdout=out, stderr=subprocess.STDOUT, check=False
    )


@pytest.fixture
def pushing_repo(repo: Path, tmp_path: Path) -> Path:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    git(repo, "remote", "add", "origin", str(remote))
    done = push(repo, "-u", "origin", "main")
    assert done.returncode == 0, done.stdout
    return repo


def test_pre_push_checks_the_files_of_the_pushed_commits(pushing_repo: Path) -> None:
    repo = pushing_repo
    write(repo, {"bad.py": "import os\n"})  # F401: unused import
    git(repo, "add", "bad.py")
    assert commit(repo).returncode == 0
    refused = push(repo, "origin", "main")
    assert refused.returncode != 0
    assert "bad.py" in refused.stdout
    assert "F401" in refused.stdout
    write(repo, {"bad.py": "import os\n\nprint(os.sep)\n"})
    git(repo, "add", "bad.py")
    assert commit(repo).returncode == 0
    done = push(repo, "origin", "main")
    assert done.returncode == 0, done.stdout


def test_pushing_a_branch_without_new_files_and_deleting_one(pushing_repo: Path) -> None:
    repo = pushing_repo
    git(repo, "branch", "topic")
    done = push(repo, "origin", "topic")
    assert done.returncode == 0, done.stdout
    assert "the push adds no commit to check" in done.stdout
    deleted = push(repo, "origin", "--delete", "topic")
    assert deleted.returncode == 0, deleted.stdout


def test_hook_runs_with_the_interpreter_that_installed_it(repo: Path) -> None:
    text = (repo / ".git" / "hooks" / "pre-commit").read_text()
    assert f"PYTHON={sys.executable}" in text or f"PYTHON='{sys.executable}'" in text


def test_pre_push_checks_the_pushed_commit_not_the_working_tree(pushing_repo: Path) -> None:
    repo = pushing_repo
    write(repo, {"bad.py": "import os\n"})
    git(repo, "add", "bad.py")
    assert commit(repo).returncode == 0
    write(repo, {"bad.py": "import os\n\nprint(os.sep)\n"})  # fixed, but not committed
    refused = push(repo, "origin", "main")
    assert refused.returncode != 0  # what is pushed still has the unused import
    assert "F401" in refused.stdout
    assert (repo / "bad.py").read_text() == "import os\n\nprint(os.sep)\n"


def test_from_ref_to_ref_checks_a_range_by_hand(pushing_repo: Path, gates: GatesRunner) -> None:
    repo = pushing_repo
    write(repo, {"bad.py": "import os\n"})
    git(repo, "add", "bad.py")
    assert commit(repo).returncode == 0
    done = gates(repo, "run", "pre-push", "--from-ref", "origin/main", "--to-ref", "HEAD")
    assert done.returncode == 1
    assert "1 file(s)" in done.stdout
    assert "F401" in done.stdout
    clean = gates(repo, "run", "pre-push", "--from-ref", "HEAD", "--to-ref", "HEAD")
    assert clean.returncode == 0
    lonely = gates(repo, "run", "pre-push", "--from-ref", "HEAD")
    assert lonely.returncode == 2
    assert "--from-ref and --to-ref go together" in lonely.stderr


def test_skipping_the_secret_scan_is_refused_unless_allowed(repo: Path, gates: GatesRunner) -> None:
    write(repo, {"leak.py": f'KEY = "{KEY}"\n'})
    git(repo, "add", "leak.py")
    refused = commit_with(repo, {"SKIP": "secrets"})
    assert refused.returncode != 0
    assert "secrets cannot be skipped: the secret scan is not optional" in refused.stdout
    assert "pragma: allowlist secret" in refused.stdout
    by_flag = gates(repo, "run", "pre-commit", "--skip", "secrets")
    assert by_flag.returncode == 2
    write(repo, {"gates.toml": LAYERS_ONLY_SECRETS + "\n[checks.secrets]\nallow_skip = true\n"})
    git(repo, "add", "gates.toml")
    allowed = gates(repo, "run", "pre-commit", "--json", env={"SKIP": "secrets"})
    assert allowed.returncode == 0, allowed.stderr
    assert '"reason": "skipped by SKIP in the environment"' in allowed.stdout


def commit_with(repo: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    argv = ["git", "commit", "-q", "-m", "x"]
    full = {**os.environ, **env}
    out = subprocess.PIPE
    return subprocess.run(
        argv, cwd=repo, env=full, text=True, stdout=out, stderr=subprocess.STDOUT, check=False
    )


def test_install_in_a_linked_worktree_uses_the_shared_hooks(
    make_repo: Callable[..., Path], gates: GatesRunner, tmp_path: Path
) -> None:
    root = make_repo({"gates.toml": LAYERS_ONLY_SECRETS}, commit=True)
    linked = tmp_path / "linked"
    git(root, "worktree", "add", "-q", str(linked))
    assert gates(linked, "install").returncode == 0
    assert (root / ".git" / "hooks" / "pre-commit").is_file()
    write(linked, {"leak.py": f'KEY = "{KEY}"\n'})
    git(linked, "add", "leak.py")
    assert commit(linked).returncode != 0  # the hook guards the linked worktree too
