"""What holds for every registered adapter, so that a new one is held to it too."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import pytest

from gates.checks import TOOLS, ProcessOutput
from gates.checks.redact import mask, redact
from gates.config.model import Kind
from gates.results import Status
from tests.checks.harness import parse_only

GARBAGE = ("", "Segmentation fault (core dumped)", '{"results": [{"filename": "a.py", "li')
PARSING_KINDS = sorted(kind for kind in TOOLS if kind != "command")  # command reads no output
# A clean run of these prints nothing at all: mypy -O json, ruff format on excluded files.
SILENT_WHEN_CLEAN = {"mypy", "ruff-format", "ruff-lint"}


def test_every_kind_in_the_config_model_has_an_adapter() -> None:
    assert set(get_args(Kind)) == set(TOOLS)


@pytest.mark.parametrize("kind", PARSING_KINDS)
def test_every_adapter_says_how_to_install_its_tool(kind: str) -> None:
    assert TOOLS[kind].install.startswith("pip install ")


@pytest.mark.parametrize("kind", PARSING_KINDS)
@pytest.mark.parametrize("returncode", [0, 1, 2])
def test_garbage_output_is_an_error_never_a_pass(
    tmp_path: Path, kind: str, returncode: int
) -> None:
    for stdout in GARBAGE:
        if not stdout and returncode == 0 and kind in SILENT_WHEN_CLEAN:
            continue
        out = ProcessOutput(returncode, stdout, "Traceback (most recent call last): ...")
        outcome = parse_only(tmp_path, {"kind": kind}, out)
        assert outcome.status is Status.ERROR, (stdout, outcome)
        assert outcome.message


# Made-up tokens in each format, split so that this file holds none whole.
TOKENS = {
    "aws": "AKIA" + "Z7QX3MPLR4TBV2WN",
    "github": "ghp_" + "a1B2c3D4e5F6g7H8" + "i9J0k1L2m3N4o5P6q7R8",
    "slack": "xoxb-" + "123456789012-abcdefghijkl",
    "stripe": "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc",
    "google": "AIza" + "SyD-9tSrke72PouQ" + "MnMX-a7eZSW0jkFMBWY",
    "jwt": "eyJhbGciOiJIUzI1NiJ9" + ".eyJzdWIiOiIxMjM0NTY3ODkwIn0" + ".dozjgNryP4J3jVmNHl0w5N",
}


@pytest.mark.parametrize("secret", TOKENS.values(), ids=TOKENS.keys())
def test_known_token_formats_are_masked(secret: str) -> None:
    text = redact(f"assert token == {secret!r}\nAssertionError")
    assert secret not in text
    assert mask(secret) in text


def test_secret_named_assignments_and_bandit_passwords_are_masked() -> None:
    value, hint = "hunter" + "22", "h******* (8 chars)"
    assert redact(f"db_password = '{value}'") == f"db_password = '{hint}'"
    bandit_text = f"Possible hardcoded password: '{value}'"
    assert redact(bandit_text) == f"Possible hardcoded password: '{hint}'"


def test_a_private_key_keeps_only_its_header() -> None:
    body = "MIIEowIBAAKCAQEAx4f" + "Zq" * 30
    begin, end = ("-----BEGIN RSA " + "PRIVATE KEY-----", "-----END RSA PRIVATE KEY-----")
    assert redact(f"{begin}\n{body}\n{end}\nnext") == f"{begin} (masked)\nnext"


def test_a_masked_hint_is_not_masked_again() -> None:
    once = redact('aws_access_key = "AKIAZ7QX3MPLR4TBV2WN"')
    assert once == 'aws_access_key = "AKIA************ (20 chars)"'
    assert redact(once) == once


def test_ordinary_text_is_left_alone() -> None:
    for text in ("`os` imported but unused", "test_a.py:3: assert add(1, 2) == 4", "token count"):
        assert redact(text) == text
