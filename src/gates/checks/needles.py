"""The substrings a regular expression cannot match without: a cheap test that rules a
line out before the expression is compiled or run.

`needles(text, flags)` reads the expression's parse tree (the one `re` compiles from) and
returns lower-case ASCII strings such that every match contains at least one of them, up to
case; None when it cannot name such strings. The reading is conservative: any construct it
does not know stands for "anything", which never rules a line out. A caller tests an ASCII
line only (`line.lower()`), where `re`'s case-insensitive matching is ASCII's, so a needle
found in no line is a match found in no line.
"""

from __future__ import annotations

import importlib
from typing import Any

try:  # the parser re compiles from; Python 3.11 renamed it and deprecated the old name
    parser: Any = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover  (Python 3.10)
    parser = importlib.import_module("sre_parse")

Needles = frozenset[str]
_MAX_CLASS = 8  # a character class of more literals than this is no useful needle


def needles(text: str, flags: int) -> list[str] | None:
    """Sorted needles of the expression, or None when no substring is necessary."""
    try:
        tree = parser.parse(text, flags)
    except Exception:  # an expression re cannot parse: no needles, no claim
        return None
    found = _sequence(list(tree))
    if found is None:
        return None
    # A needle that holds another is implied by it: "password" goes when "pass" is there.
    return sorted(n for n in found if not any(o != n and o in n for o in found))


def _sequence(items: list[tuple[Any, Any]]) -> Needles | None:
    """The best needles of a sequence: each run of literals, and each item's own needles,
    is necessary; the most selective of them is kept."""
    options: list[Needles] = []
    run = ""
    for op, arg in items:
        char = _literal(op, arg)
        if char is not None:
            run += char
            continue
        if run:
            options.append(frozenset([run]))
            run = ""
        found = _item(op, arg)
        if found is not None:
            options.append(found)
    if run:
        options.append(frozenset([run]))
    return max(options, key=_selectivity, default=None)


def _selectivity(found: Needles) -> tuple[int, int]:
    return min(len(needle) for needle in found), -len(found)


def _literal(op: Any, arg: Any) -> str | None:
    """The lower-case character a LITERAL item matches, when it is ASCII."""
    if op is parser.LITERAL and arg < 128:
        return chr(arg).lower()
    return None


def _item(op: Any, arg: Any) -> Needles | None:
    if op is parser.SUBPATTERN:
        return _sequence(list(arg[-1]))
    if op is parser.BRANCH:
        return _branches(arg[1])
    if op in (parser.MAX_REPEAT, parser.MIN_REPEAT, getattr(parser, "POSSESSIVE_REPEAT", None)):
        least, _, body = arg
        return _sequence(list(body)) if least >= 1 else None
    if op is getattr(parser, "ATOMIC_GROUP", None):
        return _sequence(list(arg))
    if op is parser.IN:
        return _class(arg)
    return None  # lookarounds, back references, categories, anything new: no claim


def _branches(branches: list[Any]) -> Needles | None:
    """A match takes one branch, so it holds one of the needles of some branch."""
    union: set[str] = set()
    for branch in branches:
        found = _sequence(list(branch))
        if found is None:
            return None
        union |= found
    return frozenset(union)


def _class(items: list[tuple[Any, Any]]) -> Needles | None:
    chars = [_literal(op, arg) for op, arg in items]
    if not chars or len(chars) > _MAX_CLASS or None in chars:
        return None  # a negated class, a range, a category: too wide to name
    return frozenset(char for char in chars if char is not None)
