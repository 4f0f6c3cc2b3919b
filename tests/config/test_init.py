"""`gates init`: a minimal config, and not one other byte of the user's file changed."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import GatesRunner, write

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

COMMENT = "# gates: quality gates; see `gates config` for the effective config"

# A pyproject.toml with the things a round trip through a TOML library tends to lose:
# comments everywhere, odd spacing, key order, a multi-line array, literal strings, other
# [tool.*] tables after which a library would like to put ours, a table after them.
PYPROJECT = """\
# The demo project.   Two spaces after the full stop, on purpose.
[build-system]
requires = [ "hatchling>=1.25" ]   # pinned below in CI
build-backend="hatchling.build"

[project]
name = "demo"
version = '1.0'
dependencies = [
    "requests>=2",     # http
    "rich",
]

[tool.ruff]
line-length = 100

[tool.ruff.lint]
select = ["E", "F"]  # keep short

[tool.pytest.ini_options]
addopts = "-q"

[project.optional-dependencies]
test = ["pytest"]
# a trailing comment, and no blank line after it
"""


def init(gates: GatesRunner, folder: Path, *args: str) -> None:
    done = gates(folder, "init", *args)
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    assert done.stdout.startswith("wrote the gates config")


def assert_refused(gates: GatesRunner, folder: Path, line: str, *args: str) -> None:
    done = gates(folder, "init", *args)
    assert (done.returncode, done.stdout, done.stderr) == (2, "", line + "\n")


def config_source(gates: GatesRunner, folder: Path) -> str:
    done = gates(folder, "config")
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    return done.stdout.splitlines()[0]


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_init_appends_to_pyproject_and_keeps_every_other_byte(
    gates: GatesRunner, tmp_path: Path, newline: str
) -> None:
    original = PYPROJECT.replace("\n", newline).encode("utf-8")
    (tmp_path / "pyproject.toml").write_bytes(original)
    init(gates, tmp_path)
    after = (tmp_path / "pyproject.toml").read_bytes()
    assert after[: len(original)] == original
    added = newline.join(["", "[tool.gates]", COMMENT, 'preset = "python"', ""])
    assert after[len(original) :] == added.encode("utf-8")
    assert config_source(gates, tmp_path) == (
        "# effective gates config: preset 'python' + pyproject.toml"
    )


def test_init_adds_a_newline_to_a_last_line_that_has_none(
    gates: GatesRunner, tmp_path: Path
) -> None:
    original = b'[project]\nname = "demo"'
    (tmp_path / "pyproject.toml").write_bytes(original)
    init(gates, tmp_path)
    after = (tmp_path / "pyproject.toml").read_bytes()
    assert after == original + b"\n\n[tool.gates]\n" + COMMENT.encode() + b'\npreset = "python"\n'


def test_init_with_a_preset(gates: GatesRunner, tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": PYPROJECT})
    init(gates, tmp_path, "--preset", "strict")
    data = tomllib.loads((tmp_path / "pyproject.toml").read_text(encoding="utf-8"))
    assert data["tool"]["gates"] == {"preset": "strict"}
    assert config_source(gates, tmp_path) == (
        "# effective gates config: preset 'strict' + pyproject.toml"
    )


def test_init_creates_gates_toml_without_a_pyproject(gates: GatesRunner, tmp_path: Path) -> None:
    init(gates, tmp_path)
    assert (tmp_path / "gates.toml").read_text(encoding="utf-8") == (
        f'{COMMENT}\npreset = "python"\n'
    )
    assert not (tmp_path / "pyproject.toml").exists()
    assert config_source(gates, tmp_path) == (
        "# effective gates config: preset 'python' + gates.toml"
    )


def test_init_writes_at_the_top_of_the_git_repository(
    gates: GatesRunner, make_repo: Callable[..., Path]
) -> None:
    repo = make_repo({"pyproject.toml": PYPROJECT, "src/pkg/mod.py": ""})
    init(gates, repo / "src" / "pkg")
    assert "[tool.gates]" in (repo / "pyproject.toml").read_text(encoding="utf-8")
    assert not (repo / "src" / "pkg" / "gates.toml").exists()
    assert config_source(gates, repo / "src" / "pkg").endswith("+ pyproject.toml")


def test_init_refuses_to_replace_gates_toml(gates: GatesRunner, tmp_path: Path) -> None:
    write(tmp_path, {"gates.toml": "coverage = 95  # ours\n", "pyproject.toml": PYPROJECT})
    assert_refused(
        gates,
        tmp_path,
        "gates: gates.toml: already holds the gates config; use gates init --force to replace it",
    )
    assert (tmp_path / "gates.toml").read_text(encoding="utf-8") == "coverage = 95  # ours\n"
    assert (tmp_path / "pyproject.toml").read_text(encoding="utf-8") == PYPROJECT


def test_init_force_replaces_gates_toml(gates: GatesRunner, tmp_path: Path) -> None:
    write(tmp_path, {"gates.toml": "coverage = 95  # ours\n", "pyproject.toml": PYPROJECT})
    init(gates, tmp_path, "--force", "--preset", "strict")
    assert (tmp_path / "gates.toml").read_text(encoding="utf-8") == (
        f'{COMMENT}\npreset = "strict"\n'
    )
    assert (tmp_path / "pyproject.toml").read_text(encoding="utf-8") == PYPROJECT


EXISTING = """\
# top comment
[project]
name = "demo"

[tool.gates]
preset = "strict"
coverage = 95

[tool.gates.checks.licenses]
kind = "command"
command = ["python", "lic.py"]

[tool.ruff]
line-length = 100  # keep me

[tool.gates.layers.ci]
budget = "10m"
"""


def test_init_refuses_to_replace_tool_gates(gates: GatesRunner, tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": EXISTING})
    assert_refused(
        gates,
        tmp_path,
        "gates: pyproject.toml: tool.gates: already holds the gates config;"
        " use gates init --force to replace it",
    )
    assert (tmp_path / "pyproject.toml").read_text(encoding="utf-8") == EXISTING


def test_init_force_replaces_tool_gates_and_keeps_the_rest(
    gates: GatesRunner, tmp_path: Path
) -> None:
    write(tmp_path, {"pyproject.toml": EXISTING})
    init(gates, tmp_path, "--force")
    after = (tmp_path / "pyproject.toml").read_text(encoding="utf-8")
    assert after == (
        "# top comment\n"
        "[project]\n"
        'name = "demo"\n'
        "\n"
        "[tool.ruff]\n"
        "line-length = 100  # keep me\n"
        "\n"
        "[tool.gates]\n"
        f"{COMMENT}\n"
        'preset = "python"\n'
    )
    assert config_source(gates, tmp_path) == (
        "# effective gates config: preset 'python' + pyproject.toml"
    )


def test_init_with_an_unknown_preset_writes_nothing(gates: GatesRunner, tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": PYPROJECT})
    assert_refused(
        gates,
        tmp_path,
        'gates: gates init: --preset: unknown preset "django"; the presets are python, strict',
        "--preset",
        "django",
    )
    assert (tmp_path / "pyproject.toml").read_text(encoding="utf-8") == PYPROJECT
    assert not (tmp_path / "gates.toml").exists()


def test_init_refuses_a_malformed_pyproject(gates: GatesRunner, tmp_path: Path) -> None:
    write(tmp_path, {"pyproject.toml": '[project]\nname = "demo\n'})
    done = gates(tmp_path, "init")
    assert done.returncode == 2
    assert done.stderr.startswith("gates: pyproject.toml: not valid TOML: ")
    assert done.stderr.count("\n") == 1
    assert (tmp_path / "pyproject.toml").read_text(encoding="utf-8") == '[project]\nname = "demo\n'


def test_init_refuses_when_tool_is_an_inline_table(gates: GatesRunner, tmp_path: Path) -> None:
    text = 'tool = { ruff = { line-length = 100 } }\n\n[project]\nname = "demo"\n'
    write(tmp_path, {"pyproject.toml": text})
    assert_refused(
        gates,
        tmp_path,
        "gates: pyproject.toml: tool: cannot append [tool.gates] to this file;"
        ' add preset = "python" under [tool.gates] by hand',
    )
    assert (tmp_path / "pyproject.toml").read_text(encoding="utf-8") == text


def test_init_force_keeps_crlf_line_endings(gates: GatesRunner, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_bytes(EXISTING.replace("\n", "\r\n").encode())
    init(gates, tmp_path, "--force")
    after = (tmp_path / "pyproject.toml").read_bytes()
    assert after.count(b"\n") == after.count(b"\r\n")
    assert after.endswith(
        b"\r\n\r\n[tool.gates]\r\n" + COMMENT.encode() + b'\r\npreset = "python"\r\n'
    )


def test_init_refuses_a_pyproject_that_is_not_utf8(gates: GatesRunner, tmp_path: Path) -> None:
    original = b'[project]\nname = "d\xe9mo"\n'  # Latin-1
    (tmp_path / "pyproject.toml").write_bytes(original)
    done = gates(tmp_path, "init")
    assert done.returncode == 2
    assert done.stderr.startswith("gates: pyproject.toml: not valid TOML: 'utf-8' codec can't")
    assert (tmp_path / "pyproject.toml").read_bytes() == original
