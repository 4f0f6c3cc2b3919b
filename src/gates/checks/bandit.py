"""bandit: `-f json` gives results with a test id, a severity and a confidence."""

from __future__ import annotations

from typing import Any

from gates.checks.base import CheckContext, ProcessOutput, Tool, load_json, relative, tail
from gates.results import Finding, Outcome, Severity, Status

_SEVERITY = {"HIGH": Severity.ERROR, "MEDIUM": Severity.ERROR, "LOW": Severity.WARNING}


def build(ctx: CheckContext) -> list[str]:
    args = list(ctx.spec.args)
    if "-c" not in args and "--configfile" not in args and _has_bandit_table(ctx):
        args = ["-c", "pyproject.toml", *args]
    return ["bandit", "-f", "json", "-q", *args, "--", *ctx.files]


def _has_bandit_table(ctx: CheckContext) -> bool:
    pyproject = ctx.root / "pyproject.toml"
    return pyproject.is_file() and "[tool.bandit" in pyproject.read_text(errors="replace")


def parse(ctx: CheckContext, out: ProcessOutput) -> Outcome:
    if out.returncode not in (0, 1):
        return Outcome.error(
            f"bandit exited with {out.returncode}: {tail(out.stderr or out.stdout)}"
        )
    try:
        report: dict[str, Any] = load_json(out.stdout, "bandit")
        findings = tuple(_finding(item, ctx) for item in report["results"])
        errors = [f"{e['filename']}: {e['reason']}" for e in report.get("errors", [])]
    except (ValueError, KeyError, TypeError) as exc:
        return Outcome.error(str(exc) or "bandit printed JSON without the expected keys")
    if errors:
        return Outcome(Status.ERROR, findings, "bandit could not scan: " + "; ".join(errors))
    if findings:
        return Outcome(Status.FAILED, findings, f"{len(findings)} security issue(s)")
    if out.returncode != 0:
        return Outcome.error(f"bandit exited with 1 and reported nothing: {tail(out.stderr)}")
    return Outcome(Status.PASSED)


def _finding(item: dict[str, Any], ctx: CheckContext) -> Finding:
    severity = item.get("issue_severity", "")
    confidence = item.get("issue_confidence", "")
    return Finding(
        path=relative(item["filename"], ctx.root),
        line=item.get("line_number"),
        column=(item.get("col_offset") or 0) + 1,
        rule=item["test_id"],
        message=f"{item['issue_text']} (severity {severity}, confidence {confidence})",
        severity=_SEVERITY.get(severity, Severity.ERROR),
    )


TOOL = Tool(
    "bandit",
    "pip install bandit",
    ("python",),
    True,
    build,
    parse,
    file_local=True,
    program="bandit",
)
