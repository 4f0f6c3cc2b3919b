"""Torture: `gates run pre-commit` interrupted in every way, in many staged/unstaged
situations; the working tree and the index must come back byte for byte (DESIGN rule 5).

Each case copies a real repository built by tests/vcs/torture_scenarios.py, fingerprints
every file of its working tree (bytes, modes, symlink targets, folders; untracked files
too) and its index (the .git/index bytes and `git ls-files -s`), runs the real CLI in a
subprocess, interrupts it, and compares. The only changes allowed: a fixer's intended fix
in a staged file without unstaged changes, and the index another process wrote mid-run
(`git add`, or an editor staging a hunk): then the index must be what that process left.

The matrix runs twice: with file-local checks only (they read a snapshot of the index when
a staged file has unstaged changes) and with a whole-tree check (it forces the stash).
The moment to interrupt is when the last stage's `nap` check has started: the stash (or
the snapshot) is then in place and a fixer has run. Every case adds a line to a record;
test-artifacts/torture.txt sums them up.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import git, run_gates
from tests.vcs import torture_probe as probe
from tests.vcs import torture_scenarios as scenarios
from tests.vcs.torture_record import Record, record, summarize
from tests.vcs.torture_scenarios import SCENARIOS, Setup

PROBE = Path(probe.__file__).resolve()
COMMON = """
[layers.pre-commit]
budget = "120s"
fail_fast = false
stages = [["peek"], ["ruff-format", "ruff-lint"], ["nap"]]
no_secret_scan = "the torture test is about staged content"  # pragma: allowlist secret

[checks.ruff-format]
kind = "ruff-format"
fix = true
"""
PROBE_CHECK = """
[checks.{name}]
kind = "command"
command = [{python}, {probe}, "{name}"]
file_local = {local}
pass_files = {local}
"""
MODES = ("file-local", "whole-tree")
SLEEP_COMPLETE, SLEEP_INTERRUPTED = "0.2", "20"


def config(mode: str) -> str:
    local = "true" if mode == "file-local" else "false"
    python, script = json.dumps(sys.executable), json.dumps(str(PROBE))
    fill = {"python": python, "probe": script, "local": local}
    return COMMON + "".join(PROBE_CHECK.format(name=n, **fill) for n in ("peek", "nap"))


@dataclass(frozen=True)
class Interruption:
    name: str
    signals: tuple[int, ...] = ()  # sent one after another
    gap: float = 0.0  # seconds between two signals
    lead: float = 0.0  # seconds from the moment (or from the start, when early) to the first
    early: bool = False  # timed from the start of the run, not from the moment
    recover: bool = False  # SIGKILL: nothing of gates runs after it, `gates recover` does


INT, TERM, HUP, KILL = signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGKILL
INTERRUPTIONS = {
    i.name: i
    for i in (
        Interruption("complete"),
        Interruption("sigint", (INT,)),
        Interruption("sigterm", (TERM,)),
        Interruption("ctrl-c-x30", (INT,) * 30, gap=0.001),
        Interruption("ctrl-c-x30-after-5ms", (INT,) * 30, gap=0.0005, lead=0.005),
        Interruption("ctrl-c-x60-after-20ms", (INT,) * 60, gap=0.0002, lead=0.02),
        Interruption("sighup", (HUP,)),  # the terminal closed
        Interruption("sigint-at-random", (INT,), early=True),
        Interruption("sigkill+recover", (KILL,), recover=True),
        Interruption("sigkill-at-random+recover", (KILL,), early=True, recover=True),
    )
}
CASES = [(s, m, i) for s in SCENARIOS for m in MODES for i in INTERRUPTIONS]


def random_lead(*key: str) -> float:
    """A delay in [0, 0.45) s from the start, fixed per case: over start-up, each stage,
    the stash going in; the same case gets the same delay on every machine."""
    digest = hashlib.sha256("/".join(key).encode()).digest()
    return int.from_bytes(digest[:4], "big") % 450 / 1000


# ------------------------------------------------------------------ fingerprints


def _describe(path: Path) -> str:
    info = path.lstat()
    if path.is_symlink():
        return f"symlink -> {os.readlink(path)!r}"
    if path.is_dir():
        return f"folder {info.st_mode & 0o7777:o}"
    return f"file {info.st_mode & 0o7777:o} {hashlib.sha256(path.read_bytes()).hexdigest()}"


def fingerprint(root: Path) -> dict[str, str]:
    """Every file and folder of the working tree but .git (a submodule's too), and the index."""
    found = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in [*dirs, *files]:
            if name != ".git":
                path = Path(folder, name)
                found[path.relative_to(root).as_posix()] = _describe(path)
    found["(.git/index)"] = hashlib.sha256((root / ".git" / "index").read_bytes()).hexdigest()
    found["(git ls-files -s)"] = "\n".join(probe.git_z(root, "ls-files", "-s", "-z"))
    return found


def fixer_outputs(root: Path) -> dict[str, bytes]:
    """The staged Python files with no unstaged changes, as ruff format would leave them:
    the one change to the working tree a run may make (in such a file, to that content)."""
    names = probe.git_z(root, "diff", "--cached", "--name-only", "-z", "--diff-filter=ACMR")
    entries = probe.staged(root)
    clean = [n for n in names if n.endswith(".py") and probe.seen(root / n) == entries.get(n)]
    return {name: _formatted(root / name) for name in clean}


def _formatted(path: Path) -> bytes:
    done = subprocess.run(
        [str(Path(sys.executable).with_name("ruff")), "format", "--stdin-filename", path.name, "-"],
        input=path.read_bytes(), capture_output=True, check=False,
    )  # fmt: skip
    return done.stdout if done.returncode == 0 else path.read_bytes()


def changes(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))


def unexpected(root: Path, changed: list[str], fixes: dict[str, bytes]) -> tuple[list[str], int]:
    """The changes that are not a fixer's allowed fix, and the number of allowed fixes."""
    allowed = [
        name
        for name in changed
        if name in fixes and (root / name).is_file() and (root / name).read_bytes() == fixes[name]
    ]
    return [name for name in changed if name not in allowed], len(allowed)


# ------------------------------------------------------------------ repositories


@pytest.fixture(scope="session")
def templates() -> dict[tuple[str, str], tuple[Path, Setup]]:
    return {}  # (scenario, mode) -> a repository built on first use, per xdist worker


FreshRepo = Callable[[str, str, Path], Setup]


@pytest.fixture
def fresh_repo(
    templates: dict[tuple[str, str], tuple[Path, Setup]],
    tmp_path_factory: pytest.TempPathFactory,
) -> FreshRepo:
    def make(scenario: str, mode: str, dest: Path) -> Setup:
        if (scenario, mode) not in templates:
            built = tmp_path_factory.mktemp("template") / "repo"
            templates[scenario, mode] = built, SCENARIOS[scenario](built, config(mode))
        built, setup = templates[scenario, mode]
        shutil.copytree(built, dest, symlinks=True)
        # The copy's files have new inodes and times: refresh the index's stat data, as a
        # freshly built repository would have it (unmerged paths make it exit 1: ignored).
        subprocess.run(["git", "update-index", "-q", "--refresh"], cwd=dest, capture_output=True)
        return setup

    return make


# ------------------------------------------------------------------ the run


@dataclass
class Run:
    """What happened to one interrupted run."""

    landed: bool = False  # the first signal reached a running gates
    stash_in_place: bool = False  # ... while a stash held the working tree
    returncode: int | None = None
    stdout: str = ""
    stderr: str = ""
    index_after_add: dict[str, str] = field(default_factory=dict)  # what the other process did


def start(root: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "gates", "run", "pre-commit", "--json"], cwd=root, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def wait_for_moment(proc: subprocess.Popen[str], sentinel: Path) -> None:
    """Until the last stage's check has started, or the run has ended."""
    deadline = time.monotonic() + 60
    while not sentinel.exists() and proc.poll() is None:
        assert time.monotonic() < deadline, "the run never reached its last stage"
        time.sleep(0.002)


def stash_in_place(root: Path) -> bool:
    return any((root / ".git" / "gates").glob("stash/*/manifest.json"))


def drive(root: Path, setup: Setup, how: Interruption, env: dict[str, str], lead: float) -> Run:
    run = Run()
    proc = start(root, env)
    try:
        if how.early:
            time.sleep(lead)
        else:
            wait_for_moment(proc, Path(env["TORTURE_SENTINEL"]))
            time.sleep(how.lead)
        if setup.during_run:
            git(root, *setup.during_run)  # another process changes the index, mid-run
            run.index_after_add = index_of(root)
        run.stash_in_place = stash_in_place(root)
        run.landed = send(proc, how)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    run.returncode, run.stdout, run.stderr = proc.returncode, out, err
    return run


def send(proc: subprocess.Popen[str], how: Interruption) -> bool:
    landed = bool(how.signals) and proc.poll() is None
    for number, sig in enumerate(how.signals):
        if number and how.gap:
            time.sleep(how.gap)
        if proc.poll() is not None:
            break
        proc.send_signal(sig)
    return landed


def index_of(root: Path) -> dict[str, str]:
    full = fingerprint(root)
    return {k: v for k, v in full.items() if k.startswith("(")}


def end_orphans(sentinel: Path) -> None:
    """A SIGKILLed gates cannot stop its checks: they run on in their own sessions, as they
    would on a user's machine. Let them finish (the sleeping one is stopped at once), as
    they would have before the user runs `gates recover`."""
    mine = f"TORTURE_SENTINEL={sentinel}".encode()
    found = [pid for pid in _pids() if mine in _environ(pid)]
    for pid in found:
        if b"nap" in _cmdline(pid):
            _kill(pid)
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in found) and time.monotonic() < deadline:
        time.sleep(0.01)
    for pid in found:
        _kill(pid)


def _pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def _environ(pid: int) -> bytes:
    return _read_proc(pid, "environ")


def _cmdline(pid: int) -> bytes:
    return _read_proc(pid, "cmdline")


def _read_proc(pid: int, what: str) -> bytes:
    try:
        return Path(f"/proc/{pid}/{what}").read_bytes()
    except OSError:
        return b""


def _alive(pid: int) -> bool:
    return bool(_environ(pid))  # a zombie or a gone process shows no environment


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


# ------------------------------------------------------------------ the test


@pytest.fixture(scope="session")
def torture_log(request: pytest.FixtureRequest) -> Iterator[Path]:
    folder = request.config.rootpath / "test-artifacts"
    yield folder
    summary = summarize(folder)
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:  # not in an xdist worker: there, see test-artifacts/torture.txt
        reporter.write_sep("-", "torture test")
        reporter.write(summary)


@pytest.mark.parametrize(("scenario", "mode", "interruption"), CASES)
def test_interrupted_run_keeps_the_users_work(
    scenario: str, mode: str, interruption: str, fresh_repo: FreshRepo, tmp_path: Path,
    torture_log: Path,
) -> None:  # fmt: skip
    root = tmp_path / "repo"
    setup = fresh_repo(scenario, mode, root)
    item, run, recovered = torture(root, setup, (scenario, mode, interruption))
    record(torture_log, item)
    said = f"the run said:\n{run.stderr}\n{recovered.stdout if recovered else ''}"
    assert not item.lost_or_changed, f"{item.lost_or_changed} changed; {said}"
    assert not item.stash_left, f"saved work left in .git/gates/stash; {said}"
    assert recovered is None or recovered.returncode == 0, said
    if interruption == "complete":
        assert_checked_the_index(run)


Recovered = subprocess.CompletedProcess[str] | None


def torture(root: Path, setup: Setup, case: tuple[str, str, str]) -> tuple[Record, Run, Recovered]:
    """Fingerprint, run, interrupt (and recover), fingerprint again, compare."""
    how = INTERRUPTIONS[case[2]]
    env = environment(root, root.parent, how)
    fixes = fixer_outputs(root)
    lock = root / ".git" / "index.lock"
    if setup.index_lock:
        lock.write_bytes(b"")  # held by another process for the whole run
    before = fingerprint(root)
    run = drive(root, setup, how, env, random_lead(*case))
    recovered = after_a_kill(root, env) if how.recover else None
    after = fingerprint(root)
    lock.unlink(missing_ok=not setup.index_lock)
    lost, fixed = unexpected(root, changes({**before, **run.index_after_add}, after), fixes)
    item = Record(
        *case, run.landed, run.stash_in_place, run.returncode, len(before) - 2, lost, fixed,
        stash_in_place(root), snapshots_left(root.parent),
    )  # fmt: skip
    return item, run, recovered


def environment(root: Path, tmp_path: Path, how: Interruption) -> dict[str, str]:
    (tmp_path / "tmp").mkdir()
    return {
        **os.environ,
        "NO_COLOR": "1",
        "RUFF_NO_CACHE": "true",  # no .ruff_cache in the user's tree to tell apart
        "TMPDIR": str(tmp_path / "tmp"),
        "TORTURE_REPO": str(root),
        "TORTURE_SENTINEL": str(tmp_path / "nap-started"),
        "TORTURE_SLEEP": SLEEP_INTERRUPTED if how.signals else SLEEP_COMPLETE,
    }


def after_a_kill(root: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """What the user does next: wait for what the killed run left running, `gates recover`."""
    end_orphans(Path(env["TORTURE_SENTINEL"]))
    return run_gates(root, "recover")


def snapshots_left(tmp_path: Path) -> int:
    """Temporary trees of gates left in TMPDIR: not the user's files, but counted."""
    return len(list((tmp_path / "tmp").glob("gates-snapshot-*")))


def assert_checked_the_index(run: Run) -> None:
    """A run left alone ends normally, and its checks saw exactly what is staged."""
    assert run.returncode in (0, 1), run.stderr
    checks = {c["name"]: c for c in json.loads(run.stdout)["checks"]}
    assert checks["peek"]["status"] == "passed", checks["peek"]
    assert checks["nap"]["status"] == "passed", checks["nap"]


SCRIBBLER = """
[layers.pre-commit]
budget = "60s"
stages = [["scribble"]]
no_secret_scan = "the torture test is about staged content"  # pragma: allowlist secret

[checks.scribble]
kind = "command"
command = [{python}, "-c", "open('a.py', 'w').write('written during the run\\\\n')"]
file_local = false
pass_files = false
"""


def test_what_a_run_writes_over_stashed_work_is_kept_aside(tmp_path: Path) -> None:
    """A whole-tree check (or the user's editor) writes a file whose unstaged work is
    stashed: the unstaged work comes back, and what was written is kept, not lost."""
    root = tmp_path / "repo"
    scenarios.base(root, SCRIBBLER.format(python=json.dumps(sys.executable)), {"a.py": "x\n"})
    scenarios.partial(root)
    before = fingerprint(root)
    done = run_gates(root, "run", "pre-commit")
    assert "the fixes to a.py were dropped" in done.stderr, done.stdout + done.stderr
    assert fingerprint(root) == before
    kept = list((root / ".git" / "gates" / "dropped").glob("*/a.py"))
    assert [path.read_text() for path in kept] == ["written during the run\n"]
