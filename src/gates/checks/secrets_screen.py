"""A pre-screen that spares a commit detect-secrets' start-up when no added line can hold
a secret.

Starting the secret scan costs ~150 ms (an interpreter, and detect-secrets' plugins import
requests): more than the rest of a one-file commit. But each detector of detect-secrets
finds a secret only on a line that one of its own regular expressions matches: the regex
plugins through their denylists, the keyword plugin through its patterns (all file types
taken together), and the high-entropy plugins through a quoted run of their charset long
enough to reach their limit (n characters hold at most log2(n) bits). Its filters only
take findings away. So the worker, which has the plugins loaded, writes those expressions
to a cache in the git directory (`derive`), and a later run sends to detect-secrets only
the files with an added line that one of them matches (`screen`).

Everything the screen cannot vouch for goes to detect-secrets: a plugin it does not know
(a custom one in the baseline), a file detect-secrets would transform before scanning
(YAML; anything its type table does not name; a file that parses as INI), bytes that are
not UTF-8, a missing or stale cache, more added lines than screening pays for.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import sys
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gates.checks import diffs
from gates.vcs.git import git_dir

FORMAT = 2  # of the cache file: a gates that writes another shape changes this
CACHE = "secrets-screen.json"  # in the git directory's gates/ folder
MAX_LINES = 2000  # added lines; beyond this the worker's start-up is a small part of the scan
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # detect-secrets reads files with universal newlines
Pattern = tuple[str, int, "list[str] | None"]  # an expression, its flags, its needles


@dataclass(frozen=True)
class Screened:
    to_scan: tuple[str, ...]  # the files detect-secrets must still see, in the given order
    lines: int  # added lines the screen cleared
    why: str | None = None  # why the screen did not run, when it did not


class Rules:
    """The cached expressions, each compiled when a line first needs it (all of them take
    ~9 ms to compile, more than a small commit's whole screen). An expression runs only on
    the lines that hold one of its needles: most lines hold none of the keyword plugin's."""

    def __init__(self, patterns: list[Pattern], suffixes: frozenset[str]) -> None:
        self.suffixes = suffixes  # file name endings scanned line by line, untransformed
        self._texts = [(text, flags) for text, flags, _ in patterns]
        self._compiled: dict[int, re.Pattern[str]] = {}
        grouped: dict[tuple[str, ...] | None, list[int]] = {}
        for index, (_, _, found) in enumerate(patterns):
            grouped.setdefault(None if found is None else tuple(found), []).append(index)
        self._groups = list(grouped.items())

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Rules | None:
        """The rules of a cache file's or `derive`'s data; None when they are not usable."""
        if data.get("usable") is not True:
            return None
        patterns = [
            (str(text), int(flags), _needles(found)) for text, flags, found in data["patterns"]
        ]
        suffixes = frozenset(str(s) for s in data["suffixes"])
        return cls(patterns, suffixes) if patterns else None

    def matches(self, line: str) -> bool:
        """Whether some expression finds something in `line`."""
        # Needles are ASCII and lower case, and on an ASCII line re's IGNORECASE is ASCII's.
        folded = line.lower() if line.isascii() else None
        for found, indices in self._groups:
            if folded is not None and found is not None and not any(n in folded for n in found):
                continue
            if any(self._pattern(index).search(line) for index in indices):
                return True
        return False

    def _pattern(self, index: int) -> re.Pattern[str]:
        compiled = self._compiled.get(index)
        if compiled is None:
            compiled = self._compiled[index] = re.compile(*self._texts[index])
        return compiled


def _needles(found: Any) -> list[str] | None:
    if found is not None and not (
        isinstance(found, list) and all(isinstance(n, str) for n in found)
    ):
        raise TypeError(f"needles must be a list of strings, not {found!r}")
    return found


# ---- the run's side: read the cache, screen the added lines ------------------------------


def cache_path(project: Path) -> Path | None:
    found = git_dir(project)
    return None if found is None else found / "gates" / CACHE


def cache_key(root: Path, baseline: str | None) -> str | None:
    """What the cached expressions depend on: the detect-secrets installed (its files
    change on an upgrade), the baseline's plugin settings, gates' code. None when
    detect-secrets is not installed: then the worker says so."""
    try:
        spec = importlib.util.find_spec("detect_secrets")
    except (ImportError, ValueError):
        return None
    if spec is None or spec.origin is None:
        return None
    package = Path(spec.origin)
    # This file too: the rules are derived by its code, which changes with gates.
    derived_by = (package, package.parent / "plugins", Path(__file__))
    try:
        stamps = [(p.stat().st_mtime_ns, p.stat().st_size) for p in derived_by]
        settings = (root / baseline).read_bytes() if baseline else b""
    except OSError:
        return None
    digest = zlib.crc32(settings)  # a label, not a defence: hashlib costs a commit 2.5 ms
    return json.dumps([FORMAT, str(package), stamps, digest, sys.version_info[:2]])


def load(path: Path | None, key: str | None) -> Rules | None:
    """The cached rules when they were derived for `key`; None otherwise (scan it all)."""
    if path is None or key is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("key") != key:
            return None
        return Rules.from_json(data)
    except (OSError, ValueError, TypeError, KeyError):
        return None


def screen(
    rules: Rules | None, repo: Path, root: Path, diff: Sequence[str], files: Sequence[str]
) -> Screened:
    """Which of `files` (relative to `root`, which holds their content) detect-secrets must
    scan, given the lines `git diff DIFF` adds to them in `repo`."""
    if rules is None:
        return Screened(tuple(files), 0, "no screening rules cached yet")
    if sys.flags.utf8_mode == 0 and _locale_encoding() != "utf-8":
        return Screened(tuple(files), 0, "detect-secrets reads files in a non-UTF-8 locale")
    screenable = [f for f in files if _suffix(f) in rules.suffixes]
    if not screenable:
        return Screened(tuple(files), 0)
    try:
        added = diffs.added_by_file(diffs.git_diff(str(repo), diff, screenable))
    except (OSError, diffs.DiffError) as exc:
        return Screened(tuple(files), 0, str(exc))
    if sum(len(lines) for lines in added.values()) > MAX_LINES:
        return Screened(tuple(files), 0, f"over {MAX_LINES} added lines")
    try:
        return _sort(rules, root, files, added)
    except re.error as exc:  # a cached expression that this Python cannot compile
        return Screened(tuple(files), 0, str(exc))


def _sort(rules: Rules, root: Path, files: Sequence[str], added: dict[str, list[str]]) -> Screened:
    cleared = 0
    to_scan = []
    for name in files:
        lines = added.get(os.path.normpath(name))
        if lines is None or not _clear(rules, lines) or _reads_as_ini(root / name):
            to_scan.append(name)
        else:
            cleared += len(lines)
    return Screened(tuple(to_scan), cleared)


def _suffix(name: str) -> str:
    return os.path.splitext(name)[1]  # as detect-secrets' file type table sees it


def _locale_encoding() -> str:
    import locale

    return locale.getpreferredencoding(False).lower().replace("_", "-").replace("utf8", "utf-8")


def _clear(rules: Rules, lines: list[str]) -> bool:
    """No expression matches any of the lines, as detect-secrets would split and strip them."""
    for added in lines:
        if _escaped(added):
            return False  # bytes that are not UTF-8: detect-secrets would read them otherwise
        for line in _LINE_BREAK.split(added):
            line = line.rstrip()
            if line and rules.matches(line):
                return False
    return True


def _escaped(text: str) -> bool:
    return any("\udc80" <= char <= "\udcff" for char in text)


def _reads_as_ini(path: Path) -> bool:
    """Whether configparser may read the file, so detect-secrets scans the transformed lines.

    configparser fails on a first line (after blank and #/; comment lines) that is not a
    section header, and then detect-secrets scans the lines as they are. Unreadable: True.
    """
    try:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                value = line.strip()
                if value and not value.startswith(("#", ";")):
                    return value.startswith("[")
    except (OSError, UnicodeDecodeError):
        return True
    return False


# ---- the worker's side: derive the rules from the plugins detect-secrets loaded ----------


def candidate_lines(rules: Rules, name: str) -> dict[int, str] | None:
    """The lines of file `name`, by number, that some expression matches: the only lines on
    which a whole scan of the file can find a secret. None when the screen cannot vouch for
    the file (a type detect-secrets transforms, or text it cannot read): scan it whole."""
    if _suffix(name) not in rules.suffixes or _reads_as_ini(Path(name)):
        return None
    try:
        with open(name) as handle:  # as detect-secrets reads it: in the locale's encoding
            lines = handle.readlines()
    except (OSError, UnicodeDecodeError):
        return None
    return {
        number: line
        for number, line in enumerate(lines, start=1)
        if line.strip() and rules.matches(line.rstrip())
    }


def derive() -> dict[str, Any]:
    """The screening rules of the plugins in effect (call inside detect-secrets' settings):
    {"usable": true, "patterns": [[text, flags, needles], ...], "suffixes": [...]}, or
    {"usable": false, "why": ...} when a plugin finds secrets in a way the screen does not
    know, so that every run sends every file to detect-secrets."""
    from detect_secrets.settings import get_plugins

    from gates.checks.needles import needles

    patterns: list[tuple[str, int]] = []
    for plugin in get_plugins():
        found = _plugin_patterns(plugin)
        if found is None:
            return {"usable": False, "why": f"plugin {type(plugin).__name__} is not known"}
        patterns += found
    with_needles = [(text, flags, needles(text, flags)) for text, flags in sorted(set(patterns))]
    return {"usable": True, "patterns": with_needles, "suffixes": _plain_suffixes()}


def _plugin_patterns(plugin: Any) -> list[tuple[str, int]] | None:
    from detect_secrets.plugins import keyword
    from detect_secrets.plugins.base import BasePlugin, RegexBasedDetector
    from detect_secrets.plugins.high_entropy_strings import (
        HexHighEntropyString,
        HighEntropyStringsPlugin,
    )
    from detect_secrets.plugins.jwt import JwtTokenDetector

    kind = type(plugin)
    # Only plugins whose line scan is the one read here: an override could find more.
    regex_scan = (RegexBasedDetector.analyze_string, JwtTokenDetector.analyze_string)
    if (
        isinstance(plugin, RegexBasedDetector)
        and kind.analyze_line is BasePlugin.analyze_line
        and kind.analyze_string in regex_scan
    ):
        return [(regex.pattern, regex.flags) for regex in plugin.denylist]
    # The hex plugin's entropy is the base one less a penalty for all-digit strings.
    entropies = (HighEntropyStringsPlugin, HexHighEntropyString)
    if (
        isinstance(plugin, HighEntropyStringsPlugin)
        and kind.analyze_line is HighEntropyStringsPlugin.analyze_line
        and kind.analyze_string is HighEntropyStringsPlugin.analyze_string
        and kind.calculate_shannon_entropy in (e.calculate_shannon_entropy for e in entropies)
    ):
        shortest = max(1, int(2**plugin.entropy_limit))  # fewer characters: under the limit
        charset = re.escape(plugin.charset)
        return [(rf"(['\"])([{charset}]{{{shortest},}})(\1)", 0)]
    if kind is keyword.KeywordDetector:
        tables = [
            *keyword.REGEX_BY_FILETYPE.values(),
            keyword.QUOTES_REQUIRED_DENYLIST_REGEX_TO_GROUP,
        ]
        return [(regex.pattern, regex.flags) for table in tables for regex in table]
    return None


def _plain_suffixes() -> list[str]:
    """The endings detect-secrets gives a type that no YAML or eager transformer reads."""
    from detect_secrets.util.filetype import FileType, determine_file_type

    known = (".py", ".pyi", ".js", ".go", ".java", ".php", ".m", ".swift", ".tf", ".cs", ".c",
             ".cpp", ".cls", ".example", ".cnf", ".conf", ".cfg", ".cf", ".ini", ".properties",
             ".toml")  # fmt: skip
    return [s for s in known if determine_file_type(f"x{s}") not in (FileType.YAML, FileType.OTHER)]


def refresh(path: Path, key: str) -> None:
    """Derive and write the cache unless it holds the rules for `key` already."""
    try:
        if json.loads(path.read_text(encoding="utf-8")).get("key") == key:
            return
    except (OSError, ValueError, AttributeError):
        pass
    try:
        rules = derive()
    except (ImportError, AttributeError, TypeError) as exc:  # a detect-secrets reshaped
        rules = {"usable": False, "why": f"cannot read the plugins: {exc!r}"}
    write(path, key, rules)


def write(path: Path, key: str, rules: dict[str, Any]) -> None:
    """Write the cache whole or not at all: two runs may write it at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    partial.write_text(json.dumps({"key": key, **rules}), encoding="utf-8")
    os.replace(partial, path)
