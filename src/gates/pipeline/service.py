"""The run service: from a request to a finished run, publishing events on the way."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from gates.config import LoadedConfig
from gates.events import EventBus
from gates.pipeline.ordering import learned_order
from gates.pipeline.plan import Selection, plan_layer
from gates.pipeline.runner import RunOutcome, new_run_id, run_plan
from gates.pipeline.workspace import FileSet, workspace
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
    ranges: tuple[tuple[str, str], ...] = ()  # (base, head) pushed, or --from-ref/--to-ref
    # Each check's median seconds in the run history, for a layer with order = "auto".
    medians: Mapping[str, float] = field(default_factory=dict)


def run_layer(request: RunRequest, loaded: LoadedConfig, bus: EventBus) -> RunOutcome:
    config = loaded.config
    if request.layer not in config.layers:
        raise UsageError(f"layer {request.layer!r} is not configured in {loaded.source}")
    _check_names(request, set(config.checks))
    _refuse_skipping_secrets(request, loaded)
    files = resolve_files(request, loaded.root)
    selection = Selection(request.only, request.skip, request.env_skip)
    plan = plan_layer(config, request.layer, loaded.root, files.files, selection, request.fail_fast)
    if request.medians and config.layers[request.layer].order == "auto":
        plan = learned_order(plan, request.medians)
    run_id = new_run_id()
    with workspace(plan, files, run_id) as (ready, after):
        outcome = run_plan(ready, bus, run_id)
    for path in after.dropped_fixes:
        print(
            f"gates: the fixes to {path} were dropped: your unstaged changes to it win"
            " (anything else written to it during the run is kept in .git/gates/dropped/)",
            file=sys.stderr,
        )
    return outcome


def _refuse_skipping_secrets(request: RunRequest, loaded: LoadedConfig) -> None:
    """The secret scan is not optional: skipping it takes an explicit line in the config."""
    asked = {*request.skip, *request.env_skip} - set(request.only)
    for name in sorted(asked & set(loaded.config.checks)):
        spec = loaded.config.checks[name]
        if spec.kind == "secrets" and not spec.allow_skip:
            raise UsageError(
                f"{name} cannot be skipped: the secret scan is not optional. For a false"
                " positive, add `# pragma: allowlist secret` to the line or record it in"
                " .secrets.baseline (detect-secrets scan > .secrets.baseline); to allow"
                f" skipping it, set allow_skip = true under [tool.gates.checks.{name}]"
            )


def _check_names(request: RunRequest, known: set[str]) -> None:
    for option, names in (("--only", request.only), ("--skip", request.skip)):
        unknown = sorted(set(names) - known)
        if unknown:
            raise UsageError(
                f"{option}: unknown check {', '.join(unknown)}; known: {', '.join(sorted(known))}"
            )


def resolve_files(request: RunRequest, root: Path) -> FileSet:
    """The file set: --files, else --all-files (and ci), else what the layer looks at:
    the staged files for pre-commit, the files of the pushed commits for pre-push."""
    if request.files is not None:
        return FileSet([_relative_to_root(name, request.cwd, root) for name in request.files])
    top = git.toplevel(root)
    if request.ranges and top is not None:
        from gates.vcs.push import files_in_ranges

        return FileSet(files_in_ranges(request.ranges, root), "commits", request.ranges)
    if request.all_files or request.layer != "pre-commit":
        return FileSet(git.tracked_files(root) if top is not None else git.walk_files(root))
    if top is None:
        raise UsageError(f"{root} is not in a git repository: pass --all-files or --files")
    return FileSet(git.staged_files(root), "index")


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
