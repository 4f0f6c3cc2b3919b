"""What a check is, seen from the pipeline: data plus two functions.

An adapter says which program to run and how (`build`), and what its output means
(`parse`). The pipeline runs the program; adapters never start processes themselves.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gates.config.model import Check
from gates.results import Outcome


@dataclass(frozen=True)
class CheckContext:
    name: str
    layer: str
    root: Path  # the project root; tools run here
    files: tuple[str, ...]  # relative to root, filtered for this check
    spec: Check
    coverage: float
    workdir: Path | None  # a private folder for report files, for a Tool that asks for one
    # The `git diff` arguments that give the lines being committed or pushed, when only
    # those are new (pre-commit: ("--cached",); pre-push: (base, head)); None: all lines.
    diff: tuple[str, ...] | None = None
    # The real project root when `root` is a snapshot of what is committed or pushed:
    # where git can be asked about the change.
    project: Path | None = None


@dataclass(frozen=True)
class ProcessOutput:
    returncode: int
    stdout: str
    stderr: str


@dataclass(frozen=True)
class Tool:
    kind: str
    install: str  # the command that installs the tool
    types: tuple[str, ...]  # the file types it looks at by default
    takes_files: bool
    build: Callable[[CheckContext], list[str]]
    parse: Callable[[CheckContext, ProcessOutput], Outcome]
    # Looks at one file at a time, so it can read the staged content from a snapshot.
    file_local: bool = False
    # The program `build` starts, when it is fixed: `gates install --status` looks for it.
    program: str | None = None
    # Run in gates' own process before the tool: the files the tool must still see (the
    # others are cleared without starting it), and a note on what was cleared.
    screen: Callable[[CheckContext], tuple[tuple[str, ...], str | None]] | None = None
    # Writes report files, so gets a private temporary folder (others need none: creating
    # one costs a commit time for nothing).
    workdir: bool = False


def load_json(text: str, tool: str) -> Any:
    """Parsed JSON, or ValueError with a message that says which tool printed what."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(
            f"{tool} printed output gates cannot parse ({exc}): {tail(text)}"
        ) from None


def tail(text: str, lines: int = 12) -> str:
    """The last lines of a tool's output, for a message that says what went wrong."""
    kept = text.strip().splitlines()[-lines:]
    return "\n".join(kept) if kept else "(no output)"


def relative(path: str, root: Path) -> str:
    """A tool's path, made relative to the project root with forward slashes."""
    if os.path.isabs(path):
        try:
            return Path(path).resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            return Path(path).as_posix()
    return Path(os.path.normpath(path)).as_posix()
