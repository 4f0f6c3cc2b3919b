"""Config errors that name the file, the key path and what was expected, on one line.

msgspec reports a problem in its own terms ("Expected `float` <= 100.0 - at `$.coverage`").
`explain` turns that into the words of the TOML file: the key path as written there, what the
model expects (read from the model's own type hints, so it cannot drift) and the bad value.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Sequence
from typing import Any, Literal, Union

import msgspec

from gates.config.durations import DURATION_PATTERN

Part = str | int  # a key of a table, or an index into an array


class ConfigError(Exception):
    """A config that gates refuses to run with. The CLI maps it to exit code 2."""

    def __init__(self, source: str, key: str, problem: str) -> None:
        self.source = source
        self.key = key
        self.problem = problem
        where = f"{source}: {key}: " if key else f"{source}: "
        super().__init__(where + problem)


_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_AT = re.compile(r" - at `\$(?P<path>[^`]*)`$")
_PART = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")
_DURATION = 'a duration such as "5s", "500ms" or "2m"'
_NOUNS = {"kind": "check kind", "types": "file type"}


def key_path(prefix: str, *parts: Part) -> str:
    """A key path as TOML writes it: tool.gates.checks."my.check".stages[0]."""
    text = prefix
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            name = part if _BARE_KEY.match(part) else _quoted(part)
            text += f".{name}" if text else name
    return text


def _quoted(key: str) -> str:
    import json  # here and below: only an error pays for these imports

    return json.dumps(key, ensure_ascii=False)


def show(value: Any) -> str:
    """A value as the user wrote it in TOML, shortened when long."""
    import datetime
    import json
    import math

    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, dict):
        text = "a table"
    elif isinstance(value, (datetime.date, datetime.time)):
        text = value.isoformat()
    elif isinstance(value, float) and not math.isfinite(value):  # as TOML spells them: inf, nan
        text = str(value)
    else:
        text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def explain(message: str, model: type, data: Any) -> tuple[list[Part], str]:
    """Turn a msgspec validation message about `data` (converted to `model`) into plain words.

    Returns the key path below the table that was converted, and the problem.
    """
    parts: list[Part] = []
    at = _AT.search(message)
    if at:
        message = message[: at.start()]
        parts = [int(index) if index else name for name, index in _PART.findall(at["path"])]
    unknown = re.match(r"Object contains unknown field `(.+)`$", message)
    if unknown:
        return [*parts, unknown[1]], _unknown_key(unknown[1], _fields(model, parts))
    missing = re.match(r"Object missing required field `(.+)`$", message)
    if missing:
        return parts, _missing_key(missing[1], _hint(model, [*parts, missing[1]]))
    hint = _hint(model, parts)
    if hint is None:  # pragma: no cover - every field of the model has a hint
        return parts, message.replace("`", "")[:1].lower() + message.replace("`", "")[1:]
    value = _value_at(data, parts)
    field = next((p for p in reversed(parts) if isinstance(p, str)), "")
    return parts, _mismatch(hint, value, field)


def _unknown_key(name: str, known: Sequence[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if close:
        return f'unknown key; did you mean "{close[0]}"?'
    return f"unknown key; the keys here are {', '.join(known)}"


def _missing_key(name: str, hint: Any) -> str:
    choices = _choices(hint)
    if choices:
        return f'missing the key "{name}"; it is one of {", ".join(choices)}'
    return f'missing the key "{name}"; expected {describe(hint)}'


def _mismatch(hint: Any, value: Any, field: str) -> str:
    choices = ", ".join(_choices(hint))
    if choices and isinstance(value, str):
        return f"unknown {_NOUNS.get(field, 'value')} {show(value)}; expected one of {choices}"
    if choices:
        return f"expected one of {choices}; got {show(value)}"
    return f"expected {describe(hint)}, got {show(value)}"


def _fields(model: type, parts: list[Part]) -> list[str]:
    target = _unwrap(_hint(model, parts)) if parts else model
    fields: tuple[str, ...] = getattr(target, "__struct_fields__", ())
    return list(fields)


def _hint(model: type, parts: list[Part]) -> Any:
    """The type the model expects at `parts` (below `model`), or None."""
    hint: Any = model
    for part in parts:
        hint = _unwrap(hint)
        if isinstance(part, int):
            args = typing.get_args(hint)
            if typing.get_origin(hint) is not list or not args:
                return None
            hint = args[0]
        else:
            try:
                hint = typing.get_type_hints(hint, include_extras=True)[part]
            except (KeyError, TypeError):
                return None
    return hint


def _unwrap(hint: Any) -> Any:
    """The type under Annotated[...] and `X | None`."""
    while True:
        origin = typing.get_origin(hint)
        if origin is typing.Annotated:
            hint = typing.get_args(hint)[0]
        elif origin in (Union, types.UnionType):
            hint = next(a for a in typing.get_args(hint) if a is not type(None))
        else:
            return hint


def _choices(hint: Any) -> list[str]:
    plain = _unwrap(hint)
    if typing.get_origin(plain) is Literal:
        return [str(choice) for choice in typing.get_args(plain)]
    return []


def describe(hint: Any) -> str:
    """What a value of type `hint` looks like, in the words of a TOML file."""
    for meta in _metas(hint):
        if meta.pattern == DURATION_PATTERN:
            return _DURATION
        if meta.pattern is not None:
            return "a name of letters, digits, '-', '_' or '.'"
        if meta.ge is not None and meta.le is not None:
            return f"a number from {meta.ge:g} to {meta.le:g}"
    plain = _unwrap(hint)
    if typing.get_origin(plain) is list:
        return f"an array of {_plural(typing.get_args(plain)[0])}"
    names = {bool: "true or false", int: "a whole number", float: "a number", str: "a string"}
    if plain in names:
        return names[plain]
    return "a table"  # a Struct or a dict


def _plural(hint: Any) -> str:
    if any(meta.pattern not in (None, DURATION_PATTERN) for meta in _metas(hint)):
        return "check names"
    plain = _unwrap(hint)
    if typing.get_origin(plain) is list:
        return f"arrays of {_plural(typing.get_args(plain)[0])}"
    return "strings" if plain is str or _choices(plain) else "values"


def _metas(hint: Any) -> list[msgspec.Meta]:
    """Every msgspec.Meta on `hint`, through nested Annotated[...] and `X | None`."""
    metas: list[msgspec.Meta] = []
    while True:
        origin = typing.get_origin(hint)
        if origin is typing.Annotated:
            args = typing.get_args(hint)
            metas += [meta for meta in args[1:] if isinstance(meta, msgspec.Meta)]
            hint = args[0]
        elif origin in (Union, types.UnionType):
            hint = next(a for a in typing.get_args(hint) if a is not type(None))
        else:
            return metas


def _value_at(data: Any, parts: list[Part]) -> Any:
    for part in parts:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data
