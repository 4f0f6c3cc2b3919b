"""pip-audit: its service is unreachable here, so recorded output plus one network-cut run.

data/pip_audit_offline.json is real output recorded on this machine: every dependency
skipped, exit 0, "No known vulnerabilities found" on stderr.

data/pip_audit_vulnerable.json follows pip-audit's own `-f json` shape, taken from its
repository: pypa/pip-audit, test/format/test_json.py (`test_json`, with descriptions and
aliases, which `--desc auto` and `--aliases auto` turn on for JSON, and
`test_json_skipped_dep` for a skipped dependency). Its skipped entry carries the reason
pip-audit 2.10 gives with `--skip-editable` (seen here in a real run). The jinja2 and
requests advisories are public ones for those versions; somelib's PYSEC-2099-1 is made up,
for an advisory with no fixed release.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from gates.checks import TOOLS, ProcessOutput
from gates.results import Severity, Status
from tests.checks.harness import DATA, context, parse_only
from tests.conftest import write

PIP_AUDIT: dict[str, Any] = {"kind": "pip-audit"}
WARN: dict[str, Any] = {**PIP_AUDIT, "on_unreachable": "warn"}
NOTHING_FOUND = "No known vulnerabilities found\n"


def recorded(name: str) -> str:
    return (DATA / name).read_text()


def offline_output() -> ProcessOutput:
    return ProcessOutput(0, recorded("pip_audit_offline.json"), NOTHING_FOUND)


def test_build_skips_the_editable_project_and_asks_for_json(tmp_path: Path) -> None:
    argv = TOOLS["pip-audit"].build(context(tmp_path, PIP_AUDIT))
    assert argv[:3] == ["pip-audit", "-f", "json"]
    assert "--skip-editable" in argv


def test_offline_with_every_dependency_skipped_is_an_error(tmp_path: Path) -> None:
    outcome = parse_only(tmp_path, PIP_AUDIT, offline_output())
    assert outcome.status is Status.ERROR
    assert "could not be audited (the vulnerability service is unreachable)" in outcome.message
    assert 'on_unreachable = "warn"' in outcome.message  # says how to let it pass, visibly


def test_offline_with_on_unreachable_warn_passes_with_a_visible_warning(tmp_path: Path) -> None:
    outcome = parse_only(tmp_path, WARN, offline_output())
    assert outcome.status is Status.PASSED
    assert outcome.message.startswith("WARNING, allowed by on_unreachable = 'warn'")
    (warning,) = outcome.findings
    assert warning.severity is Severity.WARNING
    assert warning.rule == "unaudited"
    total = len(json.loads(recorded("pip_audit_offline.json"))["dependencies"])
    assert f"{total} of {total} dependencies could not be audited" in warning.message


def test_known_vulnerabilities_fail_with_id_package_version_and_fixes(tmp_path: Path) -> None:
    out = ProcessOutput(1, recorded("pip_audit_vulnerable.json"), "Found 4 known vulnerabilities")
    for spec in (PIP_AUDIT, WARN):  # "warn" is about unreachable services, never about vulns
        outcome = parse_only(tmp_path, spec, out)
        assert outcome.status is Status.FAILED
        assert {f.rule for f in outcome.findings} == {
            "GHSA-h5c8-rqwp-cp95", "GHSA-9wx4-h78v-vm56", "GHSA-9hjg-9r4m-mvj7", "PYSEC-2099-1",
        }  # fmt: skip
        by_rule = {f.rule: f.message for f in outcome.findings}
        expected = "jinja2 3.1.2: GHSA-h5c8-rqwp-cp95 (CVE-2024-22195); fixed in 3.1.3"
        assert by_rule["GHSA-h5c8-rqwp-cp95"] == expected
        assert by_rule["GHSA-9hjg-9r4m-mvj7"].startswith("requests 2.31.0: ")
        assert by_rule["PYSEC-2099-1"] == "somelib 0.3.1: PYSEC-2099-1; fixed in none yet"
        assert outcome.message == "4 known vulnerabilit(y/ies)"


def test_a_clean_audit_passes_though_the_editable_project_is_skipped(tmp_path: Path) -> None:
    # --skip-editable lists the project itself under skip_reason: that is not "unaudited".
    report = json.loads(recorded("pip_audit_vulnerable.json"))
    for dependency in report["dependencies"]:
        if "vulns" in dependency:
            dependency["vulns"] = []
    out = ProcessOutput(0, json.dumps(report), NOTHING_FOUND)
    outcome = parse_only(tmp_path, PIP_AUDIT, out)
    assert outcome.status is Status.PASSED, outcome.message
    assert outcome.message == "5 dependencies audited"


@pytest.mark.parametrize(
    "stdout",
    [recorded("pip_audit_vulnerable.json")[:300], "", '{"fixes": []}', '{"dependencies": ["x"]}'],
    ids=["truncated-json", "empty", "missing-dependencies", "wrong-shape"],
)
def test_unparsable_output_is_an_error(tmp_path: Path, stdout: str) -> None:
    for returncode in (0, 1):
        outcome = parse_only(tmp_path, PIP_AUDIT, ProcessOutput(returncode, stdout, "boom"))
        assert outcome.status is Status.ERROR


def test_a_failing_exit_with_a_clean_report_is_an_error(tmp_path: Path) -> None:
    out = ProcessOutput(1, '{"dependencies": [], "fixes": []}', "something broke")
    outcome = parse_only(tmp_path, PIP_AUDIT, out)
    assert outcome.status is Status.ERROR
    assert "something broke" in outcome.message


def can_cut_the_network() -> bool:
    if shutil.which("unshare") is None or os.geteuid() != 0:
        return False
    return subprocess.run(["unshare", "-n", "true"], check=False).returncode == 0


@pytest.mark.skipif(not can_cut_the_network(), reason="needs root and unshare -n")
def test_a_real_run_with_the_network_cut_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, {"gates.toml": '[layers.ci]\nbudget = "120s"\nstages = [["pip-audit"]]\n'})
    done = subprocess.run(
        ["unshare", "-n", sys.executable, "-m", "gates", "run", "ci", "--json"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    (check,) = json.loads(done.stdout)["checks"]
    assert check["name"] == "pip-audit"
    assert check["status"] == "error"
    assert "pip-audit exited with" in check["message"]
