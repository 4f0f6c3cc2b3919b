"""Config errors that name the file, the key path and what was expected."""

from __future__ import annotations

import re


class ConfigError(Exception):
    """A config that gates refuses to run with. The CLI maps it to exit code 2."""

    def __init__(self, source: str, key: str, problem: str) -> None:
        self.source = source
        self.key = key
        self.problem = problem
        where = f"{source}: {key}: " if key else f"{source}: "
        super().__init__(where + problem)


_AT = re.compile(r" - at `(?P<path>[^`]*)`$")
_REGEX_MEANING = {
    "(ms|s|m)$": 'expected a duration such as "5s", "500ms" or "2m"',
    "[A-Za-z0-9_.-]*$": "expected a name of letters, digits, '-', '_' or '.'",
}


def explain(message: str, prefix: str) -> tuple[str, str]:
    """Turn a msgspec validation message into (key path, problem in plain words)."""
    path = prefix
    at = _AT.search(message)
    if at:
        message = message[: at.start()]
        path = prefix + at.group("path").removeprefix("$")
    unknown = re.match(r"Object contains unknown field `(.+)`", message)
    if unknown:
        return _join(path, unknown.group(1)), "unknown key (check its spelling)"
    missing = re.match(r"Object missing required field `(.+)`", message)
    if missing:
        return path, f'missing required key "{missing.group(1)}"'
    for tail, meaning in _REGEX_MEANING.items():
        if "matching regex" in message and tail in message:
            return path, meaning
    return path, _lower_first(message.replace("`", ""))


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
