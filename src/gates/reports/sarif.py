"""SARIF 2.1.0 for code scanning: one run per check, written when the run finishes.

Each check that ran is one SARIF run. Its `tool.driver.name` is the check's name, not the
program's: GitHub rejects an upload holding two runs with the same tool name and category,
ruff runs twice in a layer, and check names are unique in a layer and stable from one run
to the next. The program's name, version and home page are in the driver too.

A skipped check gets no run: it looked at nothing, and a run with no results would tell
code scanning that every open alert of that tool is fixed. An error or a timeout does get
a run, with `executionSuccessful: false` and the reason as a notification.

A finding without a file (a vulnerable dependency, the coverage total) is placed on the
project's pyproject.toml (or gates.toml) when there is one: GitHub rejects the whole upload
when a single result has no location, and those findings are about what the project
declares. With neither file, the result has no location, which SARIF allows.

GitHub's upload limits (20 runs, 25,000 results per run, 10 MB gzipped) are kept by cutting
the lowest severities first, and the log, the run and stderr say so.
"""

from __future__ import annotations

import functools
import gzip
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from gates import __version__
from gates.events import Event, RunFinished, RunStarted
from gates.reports.report_file import write_report
from gates.results import CheckResult, Finding, Severity, Status

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
ANCHORS = ("pyproject.toml", "gates.toml")  # where a finding without a file is shown
LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "note"}
RANK = {Severity.NOTE: 0, Severity.WARNING: 1, Severity.ERROR: 2}


@dataclass(frozen=True)
class Limits:
    """GitHub's code scanning upload limits; results are counted per run, as GitHub does."""

    runs: int = 20
    results: int = 25_000
    compressed_bytes: int = 10 * 1024 * 1024


@dataclass
class Planned:
    """One check's run, with the findings it still holds after the limits were applied."""

    result: CheckResult
    kept: list[Finding]
    cut: Counter[str] = field(default_factory=Counter)
    reasons: list[str] = field(default_factory=list)  # why findings were cut
    notes: list[str] = field(default_factory=list)  # what else the limits changed

    @property
    def cut_notice(self) -> str:
        if not self.cut:
            return ""
        counts = ", ".join(f"{self.cut[s.value]:,} {s.value}" for s in RANK if self.cut[s.value])
        return (
            f"{sum(self.cut.values()):,} of {len(self.result.findings):,} results cut,"
            f" lowest severities first ({counts}): {'; '.join(self.reasons)}"
        )

    @property
    def notice(self) -> str:
        return "; ".join(part for part in (self.cut_notice, *self.notes) if part)


class SarifReport:
    """Subscribes to a run's events and writes the SARIF log to `path` when it finishes."""

    def __init__(
        self, path: Path, root: Path, repo_root: Path | None = None, limits: Limits | None = None
    ) -> None:
        self.path = path
        self.root = root
        self.repo_root = repo_root or root
        self.limits = limits or Limits()
        self._started: RunStarted | None = None
        self.notice = ""  # what was cut to fit the limits, once written
        self._prefix = self._base_uri = ""
        self._anchor: str | None = None

    def __call__(self, event: Event) -> None:
        if isinstance(event, RunStarted):
            self._started = event
        elif isinstance(event, RunFinished):
            self._write(event)

    def _write(self, event: RunFinished) -> None:
        if write_report(self.path, "SARIF", lambda: self._text(event)) and self.notice:
            print(f"gates: SARIF report {self.path}: {self.notice}", file=sys.stderr)

    def _text(self, event: RunFinished) -> str:
        text, self.notice = self.build(event)
        return text

    def build(self, event: RunFinished) -> tuple[str, str]:
        """The log as JSON text, and a one-line notice when it was cut to fit the limits."""
        self._prefix = repo_prefix(self.root, self.repo_root)
        self._base_uri = self.repo_root.resolve().as_uri() + "/"
        self._anchor = next((name for name in ANCHORS if (self.root / name).is_file()), None)
        ran = [
            Planned(r, list(r.findings)) for r in event.results if r.status is not Status.SKIPPED
        ]
        return fit(ran, self.limits, lambda planned: self.render(planned, event.layer))

    def render(self, planned: list[Planned], layer: str) -> dict[str, Any]:
        return {
            "$schema": SCHEMA,
            "version": "2.1.0",
            "runs": [self._run(p, layer) for p in planned],
        }

    def _run(self, planned: Planned, layer: str) -> dict[str, Any]:
        check = planned.result
        rules: dict[str, int] = {}
        results = [self._result(f, rules) for f in planned.kept]
        properties: dict[str, Any] = {"gates/check": check.name, "gates/status": check.status.value}
        if planned.notice:
            properties["gates/limits"] = planned.notice
        return {
            "tool": {"driver": driver(check, list(rules))},
            "automationDetails": {"id": f"gates/{layer}/"},
            "invocations": [invocation(check, planned.notice, self._started)],
            "originalUriBaseIds": {SRCROOT: {"uri": self._base_uri}},
            "columnKind": "unicodeCodePoints",
            "results": results,
            "properties": properties,
        }

    def _result(self, finding: Finding, rules: dict[str, int]) -> dict[str, Any]:
        out: dict[str, Any] = {
            "ruleId": finding.rule,
            "ruleIndex": rules.setdefault(finding.rule, len(rules)),
            "level": LEVEL[finding.severity],
            "message": {"text": finding.message or finding.rule},
        }
        location = self._location(finding)
        if location:
            out["locations"] = [location]
        return out

    def _location(self, finding: Finding) -> dict[str, Any] | None:
        if finding.path is None:
            if self._anchor is None:
                return None
            return {
                "physicalLocation": {"artifactLocation": self._artifact(self._anchor)},
                "message": {"text": "about the project as a whole, not one of its files"},
            }
        physical: dict[str, Any] = {"artifactLocation": self._artifact(finding.path)}
        if finding.line:
            region = {"startLine": finding.line}
            if finding.column:
                region["startColumn"] = finding.column
            physical["region"] = region
        return {"physicalLocation": physical}

    def _artifact(self, path: str) -> dict[str, str]:
        if path.startswith("/"):  # a tool named a file outside the project
            return {"uri": Path(path).as_uri()}
        return {"uri": quote(self._prefix + path), "uriBaseId": SRCROOT}


def repo_prefix(root: Path, repo_root: Path) -> str:
    """What turns a path relative to the project root into one relative to the repository."""
    try:
        prefix = root.resolve().relative_to(repo_root.resolve()).as_posix()
    except ValueError:  # the project is not inside that repository: keep its own root
        return ""
    return "" if prefix == "." else f"{prefix}/"


def invocation(check: CheckResult, notice: str, started: RunStarted | None) -> dict[str, Any]:
    # True only when the tool did its job, whatever it found: an error or a timeout is false.
    done = check.status in (Status.PASSED, Status.FAILED)
    out: dict[str, Any] = {"executionSuccessful": done}
    if started is not None:
        out["startTimeUtc"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started.started_at))
    notes = []
    if not done:
        text = check.message or f"the check ended as {check.status.value}"
        notes.append(_notification("error", text, f"gates/{check.status.value}"))
    if notice:
        notes.append(_notification("warning", notice, "gates/limits"))
    if notes:
        out["toolExecutionNotifications"] = notes
    out["properties"] = {"gates/durationSeconds": round(check.duration, 4)}
    return out


def _notification(level: str, text: str, descriptor: str) -> dict[str, Any]:
    return {"level": level, "message": {"text": text}, "descriptor": {"id": descriptor}}


# --- the tools and their rules --------------------------------------------------------------

# check kind -> (program, distribution that has its version, home page)
PROGRAMS: dict[str, tuple[str, str, str]] = {
    "secrets": ("detect-secrets", "detect-secrets", "https://github.com/Yelp/detect-secrets"),
    "ruff-format": ("ruff format", "ruff", "https://docs.astral.sh/ruff/formatter/"),
    "ruff-lint": ("ruff check", "ruff", "https://docs.astral.sh/ruff/linter/"),
    "mypy": ("mypy", "mypy", "https://mypy.readthedocs.io/"),
    "bandit": ("bandit", "bandit", "https://bandit.readthedocs.io/"),
    "pytest": ("pytest", "pytest", "https://docs.pytest.org/"),
    "pip-audit": ("pip-audit", "pip-audit", "https://github.com/pypa/pip-audit"),
}
SECURITY = ("secrets", "bandit", "pip-audit")
HELP = {
    "test-failure": "A test failed.",
    "test-error": "A test could not run: an error in its set-up, tear-down or collection.",
    "coverage": "The total coverage is below the gate set in the config.",
    "unaudited": "Dependencies that could not be audited for known vulnerabilities.",
    "unformatted": "The file is not formatted as `ruff format` would format it.",
}


def driver(check: CheckResult, rule_ids: list[str]) -> dict[str, Any]:
    program, distribution, home = PROGRAMS.get(check.tool, (check.tool, "", ""))
    out: dict[str, Any] = {"name": check.name, "fullName": f"{program} (gates check {check.name})"}
    version = tool_version(distribution)
    if version:
        out["version"] = version
    if home:
        out["informationUri"] = home
    out["rules"] = [rule(check.tool, program, rule_id) for rule_id in rule_ids]
    out["properties"] = {"gates/version": __version__}
    return out


def rule(kind: str, program: str, rule_id: str) -> dict[str, Any]:
    text, page = rule_help(kind, rule_id)
    out: dict[str, Any] = {
        "id": rule_id,
        "shortDescription": {"text": f"{program} {rule_id}"},
        "help": {"text": text},
    }
    if page:
        out["helpUri"] = page
    if kind in SECURITY:
        out["properties"] = {"tags": ["security"]}
    return out


def rule_help(kind: str, rule_id: str) -> tuple[str, str | None]:
    """Help text for a rule id, and a page that explains it when there is one."""
    if rule_id in HELP:
        return HELP[rule_id], None
    if kind == "secrets":
        text = (
            f"Something that looks like a secret ({rule_id}) is in the code: remove it and"
            " rotate it. If it is not a secret, mark the line with `# pragma: allowlist secret`."
        )
        return text, PROGRAMS[kind][2]
    if kind == "ruff-lint":
        return f"ruff rule {rule_id}: `ruff rule {rule_id}` explains it.", RUFF_RULES
    if kind == "mypy":
        return f"mypy error code [{rule_id}].", MYPY_CODES
    if kind == "bandit":
        return f"bandit test {rule_id}.", BANDIT_TESTS
    if kind == "pip-audit":
        text = f"Known vulnerability {rule_id} in an installed dependency."
        return text, f"https://osv.dev/vulnerability/{quote(rule_id)}"
    return f"{rule_id}, as {PROGRAMS.get(kind, (kind,))[0]} reported it.", None


RUFF_RULES = "https://docs.astral.sh/ruff/rules/"
MYPY_CODES = "https://mypy.readthedocs.io/en/stable/error_code_list.html"
BANDIT_TESTS = "https://bandit.readthedocs.io/en/latest/plugins/index.html"


@functools.cache  # asked once per run, and again each time the log is cut to fit
def tool_version(distribution: str) -> str | None:
    if not distribution:
        return None
    from importlib import metadata  # here: only a SARIF report needs it

    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


# --- the limits -------------------------------------------------------------------------------

Render = Callable[[list[Planned]], dict[str, Any]]


def fit(planned: list[Planned], limits: Limits, render: Render) -> tuple[str, str]:
    """The rendered log within `limits`, and a one-line notice of what was cut (or "")."""
    dropped = drop_runs(planned, limits.runs)
    planned = [p for p in planned if p.result.name not in dropped]
    per_run = f"GitHub takes at most {limits.results:,} results per run"
    for p in planned:
        keep_most_severe(p, limits.results, per_run)
        if dropped:
            p.notes.append(
                f"GitHub takes at most {limits.runs} runs: left out {', '.join(dropped)}"
            )
    text = serialize(render(planned))
    for _ in range(10):  # each pass cuts in proportion to the excess; a few suffice
        size = compressed_size(text, limits.compressed_bytes)
        total = sum(len(p.kept) for p in planned)
        if size <= limits.compressed_bytes or not total:
            break
        count = max(1, total - int(total * limits.compressed_bytes / size * 0.9))
        megabytes = limits.compressed_bytes / 1024 / 1024
        cut_lowest(planned, count, f"GitHub takes at most {megabytes:g} MB of gzipped SARIF")
        text = serialize(render(planned))
    return text, summary(planned, dropped, limits.runs)


def drop_runs(planned: list[Planned], most: int) -> list[str]:
    """Names of the checks whose runs go, the least telling first, to keep `most` runs."""
    if len(planned) <= most:
        return []

    def weight(p: Planned) -> tuple[int, bool, int]:
        worst = max((RANK[f.severity] for f in p.kept), default=-1)
        return worst, p.result.status.blocks, len(p.kept)

    ranked = sorted(planned, key=weight, reverse=True)
    return [p.result.name for p in ranked[most:]]


def keep_most_severe(planned: Planned, most: int, why: str) -> None:
    if len(planned.kept) > most:
        cut_lowest([planned], len(planned.kept) - most, why)


def cut_lowest(planned: list[Planned], count: int, why: str) -> None:
    """Cut `count` findings across `planned`: lowest severity first, then the last listed."""
    pool = [(RANK[f.severity], -j, i) for i, p in enumerate(planned) for j, f in enumerate(p.kept)]
    pool.sort()
    doomed: dict[int, set[int]] = {}
    for _, negative_j, i in pool[:count]:
        doomed.setdefault(i, set()).add(-negative_j)
    for i, gone in doomed.items():
        p = planned[i]
        p.cut.update(p.kept[j].severity.value for j in gone)
        p.kept = [f for j, f in enumerate(p.kept) if j not in gone]
        if why not in p.reasons:
            p.reasons.append(why)


def compressed_size(text: str, limit: int) -> int:
    data = text.encode("utf-8")
    if len(data) + 64 <= limit:  # gzip adds a few dozen bytes of framing at most: it fits
        return len(data)
    return len(gzip.compress(data, compresslevel=6))


def serialize(log: dict[str, Any]) -> str:
    return json.dumps(log, indent=1, ensure_ascii=False) + "\n"


def summary(planned: list[Planned], dropped: list[str], most_runs: int) -> str:
    parts = [f"{p.result.name}: {p.cut_notice}" for p in planned if p.cut_notice]
    if dropped:
        parts.append(f"GitHub takes at most {most_runs} runs: left out {', '.join(dropped)}")
    return "; ".join(parts)
