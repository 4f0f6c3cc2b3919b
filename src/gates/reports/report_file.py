"""Writing a report file: whole or not at all, and a failure is one line on stderr."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path


def write_report(path: Path, kind: str, build: Callable[[], str]) -> bool:
    """Build a report and write it to `path`; False, with one line on stderr, when it fails."""
    try:
        text = build()
        if not path.parent.exists():
            path.parent.mkdir(parents=True)
        # Through a temporary file: an upload step never reads half a report.
        partial = path.with_name(f".{path.name}.partial")
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
    except Exception as exc:  # a report must not change the run's outcome: say so, once
        print(f"gates: {kind} report not written to {path}: {_reason(exc)}", file=sys.stderr)
        return False
    return True


def _reason(exc: Exception) -> str:
    if isinstance(exc, OSError) and exc.strerror:  # its file name may be the temporary one
        return exc.strerror
    return f"{type(exc).__name__}: {exc}"
