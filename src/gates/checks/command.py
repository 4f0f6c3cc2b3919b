"""A team's own check: an argv list, never a shell; exit 0 passes."""

from __future__ import annotations

from gates.checks.base import CheckContext, ProcessOutput, Tool, tail
from gates.results import Outcome, Status


def build(ctx: CheckContext) -> list[str]:
    command = list(ctx.spec.command or [])
    files = ["--", *ctx.files] if ctx.files else []
    return [*command, *ctx.spec.args, *files]


def parse(ctx: CheckContext, out: ProcessOutput) -> Outcome:
    if out.returncode == 0:
        return Outcome(Status.PASSED)
    output = "\n".join(part for part in (out.stdout, out.stderr) if part.strip())
    return Outcome(Status.FAILED, (), f"exited with {out.returncode}: {tail(output)}")


TOOL = Tool("command", "install the program named in `command`", (), False, build, parse)
