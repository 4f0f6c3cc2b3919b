"""Fail closed when a tool is not installed: the real CLI, run where the tools are not.

The CLI runs under the base interpreter (outside the virtualenv, so `find_program` does not
look beside the venv's python) with PATH=/usr/bin:/bin, and imports gates and its libraries
from the venv through PYTHONPATH. No mocking: the programs are really not there.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import write

BASE_PYTHON = Path(sys.base_prefix) / "bin" / "python3"
SYSTEM_PATH = "/usr/bin:/bin"
SOURCE = Path(__file__).resolve().parents[2] / "src"
PROGRAM_CHECKS = {  # check name → the program its adapter runs, and how to install it
    "ruff-format": ("ruff", "pip install ruff"),
    "ruff-lint": ("ruff", "pip install ruff"),
    "mypy": ("mypy", "pip install mypy"),
    "bandit": ("bandit", "pip install bandit"),
    "pip-audit": ("pip-audit", "pip install pip-audit"),
}
CONFIG = f"""\
[layers.ci]
budget = "60s"
stages = [{json.dumps([*PROGRAM_CHECKS, "secrets"])}]
"""


def reachable(program: str) -> bool:
    """Whether find_program would find `program` under the base interpreter and SYSTEM_PATH."""
    return shutil.which(program, path=f"{BASE_PYTHON.parent}{os.pathsep}{SYSTEM_PATH}") is not None


def site_packages_without(view: Path, left_out: str) -> Path:
    """A copy of the venv's site-packages made of symlinks in `view`, minus one package."""
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if not entry.name.startswith(left_out):
            (view / entry.name).symlink_to(entry)
    return view


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """One run of the ci layer with every program missing, and detect-secrets too."""
    if not BASE_PYTHON.is_file():
        pytest.skip(f"no base interpreter at {BASE_PYTHON}")
    root = tmp_path_factory.mktemp("no-tools")
    write(root, {"gates.toml": CONFIG, "app.py": "VALUE = 1\n"})
    libraries = site_packages_without(tmp_path_factory.mktemp("lib"), "detect_secrets")
    env = {
        "PATH": SYSTEM_PATH,
        "PYTHONPATH": os.pathsep.join([str(SOURCE), str(libraries)]),
        "HOME": str(tmp_path_factory.mktemp("home")),
        "NO_COLOR": "1",
    }
    argv = [str(BASE_PYTHON), "-m", "gates", "run", "ci", "--json", "--no-fail-fast"]
    done = subprocess.run(argv, cwd=root, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 1, done.stderr
    return {check["name"]: check for check in json.loads(done.stdout)["checks"]}


@pytest.mark.parametrize("check", sorted(PROGRAM_CHECKS))
def test_a_missing_program_is_an_error_with_its_install_command(
    records: dict[str, dict[str, Any]], check: str
) -> None:
    program, install = PROGRAM_CHECKS[check]
    if reachable(program):
        pytest.skip(f"{program} is installed outside the virtualenv too")
    assert records[check]["status"] == "error"
    assert records[check]["message"] == f"{program} is not installed: {install}"


def test_missing_detect_secrets_is_an_error_with_its_install_command(
    records: dict[str, dict[str, Any]],
) -> None:
    assert records["secrets"]["status"] == "error"
    assert "pip install detect-secrets" in records["secrets"]["message"]
