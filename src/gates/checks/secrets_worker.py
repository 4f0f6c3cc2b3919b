"""Scan files with detect-secrets' Python API and print JSON findings with masked values.

Runs as its own process (`python -m gates.checks.secrets_worker`) so that the layer's
budget can kill it like any tool. `detect-secrets-hook` prints only text and may rewrite
the baseline; this worker never writes a file. Secret values never leave this process:
only a masked hint does.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from gates.checks.redact import mask


@contextmanager
def _settings(baseline_path: str | None) -> Iterator[Any]:
    from detect_secrets.core import baseline
    from detect_secrets.core.secrets_collection import SecretsCollection
    from detect_secrets.settings import default_settings, transient_settings

    if baseline_path is None:
        with default_settings():
            yield SecretsCollection()
        return
    data = baseline.load_from_file(baseline_path)
    # The baseline's own plugins and filters, as detect-secrets-hook does.
    with transient_settings({"plugins_used": data.get("plugins_used", []),
                             "filters_used": data.get("filters_used", [])}):  # fmt: skip
        yield baseline.load(data, baseline_path)


def scan(files: list[str], baseline_path: str | None) -> list[dict[str, Any]]:
    from detect_secrets.core.secrets_collection import SecretsCollection

    with _settings(baseline_path) as known:
        found = SecretsCollection()
        for name in files:
            found.scan_file(name)
        new = found - known if baseline_path else found
        return [
            {
                "path": path,
                "line": secret.line_number,
                "type": secret.type,
                "hint": mask(secret.secret_value),
            }
            for path, secret in new
        ]


def _unreadable(name: str) -> str | None:
    try:
        with open(name, "rb"):
            return None
    except OSError as exc:
        return f"{name}: {exc.strerror or exc}"


def main(argv: list[str]) -> int:
    baseline_path = None
    if argv[:1] == ["--baseline"]:
        baseline_path, argv = argv[1], argv[2:]
    files = argv[1:] if argv[:1] == ["--"] else argv
    # detect-secrets skips a file it cannot open with only a log line: that is no scan.
    unreadable = [problem for problem in map(_unreadable, files) if problem]
    if unreadable:
        print("cannot read " + "; ".join(unreadable), file=sys.stderr)
        return 2
    findings = sorted(scan(files, baseline_path), key=lambda f: (f["path"], f["line"]))
    json.dump({"scanned": len(files), "findings": findings}, sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
