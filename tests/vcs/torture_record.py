"""The torture test's tally: one JSON line per case, summed up in test-artifacts/torture.txt.

Under xdist every worker appends to its own file, named after the session's run id, and
rewrites the summary from all of them when it finishes: the last one to finish writes it
whole. Files of sessions older than a day are removed then (not younger ones: another
session may be running).
"""

from __future__ import annotations

import json
import os
import time
import uuid
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

SESSION = os.environ.get("PYTEST_XDIST_TESTRUNUID") or uuid.uuid4().hex
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
STALE = 24 * 3600  # seconds


@dataclass(frozen=True)
class Record:
    scenario: str
    mode: str
    interruption: str
    landed: bool  # the first signal reached a running gates
    stash_in_place: bool  # ... while the stash held the working tree
    returncode: int | None  # gates run's exit code (negative: killed by that signal)
    files: int  # files and folders compared (and the index besides)
    lost_or_changed: list[str]
    fixes_kept: int  # a fixer's intended fix in a file without unstaged changes
    stash_left: bool
    snapshots_left: int  # gates's temporary trees left in TMPDIR (not the user's files)


def record(folder: Path, item: Record) -> None:
    (folder / "torture").mkdir(parents=True, exist_ok=True)
    line = json.dumps(asdict(item), ensure_ascii=True) + "\n"
    with (folder / "torture" / f"{SESSION}-{WORKER}.jsonl").open("a", encoding="utf-8") as out:
        out.write(line)


def load(folder: Path) -> list[Record]:
    items = []
    for path in sorted((folder / "torture").glob(f"{SESSION}-*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            items.append(Record(**json.loads(line)))
    return items


def summarize(folder: Path) -> str:
    items = load(folder)
    for old in (folder / "torture").glob("*.jsonl"):
        if time.time() - old.stat().st_mtime > STALE:
            old.unlink(missing_ok=True)
    text = render(items)
    (folder / "torture.txt").write_text(text, encoding="utf-8")
    return text


def render(items: list[Record]) -> str:
    scenarios = sorted({i.scenario for i in items})
    modes = sorted({i.mode for i in items})
    interruptions = list(dict.fromkeys(i.interruption for i in items))
    bad = [i for i in items if i.lost_or_changed or i.stash_left]
    lines = [
        "gates torture test: `gates run pre-commit` interrupted, the user's work compared",
        f"situations: {len(scenarios)} x check modes: {len(modes)} ({', '.join(modes)})"
        f" x interruptions: {len(interruptions)} = {len(items)} runs tried",
        f"signals that reached a running gates: {sum(i.landed for i in items)};"
        f" while the stash held the working tree: {sum(i.stash_in_place for i in items)}",
        f"files and folders compared: {sum(i.files for i in items)} (plus the index each time)",
        f"files lost or changed: {sum(len(i.lost_or_changed) for i in items)}"
        f" in {len(bad)} run(s); saved work left behind: {sum(i.stash_left for i in items)}",
        f"fixer fixes kept (allowed: files without unstaged changes): "
        f"{sum(i.fixes_kept for i in items)}",
        f"temporary snapshots left in TMPDIR (not user files, SIGKILL and SIGHUP):"
        f" {sum(i.snapshots_left for i in items)}",
        "",
        "by interruption: runs tried, landed, lost or changed; gates's exit codes",
    ]
    for name in interruptions:
        these = [i for i in items if i.interruption == name]
        lost = sum(len(i.lost_or_changed) for i in these)
        codes = Counter(i.returncode for i in these)
        shown = ", ".join(f"{code} x{n}" for code, n in sorted(codes.items(), key=str))
        lines.append(
            f"  {name:26} {len(these):4} {sum(i.landed for i in these):4} {lost:4}   {shown}"
        )
    lines += ["", "situations: " + ", ".join(scenarios)]
    lines += [f"FAILED {i.scenario} {i.mode} {i.interruption}: {i.lost_or_changed}" for i in bad]
    return "\n".join(lines) + "\n"
