"""gates against pre-commit, prek and lefthook: the same three checks on the same commits.

    python bench/hooks.py [--runs N] [--keep] [--scenario one|fifty|new|all ...]

Builds one git repository of real Python files (the sources of rich and pygments installed
beside this script, formatted and lint-clean, with any file detect-secrets flags left out),
commits it, and configures every tool with the same three checks as local commands:
detect-secrets-hook, then `ruff format --check` and `ruff check` in parallel where the tool
can. Then, for each scenario (the staging is reset between scenarios, not between runs):

1. one file with a small edit staged;
2. fifty files with small edits staged;
3. fifty new files staged;
4. every file (`--all-files`),

it times `gates run pre-commit`, `pre-commit run`, `prek run` and `lefthook run pre-commit`
(lefthook from npm into the temporary directory; its column is left out, with the reason,
when that fails), N times each round-robin after one checked warm-up, together with the
floor: detect-secrets-hook alone on the same files, then the slower of the two ruff commands
alone, and `python -c pass` (one interpreter start).

gates' bytecode is compiled first, as `pip install` compiles it (an installed pre-commit has
its own), so that a checkout run under PYTHONDONTWRITEBYTECODE is not compiled from source
on every run. Before timing, a sanity step stages, in turn, an AWS key in a new file, an AWS
key added to a committed file, a badly formatted file and a lint error, and requires every
tool to fail on each: no tool is timed while it skips a check. Prints the median and minimum
of each command, one table of the ratios, and whether the targets are met. Exits 0 whether
or not they are; 1 when a command fails where it should pass or passes where it should fail;
2 on bad usage.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from installed import CompileError, compile_gates, gates_package

BIN = Path(sys.executable).parent
HERE = Path(__file__).resolve().parent.parent
PACKAGES = ("rich", "pygments")  # the corpus: real, varied Python, installed with gates
NEW_FILES = 50
EDITED_FILES = 50
SMALL_EDIT_TARGET = 0.5  # gates / pre-commit and gates / prek, small edits
NEW_FILES_TARGET = 1.0  # gates / prek, new files
FLOOR_TARGET = 1.2  # gates / (floor + one interpreter start), everywhere
# Built at run time, so this file holds no secret for a scanner to find.
PLANTED_KEY = "AKIA" + "Z7QPLX3M4VN5TR2W"
# A hook run from a hook, or a user's SKIP=/LEFTHOOK=0, would change what the tools do.
CLEARED_ENV = ("SKIP", "LEFTHOOK", "LEFTHOOK_EXCLUDE", "GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE")
SCENARIOS = ("one", "fifty", "new", "all")
SMALL_EDIT = "\n\ndef _bench_small_edit():\n    return 1\n"

PRE_COMMIT_CONFIG = """\
# The same three checks as gates' python preset, as local hooks (no hook repository can be
# cloned here). prek reads this file too: equal priorities run at once, like a gates stage.
repos:
  - repo: local
    hooks:
      - id: secrets
        name: secrets
        entry: detect-secrets-hook
        language: system
        types: [text]
        priority: 0
      - id: ruff-format
        name: ruff-format
        entry: ruff format --check
        language: system
        types: [python]
        priority: 1
      - id: ruff-lint
        name: ruff-lint
        entry: ruff check
        language: system
        types: [python]
        priority: 1
"""
LEFTHOOK_CONFIG = """\
# The same three checks: the secret scan, then both ruff commands in parallel.
colors: false
pre-commit:
  jobs:
    - name: secrets
      run: detect-secrets-hook {staged_files}
    - name: ruff
      glob: "**.py"
      group:
        parallel: true
        jobs:
          - name: ruff-format
            run: ruff format --check {staged_files}
          - name: ruff-lint
            run: ruff check {staged_files}
"""
GATES_CONFIG = """\
preset = "python"

[layers.pre-commit]
# The default 5 s would stop the every-file scenario before the secret scan ends: the point
# here is the time each tool takes to do the whole job.
budget = "600s"
"""
# ruff's classic default rules: real code passes them after `ruff check --fix`.
RUFF_CONFIG = 'line-length = 100\n\n[lint]\nselect = ["E4", "E7", "E9", "F"]\n'


class BenchError(Exception):
    """A command failed where it should pass, or passed where it should fail."""


# Looks at a finished command's output; says what is wrong with it, or None.
Verify = Callable[[subprocess.CompletedProcess[str]], "str | None"]


@dataclass
class Row:
    name: str
    argv: list[str]
    check: Verify | None = None
    times: list[float] = field(default_factory=list)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times) * 1000

    @property
    def min_ms(self) -> float:
        return min(self.times) * 1000


@dataclass
class Scenario:
    key: str
    title: str
    all_files: bool = False
    files: list[str] = field(default_factory=list)  # what the tools should check
    rows: dict[str, Row] = field(default_factory=dict)
    gates_checks: dict[str, float] = field(default_factory=dict)  # from `--json`

    @property
    def python_files(self) -> list[str]:
        return [f for f in self.files if f.endswith(".py")]

    def floor_ms(self) -> float:
        ruff = max(self.rows["ruff format --check"].median_ms, self.rows["ruff check"].median_ms)
        return self.rows["detect-secrets-hook"].median_ms + ruff


@dataclass
class Bench:
    repo: Path
    env: dict[str, str]
    tools: dict[str, list[str]]  # tool name -> the command that runs its pre-commit hook
    lefthook_missing: str | None = None
    corpus: list[str] = field(default_factory=list)
    reserve: dict[str, bytes] = field(default_factory=dict)  # the new files of scenario 3

    def run(self, argv: Sequence[str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            argv, cwd=self.repo, env=self.env, capture_output=True, text=True, check=False
        )

    def git(self, *args: str) -> str:
        done = self.run(["git", "-c", "user.name=bench", "-c", "user.email=bench@invalid", *args])
        if done.returncode != 0:
            raise BenchError(f"git {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def reset(self) -> None:
        self.git("reset", "-q", "--hard", "HEAD")
        self.git("clean", "-fdq")  # ignored caches (ruff's) stay


# --- the repository ------------------------------------------------------------------------


def package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise BenchError(f"{name} is not installed beside {sys.executable}")
    return Path(next(iter(spec.submodule_search_locations)))


def candidates() -> dict[str, Path]:
    """Every source file of the corpus packages, by its path in the repository. pygments'
    generated `lexers/_*_builtins.py` word tables are left out: nobody edits them."""
    found = {}
    for name in PACKAGES:
        top = package_dir(name)
        for path in sorted(top.rglob("*.py")):
            relative = path.relative_to(top.parent).as_posix()
            if "__pycache__" in relative or relative.startswith("pygments/lexers/_"):
                continue
            found[relative] = path
    return found


def build_repo(bench: Bench) -> None:
    """The corpus, formatted and lint-clean, committed; files detect-secrets flags (a
    pygments table gives one false positive) or ruff cannot fix are left out."""
    bench.git("init", "-q")  # first: no tool may look for a repository above this one
    sources = candidates()
    for relative, path in sources.items():
        target = bench.repo / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    (bench.repo / "ruff.toml").write_text(RUFF_CONFIG)
    ruff = str(BIN / "ruff")
    bench.run([ruff, "format", "--quiet", "."])
    bench.run([ruff, "check", "--fix", "--quiet", "."])
    bench.run([ruff, "format", "--quiet", "."])  # a fix can leave a blank line too many
    left = bench.run([ruff, "check", "--output-format", "json", "."])
    unformatted = bench.run([ruff, "format", "--check", "--output-format", "json", "."])
    dropped = {item["filename"] for item in json.loads(left.stdout or "[]")}
    dropped |= {item["filename"] for item in json.loads(unformatted.stdout or "[]")}
    scan = bench.run([str(BIN / "detect-secrets"), "scan", "--all-files", *sources])
    if scan.returncode != 0:
        raise BenchError(f"detect-secrets scan failed: {scan.stderr.strip()[-500:]}")
    dropped |= {str(bench.repo / name) for name in json.loads(scan.stdout)["results"]}
    clean = [r for r in sources if str(bench.repo / r) not in dropped]
    for relative in sources:
        if relative not in clean:
            (bench.repo / relative).unlink()
    # Every k-th clean file is held back, to be staged as new in scenario 3.
    step = max(1, len(clean) // NEW_FILES)
    held = clean[::step][:NEW_FILES]
    for relative in held:
        bench.reserve[relative] = (bench.repo / relative).read_bytes()
        (bench.repo / relative).unlink()
    bench.corpus = [r for r in clean if r not in bench.reserve]
    (bench.repo / ".gitignore").write_text(".ruff_cache/\n")
    (bench.repo / ".pre-commit-config.yaml").write_text(PRE_COMMIT_CONFIG)
    (bench.repo / "lefthook.yml").write_text(LEFTHOOK_CONFIG)
    (bench.repo / "gates.toml").write_text(GATES_CONFIG)
    bench.git("add", "-A")
    bench.git("commit", "-q", "--no-verify", "-m", "corpus")
    lines = sum((bench.repo / r).read_bytes().count(b"\n") for r in bench.corpus)
    print(
        f"repository: {len(bench.corpus)} Python files ({lines} lines) from"
        f" {' + '.join(PACKAGES)}; {len(sources) - len(clean)} left out (ruff or"
        f" detect-secrets findings), {len(held)} held back as new files"
    )


def install_lefthook(tmp: Path) -> tuple[list[str] | None, str | None]:
    """lefthook from npm, into `tmp`. --ignore-scripts: its postinstall runs `lefthook
    install` in the directory npm was started from, which would hook the caller's repository."""
    npm = shutil.which("npm")
    if npm is None:
        return None, "npm is not installed"
    prefix = tmp / "npm"
    prefix.mkdir()
    argv = [npm, "install", "--prefix", str(prefix), "--ignore-scripts", "--no-audit",
            "--no-fund", "lefthook"]  # fmt: skip
    try:
        done = subprocess.run(
            argv, cwd=prefix, capture_output=True, text=True, check=False, timeout=300
        )
    except subprocess.TimeoutExpired:
        return None, "npm install lefthook took over 300 s"
    modules = prefix / "node_modules"
    # The Go binary itself, as lefthook's git hook calls it, not the Node wrapper in .bin.
    native = sorted(modules.glob("lefthook-*/bin/lefthook"))
    exe = native[0] if native else modules / ".bin" / "lefthook"
    if done.returncode != 0 or not exe.exists():
        return None, f"npm install lefthook failed: {(done.stderr or done.stdout).strip()[-300:]}"
    probe = subprocess.run(
        [str(exe), "version"], cwd=prefix, capture_output=True, text=True, check=False
    )
    if probe.returncode != 0:
        return None, f"lefthook does not run: {(probe.stderr or probe.stdout).strip()[-300:]}"
    return [str(exe)], None


# --- the scenarios -------------------------------------------------------------------------


def spread(items: Sequence[str], count: int) -> list[str]:
    """`count` items evenly spaced over `items`."""
    step = len(items) / count
    return [items[int(i * step)] for i in range(count)]


def edit(bench: Bench, files: Sequence[str]) -> None:
    for relative in files:
        with open(bench.repo / relative, "a", encoding="utf-8") as handle:
            handle.write(SMALL_EDIT)
    bench.git("add", "--", *files)


def stage_new(bench: Bench) -> list[str]:
    names = []
    for relative, content in bench.reserve.items():
        name = "new/" + relative.replace("/", "_")
        (bench.repo / name).parent.mkdir(exist_ok=True)
        (bench.repo / name).write_bytes(content)
        names.append(name)
    bench.git("add", "--", *names)
    return names


def median_file(bench: Bench) -> str:
    by_size = sorted(bench.corpus, key=lambda r: (bench.repo / r).stat().st_size)
    return by_size[len(by_size) // 2]


def prepare(bench: Bench, key: str) -> Scenario:
    bench.reset()
    if key == "one":
        files = [median_file(bench)]
        edit(bench, files)
        return Scenario(key, "1 file, small edit", files=files)
    if key == "fifty":
        files = spread(bench.corpus, EDITED_FILES)
        edit(bench, files)
        return Scenario(key, f"{EDITED_FILES} files, small edits", files=files)
    if key == "new":
        return Scenario(key, f"{NEW_FILES} new files", files=stage_new(bench))
    tracked = bench.git("ls-files", "-z").split("\0")
    return Scenario(key, "all files", all_files=True, files=[f for f in tracked if f])


# --- what each tool prints when it did its work --------------------------------------------


def expect_hooks_ran(names: Sequence[str]) -> Verify:
    """pre-commit and prek: each hook's line ends in "Passed" (not "Skipped")."""

    def check(done: subprocess.CompletedProcess[str]) -> str | None:
        lines = [line.rstrip() for line in (done.stdout + done.stderr).splitlines()]
        for name in names:
            if not any(line.startswith(name) and line.endswith("Passed") for line in lines):
                return f"hook {name} did not report Passed"
        return None

    return check


def expect_lefthook_ran(done: subprocess.CompletedProcess[str]) -> str | None:
    """lefthook: its summary has a "✓ name (N seconds)" line for each job that ran."""
    summary = [line.strip() for line in (done.stdout + done.stderr).splitlines()]
    for name in ("secrets", "ruff-format", "ruff-lint"):
        if not any(line.startswith(f"✓ {name} (") for line in summary):
            return f"job {name} did not report success"
    return None


def gates_breakdown(bench: Bench, scenario: Scenario) -> None:
    """One `gates run pre-commit --json` (untimed): every check ran and passed, on the
    staged files, and how long each took; "run" is the whole run inside gates' process."""
    argv = [*bench.tools["gates"], "--json", *(["--all-files"] if scenario.all_files else [])]
    done = bench.run(argv)
    if done.returncode != 0:
        raise BenchError(f"gates --json exited with {done.returncode}: {done.stderr[-1000:]}")
    record = json.loads(done.stdout)
    if record.get("skips") or record.get("files") != len(scenario.files):
        raise BenchError(
            f"gates checked {record.get('files')} of {len(scenario.files)} files in"
            f" {scenario.title}; skipped: {record.get('skips')}"
        )
    for item in record["checks"]:
        if item["status"] != "passed" or not item["files"]:
            raise BenchError(f"gates: {item['name']} ended {item['status']} in {scenario.title}")
        scenario.gates_checks[item["name"]] = item["duration_s"] * 1000
    if {"secrets", "ruff-format", "ruff-lint"} - set(scenario.gates_checks):
        raise BenchError(f"gates did not run all three checks: {sorted(scenario.gates_checks)}")
    scenario.gates_checks["run"] = record["duration_s"] * 1000


def rows_for(bench: Bench, scenario: Scenario) -> list[Row]:
    every = ["--all-files"] if scenario.all_files else []
    hooks = ("secrets", "ruff-format", "ruff-lint")
    rows = [Row("gates", [*bench.tools["gates"], *every])]
    rows.append(Row("pre-commit", [*bench.tools["pre-commit"], *every], expect_hooks_ran(hooks)))
    rows.append(Row("prek", [*bench.tools["prek"], *every], expect_hooks_ran(hooks)))
    if "lefthook" in bench.tools:
        rows.append(Row("lefthook", [*bench.tools["lefthook"], *every], expect_lefthook_ran))
    py = scenario.python_files
    rows += [
        Row("detect-secrets-hook", [str(BIN / "detect-secrets-hook"), *scenario.files]),
        Row("ruff format --check", [str(BIN / "ruff"), "format", "--check", *py]),
        Row("ruff check", [str(BIN / "ruff"), "check", *py]),
        Row("python -c pass", [sys.executable, "-c", "pass"]),
    ]
    return rows


# --- timing --------------------------------------------------------------------------------


def time_once(bench: Bench, row: Row, *, checked: bool = False) -> float:
    start = time.perf_counter()
    done = bench.run(row.argv)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        output = (done.stdout + done.stderr).strip()[-2000:]
        raise BenchError(f"`{row.name}` exited with {done.returncode}:\n{output}")
    problem = row.check(done) if checked and row.check else None
    if problem:
        raise BenchError(f"`{row.name}`: {problem}:\n{(done.stdout + done.stderr)[-2000:]}")
    return elapsed


def measure(bench: Bench, scenario: Scenario, runs: int) -> None:
    rows = rows_for(bench, scenario)
    before = bench.git("status", "--porcelain")
    for row in rows:
        time_once(bench, row, checked=True)  # warm-up: page cache, .pyc files, ruff's cache
    for _ in range(runs):
        for row in rows:
            row.times.append(time_once(bench, row))
    if bench.git("status", "--porcelain") != before:
        raise BenchError(f"a tool changed the repository during {scenario.title}")
    scenario.rows = {row.name: row for row in rows}
    gates_breakdown(bench, scenario)


# --- sanity: every tool fails where it must ------------------------------------------------


@dataclass(frozen=True)
class Probe:
    title: str
    path: str | None  # a new file; None: appended to a committed file (gates scans the diff)
    content: str
    marker: str  # what the tool's output must say


PROBES = (
    Probe("a planted AWS key in a new file", "planted_key.py", 'AWS_KEY = "{key}"\n', "AWS"),
    # Two blank lines: formatted as ruff wants, so only the secret scan has a reason to fail.
    Probe("an AWS key added to a committed file", None, '\n\nAWS_KEY = "{key}"\n', "AWS"),
    Probe("a badly formatted file", "bad_format.py", "def f( a,b ):\n    return a+b\n", "format"),
    Probe("a lint error", "bad_lint.py", "import os\n", "F401"),
)


def sanity(bench: Bench) -> list[str]:
    """Stage each probe alone; every tool must exit non-zero and name the problem."""
    lines = []
    for probe in PROBES:
        bench.reset()
        name = probe.path or median_file(bench)
        with open(bench.repo / name, "w" if probe.path else "a", encoding="utf-8") as handle:
            handle.write(probe.content.format(key=PLANTED_KEY))
        bench.git("add", "--", name)
        verdicts = []
        for tool, argv in bench.tools.items():
            done = bench.run(argv)
            text = done.stdout + done.stderr
            if done.returncode == 0:
                raise BenchError(f"{tool} passed a commit with {probe.title}:\n{text[-2000:]}")
            if probe.marker.lower() not in text.lower() or name not in text:
                raise BenchError(
                    f"{tool} failed on {probe.title} but did not say so"
                    f" ({probe.marker!r}, {name}):\n{text[-2000:]}"
                )
            shown = " (printed the key in full)" if PLANTED_KEY in text else ""
            verdicts.append(tool + shown)
        lines.append(f"sanity: {probe.title} stops {', '.join(verdicts)}")
    bench.reset()
    return lines


# --- the report ----------------------------------------------------------------------------


def cell(row: Row | None) -> str:
    return "-" if row is None else f"{row.median_ms:.0f} ({row.min_ms:.0f})"


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x"


def table(scenarios: Sequence[Scenario], tools: Sequence[str]) -> list[str]:
    others = [t for t in tools if t != "gates"]
    head = ["scenario", "files", "gates"]
    for tool in others:
        head += [tool, f"gates/{tool}"]
    head += ["floor", "floor + python", "gates/(floor + python)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for s in scenarios:
        gates = s.rows["gates"]
        cells = [s.title, str(len(s.files)), cell(gates)]
        for tool in others:
            cells += [cell(s.rows[tool]), ratio(gates.median_ms, s.rows[tool].median_ms)]
        floor = s.floor_ms()
        with_python = floor + s.rows["python -c pass"].median_ms
        cells += [f"{floor:.0f}", f"{with_python:.0f}", ratio(gates.median_ms, with_python)]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def floor_table(scenarios: Sequence[Scenario]) -> list[str]:
    names = ["detect-secrets-hook", "ruff format --check", "ruff check", "python -c pass"]
    own = ("secrets", "ruff-format", "ruff-lint", "run")
    lines = ["| scenario | " + " | ".join(names) + " | gates: " + " | ".join(own) + " |",
             "|" + "---|" * (len(names) + len(own) + 1)]  # fmt: skip
    for s in scenarios:
        cells = [s.title, *(cell(s.rows[n]) for n in names)]
        cells += [f"{s.gates_checks[n]:.0f}" for n in own]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def verdicts(scenarios: Sequence[Scenario]) -> list[str]:
    lines = []

    def verdict(label: str, value: float, target: float) -> None:
        met = "met" if value <= target else "MISSED"
        lines.append(f"{label}: {value:.2f}x (target <= {target}x)  {met}")

    for s in scenarios:
        gates = s.rows["gates"].median_ms
        if s.key in ("one", "fifty"):
            for tool in ("pre-commit", "prek"):
                verdict(f"{s.title}: gates/{tool}", gates / s.rows[tool].median_ms,
                        SMALL_EDIT_TARGET)  # fmt: skip
        if s.key == "new":
            verdict(f"{s.title}: gates/prek", gates / s.rows["prek"].median_ms, NEW_FILES_TARGET)
        floor = s.floor_ms() + s.rows["python -c pass"].median_ms
        verdict(f"{s.title}: gates/(floor + python)", gates / floor, FLOOR_TARGET)
    return lines


def gates_commit(env: dict[str, str]) -> str:
    """The commit of the gates these runs import, and whether its sources differ from it
    (an editable install runs the working tree, uncommitted edits included)."""
    package = gates_package(env)
    if package is None:
        return "unknown (gates does not import)"
    folder = str(package)

    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", folder, *args], capture_output=True, text=True,
                              check=False).stdout.strip()  # fmt: skip

    top, head = git("rev-parse", "--show-toplevel"), git("rev-parse", "--short", "HEAD")
    if not top or not head:
        return f"unknown (gates from {folder}, not a git checkout)"
    dirty = git("status", "--porcelain", "--", f"{top}/src", f"{top}/presets")
    return f"{head} ({top})" + (" + uncommitted changes in src/presets" if dirty else "")


def versions(bench: Bench) -> str:
    parts = []
    for name, argv in (("pre-commit", ["pre-commit", "--version"]), ("prek", ["prek", "--version"]),
                       ("ruff", ["ruff", "--version"])):  # fmt: skip
        parts.append(bench.run([str(BIN / argv[0]), *argv[1:]]).stdout.strip() or name)
    if "lefthook" in bench.tools:
        lefthook = bench.run([*bench.tools["lefthook"][:1], "version"]).stdout.strip()
        parts.append(f"lefthook {lefthook}")
    from importlib.metadata import version

    parts.append(f"detect-secrets {version('detect-secrets')}")
    return ", ".join(parts)


# --- main ----------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--runs", type=int, default=5, help="timed runs of each command (default 5)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated repository")
    parser.add_argument(
        "--scenario",
        action="append",
        choices=SCENARIOS,
        help="time only this scenario (repeatable; default: all four)",
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    return args


def find_tools(tmp: Path) -> tuple[dict[str, list[str]], str | None]:
    tools = {}
    for name, argv in (("gates", ["run", "pre-commit"]), ("pre-commit", ["run"]),
                       ("prek", ["run"])):  # fmt: skip
        exe = BIN / name
        if not exe.is_file():
            raise BenchError(f"no {name} beside {sys.executable}: pip install -e '.[bench]'")
        tools[name] = [str(exe), *argv]
    lefthook, why = install_lefthook(tmp)
    if lefthook is not None:
        tools["lefthook"] = [*lefthook, "run", "pre-commit"]
    return tools, why


def bench_env(tmp: Path) -> dict[str, str]:
    env = {**os.environ, "NO_COLOR": "1", "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    env["PRE_COMMIT_HOME"] = str(tmp / "pre-commit-home")
    env["PREK_HOME"] = str(tmp / "prek-home")
    for name in CLEARED_ENV:
        env.pop(name, None)
    return env


def run_bench(tmp: Path, runs: int, keys: Sequence[str]) -> int:
    tools, lefthook_missing = find_tools(tmp)
    (tmp / "repo").mkdir()
    bench = Bench(tmp / "repo", bench_env(tmp), tools, lefthook_missing)
    print(f"gates at {gates_commit(bench.env)}; {versions(bench)}")
    print(compile_gates(bench.env))
    print(f"load average at the start {os.getloadavg()[0]:.2f} ({os.cpu_count()} CPU(s))")
    if lefthook_missing:
        print(f"lefthook left out: {lefthook_missing}")
    build_repo(bench)
    for line in sanity(bench):
        print(line)
    scenarios = []
    for key in keys:
        scenario = prepare(bench, key)
        print(f"timing: {scenario.title} ({len(scenario.files)} files) ...", flush=True)
        measure(bench, scenario, runs)
        scenarios.append(scenario)
    print()
    machine = f"python {sys.version.split()[0]}, {os.cpu_count()} CPU(s)"
    load = f"load average {os.getloadavg()[0]:.2f}"
    print(f"{runs} runs each, round-robin, after a checked warm-up; median (min) in ms;")
    print(f"{machine}, {load}; gates at {gates_commit(bench.env)}")
    print()
    for line in table(scenarios, list(tools)):
        print(line)
    print()
    print("The floor's parts, alone on the same files, and gates' own check times (--json):")
    print()
    for line in floor_table(scenarios):
        print(line)
    print()
    for line in verdicts(scenarios):
        print(line)
    if lefthook_missing:
        print(f"lefthook left out: {lefthook_missing}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="gates-bench-hooks-"))
    try:
        return run_bench(tmp, args.runs, args.scenario or SCENARIOS)
    except (BenchError, CompileError) as exc:
        print(f"bench/hooks.py: {exc}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"kept: {tmp / 'repo'}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
