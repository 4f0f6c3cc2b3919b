"""The lines a change adds, from `git diff -U0`: what the line-based secret scan looks at.

Used on the start-up path of every commit (the secret scan's pre-screen), so it imports
nothing beyond the standard library's basics: the worker process, which imports
detect-secrets anyway, parses with unidiff instead, and the tests hold the two parsers to
the same answers.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Sequence

_SETTINGS = ("core.quotePath=false", "diff.noprefix=false", "diff.mnemonicPrefix=false")
_ESCAPES = {"a": "\a", "b": "\b", "t": "\t", "n": "\n", "v": "\v", "f": "\f", "r": "\r"}
_QUOTED = re.compile(r'\\([0-7]{3}|[abtnvfr"\\])')


class DiffError(Exception):
    pass


def git_diff(repo: str, args: Sequence[str], files: Sequence[str]) -> str:
    """The patch of `files`, with names relative to `repo` and no context lines."""
    command = ["git", "-C", repo, *(f for s in _SETTINGS for f in ("-c", s)), "diff",
               "--no-color", "--no-ext-diff", "--no-textconv", "-U0", "--no-renames",
               "--relative", "--src-prefix=a/", "--dst-prefix=b/", *args,
               "--", *(f":(literal){name}" for name in files)]  # fmt: skip
    done = subprocess.run(command, capture_output=True, check=False)
    if done.returncode != 0:
        problem = done.stderr.decode(errors="replace").strip().splitlines()[:1]  # git's reason
        raise DiffError(f"git diff failed: {' '.join(problem) or done.returncode}")
    # Names reach the worker as surrogate-escaped str (sys.argv): decode git's bytes alike.
    return done.stdout.decode("utf-8", "surrogateescape")


def target(name: str) -> str | None:
    """A diff's "+++" name as a path: git quotes names with ", \\ or control characters."""
    if name == "/dev/null":
        return None
    if len(name) > 1 and name[0] == name[-1] == '"':
        name = _QUOTED.sub(_unescape, name[1:-1])
    return os.path.normpath(name.removeprefix("b/"))


def _unescape(match: re.Match[str]) -> str:
    code = match.group(1)
    return chr(int(code, 8)) if len(code) == 3 else _ESCAPES.get(code, code)


def added_by_file(diff_text: str) -> dict[str, list[str]]:
    """Each text file's added lines, new files included (all their lines are added).

    Deleted and binary files are left out, and so are files whose diff has no hunk (a mode
    change): a caller treats a file it asked about and does not find as unknown.
    """
    added: dict[str, list[str]] = {}
    current: list[str] | None = None
    in_hunk = False
    for line in diff_text.split("\n"):
        if line.startswith("diff --git "):
            current, in_hunk = None, False  # a hunk line starts with " ", "+", "-" or "\\"
        elif in_hunk:
            if line.startswith("+") and current is not None:
                current.append(line[1:])
        elif line.startswith("+++ "):
            name = target(line[4:].rstrip("\t"))
            current = None if name is None else added.setdefault(name, [])
        elif line.startswith("@@"):
            in_hunk = True
    return added
