"""A team's own check: an argv list, never a shell; exit 0 passes.

Lines of its output in the common `path:line[:column]: message` shape that name a file of
the project become findings, with the check's name as the rule; the rest is the message.
A command killed by a signal crashed: that is an error, not a verdict on the code.
"""

from __future__ import annotations

import re
import signal

from gates.checks.base import CheckContext, ProcessOutput, Tool, relative, tail
from gates.results import Finding, Outcome, Status

_LOCATED = re.compile(r"^(?P<path>[^:\s][^:]*):(?P<line>\d+)(?::(?P<column>\d+))?:\s*(?P<text>.+)$")
_MAX_FINDINGS = 500


def build(ctx: CheckContext) -> list[str]:
    command = list(ctx.spec.command or [])
    files = ["--", *ctx.files] if ctx.files else []
    return [*command, *ctx.spec.args, *files]


def parse(ctx: CheckContext, out: ProcessOutput) -> Outcome:
    if out.returncode == 0:
        return Outcome(Status.PASSED)
    output = "\n".join(part for part in (out.stdout, out.stderr) if part.strip())
    if out.returncode < 0:
        return Outcome.error(f"killed by {_signal_name(-out.returncode)}: {tail(output)}")
    findings = _findings(output, ctx)
    return Outcome(Status.FAILED, findings, f"exited with {out.returncode}: {tail(output)}")


def _findings(output: str, ctx: CheckContext) -> tuple[Finding, ...]:
    found = []
    for line in output.splitlines():
        match = _LOCATED.match(line.strip())
        if match is None:
            continue
        path = relative(match["path"], ctx.root)
        inside = not path.startswith(("/", "../"))
        if not inside or not (ctx.root / path).is_file():
            continue  # "Error: 2 problems", a file elsewhere: not a location in the project
        line_number, column = int(match["line"]), match["column"]
        found.append(
            Finding(
                path=path,
                line=line_number or None,
                column=int(column) if column else None,
                rule=ctx.name,
                message=match["text"].strip(),
            )
        )
    return tuple(found[:_MAX_FINDINGS])


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


TOOL = Tool("command", "install the program named in `command`", (), False, build, parse)
