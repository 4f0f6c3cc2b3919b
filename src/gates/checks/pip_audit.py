"""pip-audit: known vulnerabilities in the project's installed dependencies.

Offline, pip-audit exits 0 and says "No known vulnerabilities found" while its JSON marks
every dependency skipped. A dependency that could not be audited is not a pass: it is an
error, unless the config says `on_unreachable = "warn"`, and then it shows as a warning.
"""

from __future__ import annotations

from typing import Any

from gates.checks.base import CheckContext, ProcessOutput, Tool, load_json, tail
from gates.results import Finding, Outcome, Severity, Status

_EDITABLE = "distribution marked as editable"  # pip-audit's skip reason for --skip-editable


def build(ctx: CheckContext) -> list[str]:
    # --skip-editable: the project itself is installed editable and is not on PyPI.
    return ["pip-audit", "-f", "json", "--progress-spinner", "off", "--skip-editable",
            *ctx.spec.args]  # fmt: skip


def parse(ctx: CheckContext, out: ProcessOutput) -> Outcome:
    try:
        report: dict[str, Any] = load_json(out.stdout, "pip-audit")
        # --skip-editable lists the project itself as skipped on purpose: it is not on PyPI.
        dependencies = [d for d in report["dependencies"] if d.get("skip_reason") != _EDITABLE]
        vulnerable = [_finding(dep, vuln) for dep in dependencies for vuln in dep.get("vulns", [])]
        skipped = [dep["name"] for dep in dependencies if dep.get("skip_reason")]
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        detail = str(exc) if out.stdout.strip() else tail(out.stderr)
        return Outcome.error(f"pip-audit exited with {out.returncode}: {detail}")
    if vulnerable:
        return Outcome(
            Status.FAILED, tuple(vulnerable), f"{len(vulnerable)} known vulnerabilit(y/ies)"
        )
    if skipped:
        return _unaudited(ctx, skipped, len(dependencies))
    if out.returncode != 0:
        return Outcome.error(f"pip-audit exited with {out.returncode}: {tail(out.stderr)}")
    return Outcome(Status.PASSED, (), f"{len(dependencies)} dependencies audited")


def _unaudited(ctx: CheckContext, skipped: list[str], total: int) -> Outcome:
    every = len(skipped) == total
    reason = "the vulnerability service is unreachable" if every else "they are not on PyPI"
    names = ", ".join(skipped[:5]) + (f" and {len(skipped) - 5} more" if len(skipped) > 5 else "")
    text = f"{len(skipped)} of {total} dependencies could not be audited ({reason}): {names}"
    if ctx.spec.on_unreachable == "warn":
        warning = Finding(None, None, None, "unaudited", text, Severity.WARNING)
        return Outcome(
            Status.PASSED, (warning,), f"WARNING, allowed by on_unreachable = 'warn': {text}"
        )
    return Outcome.error(f'{text}; to let this pass visibly, set on_unreachable = "warn"')


def _finding(dep: dict[str, Any], vuln: dict[str, Any]) -> Finding:
    fixes = ", ".join(vuln.get("fix_versions") or []) or "none yet"
    aliases = ", ".join(vuln.get("aliases") or [])
    message = f"{dep['name']} {dep.get('version', '?')}: {vuln['id']}"
    message += f" ({aliases})" if aliases else ""
    message += f"; fixed in {fixes}"
    return Finding(None, None, None, vuln["id"], message)


TOOL = Tool("pip-audit", "pip install pip-audit", (), False, build, parse, program="pip-audit")
