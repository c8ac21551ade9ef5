"""Directory names that try to be code, in a real interactive pwsh: they stay data.

PowerShell's own specials are in every list: the quotes ‘ ’ ‚ ‛, backtick, $(…), @(…), --%,
a leading -, and the wildcard characters [ab]*? (the snippet hands paths to .NET only). The
test types no hostile text: each path reaches the shell through a file, read with .NET.
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from autovenv.hook import venvs
from autovenv.hook.trust import TrustStore
from tests.conftest import make_venv
from tests.shells.harness import ShellSession
from tests.shells.test_hostile_names import NAMES, path_cannot_hold

# PowerShell on Linux reads a backslash in a path as a separator, and "name::" as a provider
# name: a directory whose path has either cannot be entered at all (Set-Location -LiteralPath
# fails before any hook runs).
# Left out too, for now, in every shell alike: the characters other than "\n" that Python's
# str.splitlines breaks lines on (\r, \x0b, \x0c, \x1c-\x1e, \x85, \u2028, \u2029). The trust
# record and the venv's moved-check read them back as line ends (autovenv/hook/trust.py opens the
# record with universal newlines; venvs.py says "has moved"), so such a project is never
# activated.
PWSH_NAMES = [n for n in NAMES if "\\" not in n and "::" not in n] + [
    "\u2018single\u2019", "\u201alow\u201b", "it\u2019s", "tick`$(touch canary)`",
    "$(touch canary)", "@(touch canary)", "--% $(touch canary)", "-LiteralPath", "[ab]*?",
    "[a-z]", "` ", "a;touch canary", "#comment", "<#x#>", "\u201cdq\u201d",
]
LEFT_OUT = "\0/\\\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
# PowerShell's specials, weighted in beside any character a file name may hold.
SPECIALS = "'\u2018\u2019\u201a\u201b\"\u201c\u201d`$@()[]{}*?;&|<>#%- \t\n~!,."
names = st.text(
    alphabet=st.sampled_from(SPECIALS) | st.characters(blacklist_categories=("Cs",), blacklist_characters=LEFT_OUT),
    min_size=1, max_size=16,
).filter(lambda n: n not in (".", "..") and "::" not in n and len(os.fsencode(n)) < 200 and "PROMPT> " not in n)


class Projects:
    """Trusted projects under one root, each with a real venv of its own (uv: milliseconds)."""

    def __init__(self, tmp_path: Path):
        self.root = tmp_path / "projects"
        self.root.mkdir()
        self.store = TrustStore({"AUTOVENV_DATA_DIR": str(tmp_path / "autovenv-data")})
        self.count = 0

    def make(self, name: str) -> Path:
        # Each under its own parent: two names may differ only in what a file system folds.
        self.count += 1
        p = self.root / str(self.count) / name
        p.mkdir(parents=True)
        (p / "pyproject.toml").write_text("")
        make_venv(p / ".venv")
        self.store.allow(str(p / ".venv"))
        return p


def canaries(root: Path) -> list[Path]:
    return list(root.rglob("canary"))


def cd_from_file(s: ShellSession, path: Path) -> None:
    where = s.tmp / "where"
    where.write_bytes(os.fsencode(str(path)))
    s.run(f"Set-Location -LiteralPath ([IO.File]::ReadAllText('{where}'))")


def test_hostile_project_names(tmp_path, open_shell):
    projects = Projects(tmp_path)
    s = open_shell("pwsh")
    plain = s.prompt()
    base = s.environ_sans_cwd()
    for name in PWSH_NAMES:
        p = projects.make(name)
        cd_from_file(s, p)
        env = s.environ()
        if path_cannot_hold(name):  # a separator or a line break: never put on PATH
            assert "VIRTUAL_ENV" not in env and env["PATH"] == base["PATH"]
            assert s.prompt() == plain and "PATH cannot hold" in s.transcript
            s.run("cd /")
            continue
        assert env.get("VIRTUAL_ENV") == str(p / ".venv"), (name, s.transcript[-2000:])
        assert env["PATH"] == f"{p}/.venv/bin:" + base["PATH"]
        # The name as the venv's activate would show it (control characters taken out).
        assert s.prompt() == f"({venvs.default_prompt(str(p))}) " + plain, name
        s.run("cd /")
        assert s.environ_sans_cwd() == base
        assert s.prompt() == plain
    assert canaries(tmp_path) == []


def test_fuzzed_project_names(tmp_path, open_shell):
    """200 names per run (seeded): in, then out. Each step is one typed line that calls the
    prompt function itself (as the host does before each prompt), so that a name costs one
    round trip; the prompt's own rendering is checked with the fixed names above."""
    projects = Projects(tmp_path)
    s = open_shell("pwsh")
    base = s.environ_sans_cwd()
    where, inside, outside = s.tmp / "where", s.tmp / "inside.env", s.tmp / "outside.env"

    def read_env(path: Path) -> dict[str, str]:
        env = {}
        for item in path.read_bytes().split(b"\0"):
            if item:
                k, _, v = item.partition(b"=")
                env[os.fsdecode(k)] = os.fsdecode(v)
        for key in ("PWD", "OLDPWD", "_"):
            env.pop(key, None)
        return env

    @seed(17)
    @settings(max_examples=200, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.filter_too_much])
    @given(name=names)
    def check(name: str) -> None:
        p = projects.make(name)
        where.write_bytes(os.fsencode(str(p)))
        s.run(f"Set-Location -LiteralPath ([IO.File]::ReadAllText('{where}')); $null = prompt; "
              f"env -0 > '{inside}'; Set-Location /; $null = prompt; env -0 > '{outside}'")
        env = read_env(inside)
        if path_cannot_hold(name):  # a separator or a line break: never put on PATH
            assert "VIRTUAL_ENV" not in env and env["PATH"] == base["PATH"], name
            assert read_env(outside) == base, name
            return
        assert env.get("VIRTUAL_ENV") == str(p / ".venv"), (name, s.transcript[-2000:])
        assert env["PATH"] == f"{p}/.venv/bin:" + base["PATH"]
        assert env["VIRTUAL_ENV_PROMPT"] == venvs.default_prompt(str(p))
        assert read_env(outside) == base, name

    check()
    assert projects.count >= 200
    assert canaries(tmp_path) == []


def test_hostile_names_between_the_directory_and_the_scope(tmp_path, open_shell):
    """A cd within a project is decided by the snippet alone, walking up to the answer's
    scope: a venv that appears in a hostile-named directory on the way must be seen."""
    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / "pyproject.toml").write_text("")
    store = TrustStore({"AUTOVENV_DATA_DIR": str(tmp_path / "autovenv-data")})
    make_venv(proj / ".venv")
    store.allow(str(proj / ".venv"))
    s = open_shell("pwsh")
    for name in PWSH_NAMES:
        inner = proj / name / "inner"
        inner.mkdir(parents=True)
        cd_from_file(s, proj)
        assert s.environ().get("VIRTUAL_ENV") == str(proj / ".venv")
        make_venv(inner.parent / ".venv")  # appears while the shell holds the answer for proj
        store.allow(str(inner.parent / ".venv"))
        cd_from_file(s, inner)
        want = None if path_cannot_hold(name) else str(inner.parent / ".venv")
        assert s.environ().get("VIRTUAL_ENV") == want, (name, s.transcript[-2000:])
    assert canaries(tmp_path) == []
