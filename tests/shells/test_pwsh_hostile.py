"""Fuzzed directory names in a real interactive pwsh: they stay data.

PowerShell's own specials are weighted in: the quotes ‘ ’ ‚ ‛, backtick, $(…), @(…), --%,
a leading -, and the wildcard characters [ab]*? (the snippet hands paths to .NET only). The
test types no hostile text: each path reaches the shell through a file, read with .NET. The
fixed hostile names run in every shell, pwsh included (tests/shells/test_hostile_names.py).
"""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from autovenv.hook import venvs
from autovenv.hook.trust import TrustStore
from tests.attacks.test_fuzz_names import read_env
from tests.conftest import make_venv
from tests.shells.test_hostile_names import path_cannot_hold

# Left out: "::" and a backslash (pwsh cannot enter such a path: test_hostile_names.enterable),
# and, as in every shell for now, the characters other than "\n" that Python's
# str.splitlines breaks lines on (\r, \x0b, \x0c, \x1c-\x1e, \x85, \u2028, \u2029). The trust
# record and the venv's moved-check read them back as line ends (autovenv/hook/trust.py opens the
# record with universal newlines; venvs.py says "has moved"), so such a project is never
# activated.
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


def test_fuzzed_project_names(tmp_path, open_shell):
    """200 names per run (seeded): in, then out. Each step is one typed line that calls the
    prompt function itself (as the host does before each prompt), so that a name costs one
    round trip; the prompt's own rendering is checked with the fixed names above."""
    projects = Projects(tmp_path)
    s = open_shell("pwsh")
    base = s.environ_sans_cwd()
    where, inside, outside = s.tmp / "where", s.tmp / "inside.env", s.tmp / "outside.env"

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
