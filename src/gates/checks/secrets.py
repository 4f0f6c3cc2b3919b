"""The secret scan: detect-secrets, through a worker process that prints JSON."""

from __future__ import annotations

import sys
from typing import Any

from gates.checks.base import CheckContext, ProcessOutput, Tool, load_json, relative, tail
from gates.results import Finding, Outcome, Status

BASELINE = ".secrets.baseline"
ADVICE = (
    "if this is not a secret, add `# pragma: allowlist secret` to the line, or record it"
    f" in {BASELINE} with `detect-secrets scan --baseline {BASELINE}`"
)


def build(ctx: CheckContext) -> list[str]:
    options = ["--baseline", BASELINE] if (ctx.root / BASELINE).is_file() else []
    if ctx.diff is not None:
        # Only the lines being committed or pushed are new: what is already committed was
        # scanned when it was added, and the ci layer scans every file whole.
        options += ["--diff-from-git", str(ctx.project or ctx.root)]
        options += [part for arg in ctx.diff for part in ("--diff-arg", arg)]
    return [sys.executable, "-m", "gates.checks.secrets_worker", *options, "--", *ctx.files]


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


TOOL = Tool("secrets", "pip install detect-secrets", ("text",), True, build, parse, file_local=True)
