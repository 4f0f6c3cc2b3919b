"""ruff: the formatter (check only) and the linter, which share one JSON output shape."""

from __future__ import annotations

from typing import Any

from gates.checks.base import CheckContext, ProcessOutput, Tool, load_json, relative, tail
from gates.results import Finding, Outcome, Status

INSTALL = "pip install ruff"
_CANNOT_READ = {"io", "E902"}  # ruff format's and ruff check's "could not read this file"


def build_format(ctx: CheckContext) -> list[str]:
    # --force-exclude: a file named explicitly still obeys the project's ruff excludes.
    # As a fixer it rewrites the files; the pipeline sees which ones changed.
    mode = [] if ctx.spec.fix else ["--check", "--output-format", "json"]
    return ["ruff", "format", *mode, "--force-exclude", *ctx.spec.args, "--", *ctx.files]


def build_lint(ctx: CheckContext) -> list[str]:
    # --no-fix unless asked: a project's `fix = true` would otherwise rewrite files.
    fix = "--fix" if ctx.spec.fix else "--no-fix"
    return ["ruff", "check", fix, "--force-exclude", "--output-format", "json",
            *ctx.spec.args, "--", *ctx.files]  # fmt: skip


def parse_format(ctx: CheckContext, out: ProcessOutput) -> Outcome:
    if not ctx.spec.fix:
        return parse(ctx, out)
    if out.returncode != 0:  # 2: a file ruff cannot parse, so cannot format
        return Outcome.error(f"ruff format exited with {out.returncode}: {tail(out.stderr)}")
    return Outcome(Status.PASSED)


def parse(ctx: CheckContext, out: ProcessOutput) -> Outcome:
    if out.returncode not in (0, 1) and not out.stdout.strip().startswith("["):
        return Outcome.error(f"ruff exited with {out.returncode}: {tail(out.stderr or out.stdout)}")
    try:
        items: list[dict[str, Any]] = load_json(out.stdout or "[]", "ruff")
        findings = tuple(_finding(item, ctx) for item in items)
    except (ValueError, KeyError, TypeError) as exc:
        return Outcome.error(str(exc))
    unread = [f.path or "?" for f in findings if f.rule in _CANNOT_READ]
    if unread:
        return Outcome(Status.ERROR, findings, "ruff could not read " + ", ".join(unread))
    if findings:
        return Outcome(Status.FAILED, findings, f"{len(findings)} finding(s)")
    if out.returncode != 0:
        return Outcome.error(f"ruff exited with {out.returncode}: {tail(out.stderr)}")
    return Outcome(Status.PASSED)


def _finding(item: dict[str, Any], ctx: CheckContext) -> Finding:
    location = item.get("location") or {}
    code = item.get("code") or "ruff"
    message = item["message"]
    if code == "unformatted":
        message = "would be reformatted by `ruff format`"
    return Finding(
        path=relative(item["filename"], ctx.root),
        line=location.get("row"),
        column=location.get("column"),
        rule=code,
        message=message,
    )


FORMAT = Tool(
    "ruff-format",
    INSTALL,
    ("python",),
    True,
    build_format,
    parse_format,
    file_local=True,
    program="ruff",
)
LINT = Tool(
    "ruff-lint", INSTALL, ("python",), True, build_lint, parse, file_local=True, program="ruff"
)
