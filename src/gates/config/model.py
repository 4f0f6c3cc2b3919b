"""The config model: the single source of truth for validation and for the JSON Schema."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from gates.config.durations import DURATION_PATTERN

LayerName = Literal["pre-commit", "pre-push", "ci"]
LAYERS: tuple[LayerName, ...] = ("pre-commit", "pre-push", "ci")

Duration = Annotated[
    str,
    msgspec.Meta(
        pattern=DURATION_PATTERN,
        description='A duration with a unit: "500ms", "5s", "2m".',
        examples=["5s", "500ms", "2m"],
    ),
]
CheckName = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
FileType = Literal["python", "pyi", "toml", "yaml", "json", "markdown", "text"]
Kind = Literal[
    "secrets", "ruff-format", "ruff-lint", "mypy", "bandit", "pytest", "pip-audit", "command"
]


class Layer(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True, kw_only=True):
    """One layer: a budget and stages that run in order, cheapest first."""

    budget: Duration
    stages: list[list[CheckName]] = msgspec.field(default_factory=list)
    fail_fast: bool = True
    no_secret_scan: str | None = None
    """Why this layer runs no secret scan. Without a reason, a pre-commit layer must have one."""


class Check(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True, kw_only=True):
    """One tool run: what it runs, on which files, within which budget."""

    kind: Kind
    args: list[str] = msgspec.field(default_factory=list)
    command: list[str] | None = None
    """The argv of a `command` check; never run through a shell."""
    types: list[FileType] | None = None
    """File types the check looks at (python, pyi, toml, yaml, json, markdown, text)."""
    files: list[str] | None = None
    """Globs the check looks at; a glob without "/" matches the file name."""
    exclude: list[str] = msgspec.field(default_factory=list)
    pass_files: bool | None = None
    """Whether file names are given to the tool; the tool's own default when unset."""
    budget: Duration | None = None
    on_unreachable: Literal["error", "warn"] = "error"
    """pip-audit: what a dependency that could not be audited means. "warn" passes, visibly."""


class Config(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True, kw_only=True):
    """[tool.gates] in pyproject.toml, or the top level of gates.toml."""

    preset: str = "python"
    coverage: Annotated[float, msgspec.Meta(ge=0, le=100)] = 80.0
    """The ci coverage gate, in percent."""
    exclude: list[str] = msgspec.field(default_factory=list)
    """Globs no check ever looks at."""
    layers: dict[LayerName, Layer] = msgspec.field(default_factory=dict)
    checks: dict[CheckName, Check] = msgspec.field(default_factory=dict)
