"""The wheel a newcomer installs carries the presets, the worker and the type marker."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(out), str(ROOT)],
        check=True, capture_output=True,
    )  # fmt: skip
    return next(out.glob("quality_gates-*.whl"))


def test_wheel_ships_presets_and_markers(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    presets = {p.name for p in (ROOT / "presets").glob("*.toml")}
    assert {f"gates/presets/{name}" for name in presets} <= names
    assert {"gates/py.typed", "gates/checks/secrets_worker.py"} <= names


def test_installed_layout_finds_its_presets(wheel: Path, tmp_path: Path) -> None:
    zipfile.ZipFile(wheel).extractall(tmp_path)
    code = (
        "from gates.config.loader import presets_dir, available_presets; "
        "print(presets_dir()); print(available_presets())"
    )
    env = {"PYTHONPATH": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    folder, presets = done.stdout.splitlines()
    assert Path(folder) == tmp_path / "gates" / "presets"
    assert "'python'" in presets
    assert "'strict'" in presets
