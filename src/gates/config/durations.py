"""Durations in the config are strings with a unit: "500ms", "5s", "2m", "1.5s"."""

from __future__ import annotations

import re

DURATION_PATTERN = r"^[0-9]+(\.[0-9]+)?(ms|s|m)$"
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0}
_DURATION = re.compile(DURATION_PATTERN)


def parse_duration(text: str) -> float:
    """Seconds in `text`; ValueError when it is not a duration such as "5s"."""
    match = _DURATION.match(text)
    if match is None:
        raise ValueError(f'expected a duration such as "5s", "500ms" or "2m", got {text!r}')
    unit = match.group(2)
    return float(text[: -len(unit)]) * _UNIT_SECONDS[unit]


def format_seconds(seconds: float) -> str:
    """A budget as people write it: 5 s, 60 s, 0.5 s."""
    return f"{seconds:g} s"
