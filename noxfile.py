"""The project's own development sessions: `nox -s tests`, `nox -s lint`, `nox -s typecheck`."""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "venv"
nox.options.sessions = ["lint", "typecheck", "tests"]
PYTHONS = ["3.10", "3.11", "3.12", "3.13"]


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """The test suite with the 80% coverage gate."""
    session.install("-e", ".[test]")
    session.run("python", "-m", "pytest", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff lint and format check on everything."""
    session.install("ruff")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy --strict on src/."""
    session.install("-e", ".", "mypy")
    session.run("mypy")


@nox.session
def schema(session: nox.Session) -> None:
    """Regenerate schema/gates.schema.json from the config model."""
    session.install("-e", ".")
    session.run("python", "-m", "gates.config.schema")


@nox.session
def gates(session: nox.Session) -> None:
    """gates on itself: the ci layer, all files."""
    session.install("-e", ".[test]")
    session.run("gates", "run", "ci", *session.posargs)
