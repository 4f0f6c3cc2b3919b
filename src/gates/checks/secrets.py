"""The secret scan: detect-secrets, through a worker process that prints JSON."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from gates.checks import secrets_screen
from gates.checks.base import CheckContext, ProcessOutput, Tool, load_json, relative, tail
from gates.results import Finding, Outcome, Status

BASELINE = ".secrets.baseline"
ADVICE = (
    "if this is not a secret, add `# pragma: allowlist secret` to the line, or record it"
    f" in {BASELINE} with `detect-secrets scan --baseline {BASELINE}`"
)


def build(ctx: CheckContext) -> list[str]:
    baseline = _baseline(ctx)
    options = ["--baseline", baseline] if baseline else []
    if ctx.diff is not None:
        # Only the lines being committed or pushed are new: what is already committed was
        # scanned when it was added, and the ci layer scans every file whole.
        options += ["--diff-from-git", str(ctx.project or ctx.root)]
        options += [part for arg in ctx.diff for part in ("--diff-arg", arg)]
        cache, key = _screen_cache(ctx)
        if cache is not None and key is not None:
            options += ["--screen-cache", str(cache), "--screen-key", key]
    return [sys.executable, "-m", "gates.checks.secrets_worker", *options, "--", *ctx.files]


def screen(ctx: CheckContext) -> tuple[tuple[str, ...], str | None]:
    """The files whose added lines detect-secrets must scan, and what the screen cleared."""
    if ctx.diff is None:
        return ctx.files, None
    rules = secrets_screen.load(*_screen_cache(ctx))
    project = ctx.project or ctx.root
    screened = secrets_screen.screen(rules, project, ctx.root, ctx.diff, ctx.files)
    cleared = len(ctx.files) - len(screened.to_scan)
    if not cleared:
        return screened.to_scan, None
    return screened.to_scan, (
        f"{screened.lines} added line(s) of {cleared} file(s) pre-screened:"
        " no detect-secrets pattern matches them"
    )


def _baseline(ctx: CheckContext) -> str | None:
    return BASELINE if (ctx.root / BASELINE).is_file() else None


def _screen_cache(ctx: CheckContext) -> tuple[Path | None, str | None]:
    path = secrets_screen.cache_path(ctx.project or ctx.root)
    return path, secrets_screen.cache_key(ctx.root, _baseline(ctx)) if path else None


def parse(ctx: CheckContext, out: ProcessOutput) -> Outcome:
    if out.returncode != 0:
        if "No module named 'detect_secrets'" in out.stderr:
            return Outcome.error("detect-secrets is not installed: pip install detect-secrets")
        return Outcome.error(
            f"the secret scan exited with {out.returncode}: {tail(out.stderr or out.stdout)}"
        )
    try:
        report: dict[str, Any] = load_json(out.stdout, "detect-secrets")
        findings = tuple(_finding(item, ctx) for item in report["findings"])
    except (ValueError, KeyError, TypeError) as exc:
        return Outcome.error(str(exc) or "the secret scan printed unexpected JSON")
    if findings:
        return Outcome(Status.FAILED, findings, f"{len(findings)} potential secret(s); {ADVICE}")
    return Outcome(Status.PASSED)


def _finding(item: dict[str, Any], ctx: CheckContext) -> Finding:
    return Finding(
        path=relative(item["path"], ctx.root),
        line=item["line"],
        column=None,
        rule=item["type"],
        message=f"masked: {item['hint']}",
    )


TOOL = Tool(
    "secrets",
    "pip install detect-secrets",
    ("text",),
    True,
    build,
    parse,
    file_local=True,
    screen=screen,
)
