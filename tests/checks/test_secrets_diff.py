"""The secret scan in pre-commit and pre-push: only the lines being committed or pushed.

Real git repositories, driven through the pipeline's own plan and `execute` with the
Plan's `diff` set as the workspace sets it; the worker's edge cases run in this process.
"""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from gates.checks import secrets_worker
from gates.config.loader import build_config
from gates.pipeline.execute import execute
from gates.pipeline.plan import plan_layer
from gates.pipeline.process import ProcessGroups
from gates.pipeline.workspace import FileSet, workspace
from gates.results import CheckResult, Status
from tests.checks.harness import CHECK_NAME, layer_settings, located
from tests.checks.test_secrets import record_baseline
from tests.conftest import git, write

AWS_KEY = "AKIAZ7QX3MPLR4TBV2WN"  # pragma: allowlist secret
NEW_KEY = "AKIAQ4HN8CWT2JRXY6VE"  # pragma: allowlist secret
STAGED = ("--cached",)
AWS = "AWS Access Key"
MakeRepo = Callable[..., Path]


def module(*lines: str) -> str:
    return "".join(f"{line}\n" for line in lines)


PLAIN = module("import os", "", "REGION = 'eu-west-1'", "TIMEOUT = 30", "", "def f():", "    pass")
LEAKY = module("import os", "", f"KEY_ID = '{AWS_KEY}'", "TIMEOUT = 30", "", "def f():", "    pass")


def run_secrets(
    root: Path, files: Sequence[str], diff: tuple[str, ...] | None, layer: str = "pre-commit"
) -> CheckResult:
    """The secret scan as the only check of `layer`, with the Plan's diff set."""
    plan = _plan(root, files, layer, diff)
    (planned,) = plan.stages[0]
    return execute(planned, plan, time.monotonic() + plan.budget, ProcessGroups())


def _plan(root: Path, files: Sequence[str], layer: str, diff: tuple[str, ...] | None) -> Any:
    settings = {
        "layers": {layer: layer_settings(layer)},
        "checks": {CHECK_NAME: {"kind": "secrets"}},
    }
    plan = plan_layer(build_config(settings, "test", ""), layer, root, files)
    return dataclasses.replace(plan, diff=diff)


def found(result: CheckResult) -> list[tuple[str | None, int | None]]:
    return [(f.path, f.line) for f in result.findings]


def edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


# ---- pre-commit: the staged diff ---------------------------------------------------------


def test_a_committed_secret_is_not_reported_when_another_line_is_staged(
    make_repo: MakeRepo,
) -> None:
    root = make_repo({"app.py": LEAKY, "other.py": PLAIN}, commit=True)
    edit(root, "app.py", "TIMEOUT = 30", "TIMEOUT = 60")
    git(root, "add", "app.py")
    assert run_secrets(root, ["app.py"], STAGED).status is Status.PASSED
    # ci scans whole files: there it is.
    assert found(run_secrets(root, ["app.py", "other.py"], None, "ci")) == [("app.py", 3)]


def test_a_secret_on_a_staged_line_is_reported_at_its_line_in_the_new_file(
    make_repo: MakeRepo,
) -> None:
    root = make_repo({"app.py": PLAIN}, commit=True)
    edit(root, "app.py", "import os\n", "import os\nimport sys\nimport re\n")  # shifts lines
    edit(root, "app.py", "TIMEOUT = 30", f"TOKEN_ID = '{NEW_KEY}'")
    git(root, "add", "app.py")
    result = run_secrets(root, ["app.py"], STAGED)
    assert result.status is Status.FAILED
    assert [located(f) for f in result.findings] == [("app.py", 6, None, AWS)]
    assert NEW_KEY not in json.dumps(result.to_json())


def test_a_new_file_with_a_secret_is_reported(make_repo: MakeRepo) -> None:
    root = make_repo({"app.py": PLAIN}, commit=True)
    write(root, {"config/keys.py": LEAKY})
    git(root, "add", "config/keys.py")
    assert found(run_secrets(root, ["config/keys.py"], STAGED)) == [("config/keys.py", 3)]


def test_a_secret_only_in_the_unstaged_part_of_a_file_is_not_reported(
    make_repo: MakeRepo,
) -> None:
    root = make_repo({"app.py": PLAIN}, commit=True)
    edit(root, "app.py", "TIMEOUT = 30", "TIMEOUT = 60")
    git(root, "add", "app.py")
    (root / "app.py").write_text(PLAIN.replace("30", "60") + f"LATER = '{NEW_KEY}'\n")
    # In place, the worker scans what the staged diff adds, whatever the working tree holds.
    assert run_secrets(root, ["app.py"], STAGED).status is Status.PASSED
    # As a pre-commit run does it: the staged content, read from a snapshot.
    plan = _plan(root, ["app.py"], "pre-commit", None)
    with workspace(plan, FileSet(["app.py"], "index"), "test-run") as (ready, _after):
        assert ready.diff == STAGED
        (planned,) = ready.stages[0]
        result = execute(planned, ready, time.monotonic() + ready.budget, ProcessGroups())
    assert result.status is Status.PASSED, result.message
    assert f"LATER = '{NEW_KEY}'" in (root / "app.py").read_text()  # the user's work is kept


def test_a_secret_in_a_line_staged_as_unchanged_but_moved_is_reported(
    make_repo: MakeRepo,
) -> None:
    # A line moved within a file is deleted and added by the diff: it is scanned again.
    root = make_repo({"app.py": LEAKY}, commit=True)
    moved = LEAKY.replace(f"KEY_ID = '{AWS_KEY}'\n", "") + f"KEY_ID = '{AWS_KEY}'\n"
    (root / "app.py").write_text(moved)
    git(root, "add", "app.py")
    assert found(run_secrets(root, ["app.py"], STAGED)) == [("app.py", 7)]


def run_in_workspace(root: Path, files: list[str], fileset: FileSet, layer: str) -> CheckResult:
    """The check as a run does it: in the workspace the run would set up for `fileset`."""
    plan = _plan(root, files, layer, None)
    with workspace(plan, fileset, "test-run") as (ready, _after):
        assert ready.local_root is not None  # file contents come from a snapshot
        (planned,) = ready.stages[0]
        return execute(planned, ready, time.monotonic() + ready.budget, ProcessGroups())


def test_a_committed_secret_in_a_partially_staged_file_is_not_reported(
    make_repo: MakeRepo,
) -> None:
    root = make_repo({"app.py": LEAKY}, commit=True)
    edit(root, "app.py", "TIMEOUT = 30", "TIMEOUT = 60")
    git(root, "add", "app.py")
    edit(root, "app.py", "def f", "def g")  # unstaged
    result = run_in_workspace(root, ["app.py"], FileSet(["app.py"], "index"), "pre-commit")
    assert result.status is Status.PASSED


def test_a_committed_secret_is_not_reported_by_a_pre_push_run(make_repo: MakeRepo) -> None:
    root = make_repo({"app.py": LEAKY}, commit=True)
    base = git(root, "rev-parse", "HEAD").strip()
    edit(root, "app.py", "TIMEOUT = 30", "TIMEOUT = 60")
    git(root, "commit", "-q", "-am", "pushed")
    head = git(root, "rev-parse", "HEAD").strip()
    pushed = FileSet(["app.py"], "commits", ((base, head),))
    assert run_in_workspace(root, ["app.py"], pushed, "pre-push").status is Status.PASSED


# ---- allowlists and the baseline ---------------------------------------------------------


def test_an_inline_allowlist_pragma_on_a_staged_line_is_honoured(make_repo: MakeRepo) -> None:
    root = make_repo({"app.py": PLAIN}, commit=True)
    edit(root, "app.py", "TIMEOUT = 30", f"KEY_ID = '{NEW_KEY}'  # pragma: allowlist secret")
    git(root, "add", "app.py")
    assert run_secrets(root, ["app.py"], STAGED).status is Status.PASSED


def test_a_nextline_pragma_on_an_unchanged_line_covers_the_staged_line_below(
    make_repo: MakeRepo,
) -> None:
    # detect-secrets' own scan_diff takes a line's context from the other added lines only,
    # so it would miss the committed pragma above the edited line.
    pragma = "# pragma: allowlist nextline secret"
    root = make_repo({"app.py": PLAIN.replace("TIMEOUT = 30", f"{pragma}\nTIMEOUT = 30")})
    git(root, "commit", "-q", "-m", "pragma")
    edit(root, "app.py", "TIMEOUT = 30", f"KEY_ID = '{NEW_KEY}'")
    git(root, "add", "app.py")
    assert run_secrets(root, ["app.py"], STAGED).status is Status.PASSED
    assert run_secrets(root, ["app.py"], None, "ci").status is Status.PASSED


def test_the_baseline_is_honoured_on_staged_lines(make_repo: MakeRepo) -> None:
    root = make_repo({"app.py": LEAKY}, commit=True)
    record_baseline(root)
    git(root, "add", ".secrets.baseline")
    git(root, "commit", "-q", "-m", "baseline")
    # The recorded secret, moved to a new line, is still the recorded one; a new one is not.
    edit(root, "app.py", "TIMEOUT = 30", f"ALSO = '{AWS_KEY}'\nTOKEN_ID = '{NEW_KEY}'")
    git(root, "add", "app.py")
    assert found(run_secrets(root, ["app.py"], STAGED)) == [("app.py", 5)]


def test_a_config_style_secret_in_a_markdown_file_is_found_on_a_staged_line(
    make_repo: MakeRepo,
) -> None:
    # scan_file reads `key = value` text files through its config transformers; so must this.
    root = make_repo({"NOTES.md": "name = notes\n"}, commit=True)
    with (root / "NOTES.md").open("a") as notes:
        notes.write("password = hunter2Secretvalue9\n")  # pragma: allowlist secret
    git(root, "add", "NOTES.md")
    assert found(run_secrets(root, ["NOTES.md"], STAGED)) == [("NOTES.md", 2)]


# ---- names git writes differently ---------------------------------------------------------

ODD_NAMES = ["with space.py", "pkg/ünïcödé.py", "-leading-dash.py", 'quo"te.py', "tab\tname.py"]


@pytest.mark.parametrize("name", ODD_NAMES, ids=["space", "unicode", "dash", "quote", "tab"])
def test_odd_file_names_are_scanned_by_their_staged_lines(make_repo: MakeRepo, name: str) -> None:
    root = make_repo({name: LEAKY}, commit=True)
    edit(root, name, "TIMEOUT = 30", "TIMEOUT = 60")
    git(root, "add", "--", name)
    assert run_secrets(root, [name], STAGED).status is Status.PASSED  # not scanned whole
    edit(root, name, "TIMEOUT = 60", f"TOKEN_ID = '{NEW_KEY}'\nTIMEOUT = 60")
    git(root, "add", "--", name)
    assert found(run_secrets(root, [name], STAGED)) == [(name, 4)]


# ---- pre-push: the pushed range ------------------------------------------------------------


def test_pre_push_scans_what_the_pushed_commits_add(make_repo: MakeRepo) -> None:
    root = make_repo({"app.py": LEAKY, "b.py": PLAIN}, commit=True)
    base = git(root, "rev-parse", "HEAD").strip()
    edit(root, "app.py", "TIMEOUT = 30", "TIMEOUT = 60")
    edit(root, "b.py", "TIMEOUT = 30", f"TOKEN_ID = '{NEW_KEY}'")
    git(root, "commit", "-q", "-am", "pushed")
    head = git(root, "rev-parse", "HEAD").strip()
    result = run_secrets(root, ["app.py", "b.py"], (base, head), "pre-push")
    assert found(result) == [("b.py", 4)]


# ---- when the diff cannot be had: whole files, never a pass ----------------------------------


def test_no_repository_means_whole_files(tmp_path: Path) -> None:
    write(tmp_path, {"app.py": LEAKY})
    assert found(run_secrets(tmp_path, ["app.py"], STAGED)) == [("app.py", 3)]


def test_an_unknown_revision_means_whole_files(make_repo: MakeRepo) -> None:
    root = make_repo({"app.py": LEAKY}, commit=True)
    result = run_secrets(root, ["app.py"], ("0" * 40, "HEAD"), "pre-push")
    assert found(result) == [("app.py", 3)]


# ---- the worker itself ----------------------------------------------------------------------


def worker(
    root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *argv: str
) -> dict[str, Any]:
    monkeypatch.chdir(root)
    assert secrets_worker.main(list(argv)) == 0
    report: dict[str, Any] = json.loads(capsys.readouterr().out)
    return report


def test_a_working_tree_that_is_not_the_staged_content_is_scanned_whole(
    make_repo: MakeRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_repo({"app.py": LEAKY}, commit=True)
    edit(root, "app.py", "TIMEOUT = 30", "TIMEOUT = 60")
    git(root, "add", "app.py")
    (root / "app.py").write_text("# shifted\n" + (root / "app.py").read_text())
    report = worker(root, monkeypatch, capsys, "--diff-from-git", ".", "--diff-arg", "--cached",
                    "--", "app.py")  # fmt: skip
    assert report["lines_only"] == 0
    assert [(f["path"], f["line"]) for f in report["findings"]] == [("app.py", 4)]


def test_binary_deleted_and_mode_only_changes_do_not_break_it(
    make_repo: MakeRepo, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_repo({"app.py": LEAKY, "gone.py": PLAIN, "tool.py": LEAKY}, commit=True)
    (root / "blob.bin").write_bytes(b"\xff\0\1" + AWS_KEY.encode())  # not UTF-8 either
    git(root, "add", "blob.bin")
    git(root, "commit", "-q", "-m", "binary")
    (root / "blob.bin").write_bytes(b"\xff\0\2" + AWS_KEY.encode())
    git(root, "rm", "-q", "gone.py")
    (root / "tool.py").chmod(0o755)
    edit(root, "app.py", "TIMEOUT = 30", "TIMEOUT = 60")
    git(root, "add", "-A")
    names = ["app.py", "blob.bin", "gone.py", "tool.py"]
    diff = secrets_worker.git_diff(str(root), ["--cached"], names)
    assert "gone.py" in diff  # the scan itself is never given a deleted file
    assert set(secrets_worker.added_lines(diff)) == {"app.py", "tool.py"}
    report = worker(root, monkeypatch, capsys, "--diff-from-git", ".", "--diff-arg", "--cached",
                    "--", "app.py", "blob.bin", "tool.py")  # fmt: skip
    assert report["lines_only"] == 2  # the binary file went to detect-secrets whole
    assert report["findings"] == []


def test_git_failing_is_noted_and_every_file_is_scanned_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"app.py": LEAKY})
    report = worker(tmp_path, monkeypatch, capsys, "--diff-from-git", str(tmp_path),
                    "--diff-arg", "HEAD~1", "--diff-arg", "HEAD", "--", "app.py")  # fmt: skip
    assert report["note"].startswith("scanned whole files: git diff failed")
    assert [f["line"] for f in report["findings"]] == [3]


def test_quoted_names_are_read_back() -> None:
    # git writes a name with ", \\ or a control character in C quotes.
    patch = module(
        'diff --git "a/q\\"t\\tx.py" "b/q\\"t\\tx.py"',
        "index 1..2 100644",
        '--- "a/q\\"t\\tx.py"',
        '+++ "b/q\\"t\\tx.py"',
        "@@ -1,0 +2 @@",
        "+x = 1",
    )
    assert secrets_worker.added_lines(patch) == {'q"t\tx.py': {2: "x = 1\n"}}


@pytest.mark.parametrize(
    "argv",
    [["--baseline"], ["--diff-arg", "--cached", "--", "a.py"]],
    ids=["missing-value", "diff-arg-alone"],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert secrets_worker.main(argv) == 2
    assert "usage:" in capsys.readouterr().err


def test_the_adapter_passes_the_diff_to_the_worker(make_repo: MakeRepo) -> None:
    root = make_repo({"app.py": PLAIN})
    result = run_secrets(root, ["app.py"], ("base", "head"), "pre-push")
    assert result.command[3:7] == ("--diff-from-git", str(root), "--diff-arg", "base")
