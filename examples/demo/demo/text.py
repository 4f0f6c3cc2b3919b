"""Small text helpers."""

from __future__ import annotations

import re

_NOT_WORD = re.compile(r"[^a-z0-9]+")


def slugify(title: str) -> str:
    """A lower-case, hyphen-separated slug: "Hello, World!" -> "hello-world"."""
    return _NOT_WORD.sub("-", title.lower()).strip("-")


def word_count(text: str) -> dict[str, int]:
    """How often each word occurs, ignoring case."""
    counts: dict[str, int] = {}
    for word in text.lower().split():
        counts[word] = counts.get(word, 0) + 1
    return counts


def truncate(text: str, width: int) -> str:
    """`text` cut to at most `width` characters, ending in "..." when it was cut."""
    if width < 3:
        raise ValueError("width must be at least 3")
    if len(text) <= width:
        return text
    return text[: width - 3] + "..."
