"""Planning: which files each check sees, and what is skipped before anything runs."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

from gates.config.loader import build_config
from gates.config.model import FileType
from gates.pipeline.files import SUFFIXES, matches, select
from gates.pipeline.plan import plan_layer


def test_a_glob_without_a_slash_matches_the_file_name_anywhere() -> None:
    assert matches("pkg/sub/mod.py", "*.py")
    assert matches("pkg/conftest.py", "conftest.py")
    assert not matches("pkg/mod.pyc", "*.py")
    assert matches("tests/unit/test_a.py", "tests/*")
    assert not matches("src/tests.py", "tests/*")


def test_select_by_type_glob_and_exclude(tmp_path: Path) -> None:
    (tmp_path / "blob.bin").write_bytes(b"\0\1\2")
    (tmp_path / "notes.txt").write_text("hello")
    files = ["a.py", "b.pyi", "c.toml", "tests/test_a.py", "blob.bin", "notes.txt"]
    assert select(files, tmp_path, types=["python"]) == ["a.py", "b.pyi", "tests/test_a.py"]
    assert select(files, tmp_path, types=["python"], exclude=["tests/*"]) == ["a.py", "b.pyi"]
    assert select(files, tmp_path, globs=["*.toml"]) == ["c.toml"]
    assert select(["blob.bin", "notes.txt"], tmp_path, types=["text"]) == ["notes.txt"]


def test_every_file_type_in_the_schema_is_known_to_the_filter() -> None:
    assert set(get_args(FileType)) == {*SUFFIXES, "text"}


def test_empty_file_set_skips_file_checks_but_not_whole_project_checks(tmp_path: Path) -> None:
    config = build_config({}, "gates.toml", "")
    plan = plan_layer(config, "pre-push", tmp_path, [])
    reasons = {c.name: c.skip_reason for stage in plan.stages for c in stage}
    assert reasons == {"mypy": "no files to check", "bandit": "no files to check", "tests": None}


def test_top_level_and_check_excludes(tmp_path: Path) -> None:
    settings = {"exclude": ["examples/*"]}
    config = build_config(settings, "gates.toml", "")
    files = ["examples/bad.py", "pkg/mod.py", "tests/test_mod.py"]
    plan = plan_layer(config, "pre-push", tmp_path, files)
    seen = {c.name: c.files for stage in plan.stages for c in stage}
    assert plan.file_count == 2
    assert seen["mypy"] == ("pkg/mod.py", "tests/test_mod.py")
    assert seen["bandit"] == ("pkg/mod.py",)  # the preset keeps bandit out of tests
