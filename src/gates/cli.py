"""The command line: parse, call a domain service, map the outcome to an exit code.

Exit codes: 0 every gate passed; 1 a gate failed; 2 usage or config error; 130 interrupted.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def console() -> int:
    """The `gates` command and `python -m gates`: `main`, then a quick exit."""
    code = main()
    # The run is over, and the process's exit frees what is left. Frozen, those objects are
    # spared the collector's last pass over every module: ~10 ms of each commit's hook.
    gc.freeze()
    return code


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args in (["--version"], ["-V"]):
        # The fast path: no import beyond this module.
        from gates import __version__

        print(f"gates {__version__}")
        return EXIT_OK
    from gates import commands

    return commands.dispatch(args)
