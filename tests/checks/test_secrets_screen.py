"""The secret scan's pre-screen: detect-secrets is spared only where it could find nothing.

The soundness tests hold the screen to detect-secrets itself: every line detect-secrets
flags, in planted secrets of every kind and in the sources of real packages, must be a
line the screen sends on. The end-to-end tests drive the real CLI in real repositories.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from gates.checks import diffs, secrets_screen, secrets_worker
from gates.checks.secrets_screen import Rules
from tests.conftest import GatesRunner, git, write

MakeRepo = Callable[..., Path]

# Built at run time, so that this file holds no secret for a scanner to find.
PLANTED = {
    "AWS Access Key": "KEY_ID = '" + "AKIA" + "Z7QPLX3M4VN5TR2W'",
    "Private Key": "-----BEGIN " + "RSA PRIVATE KEY-----",
    "GitHub Token": "token = 'ghp_" + "k2N8vQ4xT7mR1pW9zL3cY6bH0sJ5dF8gA2eU'",
    "Slack Token": "hook = 'xoxb-" + "1234567890-1234567890-abcdefghijklmnopqrstuvwx'",
    "Stripe Access Key": "stripe = 'sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc'",
    "Basic Auth Credentials": "url = 'https://deploy:" + "Zq8mK2pL9x@example.com/api'",
    "Secret Keyword": "password = '" + "hunter2-hunter2'",
    "Base64 High Entropy String": "blob = '" + "c2VjcmV0IGtleSBmb3IgdGVzdGluZyBlbnRyb3B5IQ=='",
    "Hex High Entropy String": "digest = '" + "8f3b2a9c7d1e6f40ab5c'",
    "JSON Web Token": "jwt = 'eyJhbGciOiJIUzI1NiJ9."
    + "eyJzdWIiOiIxMjM0In0.dGhpc2lzYXNpZ25hdHVyZQ'",
    "Twilio API Key": "sid = 'SK" + "0123456789abcdef0123456789abcdef'",
    "SendGrid API Key": "sg = 'SG."
    + "ngeVfQFYQlKU0ufo8x5d1A.TwL2iGABf9DHoTf-09kqeF8tAmbihYzrnopKc-1s5cr'",
}
BENIGN = ("def f(x):", "    return x + 1", "import os", "TIMEOUT = 30", "name = 'eu-west-1'")


@pytest.fixture(scope="module")
def rules(tmp_path_factory: pytest.TempPathFactory) -> Rules:
    """The rules derived from detect-secrets' default plugins, through the cache file."""
    from detect_secrets.settings import default_settings

    path = tmp_path_factory.mktemp("cache") / secrets_screen.CACHE
    with default_settings():
        secrets_screen.write(path, "key", secrets_screen.derive())
    loaded = secrets_screen.load(path, "key")
    assert loaded is not None
    return loaded


def flagged_lines(path: Path) -> Iterator[tuple[str, int, str]]:
    """(type, line number, line) of each finding of detect-secrets' own scan of a file."""
    from detect_secrets.core.secrets_collection import SecretsCollection
    from detect_secrets.settings import default_settings

    with default_settings():
        found = SecretsCollection()
        found.scan_file(str(path))
    lines = path.read_text(encoding="utf-8").splitlines()
    for _name, secret in found:
        yield secret.type, secret.line_number, lines[secret.line_number - 1]


def cleared(rules: Rules, line: str) -> bool:
    return secrets_screen._clear(rules, [line])


# ---- soundness: what detect-secrets flags, the screen never clears ------------------------


def test_every_planted_kind_is_found_by_detect_secrets_and_sent_on(
    rules: Rules, tmp_path: Path
) -> None:
    planted = tmp_path / "planted.py"
    planted.write_text("".join(f"{line}\n" for line in PLANTED.values()))
    found = list(flagged_lines(planted))
    assert {kind for kind, _, _ in found} >= set(PLANTED) - {"Secret Keyword"}  # keyword: below
    for kind, number, line in found:
        assert not cleared(rules, line), f"{kind} on line {number} would be cleared: {line}"
    for line in PLANTED.values():
        assert not cleared(rules, line)


def test_no_line_detect_secrets_flags_in_real_sources_is_cleared(rules: Rules) -> None:
    import detect_secrets
    import requests
    import urllib3

    sources = [Path(str(m.__file__)).parent for m in (detect_secrets, requests, urllib3)]
    files = sorted(f for folder in sources for f in folder.rglob("*.py"))
    flagged = [(f, hit) for f in files for hit in flagged_lines(f)]
    assert len(flagged) >= 20  # enough findings for the test to mean something
    missed = [(f.name, n, line) for f, (_, n, line) in flagged if cleared(rules, line)]
    assert missed == []
    # And the screen is no pass-through: most lines of real code are cleared.
    lines = [line for f in files for line in f.read_text(encoding="utf-8").splitlines()]
    share = sum(cleared(rules, line) for line in lines) / len(lines)
    assert share > 0.6, share


def test_benign_lines_are_cleared(rules: Rules) -> None:
    assert all(cleared(rules, line) for line in BENIGN)


def test_a_short_quoted_string_is_cleared_and_a_long_random_one_is_not(rules: Rules) -> None:
    # Under 2**4.5 characters a base64 string cannot pass the limit; hex needs 2**3.
    assert cleared(rules, "x = 'region_west_one'")
    assert cleared(rules, "x = 'abc0123'")
    assert not cleared(rules, "x = 'abcdef0123'")
    assert not cleared(
        rules, "x = '" + "q8Zk2LmP9xVb4NwR7tYc1HsJ6dFg3'"
    )  # pragma: allowlist secret


def test_a_line_is_split_where_detect_secrets_splits_it(rules: Rules) -> None:
    # git keeps a lone carriage return inside a line; Python's universal newlines split it.
    assert not cleared(rules, "x = 1\r" + PLANTED["AWS Access Key"])


@pytest.mark.parametrize(
    "content",
    ["{}", "[]", '{"key": "other", "usable": true, "patterns": [["x", 0, null]], "suffixes": []}',
     '{"key": "k", "usable": true, "patterns": [], "suffixes": []}',
     '{"key": "k", "usable": true, "patterns": [["x", 0]], "suffixes": []}',
     '{"key": "k", "usable": true, "patterns": [["x", 0, "x"]], "suffixes": []}', "not json"],
    ids=["no-key", "not-a-table", "stale", "no-patterns", "bad-triple", "bad-needles", "garbage"],
)  # fmt: skip
def test_a_cache_it_cannot_trust_is_no_rules(tmp_path: Path, content: str) -> None:
    (tmp_path / "cache.json").write_text(content)
    assert secrets_screen.load(tmp_path / "cache.json", "k") is None


# ---- which files the screen sends on ------------------------------------------------------


def test_screen_sends_on_what_it_cannot_vouch_for(rules: Rules, make_repo: MakeRepo) -> None:
    root = make_repo({"app.py": "import os\n", "ini.py": "# x\n[section]\n", "b.py": "x = 1\n",
                      "c.yaml": "a: 1\n", "same.py": "y = 2\n"}, commit=True)  # fmt: skip
    write(root, {"app.py": "import os\nTIMEOUT = 30\n", "ini.py": "# x\n[section]\nkey = v\n",
                 "c.yaml": "a: 1\nb: 2\n"})  # fmt: skip
    (root / "b.py").write_bytes(b"x = 1\ny = '\xff'\n")  # not UTF-8
    git(root, "add", "-A")
    files = ["app.py", "ini.py", "b.py", "c.yaml", "same.py"]
    screened = secrets_screen.screen(rules, root, root, ["--cached"], files)
    # Cleared: app.py. Sent on: read as INI, not UTF-8, not a plain type, nothing staged.
    assert screened.to_scan == ("ini.py", "b.py", "c.yaml", "same.py")
    assert screened.lines == 1


def test_screen_sends_everything_on_without_rules_or_over_its_line_limit(
    rules: Rules, make_repo: MakeRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo({"app.py": "import os\n"}, commit=True)
    write(root, {"app.py": "import os\n" + "x = 1\n" * 5})
    git(root, "add", "-A")
    assert secrets_screen.screen(None, root, root, ["--cached"], ["app.py"]).to_scan == ("app.py",)
    monkeypatch.setattr(secrets_screen, "MAX_LINES", 4)
    over = secrets_screen.screen(rules, root, root, ["--cached"], ["app.py"])
    assert (over.to_scan, over.why) == (("app.py",), "over 4 added lines")
    failed = secrets_screen.screen(rules, root, root, ["no-such-rev", "HEAD"], ["app.py"])
    assert failed.to_scan == ("app.py",)
    assert "git diff failed" in (failed.why or "")
    broken = Rules([("(", 0, None)], frozenset({".py"}))  # a cache edited by hand
    assert secrets_screen.screen(broken, root, root, ["--cached"], ["app.py"]).to_scan == (
        "app.py",
    )


def test_the_light_parser_reads_what_unidiff_reads(make_repo: MakeRepo) -> None:
    odd = ["a b.py", "ünï.py", "-rf.py", 'q"t.py', "crlf.py", "tail.py", "gone.py", "bin.dat"]
    root = make_repo(dict.fromkeys(odd, "one\n"), commit=True)
    write(root, {"a b.py": "one\ntwo\n", "ünï.py": "zero\none\n", "-rf.py": "one\n+x\n",
                 'q"t.py': "one\n++ y\n", "tail.py": "one\nno newline"})  # fmt: skip
    (root / "crlf.py").write_bytes(b"one\r\ntwo\r\n")
    (root / "bin.dat").write_bytes(b"\0\1\2")
    write(root, {"new dir/new.py": "a\nb\n"})
    (root / "gone.py").unlink()
    git(root, "add", "-A")
    text = diffs.git_diff(str(root), ["--cached"], [*odd, "new dir/new.py"])
    light = diffs.added_by_file(text)
    heavy = secrets_worker.added_lines(text)  # modified files only: new ones it scans whole
    assert {name: lines for name, lines in light.items() if name in heavy} == {
        name: [line.rstrip("\n") for line in lines.values()] for name, lines in heavy.items()
    }
    assert light["new dir/new.py"] == ["a", "b"]
    assert "gone.py" not in light
    assert "bin.dat" not in light


# ---- end to end: the real CLI in a real repository ----------------------------------------


def secrets_message(gates: GatesRunner, root: Path) -> tuple[str, str, list[dict[str, object]]]:
    done = gates(root, "run", "pre-commit", "--json")
    record = json.loads(done.stdout)
    (check,) = [c for c in record["checks"] if c["name"] == "secrets"]
    return check["status"], check["message"], check["findings"]


@pytest.fixture
def project(make_repo: MakeRepo) -> Path:
    config = '[tool.gates]\n[tool.gates.layers.pre-commit]\nstages = [["secrets"]]\n'
    return make_repo({"pyproject.toml": config, "app.py": "import os\n"}, commit=True)


def test_the_first_run_writes_the_rules_and_the_next_one_uses_them(
    project: Path, gates: GatesRunner
) -> None:
    write(project, {"app.py": "import os\nTIMEOUT = 30\n"})
    git(project, "add", "app.py")
    cache = project / ".git" / "gates" / secrets_screen.CACHE
    assert secrets_message(gates, project) == ("passed", "", [])  # detect-secrets ran
    assert json.loads(cache.read_text())["usable"] is True
    status, message, _ = secrets_message(gates, project)
    assert (status, message) == ("passed", "1 added line(s) of 1 file(s) pre-screened: no"
                                 " detect-secrets pattern matches them")  # fmt: skip
    # A secret staged next to it goes to detect-secrets, which finds it.
    write(project, {"app.py": f"import os\nTIMEOUT = 30\n{PLANTED['AWS Access Key']}\n"})
    git(project, "add", "app.py")
    status, _, findings = secrets_message(gates, project)
    assert status == "failed"
    assert [(f["path"], f["line"], f["rule"]) for f in findings] == [
        ("app.py", 3, "AWS Access Key")
    ]


def test_a_secret_in_a_file_the_screen_leaves_alone_is_found(
    project: Path, gates: GatesRunner
) -> None:
    write(project, {"app.py": "import os\nX = 1\n"})
    git(project, "add", "app.py")
    secrets_message(gates, project)  # writes the rules
    write(
        project, {"deploy.yaml": "db:\n  password: Zq8mK2pL9xVb4NwR\n"}
    )  # pragma: allowlist secret
    git(project, "add", "deploy.yaml")
    status, _, findings = secrets_message(gates, project)
    assert status == "failed"
    assert [f["path"] for f in findings] == ["deploy.yaml"]


def test_a_changed_baseline_means_rules_derived_again(project: Path, gates: GatesRunner) -> None:
    write(project, {"app.py": "import os\nX = 1\n"})
    git(project, "add", "app.py")
    secrets_message(gates, project)
    scan = subprocess.run(
        [str(Path(sys.executable).parent / "detect-secrets"), "scan", "--disable-plugin",
         "KeywordDetector"],
        cwd=project, capture_output=True, text=True, check=True,
    )  # fmt: skip
    (project / ".secrets.baseline").write_text(scan.stdout)  # read where it lies: unstaged
    status, message, _ = secrets_message(gates, project)
    assert (status, message) == ("passed", "")  # the old rules do not apply: a real scan
    cache = json.loads((project / ".git" / "gates" / secrets_screen.CACHE).read_text())
    assert cache["usable"] is True
    assert not any("api_?key" in text for text, _, _ in cache["patterns"])  # no keyword rules


CUSTOM_PLUGIN = """\
from detect_secrets.plugins.base import BasePlugin
from detect_secrets.core.potential_secret import PotentialSecret


class Doorword(BasePlugin):
    secret_type = "Door word"  # pragma: allowlist secret

    def analyze_string(self, string):
        yield from ()

    def analyze_line(self, filename, line, line_number=0, context=None, **kwargs):
        # No regular expression: the screen cannot know what this finds.
        if "LET" + "MEIN" in line.upper():
            return {PotentialSecret(self.secret_type, filename, line, line_number)}
        return set()
"""


def test_a_custom_plugin_of_the_baseline_turns_the_screen_off(
    project: Path, gates: GatesRunner
) -> None:
    write(project, {"plugins/doorword.py": CUSTOM_PLUGIN})
    scan = subprocess.run(
        [str(Path(sys.executable).parent / "detect-secrets"), "scan", "app.py", "--plugin",
         "plugins/doorword.py"],
        cwd=project, capture_output=True, text=True, check=True,
    )  # fmt: skip
    (project / ".secrets.baseline").write_text(scan.stdout)
    write(project, {"app.py": "import os\nX = 1\n"})
    git(project, "add", "app.py")
    assert secrets_message(gates, project) == ("passed", "", [])
    cache = json.loads((project / ".git" / "gates" / secrets_screen.CACHE).read_text())
    assert cache["usable"] is False
    assert "Doorword" in cache["why"]
    write(project, {"app.py": "import os\nX = 1\nword = 'open sesame, or letmein'\n"})
    git(project, "add", "app.py")
    status, _, findings = secrets_message(gates, project)
    assert status == "failed"
    assert [(f["line"], f["rule"]) for f in findings] == [(3, "Door word")]


# ---- whole scans: only the lines the screen sends on, with their context -----------------


def worker_findings(files: list[Path]) -> tuple[set[tuple[str, int, str]], int]:
    """(path, line, type) of what the worker finds scanning `files` whole, and how many of
    them it scanned through the screen."""
    secrets_worker._screen_rules.cache_clear()  # derived for the plugins of this scan
    options = secrets_worker.Options(files=[str(f) for f in files])
    report = secrets_worker.scan(options)
    found = {(f["path"], f["line"], f["type"]) for f in report.findings}
    return found, report.screened


def test_whole_scans_through_the_screen_find_exactly_what_detect_secrets_finds(
    tmp_path: Path,
) -> None:
    import detect_secrets
    import requests
    import urllib3

    planted = tmp_path / "planted.py"
    # Context matters: the key below the pragma is allowed (and equal keys count once).
    allowed = "# pragma: allowlist nextline secret\nOTHER = '" + "AKIA" + "Q4HN8CWT2JRXY6VE'\n"
    planted.write_text("".join(f"{line}\n" for line in PLANTED.values()) + allowed)
    sources = [Path(str(m.__file__)).parent for m in (detect_secrets, requests, urllib3)]
    files = [planted, *sorted(f for folder in sources for f in folder.rglob("*.py"))]
    expected = {(str(f), n, kind) for f in files for kind, n, _ in flagged_lines(f)}
    found, screened = worker_findings(files)
    assert len(expected) >= 30  # enough findings for the comparison to mean something
    assert found == expected
    assert screened == len(files)  # every file went through the screen, none whole
