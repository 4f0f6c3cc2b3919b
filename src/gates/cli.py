"""The command line: parse, call a domain service, map the outcome to an exit code.

Exit codes: 0 every gate passed; 1 a gate failed; 2 usage or config error; 130 interrupted.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def console() -> int:
    """The `gates` command and `python -m gates`: `main`, with the cyclic garbage collector
    kept out of the way of a process that lives a few seconds.

    Start-up allocates tens of thousands of objects (modules, classes, functions) that live
    as long as the process, and the collector walked them again and again while they were
    made; at exit it walks them all once more. Off during the run, and with what is left
    frozen at the end, that is ~14 ms less on each commit's hook. Reference counting still
    frees nearly everything a run lets go of.
    """
    gc.disable()
    code = main()
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
