"""mypy: `-O json` prints one JSON object per line; columns are 0-based, -1 when unknown."""

from __future__ import annotations

import json

from gates.checks.base import CheckContext, ProcessOutput, Tool, relative, tail
from gates.results import Finding, Outcome, Severity, Status


def build(ctx: CheckContext) -> list[str]:
    return ["mypy", "-O", "json", *ctx.spec.args, "--", *ctx.files]


def parse(ctx: CheckContext, out: ProcessOutput) -> Outcome:
    if out.returncode not in (0, 1):
        return Outcome.error(f"mypy exited with {out.returncode}: {tail(out.stderr or out.stdout)}")
    findings: list[Finding] = []
    for line in out.stdout.splitlines():
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            findings.append(_finding(item, ctx))
        except (ValueError, KeyError, TypeError):
            return Outcome.error(f"mypy printed output gates cannot parse: {tail(out.stdout)}")
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors:
        return Outcome(Status.FAILED, tuple(findings), f"{len(errors)} type error(s)")
    # With -O json, mypy exits 1 when it prints only notes (text mode exits 0 then): a note
    # alone is not a failure. Exit 1 with nothing at all printed is not a pass either.
    if out.returncode != 0 and not findings:
        return Outcome.error(f"mypy exited with 1 and reported no error: {tail(out.stderr)}")
    return Outcome(Status.PASSED, tuple(findings))


def _finding(item: dict[str, object], ctx: CheckContext) -> Finding:
    column = item.get("column")
    hint = item.get("hint")
    message = str(item["message"]) + (f" ({hint})" if hint else "")
    return Finding(
        path=relative(str(item["file"]), ctx.root),
        line=_int_or_none(item.get("line")),
        column=column + 1 if isinstance(column, int) and column >= 0 else None,
        rule=str(item.get("code") or "mypy"),
        message=message,
        severity=Severity.NOTE if item.get("severity") == "note" else Severity.ERROR,
    )


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and value > 0 else None


TOOL = Tool("mypy", "pip install mypy", ("python",), True, build, parse, program="mypy")
