"""The run service: from a request to a finished run, publishing events on the way."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from gates.config import LoadedConfig
from gates.events import EventBus
from gates.pipeline.plan import Selection, plan_layer
from gates.pipeline.runner import RunOutcome, run_plan
from gates.vcs import git


class UsageError(Exception):
    """The request cannot run as asked; the message says how to fix it. Exit code 2."""


@dataclass(frozen=True)
class RunRequest:
    layer: str
    cwd: Path
    files: Sequence[str] | None = None  # as typed, relative to cwd
    all_files: bool = False
    only: Sequence[str] = ()
    skip: Sequence[str] = ()
    env_skip: Sequence[str] = field(default_factory=tuple)
    fail_fast: bool | None = None


def run_layer(request: RunRequest, loaded: LoadedConfig, bus: EventBus) -> RunOutcome:
    config = loaded.config
    if request.layer not in config.layers:
        raise UsageError(f"layer {request.layer!r} is not configured in {loaded.source}")
    _check_names(request, set(config.checks))
    files = resolve_files(request, loaded.root)
    selection = Selection(request.only, request.skip, request.env_skip)
    plan = plan_layer(config, request.layer, loaded.root, files, selection, request.fail_fast)
    return run_plan(plan, bus)


def _check_names(request: RunRequest, known: set[str]) -> None:
    for option, names in (("--only", request.only), ("--skip", request.skip)):
        unknown = sorted(set(names) - known)
        if unknown:
            raise UsageError(
                f"{option}: unknown check {', '.join(unknown)}; known: {', '.join(sorted(known))}"
            )


def resolve_files(request: RunRequest, root: Path) -> list[str]:
    """The file set: --files, else --all-files (and ci), else what the layer looks at."""
    if request.files is not None:
        return [_relative_to_root(name, request.cwd, root) for name in request.files]
    top = git.toplevel(root)
    if request.all_files or request.layer != "pre-commit":
        return git.tracked_files(root) if top is not None else git.walk_files(root)
    if top is None:
        raise UsageError(f"{root} is not in a git repository: pass --all-files or --files")
    try:
        return git.staged_files(root)
    except git.GitError as exc:
        raise UsageError(str(exc)) from None


def _relative_to_root(name: str, cwd: Path, root: Path) -> str:
    path = Path(os.path.abspath(cwd / name))
    if not path.is_file():
        raise UsageError(f"--files: no such file: {name}")
    try:
        return path.relative_to(root.resolve()).as_posix()
    except ValueError:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            raise UsageError(f"--files: {name} is outside the project at {root}") from None
