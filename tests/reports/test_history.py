"""The history store: real runs recorded, damage survived, two writers at once, export/import."""

from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gates.reports import history
from gates.reports.history import HistoryStore, open_history
from gates.reports.record import git_head
from gates.reports.tool_versions import fill_versions
from gates.vcs.git import git_dir
from tests.conftest import GatesRunner, git, write
from tests.reports.test_trends import make_record

PY = sys.executable


def config(checks: dict[str, str], layer: str = "ci", extra: str = "") -> str:
    """A gates.toml whose `layer` runs each check (one stage each) as `python -c CODE`."""
    lines = [f'[layers.{layer}]\nbudget = "60s"\n{extra}',
             f"stages = {json.dumps([[name] for name in checks])}"]  # fmt: skip
    for name, code in checks.items():
        lines.append(f'[checks.{name}]\nkind = "command"\ncommand = {json.dumps([PY, "-c", code])}')
    return "\n".join(lines) + "\n"


@pytest.fixture
def project(make_repo: Callable[..., Path]) -> Path:
    return make_repo(
        {"gates.toml": config({"lint": "pass", "types": "import sys; sys.exit(0)"})},
        commit=True,
    )


def store_of(repo: Path) -> HistoryStore:
    return HistoryStore(repo / ".git" / "gates" / "history.sqlite")


def test_real_runs_and_written_records_make_one_history(gates: GatesRunner, project: Path) -> None:
    for _ in range(3):
        done = gates(project, "run", "ci")
        assert done.returncode == 0, done.stdout + done.stderr
        assert done.stderr == ""
    store = open_history(project)
    assert store.path == project / ".git" / "gates" / "history.sqlite"
    written = [
        make_record(i, {"lint": 0.05 + 0.01 * (i % 7), "types": 1.0 + 0.1 * (i % 5)}, layer="ci")
        for i in range(50)
    ]
    store.add_all(written)
    assert store.add(written[0]) is False  # a run_id is stored once
    records = store.records()
    assert len(records) == 53
    # Newest last: the written records are dated 2026, before the real runs of today.
    assert [r["run_id"] for r in records[:50]] == [r["run_id"] for r in written]
    real = records[-1]
    assert real["layer"] == "ci"
    assert real["status"] == "passed"
    assert real["git"] == {"commit": git(project, "rev-parse", "HEAD").strip(), "branch": "main"}
    assert [c["name"] for c in real["checks"]] == ["lint", "types"]
    assert all(c["cache_hit"] is False and c["duration_s"] > 0 for c in real["checks"])
    assert real["budget_s"] == 60
    assert 0 < real["budget_used"] < 1
    assert real["machine"]["cpus"] >= 1
    assert real["machine"]["platform"]
    assert real["tools"]["lint"] == {"program": PY, "version": f"Python {sys.version.split()[0]}"}
    assert store.records(limit=2) == records[-2:]
    assert store.records(layer="pre-commit") == []


def test_skips_and_their_reasons_are_recorded(gates: GatesRunner, project: Path) -> None:
    assert gates(project, "run", "ci", "--skip", "types").returncode == 0
    (record,) = open_history(project).records()
    assert record["skips"] == [{"check": "types", "reason": "skipped by --skip"}]


def test_the_oldest_records_go_beyond_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history, "KEEP", 5)
    store = HistoryStore(tmp_path / "h.sqlite")
    records = [make_record(i, {"a": 0.1}) for i in range(8)]
    store.add_all(reversed(records[:4]))  # kept by start time, whatever the order they came in
    store.add_all(records[4:])
    assert [r["run_id"] for r in store.records()] == [r["run_id"] for r in records[3:]]


def test_outside_git_there_is_no_history_and_no_error(gates: GatesRunner, tmp_path: Path) -> None:
    write(tmp_path, {"gates.toml": config({"lint": "pass"}), "a.py": "x = 1\n"})
    done = gates(tmp_path, "run", "ci", "--all-files")
    assert (done.returncode, done.stderr) == (0, "")
    store = open_history(tmp_path)
    assert store.path is None
    assert store.records() == []
    assert store.add(make_record(0, {"a": 1.0})) is False
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.py", "gates.toml"]
    done = gates(tmp_path, "history", "export")
    assert done.returncode == 2
    assert "not in a git repository" in done.stderr


def run_with_damage(gates: GatesRunner, project: Path, damage: Callable[[Path], object]) -> str:
    path = project / ".git" / "gates" / "history.sqlite"
    store = HistoryStore(path)
    store.add_all([make_record(i, {"lint": 0.1, "types": 0.2}, layer="ci") for i in range(300)])
    store.close()
    damage(path)
    done = gates(project, "run", "ci")
    assert done.returncode == 0, done.stderr  # the run's outcome is not the history's
    records = open_history(project).records()
    assert records[-1]["layer"] == "ci"
    assert records[-1]["status"] == "passed"
    return done.stderr


def test_a_file_of_garbage_is_moved_aside_and_a_new_history_started(
    gates: GatesRunner, project: Path
) -> None:
    stderr = run_with_damage(gates, project, lambda p: p.write_bytes(b"not sqlite at all " * 300))
    assert len(stderr.splitlines()) == 1
    assert "was damaged" in stderr
    assert "started a new one" in stderr
    (aside,) = (project / ".git" / "gates").glob("history.sqlite.damaged-*")
    assert aside.read_bytes().startswith(b"not sqlite")
    assert len(open_history(project).records()) == 1


def truncate(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def test_a_truncated_database_never_crashes_a_run(gates: GatesRunner, project: Path) -> None:
    stderr = run_with_damage(gates, project, truncate)
    assert len(stderr.splitlines()) <= 1
    if stderr:  # what SQLite notices of a truncation depends on which pages were lost
        assert "was damaged" in stderr


def test_a_truncated_database_is_recovered_when_read(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    store = HistoryStore(path)
    store.add_all([make_record(i, {"a": 0.1 * i}) for i in range(300)])
    store.close()
    truncate(path)
    err = io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sys, "stderr", err)
        store = HistoryStore(path)
        assert store.records() == []  # the damaged one holds nothing to trust
        assert store.add(make_record(0, {"a": 1.0}))
    assert "was damaged" in err.getvalue()
    assert len(err.getvalue().splitlines()) == 1
    assert len(HistoryStore(path).records()) == 1


def test_a_history_that_cannot_be_written_costs_one_line(gates: GatesRunner, project: Path) -> None:
    (project / ".git" / "gates").write_text("a file where the folder should be\n")
    done = gates(project, "run", "ci")
    assert done.returncode == 0
    assert len(done.stderr.splitlines()) == 1
    assert "run history" in done.stderr
    write(project, {"gates.toml": config({"lint": "import sys; sys.exit(1)"})})
    assert gates(project, "run", "ci").returncode == 1  # and a failure stays a failure


def test_two_runs_at_once_both_land(gates: GatesRunner, project: Path, tmp_path: Path) -> None:
    # Each run's check waits until the other run's check has started: their lives overlap,
    # and both write their records within moments of each other.
    flags = tmp_path / "flags"
    flags.mkdir()
    code = (
        f"import os, sys, time; d = {str(flags)!r}; open(os.path.join(d, os.environ['RUN']), 'w')\n"
        "end = time.time() + 20\n"
        "while len(os.listdir(d)) < 2 and time.time() < end: time.sleep(0.01)\n"
        "sys.exit(0 if len(os.listdir(d)) == 2 else 1)"
    )
    write(project, {"gates.toml": config({"meet": code})})
    runs = [
        subprocess.Popen(
            [PY, "-m", "gates", "run", "ci"],
            env={**os.environ, "NO_COLOR": "1", "RUN": name},
            cwd=project,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("one", "two")
    ]
    outputs = [run.communicate(timeout=60) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert [err for _, err in outputs] == ["", ""]
    records = open_history(project).records()
    assert len({r["run_id"] for r in records}) == 2


def test_export_and_import_round_trip(
    gates: GatesRunner, project: Path, make_repo: Callable[..., Path]
) -> None:
    assert gates(project, "run", "ci").returncode == 0
    store_of(project).add_all(
        [make_record(i, {"lint": 0.1}, layer=("ci", "pre-commit")[i % 2]) for i in range(60)]
    )
    done = gates(project, "history", "export", "--output", "runs.jsonl")
    assert done.returncode == 0
    assert done.stdout == "exported 61 run(s) to runs.jsonl\n"
    exported = (project / "runs.jsonl").read_text().splitlines()
    assert [json.loads(line) for line in exported] == store_of(project).records()
    ci = gates(project, "history", "export", "--layer", "ci", "--limit", "3").stdout.splitlines()
    assert [json.loads(line) for line in ci] == store_of(project).records("ci", 3)

    other = make_repo({"a.py": "x = 1\n"}, name="other")
    source = str(project / "runs.jsonl")
    done = gates(other, "history", "import", source)
    assert done.stdout == "imported 61 run(s); 0 already in the history\n", done.stderr
    assert store_of(other).records() == store_of(project).records()
    assert gates(other, "history", "import", source).stdout.startswith("imported 0 run(s); 61")
    assert gates(other, "history", "export").stdout.splitlines() == exported


def test_an_import_with_a_bad_line_imports_nothing(
    gates: GatesRunner, project: Path, tmp_path: Path
) -> None:
    lines = [json.dumps(make_record(i, {"a": 0.1})) for i in range(2)]
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join([*lines, "", '{"run_id": "x"}']) + "\n")
    done = gates(project, "history", "import", str(bad))
    assert done.returncode == 2
    assert f"{bad}:4: not a gates run record (no layer, started_at)" in done.stderr
    bad.write_text("[1, 2]\n")
    assert (
        "bad.jsonl:1: not a gates run record (not a JSON object)"
        in gates(project, "history", "import", str(bad)).stderr
    )
    assert store_of(project).records() == []


def test_git_dir_and_head_read_from_files_agree_with_git(
    make_repo: Callable[..., Path], tmp_path: Path
) -> None:
    repo = make_repo({"a.py": "x = 1\n"})
    assert git_head(repo / ".git") == {"commit": None, "branch": "main"}  # nothing committed
    git(repo, "commit", "-q", "-m", "one")
    sub = repo / "sub"
    sub.mkdir()
    found = git_dir(sub)
    assert found == repo / git(repo, "rev-parse", "--git-dir").strip()
    head = git(repo, "rev-parse", "HEAD").strip()
    assert git_head(repo / ".git") == {"commit": head, "branch": "main"}
    git(repo, "pack-refs", "--all")  # the branch now lives in packed-refs only
    assert git_head(repo / ".git") == {"commit": head, "branch": "main"}
    git(repo, "worktree", "add", "-q", "-b", "side", str(tmp_path / "wt"))
    wt_dir = git_dir(tmp_path / "wt")
    asked = git(tmp_path / "wt", "rev-parse", "--git-path", "gates/history.sqlite").strip()
    assert wt_dir is not None
    assert wt_dir / "gates" / "history.sqlite" == Path(asked).resolve()
    assert git_head(wt_dir) == {"commit": head, "branch": "side"}
    git(repo, "checkout", "-q", "--detach")
    assert git_head(repo / ".git") == {"commit": head, "branch": None}


class Cache:
    def __init__(self) -> None:
        self.known: dict[tuple[str, int], str | None] = {}

    def tool_version(self, path: str, mtime_ns: int) -> tuple[bool, str | None]:
        key = (path, mtime_ns)
        return (key in self.known, self.known.get(key))

    def remember_tool_version(self, path: str, mtime_ns: int, version: str | None) -> None:
        self.known[(path, mtime_ns)] = version


def test_tool_versions_are_asked_once_per_program_file(tmp_path: Path) -> None:
    cache = Cache()
    tools: dict[str, dict[str, Any]] = {
        "a": {"program": PY}, "b": {"program": PY}, "gone": {"program": "no-such-tool-here"},
    }  # fmt: skip
    fill_versions(tools, cache, ask=False)  # pre-commit: never spends time asking
    assert [t["version"] for t in tools.values()] == [None, None, None]
    assert not cache.known
    fill_versions(tools, cache, ask=True)
    version = f"Python {sys.version.split()[0]}"
    assert [t["version"] for t in tools.values()] == [version, version, None]
    assert list(cache.known.values()) == [version]  # one program: asked once
    tools = {"a": {"program": PY}}
    fill_versions(tools, cache, ask=False)  # the cache answers, for every layer
    assert tools["a"]["version"] == version


def test_tool_versions_are_cached_in_the_history(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite")
    assert store.tool_version("/bin/x", 1) == (False, None)
    store.remember_tool_version("/bin/x", 1, "x 1.0")
    store.remember_tool_version("/bin/y", 1, None)  # asked, and it could not say
    assert store.tool_version("/bin/x", 1) == (True, "x 1.0")
    assert store.tool_version("/bin/x", 2) == (False, None)  # the program changed since
    assert store.tool_version("/bin/y", 1) == (True, None)


def test_the_database_is_in_wal_mode(tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "h.sqlite")
    store.add(make_record(0, {"a": 0.1}))
    store.close()
    with sqlite3.connect(tmp_path / "h.sqlite") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_new_database_held_by_another_user_is_waited_for(tmp_path: Path) -> None:
    # The first users of a new database both switch it to WAL. SQLite refuses one of them
    # at once, busy timeout or not (waiting could deadlock): the store tries again.
    path = tmp_path / "h.sqlite"
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("CREATE TABLE t (x)")
    other.execute("BEGIN IMMEDIATE")  # a write lock, held: as by a user switching it
    release = threading.Timer(0.3, lambda: other.execute("COMMIT"))
    release.start()
    try:
        assert HistoryStore(path).add(make_record(0, {"a": 0.1}))
    finally:
        release.join()
        other.close()
    assert len(HistoryStore(path).records()) == 1
