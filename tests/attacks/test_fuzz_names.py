"""Directory names made by hypothesis, entered from one long-lived session per shell.

Each name is a project (pyproject.toml and a trusted venv) whose directory carries it, so it
reaches PWD, VIRTUAL_ENV, PATH, VIRTUAL_ENV_PROMPT, the prompt and the helper's answer. The
shell reads each target from a file (no typing, so the test quotes nothing), and after each
entry and exit the environment and the rendered prompt are compared exactly. Commands hidden
in the names would leave a file named `pwned` somewhere; none may.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from autovenv.hook.trust import TrustStore
from tests.attacks.conftest import ATTACK_SHELLS, alive, assert_path_clean, cd, messages
from tests.conftest import venv_maker

NAMES_PER_SHELL = 200
BUDGET_SECONDS = 90  # per shell, under CI load

# Pieces that mean something to some shell, prompt or terminal.
SPECIALS = ["'", '"', "$", "`", ";", "&", "|", "<", ">", ":", "\n", "\t", "*", "?", "[", "]",
            "{", "}", "(", ")", "%", "\\", "!", "#", "~", "^", " ", "=", ",", "@", "-", "--",
            "\x1b", "\x07", "\x9b", "\x7f", "\r", "\u202e", "\u200b", "\ufeff", "é", "日本",
            "🐍", "\U0001f600"]
FRAGMENTS = ["$(touch pwned)", "`touch pwned`", ";touch pwned;", "|touch pwned", "&touch pwned&",
             "(touch pwned)", "$(New-Item pwned)", "${PATH}", "$HOME", "$'x'", "$_", "%F{red}",
             "%n%{%}", "%(!.#.$)", "\\w", "\\$", "\\[", "\\]", "\\u001b", "\x1b]0;pwned\x07",
             "\x1b[31m", "\x1b[2J", "\x1b]52;c;cHduZWQ=\x07", "{a,b}", "!!", "*.*", "..", "^C",
             "%25", "%2F", "-rf", "-e", "--help", "\\x00", "$(", "`"]
characters = st.characters(blacklist_categories=("Cs",), blacklist_characters="/\0")
piece = st.one_of(st.sampled_from(SPECIALS), st.sampled_from(FRAGMENTS),
                  st.text(characters, min_size=1, max_size=6))
names = st.one_of(
    st.lists(piece, min_size=1, max_size=10).map("".join),
    st.lists(piece, min_size=1, max_size=4).map(lambda p: "-" + "".join(p)),  # leading dash
    st.text(characters, min_size=180, max_size=255),  # long components
).filter(lambda n: n not in (".", "..") and 0 < len(os.fsencode(n)) <= 255)


def refused(name: str) -> bool:
    """A venv path holding PATH's separator or a line break cannot be one PATH entry: reported,
    not activated."""
    return any(c in name for c in ":\n\r")


def shown(name: str) -> str:
    """The name as the prompt shows it: without control characters, nor the other characters
    Python does not print (line and paragraph separators, direction overrides); a space stays."""
    return "".join(c for c in name if c.isprintable() or c == " ") or "venv"


# How each shell renders its prompt into a file (as the harness does).
PROMPT = {
    "bash": 'printf %s "${{PS1@P}}" > {file}',
    "zsh": 'print -rnP -- "$PS1" > {file}',
    "fish": "fish_prompt > {file}",
    "elvish": "print &sep='' ($edit:prompt) > {file}",
}


def read_env(file: Path) -> dict[str, str]:
    env = {}
    for item in file.read_bytes().split(b"\0"):
        if item:
            k, _, v = item.partition(b"=")
            env[os.fsdecode(k)] = os.fsdecode(v)
    for key in ("PWD", "OLDPWD", "_", "t"):
        env.pop(key, None)
    return env


class Snapshots:
    """Environment and prompt written by the shell in the same typed line."""

    def __init__(self, s, tmp: Path):
        self.s, self.tmp, self.n = s, tmp, 0

    def command(self) -> tuple[str, Path, Path]:
        self.n += 1
        env, prompt = self.tmp / f"env.{self.n}", self.tmp / f"prompt.{self.n}"
        return f"env -0 > {env}; " + PROMPT[self.s.shell].format(file=prompt), env, prompt

    def take(self, then: str = "") -> tuple[dict[str, str], str]:
        """A snapshot, then `then` in the same typed line."""
        command, env, prompt = self.command()
        self.s.run(command + (f"; {then}" if then else ""))
        return read_env(env), prompt.read_text(encoding="utf-8", errors="surrogateescape")


# PowerShell has its own 200 seeded names per run (tests/shells/test_pwsh_hostile.py).
FUZZ_SHELLS = tuple(shell for shell in ATTACK_SHELLS if shell != "pwsh")


@pytest.mark.parametrize("shell_name", FUZZ_SHELLS)
def test_fuzzed_directory_names(tmp_path, open_shell, shell_name):
    root = tmp_path / "p"
    root.mkdir()
    store = TrustStore({"AUTOVENV_DATA_DIR": str(tmp_path / "autovenv-data")})
    target = tmp_path / "target"
    s = open_shell(shell_name)
    snap = Snapshots(s, tmp_path / "snaps")
    snap.tmp.mkdir()
    base_env, base_prompt = snap.take()
    seen: list[str] = []
    started = time.monotonic()

    @settings(max_examples=NAMES_PER_SHELL, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(name=names)
    # Line ends Python's text files and str.splitlines see (a record read back in text mode
    # once lost the "\r" in a path: "trust record corrupt").
    @example(name="\r")
    @example(name="a\x85b\u2028c\u2029")
    @example(name="\x0b\x0c\x1c\x1d\x1e")
    def enter_and_leave(name: str) -> None:
        project = root / str(len(seen)) / name
        seen.append(name)
        project.mkdir(parents=True)
        (project / "pyproject.toml").write_text("")
        venv = project / ".venv"
        subprocess.run(venv_maker() + [str(venv)], check=True, cwd="/", stdout=subprocess.DEVNULL,
                       env={**os.environ, "UV_NO_CONFIG": "1", "VIRTUAL_ENV": ""})
        store.allow(str(venv))
        # Two typed lines a name: the state after leaving the name before is taken in the line
        # that enters this one (a prompt, and so the hook, came between).
        assert snap.take(then=cd(shell_name, project, via=target)) == (base_env, base_prompt), seen[-2:-1]
        inside, prompt = snap.take(then=f"cd '{tmp_path}'")
        if refused(str(project)):
            assert inside == base_env and prompt == base_prompt
            said = messages(s)
            assert said and "PATH" in said[-1], said[-1:]
        else:
            assert inside.get("VIRTUAL_ENV") == str(venv)
            assert inside["PATH"] == f"{venv}/bin:{base_env['PATH']}"
            assert inside["VIRTUAL_ENV_PROMPT"] == shown(name)
            assert prompt == f"({shown(name)}) {base_prompt}"
        assert_path_clean(inside["PATH"], base_env["PATH"], (f"{venv}/bin",))

    enter_and_leave()
    assert snap.take() == (base_env, base_prompt), seen[-1:]  # after leaving the last name
    elapsed = time.monotonic() - started
    alive(s)
    assert len(seen) >= NAMES_PER_SHELL
    pwned = [p for p in tmp_path.rglob("*") if p.name == "pwned"]
    assert pwned == [] and "Traceback" not in s.transcript
    print(f"{shell_name}: {len(seen)} names in {elapsed:.1f}s")
    assert elapsed < BUDGET_SECONDS * 2, elapsed  # twice the target: a loaded CI machine
