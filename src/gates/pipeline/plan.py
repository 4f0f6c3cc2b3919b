"""Plan a layer: its stages, each check's files, and what is skipped and why."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from gates.checks import TOOLS, Tool
from gates.config.durations import parse_duration
from gates.config.model import Check, Config
from gates.pipeline.files import select


@dataclass(frozen=True)
class PlannedCheck:
    name: str
    stage: int
    tool: Tool
    spec: Check
    files: tuple[str, ...]  # the files it looks at (given to the tool when it takes files)
    budget: float | None  # its own budget in seconds, if it has one
    skip_reason: str | None = None


@dataclass(frozen=True)
class Plan:
    layer: str
    root: Path
    budget: float
    fail_fast: bool
    file_count: int
    coverage: float
    stages: tuple[tuple[PlannedCheck, ...], ...]
    local_root: Path | None = None  # where file-local checks read files, when not `root`
    notes: tuple[str, ...] = ()  # what the run should say about the files it checked
    diff: tuple[str, ...] | None = None  # the git diff of what is new, for line-based checks


@dataclass(frozen=True)
class Selection:
    """What the user asked to run or leave out: --only, --skip and SKIP=."""

    only: Collection[str] = ()
    skip: Collection[str] = ()
    env_skip: Collection[str] = ()


def plan_layer(
    config: Config,
    layer_name: str,
    root: Path,
    files: Sequence[str],
    selection: Selection = Selection(),
    fail_fast: bool | None = None,
) -> Plan:
    layer = config.layers[layer_name]  # type: ignore[index]
    files = [f for f in files if not _excluded(f, config.exclude)]
    stages = tuple(
        tuple(_plan_check(config, name, index, root, files, selection) for name in stage)
        for index, stage in enumerate(layer.stages)
    )
    return Plan(
        layer=layer_name,
        root=root,
        budget=parse_duration(layer.budget),
        fail_fast=layer.fail_fast if fail_fast is None else fail_fast,
        file_count=len(files),
        coverage=config.coverage,
        stages=stages,
    )


def _excluded(path: str, patterns: Sequence[str]) -> bool:
    return bool(patterns) and not select([path], Path(), exclude=patterns)


def _plan_check(
    config: Config, name: str, stage: int, root: Path, files: Sequence[str], selection: Selection
) -> PlannedCheck:
    spec = config.checks[name]
    tool = TOOLS[spec.kind]
    budget = parse_duration(spec.budget) if spec.budget else None
    chosen = _files_for(spec, tool, root, files)
    planned = PlannedCheck(name, stage, tool, spec, tuple(chosen), budget)
    reason = _skip_reason(planned, selection)
    return planned if reason is None else dataclasses.replace(planned, skip_reason=reason)


def _files_for(spec: Check, tool: Tool, root: Path, files: Sequence[str]) -> list[str]:
    types = tool.types if spec.types is None else tuple(spec.types)
    globs = spec.files or ()
    if not types and not globs:
        return list(files)
    return select(files, root, types=types, globs=globs, exclude=spec.exclude)


def takes_files(planned: PlannedCheck) -> bool:
    spec, tool = planned.spec, planned.tool
    return tool.takes_files if spec.pass_files is None else spec.pass_files


def is_file_local(planned: PlannedCheck) -> bool:
    spec, tool = planned.spec, planned.tool
    return tool.file_local if spec.file_local is None else spec.file_local


def runs(plan: Plan) -> list[PlannedCheck]:
    """The checks of a plan that are not skipped before they start."""
    return [c for stage in plan.stages for c in stage if c.skip_reason is None]


def is_filtered(planned: PlannedCheck) -> bool:
    """Whether the check looks only at some files, so that no such file means nothing to do."""
    spec, tool = planned.spec, planned.tool
    types = tool.types if spec.types is None else spec.types
    return bool(types or spec.files)


def _skip_reason(planned: PlannedCheck, selection: Selection) -> str | None:
    name = planned.name
    if selection.only and name not in selection.only:
        return "not selected by --only"
    if name in selection.skip:
        return "skipped by --skip"
    if name in selection.env_skip:
        return "skipped by SKIP in the environment"
    if not planned.files and (is_filtered(planned) or takes_files(planned)):
        return "no files to check"
    return None
