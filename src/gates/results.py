"""Values shared by every domain: a check's status, its findings and its result."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Status(str, enum.Enum):
    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"  # the check could not do its job: never a pass
    TIMEOUT = "timeout"
    SKIPPED = "skipped"

    @property
    def blocks(self) -> bool:
        """Whether this status fails the gate."""
        return self in (Status.FAILED, Status.ERROR, Status.TIMEOUT)


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"


@dataclass(frozen=True)
class Finding:
    """One problem a check reports. Paths are relative to the project root, lines 1-based."""

    path: str | None
    line: int | None
    column: int | None
    rule: str
    message: str
    severity: Severity = Severity.ERROR

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "rule": self.rule,
            "message": self.message,
            "severity": self.severity.value,
        }


@dataclass(frozen=True)
class Outcome:
    """What a tool adapter concludes from one run of its tool."""

    status: Status
    findings: tuple[Finding, ...] = ()
    message: str = ""
    slowest: tuple[tuple[str, float], ...] = ()  # (test or file, seconds), where the tool says

    @classmethod
    def error(cls, message: str) -> Outcome:
        return cls(Status.ERROR, (), message)


@dataclass(frozen=True)
class CheckResult:
    name: str
    tool: str
    stage: int
    status: Status
    duration: float
    findings: tuple[Finding, ...] = ()
    message: str = ""
    files: int = 0
    command: tuple[str, ...] = field(default=())
    slowest: tuple[tuple[str, float], ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "tool": self.tool,
            "stage": self.stage,
            "status": self.status.value,
            "duration_s": round(self.duration, 4),
            "message": self.message,
            "files": self.files,
            "findings": [f.to_json() for f in self.findings],
            **(
                {"slowest": [{"name": n, "duration_s": round(d, 4)} for n, d in self.slowest]}
                if self.slowest
                else {}
            ),
        }
