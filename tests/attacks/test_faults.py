"""Faults around the hook: the helper dies mid-answer or is interrupted, its interpreter goes
away, the trust store cannot be read or written, the user edits autovenv's variables, HOME is
unset, the current directory or the active venv is deleted.

In each the shell stays usable, autovenv says at most one thing about it, and once the fault
is gone the next `cd` puts everything right.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from autovenv.hook import shells
from autovenv.hook.trust import TrustStore
from tests.attacks.conftest import (
    ATTACK_SHELLS,
    alive,
    assert_path_clean,
    attempt,
    cd,
    messages,
    type_line,
    wait_for_prompt,
)
from tests.conftest import make_venv
from tests.shells.harness import CURSOR_QUERY, ShellSession, rc_text
from tests.shells.test_activation import project


def set_env(shell: str, name: str, value: str) -> str:
    """A command setting an exported variable to a value without a single quote."""
    assert "'" not in value
    return {"bash": f"export {name}='{value}'", "zsh": f"export {name}='{value}'",
            "fish": f"set -gx {name} '{value}'", "elvish": f"set-env {name} '{value}'",
            "pwsh": f"$env:{name} = '{value}'"}[shell]


def unset_env(shell: str, name: str) -> str:
    return {"bash": f"unset {name}", "zsh": f"unset {name}", "fish": f"set -e {name}",
            "elvish": f"unset-env {name}", "pwsh": f"$env:{name} = $null"}[shell]


def source(shell: str, file: Path) -> str:
    return {"elvish": f"eval (slurp < {file})", "pwsh": f". '{file}'"}.get(shell, f"source {file}")


def warnings(s: ShellSession) -> list[str]:
    return [m for m in messages(s) if "Traceback" not in m]


def assert_recovers(s: ShellSession, proj: Path, base_path: str) -> None:
    """Out and back in: the project's venv is active again, and leaving restores PATH."""
    s.run(cd(s.shell, "/"))
    s.run(cd(s.shell, proj))
    env = s.environ()
    assert env.get("VIRTUAL_ENV") == str(proj / ".venv"), s.transcript[-3000:]
    assert env["PATH"] == f"{proj}/.venv/bin:{base_path}"
    s.run(cd(s.shell, "/"))
    env = s.environ()
    assert "VIRTUAL_ENV" not in env and env["PATH"] == base_path
    alive(s)
    assert "Traceback" not in s.transcript


# --- The helper's interpreter, replaced under the hook --------------------------------------

class Interpreter:
    """The path the hook calls autovenv's interpreter by: a symbolic link the test points at the
    real one, at a program that fails the way a fault makes it fail, or at nothing."""

    def __init__(self, tmp: Path):
        self.path = tmp / "autovenv-python"
        self.faults = tmp / "faults"
        self.faults.mkdir()
        self.set(sys.executable)

    def set(self, target: str | None) -> None:
        if self.path.is_symlink():
            self.path.unlink()
        if target is not None:
            self.path.symlink_to(target)

    def fault(self, name: str, body: str) -> None:
        script = self.faults / name
        script.write_text(f"#!/bin/sh\n{body}\n")
        script.chmod(0o755)
        self.set(str(script))

    def rc(self, shell: str, tmp: Path) -> str:
        hook = tmp / ("hook.ps1" if shell == "pwsh" else f"hook.{shell}")  # pwsh sources .ps1 only
        hook.write_text(shells.get(shell).hook_text(str(self.path)))
        return rc_text(shell, hook=source(shell, hook))


@pytest.fixture
def interpreter(tmp_path: Path) -> Interpreter:
    return Interpreter(tmp_path)


@pytest.mark.parametrize("shell_name", ATTACK_SHELLS)
def test_helper_killed_mid_answer(tmp_path, open_shell, interpreter, shell_name):
    """Half an answer, then SIGKILL: nothing of it is evaluated."""
    proj = project(tmp_path)
    s = open_shell(shell_name, rc=interpreter.rc(shell_name, tmp_path))
    base = s.environ_sans_cwd()
    interpreter.fault("killed", f'"{sys.executable}" "$@" | head -c 60\nkill -9 $$')
    for _ in range(2):
        s.run(cd(shell_name, proj))
        s.run(cd(shell_name, tmp_path))
    env = s.environ_sans_cwd()
    assert env == base, s.transcript[-3000:]
    assert len(warnings(s)) == 1 and "hook failed" in warnings(s)[0], warnings(s)
    interpreter.set(sys.executable)
    assert_recovers(s, proj, base["PATH"])


@pytest.mark.parametrize("shell_name", ATTACK_SHELLS)
def test_helper_interrupted_by_ctrl_c(tmp_path, open_shell, interpreter, shell_name):
    """The user presses Ctrl-C while the helper is slow: the prompt comes back."""
    proj = project(tmp_path)
    s = open_shell(shell_name, rc=interpreter.rc(shell_name, tmp_path))
    base = s.environ_sans_cwd()
    started = tmp_path / "slow-started"
    interpreter.fault("slow", f": > {started}\nexec sleep 60")
    type_line(s, cd(shell_name, proj))
    deadline = time.monotonic() + 20
    while not started.exists() and time.monotonic() < deadline:
        # Meanwhile answer the terminal queries a line editor may wait on (pwsh, as the harness).
        if s.child.expect([CURSOR_QUERY, pexpect.TIMEOUT], timeout=0.05) == 0:
            s.child.send("\x1b[1;1R")
        s.transcript += s.child.before if isinstance(s.child.before, str) else ""
    assert started.exists()
    # Back before the interrupt: a shell may run its prompt hook again right after it (bash).
    interpreter.set(sys.executable)
    s.child.sendintr()
    wait_for_prompt(s, timeout=20)
    alive(s)
    assert len(warnings(s)) <= 1, warnings(s)
    assert_recovers(s, proj, base["PATH"])


@pytest.mark.parametrize("shell_name", ATTACK_SHELLS)
def test_interpreter_deleted(tmp_path, open_shell, interpreter, shell_name):
    proj = project(tmp_path)
    s = open_shell(shell_name, rc=interpreter.rc(shell_name, tmp_path))
    base = s.environ_sans_cwd()
    s.run(cd(shell_name, proj))
    interpreter.set(None)  # uninstalled (or its pyenv version removed) under the open shell
    for _ in range(3):
        s.run(cd(shell_name, "/"))
        s.run(cd(shell_name, proj))
    alive(s)
    assert len(warnings(s)) == 1 and "hook failed" in warnings(s)[0], warnings(s)
    interpreter.set(sys.executable)
    assert_recovers(s, proj, base["PATH"])


# --- The trust store -------------------------------------------------------------------------

@pytest.mark.parametrize("shell_name", ATTACK_SHELLS)
def test_trust_store_unreadable(tmp_path, open_shell, shell_name):
    """Its directory is replaced by a file (chmod would not stop root): no venv is trusted,
    the shell works; once it is back, the next cd activates."""
    proj = project(tmp_path)
    data = tmp_path / "autovenv-data"
    s = open_shell(shell_name)
    base = s.environ_sans_cwd()
    data.rename(tmp_path / "data-away")
    data.write_text("not a directory\n")
    for _ in range(2):
        s.run(cd(shell_name, proj))
        env = s.environ()
        assert "VIRTUAL_ENV" not in env and env["PATH"] == base["PATH"]
        s.run(cd(shell_name, "/"))
    alive(s)
    assert len(warnings(s)) <= 1, warnings(s)
    assert "Traceback" not in s.transcript
    data.unlink()
    (tmp_path / "data-away").rename(data)
    assert_recovers(s, proj, base["PATH"])


@pytest.fixture
def read_only_dir(tmp_path: Path) -> Iterator[Path]:
    """A directory on a read-only mount (a bind mount of itself)."""
    ro = tmp_path / "ro"
    (ro / "autovenv-data").mkdir(parents=True)
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("a read-only mount needs root")
    r = subprocess.run(["mount", "--bind", str(ro), str(ro)], capture_output=True)
    if r.returncode != 0:
        pytest.skip(f"cannot mount here: {r.stderr.decode().strip()}")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(ro)], check=True, capture_output=True)
        yield ro
    finally:
        subprocess.run(["umount", str(ro)], check=True)


@pytest.mark.parametrize("shell_name", ATTACK_SHELLS)
def test_trust_store_on_a_read_only_filesystem(tmp_path, open_shell, read_only_dir, shell_name):
    """Nothing can be recorded: `allow` says so in one message; a new project's venv may be made
    but not trusted; entering either twice says at most one thing each."""
    proj = project(tmp_path, allow=False)
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    (fresh / "pyproject.toml").write_text("[project]\nname = 'y'\n")
    data = read_only_dir / "autovenv-data"
    s = open_shell(shell_name, env={"AUTOVENV_DATA_DIR": str(data), "AUTOVENV_CONFIG": ""})
    base = s.environ_sans_cwd()
    out = s.run(attempt(shell_name, f"autovenv allow {proj}"))
    assert "Traceback" not in out and "autovenv" in out, out
    for where in (proj, fresh, proj, fresh):
        s.run(cd(shell_name, where), timeout=120)
        env = s.environ()
        assert_path_clean(env["PATH"], base["PATH"], (f"{fresh}/.venv/bin",))
        s.run(cd(shell_name, "/"))
    alive(s)
    said = warnings(s)
    assert len(said) == len(set(said)), said
    assert "Traceback" not in s.transcript and "internal error" not in s.transcript


# --- Variables edited by hand ----------------------------------------------------------------

EDITS = {
    "AUTOVENV_VENV": ["", "/", "relative/.venv", "/nonexistent", "x:y"],
    "AUTOVENV_PATH_ENTRY": ["", ".", "bin", "/usr/bin", "::"],
    "AUTOVENV_OLD_VIRTUAL_ENV_PROMPT": ["", "$(touch pwned)", "-"],
    "AUTOVENV_OLD_PYTHONHOME": ["", "/nonexistent", "-"],
}


@pytest.mark.parametrize("shell_name", ATTACK_SHELLS)
def test_autovenv_variables_edited_by_hand(tmp_path, open_shell, shell_name):
    """Whatever the user sets them to, or unsets, inside an activated project: leaving does not
    put an empty or relative entry on PATH, nor remove one of the user's own entries other than
    the one named; at most one message; the next cd in and out is exact again."""
    proj = project(tmp_path)
    s = open_shell(shell_name)
    base = s.environ_sans_cwd()
    for name, values in EDITS.items():
        for value in [*values, None]:
            s.run(cd(shell_name, proj))
            assert s.environ().get("VIRTUAL_ENV") == str(proj / ".venv")
            s.run(set_env(shell_name, name, value) if value is not None else unset_env(shell_name, name))
            s.run(cd(shell_name, "/"))
            env = s.environ()
            assert_path_clean(env["PATH"], base["PATH"], (f"{proj}/.venv/bin",))
            kept = [e for e in base["PATH"].split(":") if e != value]
            assert all(e in env["PATH"].split(":") for e in kept), (name, value, env["PATH"])
            # The edit broke the record of what to undo: the user puts things back (one line),
            # and a cd in and out is exact again.
            s.run("; ".join([set_env(shell_name, "PATH", base["PATH"]),
                             *(unset_env(shell_name, var) for var in ("VIRTUAL_ENV", "VIRTUAL_ENV_PROMPT", *EDITS))]))
            assert_recovers(s, proj, base["PATH"])
    assert not list(tmp_path.rglob("pwned"))
    said = warnings(s)
    assert len(said) == len(set(said)), said


# --- HOME, the current directory, the venv --------------------------------------------------

@pytest.mark.parametrize("shell_name", ATTACK_SHELLS)
@pytest.mark.parametrize("data_dir_set", [True, False], ids=["data-dir", "no-data-dir"])
def test_home_unset(tmp_path, open_shell, shell_name, data_dir_set):
    proj = project(tmp_path)
    s = open_shell(shell_name)
    base = s.environ_sans_cwd()
    s.run(unset_env(shell_name, "HOME"))
    for var in ("XDG_DATA_HOME", "XDG_CONFIG_HOME") + (() if data_dir_set else ("AUTOVENV_DATA_DIR",)):
        s.run(unset_env(shell_name, var))
    for _ in range(2):
        s.run(cd(shell_name, proj))
        env = s.environ()
        if data_dir_set:
            assert env.get("VIRTUAL_ENV") == str(proj / ".venv"), s.transcript[-2000:]
        assert_path_clean(env["PATH"], base["PATH"], (f"{proj}/.venv/bin",))
        s.run(cd(shell_name, "/"))
        assert s.environ()["PATH"] == base["PATH"]
    alive(s)
    assert len(warnings(s)) <= 1, warnings(s)
    assert "Traceback" not in s.transcript


@pytest.mark.parametrize("shell_name", ATTACK_SHELLS)
def test_project_deleted_under_the_shell(tmp_path, open_shell, shell_name):
    """The whole project, venv included, is removed while the shell sits in a subdirectory."""
    proj = project(tmp_path)
    (proj / "src" / "pkg").mkdir(parents=True)
    s = open_shell(shell_name)
    base = s.environ_sans_cwd()
    s.run(cd(shell_name, proj / "src" / "pkg"))
    assert s.environ()["VIRTUAL_ENV"] == str(proj / ".venv")
    shutil.rmtree(proj)
    s.run("true")
    s.run("true")
    env = s.environ_sans_cwd()
    assert env == base, s.transcript[-2000:]
    alive(s)
    assert len(warnings(s)) <= 1, warnings(s)
    project(tmp_path)  # cloned again, allowed again
    assert_recovers(s, proj, base["PATH"])


@pytest.mark.parametrize("shell_name", ATTACK_SHELLS)
def test_venv_deleted_while_active_then_remade_by_hand(tmp_path, open_shell, shell_name):
    """Deleted: deactivated at the next prompt. Remade by someone else's hand at the same path:
    a different venv, so not trusted by the old allow; allowed again: active."""
    proj = project(tmp_path)
    s = open_shell(shell_name)
    base = s.environ_sans_cwd()
    s.run(cd(shell_name, proj))
    shutil.rmtree(proj / ".venv")
    s.run("true")
    env = s.environ_sans_cwd()
    assert env == base, s.transcript[-2000:]
    make_venv(proj / ".venv")
    s.run(cd(shell_name, "/"))
    s.run(cd(shell_name, proj))
    assert "VIRTUAL_ENV" not in s.environ()
    said = warnings(s)
    assert len(said) <= 1, said
    TrustStore({"AUTOVENV_DATA_DIR": str(tmp_path / "autovenv-data")}).allow(str(proj / ".venv"))
    assert_recovers(s, proj, base["PATH"])

