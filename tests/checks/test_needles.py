"""Needles: substrings without which an expression cannot match.

The property every test comes back to: when an expression matches an ASCII line, one of its
needles is in that line (lower-cased). It is checked on detect-secrets' own expressions over
real sources, and on thousands of random expressions over random lines.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from gates.checks.needles import needles
from tests.checks.test_secrets_screen import PLANTED


def unsound(pattern: str, flags: int, lines: list[str]) -> list[str]:
    """The lines that break the property: the expression matches, no needle is there."""
    found = needles(pattern, flags)
    if found is None:
        return []
    compiled = re.compile(pattern, flags)
    return [
        line
        for line in lines
        if line.isascii()
        and not any(needle in line.lower() for needle in found)
        and compiled.search(line)
    ]


@pytest.mark.parametrize(
    ("pattern", "flags", "expected"),
    [
        ("AKIA[0-9A-Z]{16}", 0, ["akia"]),
        ("(?:ghp|gho|ghu)_[A-Za-z0-9_]{36}", 0, ["gh"]),  # re factors the common prefix out
        ("(?:key|pwd|password|pass)=", 0, ["key", "pass", "pwd"]),  # "password" has "pass"
        ("Secret", re.IGNORECASE, ["secret"]),
        ("x?y", 0, ["y"]),
        ("a(?:bc){2,}", 0, ["bc"]),  # a repeat that must happen once says its body
        ("(?:ab){0,3}c", 0, ["c"]),  # one that may not happen says nothing
        ("[\"']([0-9a-f]{8,})[\"']", 0, ['"', "'"]),
        ("x|", 0, None),  # the empty branch matches anywhere
        ("(?=abc)", 0, None),  # lookarounds make no claim
        ("[a-z]+", 0, None),
        ("[^x]y", 0, ["y"]),
        ("contraseña", 0, ["contrase"]),  # a non-ASCII literal ends the run
        ("(", 0, None),  # re cannot parse it: no claim
    ],
)
def test_needles_of_an_expression(pattern: str, flags: int, expected: list[str] | None) -> None:
    assert needles(pattern, flags) == expected


def test_detect_secrets_expressions_never_match_a_real_line_without_a_needle() -> None:
    import detect_secrets
    import requests
    from detect_secrets.settings import default_settings

    from gates.checks import secrets_screen

    with default_settings():
        derived = secrets_screen.derive()
    with_needles = [(t, f) for t, f, found in derived["patterns"] if found is not None]
    assert len(with_needles) >= len(derived["patterns"]) - 2  # nearly all have needles
    sources = [Path(str(m.__file__)).parent for m in (detect_secrets, requests)]
    lines = sorted(
        {
            line
            for folder in sources
            for path in sorted(folder.rglob("*.py"))
            for line in path.read_text(encoding="utf-8").splitlines()
        }
    )
    lines += PLANTED.values()
    planted = [
        line for line in PLANTED.values() if any(re.search(t, line, f) for t, f in with_needles)
    ]
    assert len(planted) >= len(PLANTED) - 1  # the expressions do match: the test is not vacuous
    assert [(t[:40], unsound(t, f, lines)) for t, f in with_needles if unsound(t, f, lines)] == []


ALPHABET = "abAB_.'\"= 01"
PIECES = ["a", "b", "A", "ab", "_", "\\.", "'", "=", "0", "1", "[ab]", "[^a]", "[a-b]", "[\"']",
          ".", "\\w", "\\d", "\\s"]  # fmt: skip


def random_expression(rng: random.Random, depth: int = 0) -> str:
    """A small expression: atoms with any quantifier; groups, branches and lookarounds with
    bounded ones only (nested unbounded repeats backtrack for minutes)."""
    parts = []
    for _ in range(rng.randint(1, 4)):
        roll = rng.random()
        if roll < 0.15 and depth < 2:
            branches = [random_expression(rng, depth + 1) for _ in range(rng.randint(2, 3))]
            branches += [""] if rng.random() < 0.2 else []
            piece = "(?:" + "|".join(branches) + ")" + rng.choice(["", "?", "{2}"])
        elif roll < 0.25 and depth < 2:
            piece = f"({random_expression(rng, depth + 1)})" + rng.choice(["", "?", "{0,2}"])
        elif roll < 0.3:
            piece = rng.choice(["(?=a)", "(?!b)", "(?<=a)", "(?<!b)", "\\b", "^", "$"])
        else:
            piece = rng.choice(PIECES) + rng.choice(["", "", "?", "*", "+", "{2}", "{1,3}?"])
        parts.append(piece)
    return "".join(parts)


def test_random_expressions_never_match_a_line_without_a_needle() -> None:
    rng = random.Random(20261124)  # noqa: S311  (fixed seed: a failure reproduces)
    lines = ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 12))) for _ in range(60)]
    checked = 0
    for _ in range(1500):
        pattern = random_expression(rng)
        flags = rng.choice([0, re.IGNORECASE])
        if needles(pattern, flags) is None:
            continue
        assert unsound(pattern, flags, lines) == [], (pattern, flags)
        checked += sum(bool(re.search(pattern, line, flags)) for line in lines)
    assert checked > 500  # enough matches for the property to be tested, not vacuous
