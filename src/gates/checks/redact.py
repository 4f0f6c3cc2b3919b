"""Mask secret values in whatever a tool printed, before it becomes a finding or a message.

Tools echo source text: bandit's B105 names the hardcoded password, a failing test's
assertion shows both sides, a team's command prints what it found. Secret values are never
shown in full anywhere, so every adapter's outcome passes through `redact_outcome`
(the registry applies it) and keeps only a masked hint, as the secret scan does.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

from gates.checks.base import CheckContext, ProcessOutput
from gates.results import Outcome

Parse = Callable[[CheckContext, ProcessOutput], Outcome]

# Token formats with a fixed, well-known shape (the ones detect-secrets' plugins look for).
_TOKENS = re.compile(
    r"\b(?:A3T[A-Z0-9]|ABIA|ACCA|AKIA|ASIA)[0-9A-Z]{16}\b"  # AWS access key id
    r"|\b(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9_]{36}\b"  # GitHub
    r"|\bgithub_pat_[A-Za-z0-9_]{22,}"
    r"|\b(?:glpat|gldt|glft|glrt)-[A-Za-z0-9_\-]{20,50}"  # GitLab
    r"|\bxox[abposr]-[A-Za-z0-9-]{10,}"  # Slack
    r"|\b[rs]k_live_[0-9a-zA-Z]{24,}"  # Stripe
    r"|\bsk-[A-Za-z0-9_-]{20,}"  # OpenAI and look-alikes
    r"|\bAIza[0-9A-Za-z_\-]{35}"  # Google API key
    r"|\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}"  # SendGrid
    r"|\bpypi-AgE[A-Za-z0-9_-]{50,}"  # PyPI
    r"|\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"  # JSON Web Token
)
# A value assigned to a name that says it is a secret: password = "…", api_key: '…'.
_ASSIGNED = re.compile(
    r"""(?P<name>(?:passw(?:or)?d|pwd|secret|token|api_?key|access_?key|private_?key)"""
    r"""\w*['"]?\s*(?:=|:|==|!=)\s*[bru]{0,2})(?P<quote>['"])(?P<value>[^'"\n]{4,})(?P=quote)""",
    re.IGNORECASE,
)
# What bandit says about a hardcoded password: "Possible hardcoded password: '<the value>'".
_HARDCODED = re.compile(r"(?P<name>hardcoded password: )(?P<quote>['\"])(?P<value>.+?)(?P=quote)")
_ALREADY_MASKED = re.compile(r"\*{1,12} \(\d+ chars\)$")
_PRIVATE_KEY = re.compile(
    r"(-----BEGIN [A-Z ]*PRIVATE KEY-----)(?:.*?-----END [A-Z ]*PRIVATE KEY-----|.*)", re.DOTALL
)


def mask(secret: str | None) -> str:
    """A hint that helps find the secret without disclosing it."""
    if not secret:
        return "****"
    shown = 4 if len(secret) >= 16 else 1 if len(secret) >= 8 else 0
    return secret[:shown] + "*" * min(len(secret) - shown, 12) + f" ({len(secret)} chars)"


def redact(text: str) -> str:
    """`text` with every secret-looking value replaced by its masked hint."""
    if not text:
        return text
    text = _PRIVATE_KEY.sub(r"\1 (masked)", text)
    text = _TOKENS.sub(lambda m: mask(m.group(0)), text)
    for pattern in (_ASSIGNED, _HARDCODED):
        text = pattern.sub(_masked_value, text)
    return text


def _masked_value(match: re.Match[str]) -> str:
    quote = match.group("quote")
    value = match.group("value")
    shown = value if _ALREADY_MASKED.search(value) else mask(value)
    return f"{match.group('name')}{quote}{shown}{quote}"


def redact_outcome(outcome: Outcome) -> Outcome:
    findings = tuple(dataclasses.replace(f, message=redact(f.message)) for f in outcome.findings)
    return dataclasses.replace(outcome, findings=findings, message=redact(outcome.message))


def redacting(parse: Parse) -> Parse:
    """`parse`, with its outcome redacted."""

    def parse_and_redact(ctx: CheckContext, out: ProcessOutput) -> Outcome:
        return redact_outcome(parse(ctx, out))

    return parse_and_redact
