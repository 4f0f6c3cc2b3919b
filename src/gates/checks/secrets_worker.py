"""Scan files with detect-secrets' Python API and print JSON findings with masked values.

Runs as its own process (`python -m gates.checks.secrets_worker`) so that the layer's
budget can kill it like any tool. `detect-secrets-hook` prints only text and may rewrite
the baseline; this worker never writes a file. Secret values never leave this process:
only a masked hint does.

Usage, in the folder that holds the files' content (the project, or a snapshot of it):

    python -m gates.checks.secrets_worker [--baseline PATH]
        [--diff-from-git REPO [--diff-arg ARG]...] [--screen-cache PATH --screen-key KEY]
        -- FILE...

--baseline PATH       report only what this detect-secrets baseline does not record.
--diff-from-git REPO  scan only the lines that `git diff ARG... -- FILE...` adds, with git run
                      in REPO: the project's folder in the real repository (the current folder
                      may be a snapshot of it that is no repository). FILE names are relative
                      to both folders.
--diff-arg ARG        one argument of that `git diff`, in order: `--cached` for what is being
                      committed, or a BASE and a HEAD commit for what is being pushed.
--screen-cache PATH   after the scan, write the pre-screen's rules for the plugins in effect
--screen-key KEY      to PATH, labelled KEY, unless PATH holds KEY's already (secrets_screen).

A file the diff does not name, or names as new or binary, is scanned whole, and so is every
file when git fails: a diff that cannot be had makes the scan slower, never a pass.
It prints {"scanned": N, "lines_only": K, "note": TEXT, "findings": [{path, line, type,
hint}]} (K of the N files were scanned by their added lines only; the note says why git
gave no diff) and exits 0; 2 on a usage error or a file it cannot read.

Diff mode does what detect-secrets' own `scan_diff` does (the added lines, where the line
number is the one in the new file), with two differences that keep it finding what a whole
scan finds on those lines: each added line is scanned with its real neighbours as context
(`scan_diff` takes the other added lines, so a `pragma: allowlist nextline secret` above an
edited line was lost), and the file's lines go through the same transformers as in
`scan_file` (which find `password = value` in .env, .txt and .md files: `scan_diff` never
does). That needs three of detect-secrets' private functions; without them, whole scans.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gates.checks.diffs import DiffError, git_diff, target
from gates.checks.redact import mask

if TYPE_CHECKING:
    from gates.checks.secrets_screen import Rules

USAGE = (
    "usage: python -m gates.checks.secrets_worker [--baseline PATH]"
    " [--diff-from-git REPO [--diff-arg ARG]...] [--screen-cache PATH --screen-key KEY]"
    " -- FILE..."
)
CONTEXT = 5  # lines each side of a line that detect-secrets' plugins and filters look at
Added = dict[int, str]  # line number in the new file -> the line the diff adds there


class UsageError(Exception):
    pass


@dataclass
class Options:
    files: list[str] = field(default_factory=list)
    baseline: str | None = None
    repo: str | None = None  # where git runs, in diff mode
    diff_args: list[str] = field(default_factory=list)
    screen_cache: str | None = None  # where to keep the pre-screen's rules (secrets_screen)
    screen_key: str | None = None


@dataclass
class Report:
    findings: list[dict[str, Any]]
    lines_only: int = 0
    screened: int = 0  # files scanned whole in effect: only the lines the screen sent on
    note: str | None = None


def parse_args(argv: list[str]) -> Options:
    options, rest = Options(), list(argv)
    # Each option takes exactly one value, so a value may start with "-" (`--diff-arg --cached`).
    while rest and rest[0] in ("--baseline", "--diff-from-git", "--diff-arg", "--screen-cache",
                               "--screen-key"):  # fmt: skip
        flag = rest.pop(0)
        if not rest:
            raise UsageError(f"{flag} needs a value")
        value = rest.pop(0)
        if flag == "--baseline":
            options.baseline = value
        elif flag == "--diff-from-git":
            options.repo = value
        elif flag == "--screen-cache":
            options.screen_cache = value
        elif flag == "--screen-key":
            options.screen_key = value
        else:
            options.diff_args.append(value)
    if options.diff_args and options.repo is None:
        raise UsageError("--diff-arg needs --diff-from-git")
    if (options.screen_cache is None) != (options.screen_key is None):
        raise UsageError("--screen-cache and --screen-key go together")
    options.files = rest[1:] if rest[:1] == ["--"] else rest
    return options


@contextmanager
def _settings(baseline_path: str | None) -> Iterator[Any]:
    from detect_secrets.core import baseline
    from detect_secrets.core.secrets_collection import SecretsCollection
    from detect_secrets.settings import default_settings, transient_settings

    if baseline_path is None:
        with default_settings():
            yield SecretsCollection()
        return
    data = baseline.load_from_file(baseline_path)
    # The baseline's own plugins and filters, as detect-secrets-hook does.
    with transient_settings({"plugins_used": data.get("plugins_used", []),
                             "filters_used": data.get("filters_used", [])}):  # fmt: skip
        yield baseline.load(data, baseline_path)


def scan(options: Options) -> Report:
    from detect_secrets.core.secrets_collection import SecretsCollection

    report = Report([])
    with _settings(options.baseline) as known:
        added, report.note = _diff(options)
        found = SecretsCollection()
        for name in options.files:
            lines = added.get(os.path.normpath(name))
            secrets = None if lines is None else _scan_added(name, lines)
            if secrets is None:
                screened = _screened(name)
                secrets = None if screened is None else _scan_added(name, screened)
                report.screened += secrets is not None
            else:
                report.lines_only += 1
            if secrets is None:
                found.scan_file(name)
            else:
                found[name].update(secrets)
        new = found - known if options.baseline else found
        report.findings = [_finding(path, secret) for path, secret in new]
        if options.screen_cache and options.screen_key:
            _refresh_screen(options.screen_cache, options.screen_key)
    return report


@functools.cache
def _screen_rules() -> Rules | None:
    """The pre-screen's rules for the plugins in effect; None when it cannot vouch for them."""
    from gates.checks import secrets_screen

    try:
        return secrets_screen.Rules.from_json(secrets_screen.derive())
    except (ImportError, AttributeError, TypeError, ValueError, KeyError):
        return None  # a detect-secrets reshaped: whole scans


def _screened(name: str) -> Added | None:
    """The lines of a file to scan whole that a plugin's expression matches: no other line
    can hold a secret, so only they (with their context) are scanned."""
    from gates.checks import secrets_screen

    rules = _screen_rules()
    return None if rules is None else secrets_screen.candidate_lines(rules, name)


def _refresh_screen(path: str, key: str) -> None:
    """Keep the pre-screen's rules for the plugins in effect (a run that cannot write them
    only loses speed: the next run scans with detect-secrets again)."""
    from pathlib import Path

    from gates.checks import secrets_screen

    with suppress(OSError):
        secrets_screen.refresh(Path(path), key)


def _finding(path: str, secret: Any) -> dict[str, Any]:
    hint = mask(secret.secret_value)
    return {"path": path, "line": secret.line_number, "type": secret.type, "hint": hint}


# ---- diff mode: which lines are added ---------------------------------------------------


def _diff(options: Options) -> tuple[dict[str, Added], str | None]:
    """The added lines of each file the diff can speak for, and why there are none."""
    if options.repo is None:
        return {}, None
    try:
        text = git_diff(options.repo, options.diff_args, options.files)
        return added_lines(text), None
    except (OSError, DiffError) as exc:
        return {}, f"scanned whole files: {exc}"


def added_lines(diff_text: str) -> dict[str, Added]:
    """The lines each modified text file gains. New and binary files are left out (scanned
    whole), and so are deleted ones (no lines to scan)."""
    from unidiff.errors import UnidiffParseError
    from unidiff.patch import PatchSet

    try:
        patches = PatchSet.from_string(diff_text)
    except UnidiffParseError as exc:
        raise DiffError(f"unreadable git diff: {exc}") from None
    added: dict[str, Added] = {}
    for patched in patches:
        name = target(patched.target_file)
        if name is None or patched.is_binary_file or patched.is_added_file:
            continue
        lines = [line for hunk in patched for line in hunk if line.is_added]
        added[name] = {line.target_line_no: line.value for line in lines if line.target_line_no}
    return added


# ---- diff mode: scanning the added lines ------------------------------------------------


def _scan_added(name: str, added: Added) -> list[Any] | None:
    """The secrets on the added lines of `name`, scanned as `scan_file` scans them;
    None when the file here does not hold those lines where the diff says (scan it whole)."""
    scanner = _engine()
    if scanner is None or not _holds(name, added):
        return None
    if scanner.filtered(name):
        return []
    numbers = set(added)
    found: list[Any] = []
    # scan_file's passes: the lines as read (or transformed), then eagerly transformed
    # lines, which it only looks at when the first pass found nothing.
    for lines in scanner.lines_of(name):
        found = [
            secret
            for span in _spans(numbers, len(lines))
            for secret in _scan_span(scanner, name, lines[span[0] - 1 : span[1]], span[0])
            if secret.line_number in numbers
        ]
        if found:
            break
    return found


def _holds(name: str, added: Added) -> bool:
    """Whether the file here has the diff's added lines at their numbers: the content the
    diff speaks of (the staged or pushed one), not some other version."""
    try:
        with open(name) as handle:  # as detect-secrets reads it: universal newlines
            lines = handle.readlines()
    except (OSError, UnicodeDecodeError):
        return False  # a whole scan says what detect-secrets makes of such a file
    return all(
        number <= len(lines) and lines[number - 1].rstrip() == text.rstrip()
        for number, text in added.items()
    )


def _spans(numbers: Iterable[int], total: int) -> list[tuple[int, int]]:
    """First and last line of each run of lines that holds added lines and their context."""
    spans: list[tuple[int, int]] = []
    for number in sorted(n for n in numbers if n <= total):
        first, last = max(1, number - CONTEXT), min(total, number + CONTEXT)
        if spans and first <= spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], last)
        else:
            spans.append((first, last))
    return spans


def _scan_span(scanner: _Engine, name: str, lines: list[str], first: int) -> Iterator[Any]:
    """detect-secrets' line scan of a run of lines, with line numbers in the whole file."""
    # Numbered from 1: detect-secrets takes a line's context by indexing the list it is given.
    for secret in scanner.process(list(enumerate(lines, start=1)), name):
        secret.line_number += first - 1
        yield secret


@dataclass(frozen=True)
class _Engine:
    filtered: Callable[[str], bool]  # whether detect-secrets leaves this file out
    lines_of: Callable[[str], Iterator[list[str]]]  # scan_file's passes over a file
    process: Callable[[list[tuple[int, str]], str], Iterable[Any]]  # the line scan


@functools.cache
def _engine() -> _Engine | None:
    """detect-secrets' own steps of `scan_file`, private to it: None when a version lacks them."""
    from detect_secrets.core import scan as ds

    try:
        is_filtered_out, lines_of, process = (
            ds._is_filtered_out,
            ds._get_lines_from_file,
            ds._process_line_based_plugins,
        )
    except AttributeError:
        return None
    return _Engine(
        filtered=lambda name: bool(is_filtered_out(["filename"], filename=name)),
        lines_of=lines_of,
        process=lambda lines, name: process(lines, filename=name),
    )


# ---- the command ------------------------------------------------------------------------


def _unreadable(name: str) -> str | None:
    try:
        with open(name, "rb"):
            return None
    except OSError as exc:
        return f"{name}: {exc.strerror or exc}"


def main(argv: list[str]) -> int:
    try:
        options = parse_args(argv)
    except UsageError as exc:
        print(f"{exc}\n{USAGE}", file=sys.stderr)
        return 2
    # detect-secrets skips a file it cannot open with only a log line: that is no scan.
    unreadable = [problem for problem in map(_unreadable, options.files) if problem]
    if unreadable:
        print("cannot read " + "; ".join(unreadable), file=sys.stderr)
        return 2
    report = scan(options)
    findings = sorted(report.findings, key=lambda f: (f["path"], f["line"]))
    json.dump(
        {"scanned": len(options.files), "lines_only": report.lines_only,
         "screened": report.screened, "note": report.note, "findings": findings},
        sys.stdout,
    )  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
