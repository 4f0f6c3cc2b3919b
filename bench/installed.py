"""The gates a benchmark times: the package its runs import, compiled as `pip install`
compiles it. Under PYTHONDONTWRITEBYTECODE (set on some machines, this one included), a
checkout on PYTHONPATH or an editable install would otherwise be compiled from source on
every timed run, which no installed gates is, nor the pre-commit it is compared with."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


class CompileError(Exception):
    pass


def gates_package(env: dict[str, str]) -> Path | None:
    """The folder of the gates package that runs with `env` import; None when none does."""
    where = subprocess.run(
        [sys.executable, "-c", "import gates; print(gates.__file__)"],
        env=env, capture_output=True, text=True, check=False,
    ).stdout.strip()  # fmt: skip
    return Path(where).parent if where else None


def compile_gates(env: dict[str, str]) -> str:
    """Compile that package's bytecode; a line that says what was compiled."""
    package = gates_package(env)
    if package is None:
        return "gates does not import: nothing compiled"
    done = subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)],
                          env=env, capture_output=True, text=True, check=False)  # fmt: skip
    if done.returncode != 0:
        raise CompileError(f"cannot compile {package}: {done.stdout}{done.stderr}")
    return f"compiled the bytecode of {package}, as pip install does"
