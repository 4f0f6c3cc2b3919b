"""Which files a check looks at: by type and glob, minus excludes."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

SUFFIXES: dict[str, tuple[str, ...]] = {
    "python": (".py", ".pyi"),
    "pyi": (".pyi",),
    "toml": (".toml",),
    "yaml": (".yaml", ".yml"),
    "json": (".json",),
    "markdown": (".md", ".markdown"),
}
KNOWN_TYPES = (*SUFFIXES, "text")
_SNIFF_BYTES = 8192


def matches(path: str, pattern: str) -> bool:
    """A glob without "/" matches the file name anywhere; with "/", the whole path."""
    if "/" in pattern:
        return fnmatch.fnmatchcase(path, pattern)
    return fnmatch.fnmatchcase(PurePosixPath(path).name, pattern)


def matches_any(path: str, patterns: Iterable[str]) -> bool:
    return any(matches(path, pattern) for pattern in patterns)


def is_text(root: Path, path: str) -> bool:
    """A file with no NUL byte in its first 8 KiB, as git and most tools judge it."""
    try:
        with (root / path).open("rb") as handle:
            return b"\0" not in handle.read(_SNIFF_BYTES)
    except OSError:
        return False


def has_type(root: Path, path: str, kind: str) -> bool:
    if kind == "text":
        return is_text(root, path)
    return path.endswith(SUFFIXES.get(kind, ()))


def select(
    files: Iterable[str],
    root: Path,
    *,
    types: Iterable[str] = (),
    globs: Iterable[str] = (),
    exclude: Iterable[str] = (),
) -> list[str]:
    types, globs, exclude = tuple(types), tuple(globs), tuple(exclude)
    chosen = []
    for path in files:
        if exclude and matches_any(path, exclude):
            continue
        if globs and not matches_any(path, globs):
            continue
        if types and not any(has_type(root, path, kind) for kind in types):
            continue
        chosen.append(path)
    return chosen
