"""The contract harness every tool adapter goes through.

`run_check` plans a one-check layer from a real config (`build_config` over the python
preset) and runs it with the pipeline's own `execute`: the real tool, on real files in a
temporary folder, through the same build → run → parse path a user's run takes.
`parse_only` feeds an adapter's `parse` a hand-made ProcessOutput, for output no real run
can be made to print (truncated JSON, a service we cannot reach).
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gates.checks import TOOLS, CheckContext, ProcessOutput
from gates.config.loader import build_config
from gates.config.model import Check
from gates.pipeline.execute import execute
from gates.pipeline.plan import plan_layer
from gates.pipeline.process import ProcessGroups
from gates.results import CheckResult, Finding, Outcome, Severity

DATA = Path(__file__).parent / "data"
CHECK_NAME = "under-test"
BUDGET = "120s"  # generous: a loaded CI machine must not turn a slow tool into a timeout


def layer_settings(layer: str) -> dict[str, Any]:
    settings: dict[str, Any] = {"budget": BUDGET, "stages": [[CHECK_NAME]]}
    if layer == "pre-commit":
        settings["no_secret_scan"] = "one adapter under test"  # pragma: allowlist secret
    return settings


def run_check(
    root: Path,
    spec: dict[str, Any],
    files: Sequence[str] = (),
    *,
    layer: str = "ci",
    coverage: float | None = None,
) -> CheckResult:
    """Plan `spec` as the only check of `layer` over `files` and run it for real."""
    settings: dict[str, Any] = {
        "layers": {layer: layer_settings(layer)},
        "checks": {CHECK_NAME: spec},
    }
    if coverage is not None:
        settings["coverage"] = coverage
    config = build_config(settings, "test", "")
    plan = plan_layer(config, layer, root, files)
    (planned,) = plan.stages[0]
    assert planned.skip_reason is None, planned.skip_reason
    return execute(planned, plan, time.monotonic() + plan.budget, ProcessGroups())


def context(
    root: Path, spec: dict[str, Any], *, layer: str = "ci", files: Sequence[str] = ()
) -> CheckContext:
    """A CheckContext as the pipeline builds one, for calling an adapter directly."""
    workdir = root / ".gates-work"
    workdir.mkdir(exist_ok=True)
    return CheckContext(
        name=CHECK_NAME,
        layer=layer,
        root=root,
        files=tuple(files),
        spec=Check(**spec),
        coverage=80.0,
        workdir=workdir,
    )


def parse_only(
    root: Path, spec: dict[str, Any], out: ProcessOutput, *, layer: str = "ci"
) -> Outcome:
    return TOOLS[spec["kind"]].parse(context(root, spec, layer=layer), out)


def located(finding: Finding) -> tuple[str | None, int | None, int | None, str]:
    """Where a finding points and which rule it names: what a contract assertion compares."""
    return finding.path, finding.line, finding.column, finding.rule


def rules(result: CheckResult | Outcome) -> set[str]:
    return {finding.rule for finding in result.findings}


def rendered(result: CheckResult) -> str:
    """Everything a report could show of a result: its JSON record and its command head."""
    return json.dumps(result.to_json()) + " ".join(result.command)


def errors_only(result: CheckResult | Outcome) -> list[Finding]:
    return [f for f in result.findings if f.severity is Severity.ERROR]
