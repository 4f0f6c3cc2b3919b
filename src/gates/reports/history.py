"""The history store: the last run records of a repository, in one SQLite file in .git.

`<git dir>/gates/history.sqlite` (what `git rev-parse --git-path gates/history.sqlite`
names): never committed, never in the way, one per clone or worktree. Outside git there
is no history, and no error: every method does nothing.

Two runs may write at once (two terminals, an editor's hook and a manual run): WAL mode,
a busy timeout and one short transaction per write. A damaged file is moved aside with
one line on stderr and a new one started; a run never fails for its history.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

from gates.vcs.git import git_dir

KEEP = 5_000  # records per repository; older ones are dropped as new ones arrive
BUSY_TIMEOUT_S = 2.0  # another run's write takes milliseconds; never hold a commit long
SCHEMA_VERSION = 1
SCHEMA = (
    "CREATE TABLE IF NOT EXISTS runs (id INTEGER PRIMARY KEY, run_id TEXT NOT NULL UNIQUE,"
    " layer TEXT NOT NULL, started_at TEXT NOT NULL, record TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS runs_by_layer ON runs (layer, started_at, id)",
    "CREATE INDEX IF NOT EXISTS runs_by_time ON runs (started_at, id)",
    "CREATE TABLE IF NOT EXISTS tool_versions"
    " (path TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL, version TEXT)",
    f"PRAGMA user_version = {SCHEMA_VERSION}",
)
_ALL = "SELECT record FROM runs ORDER BY started_at DESC, id DESC LIMIT ?"
_OF_LAYER = "SELECT record FROM runs WHERE layer = ? ORDER BY started_at DESC, id DESC LIMIT ?"


class HistoryStore:
    """Run records, newest last. `path` None: not in a git repository, nothing is kept."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._inode: int | None = None  # the file this store opened, to recover only that one

    def records(self, layer: str | None = None, limit: int | None = None) -> list[dict[str, Any]]:
        """The last `limit` records (of `layer`), oldest first and newest LAST."""
        count = -1 if limit is None else limit
        sql, params = (_ALL, (count,)) if layer is None else (_OF_LAYER, (layer, count))
        rows = self._use(lambda c: c.execute(sql, params))
        return [r for r in (_parse(text) for (text,) in reversed(rows)) if r is not None]

    def add(self, record: dict[str, Any]) -> bool:
        """Store `record`; False when a record with its run_id is already there."""
        return self.add_all([record]) == 1

    def add_all(self, records: Iterable[dict[str, Any]]) -> int:
        """Store records not yet there (by run_id) in one transaction; how many were new."""
        rows = [_row(record) for record in records]

        def insert(conn: sqlite3.Connection) -> list[Any]:
            with _transaction(conn):
                before = conn.total_changes
                conn.executemany(
                    "INSERT OR IGNORE INTO runs (run_id, layer, started_at, record)"
                    " VALUES (?, ?, ?, ?)",
                    rows,
                )
                added = conn.total_changes - before
                _prune(conn)
            return [added]

        done = self._use(insert) if rows else []
        return int(done[0]) if done else 0

    def export(self, out: TextIO, layer: str | None = None, limit: int | None = None) -> int:
        """Write records as JSON Lines, oldest first; how many were written."""
        records = self.records(layer, limit)
        for record in records:
            out.write(json.dumps(record, separators=(",", ":"), sort_keys=True) + "\n")
        return len(records)

    def import_(self, lines: Iterable[str], source: str = "-") -> tuple[int, int]:
        """Read JSON Lines of records; (added, already there). ValueError names a bad line."""
        records = [_record_from(line, source, number) for number, line in _numbered(lines)]
        added = self.add_all(records)
        return added, len(records) - added

    def tool_version(self, path: str, mtime_ns: int) -> tuple[bool, str | None]:
        """(known, version) of the program at `path` as it was at `mtime_ns`."""
        rows = self._use(
            lambda c: c.execute(
                "SELECT version FROM tool_versions WHERE path = ? AND mtime_ns = ?",
                (path, mtime_ns),
            )
        )
        return (True, rows[0][0]) if rows else (False, None)

    def remember_tool_version(self, path: str, mtime_ns: int, version: str | None) -> None:
        def upsert(conn: sqlite3.Connection) -> list[Any]:
            with _transaction(conn):
                conn.execute(
                    "INSERT OR REPLACE INTO tool_versions (path, mtime_ns, version)"
                    " VALUES (?, ?, ?)",
                    (path, mtime_ns, version),
                )
            return []

        self._use(upsert)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def _use(self, work: Callable[[sqlite3.Connection], Iterable[Any]]) -> list[Any]:
        """Run `work`; on a damaged database, move it aside and run it once more."""
        if self.path is None:
            return []
        try:
            return list(work(self._connection()))
        except sqlite3.DatabaseError as exc:
            if not _damaged(exc):
                raise
            self._recover(exc)
            return list(work(self._connection()))

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None and self.path is not None:
            self._inode = _inode(self.path)
            self._conn = _connect(self.path)
        if self._conn is None:
            raise sqlite3.OperationalError("no history outside a git repository")
        return self._conn

    def _recover(self, exc: sqlite3.DatabaseError) -> None:
        self.close()
        if self.path is None:
            return
        # Another run may have moved it aside and started anew already: leave that one be.
        if _inode(self.path) == self._inode:
            aside = self.path.with_name(
                f"{self.path.name}.damaged-{time.strftime('%Y%m%dT%H%M%S')}"
            )
            for suffix in ("-wal", "-shm"):  # a log of the damaged file must not reach the new one
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            os.replace(self.path, aside)
            print(
                f"gates: the run history {self.path} was damaged ({exc}); moved it to"
                f" {aside.name} and started a new one",
                file=sys.stderr,
            )


def open_history(cwd: Path) -> HistoryStore:
    """The history of the repository holding `cwd` (a store that keeps nothing outside git)."""
    found = git_dir(cwd)
    return HistoryStore(found / "gates" / "history.sqlite" if found is not None else None)


def _connect(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    # isolation_level=None: transactions are explicit and short (BEGIN IMMEDIATE ... COMMIT).
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    try:
        _wal(conn)
        conn.execute("PRAGMA synchronous=NORMAL")  # WAL stays consistent; a lost last run is fine
        # The schema is written once per database; later runs only read its version.
        if conn.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
            with _transaction(conn):
                for statement in SCHEMA:
                    conn.execute(statement)
    except BaseException:
        conn.close()
        raise
    return conn


def _wal(conn: sqlite3.Connection) -> None:
    """WAL mode, so that readers never wait for a writer. A new database's first two
    users both switch it, and SQLite answers "locked" at once, without the busy timeout:
    try again for as long as that timeout."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.005)


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    # IMMEDIATE takes the write lock at once, so two writers queue on the busy timeout
    # instead of failing when one upgrades a read lock.
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _prune(conn: sqlite3.Connection) -> None:
    conn.execute(
        "DELETE FROM runs WHERE id IN"
        " (SELECT id FROM runs ORDER BY started_at DESC, id DESC LIMIT -1 OFFSET ?)",
        (KEEP,),
    )


def _damaged(exc: sqlite3.DatabaseError) -> bool:
    """Whether the file is not a database, or a damaged one (not merely locked or full)."""
    name = getattr(exc, "sqlite_errorname", None)  # Python 3.11+
    if name is not None:
        return str(name).startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB"))
    text = str(exc)
    return "malformed" in text or "not a database" in text


def _inode(path: Path) -> int | None:
    try:
        return path.stat().st_ino
    except OSError:
        return None


def _row(record: dict[str, Any]) -> tuple[str, str, str, str]:
    text = json.dumps(record, separators=(",", ":"))
    return str(record["run_id"]), str(record["layer"]), str(record["started_at"]), text


def _parse(text: str) -> dict[str, Any] | None:
    try:
        record = json.loads(text)
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


def _numbered(lines: Iterable[str]) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(lines, start=1):
        if line.strip():
            yield number, line


def _record_from(line: str, source: str, number: int) -> dict[str, Any]:
    record = _parse(line)
    missing = (
        [key for key in ("run_id", "layer", "started_at") if not isinstance(record.get(key), str)]
        if record is not None
        else None
    )
    if record is None or missing:
        what = f"no {', '.join(missing)}" if missing else "not a JSON object"
        raise ValueError(f"{source}:{number}: not a gates run record ({what})")
    return record
