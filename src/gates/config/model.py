"""The config model: the single source of truth for validation and for the JSON Schema."""

from __future__ import annotations

from typing import Annotated, Any, Literal

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
NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
CheckName = Annotated[str, msgspec.Meta(pattern=NAME_PATTERN)]
FileType = Literal["python", "pyi", "toml", "yaml", "json", "markdown", "text"]
Kind = Literal[
    "secrets", "ruff-format", "ruff-lint", "mypy", "bandit", "pytest", "pip-audit", "command"
]


def _doc(text: str) -> msgspec.Meta:
    """A description that the JSON Schema carries, so editors show it on hover."""
    return msgspec.Meta(description=text)


class Layer(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True, kw_only=True):
    """One layer: a budget and stages that run in order, cheapest first."""

    budget: Annotated[Duration, _doc("The layer's whole time budget; checks are killed at it.")]
    stages: Annotated[
        list[list[CheckName]],
        _doc("Check names, stage by stage; the checks of a stage run in parallel."),
    ] = msgspec.field(default_factory=list)
    fail_fast: Annotated[
        bool, _doc("Stop at the first failing stage; --no-fail-fast overrides it.")
    ] = True
    order: Annotated[
        Literal["config", "auto"],
        _doc(
            '"config": stages and their checks start as listed. "auto": cheapest first, by'
            " their median durations in this repository's run history (a stage costs what"
            " its slowest check does), so a fast failure stops the run before a slow check"
            " starts; checks never measured go last, in config order."
        ),
    ] = "config"
    no_secret_scan: Annotated[
        str | None,
        _doc("Why this layer runs no secret scan. Without a reason, pre-commit must run one."),
    ] = None


class Check(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True, kw_only=True):
    """One tool run: what it runs, on which files, within which budget."""

    kind: Annotated[Kind, _doc("The tool the check runs; `command` runs your own command.")]
    args: Annotated[list[str], _doc("Extra arguments for the tool.")] = msgspec.field(
        default_factory=list
    )
    command: Annotated[
        list[str] | None, _doc("The argv of a `command` check; never run through a shell.")
    ] = None
    types: Annotated[list[FileType] | None, _doc("File types the check looks at.")] = None
    files: Annotated[
        list[str] | None, _doc('Globs the check looks at; a glob without "/" matches the name.')
    ] = None
    exclude: Annotated[list[str], _doc("Globs the check never looks at.")] = msgspec.field(
        default_factory=list
    )
    pass_files: Annotated[
        bool | None,
        _doc(
            'Whether file names are given to the tool (after "--"); the tool\'s default if unset.'
        ),
    ] = None
    budget: Annotated[Duration | None, _doc("The check's own budget, within the layer's.")] = None
    on_unreachable: Annotated[
        Literal["error", "warn"],
        _doc('pip-audit: what an unreachable service means; "warn" passes, visibly.'),
    ] = "error"
    file_local: Annotated[
        bool | None,
        _doc(
            "Looks at one file at a time, so it reads staged content from a snapshot and"
            " never needs the working tree; the tool's default if unset."
        ),
    ] = None
    fix: Annotated[
        bool,
        _doc(
            "Let the tool rewrite files (ruff format, ruff check --fix); the layer then fails"
            " and leaves the fixes unstaged for review."
        ),
    ] = False
    allow_skip: Annotated[
        bool,
        _doc("secrets: let SKIP= and --skip leave the secret scan out. Off by default."),
    ] = False


class Config(msgspec.Struct, forbid_unknown_fields=True, omit_defaults=True, kw_only=True):
    """[tool.gates] in pyproject.toml, or the top level of gates.toml."""

    preset: Annotated[
        str, _doc("The preset these settings override, such as python or strict.")
    ] = "python"
    coverage: Annotated[
        float, msgspec.Meta(ge=0, le=100, description="The ci coverage gate, in percent.")
    ] = 80.0
    exclude: Annotated[list[str], _doc("Globs no check ever looks at.")] = msgspec.field(
        default_factory=list
    )
    layers: Annotated[dict[LayerName, Layer], _doc("The layers: pre-commit, pre-push and ci.")] = (
        msgspec.field(default_factory=dict)
    )
    checks: Annotated[dict[CheckName, Check], _doc("The checks, by the names the stages use.")] = (
        msgspec.field(default_factory=dict)
    )


def as_settings(config: Config) -> dict[str, Any]:
    """The effective config as plain TOML/JSON values: every default shown, unset keys left out.

    (msgspec's omit_defaults compares by identity, so `msgspec.to_builtins` would show or hide
    a default depending on whether it came from a file; this does not.)
    """
    settings: dict[str, Any] = _plain(config)
    return settings


def _plain(value: Any) -> Any:
    if isinstance(value, msgspec.Struct):
        fields = ((name, getattr(value, name)) for name in value.__struct_fields__)
        return {name: _plain(item) for name, item in fields if item is not None}
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value
