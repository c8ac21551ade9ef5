"""Processes the hook spawns, counted with strace in real bash, zsh, fish and elvish (issue 5).

A prompt where nothing changed spawns nothing; neither does a cd within the project; a cd
across a project boundary spawns exactly one process: autovenv's own Python, once (not on
both the cd and the prompt). strace attaches to the interactive shell after it has started,
so only what the typed commands cause is counted. No timing here.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import make_venv
from tests.shells.harness import SHELLS, ShellSession, require_tool

SPAWN = re.compile(r"^\d+\s+(?:clone3?|fork|vfork)\(")
EXEC = re.compile(r'^(\d+)\s+execve\("([^"]*)"')
EXEC_OK = re.compile(r"^(\d+)\s+(?:<\.\.\. execve resumed>|execve\().*\)\s+=\s+0$")
PYTHON = sys.executable  # the interpreter `autovenv hook` writes into the snippet


def require_strace() -> str:
    return require_tool("strace")


class Trace:
    """strace -f attached to a running shell: processes created and programs executed."""

    def __init__(self, pid: int, log: Path):
        self.log = log
        self.proc = subprocess.Popen(
            [require_strace(), "-f", "-o", str(log), "-e",
             "trace=clone,clone3,fork,vfork,execve", "-p", str(pid)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        assert self.proc.stderr is not None
        line = self.proc.stderr.readline()  # "strace: Process N attached"
        if "attached" not in line:
            self.proc.wait(timeout=10)
            message = f"strace cannot attach: {line.strip()} {self.proc.stderr.read().strip()}"
            if os.environ.get("CI"):
                pytest.fail(message)
            pytest.skip(message)

    def stop(self) -> tuple[int, list[str]]:
        """(processes created, programs executed) since attaching."""
        time.sleep(0.2)  # let the last prompt's syscalls reach the log
        self.proc.send_signal(signal.SIGINT)  # detaches, leaving the shell running
        self.proc.communicate(timeout=10)
        lines = self.log.read_text().splitlines()
        spawned = sum(1 for ln in lines if SPAWN.match(ln) and "CLONE_THREAD" not in ln)
        started = {}  # pid -> program, for execve calls that succeeded
        ok = {m.group(1) for ln in lines for m in [EXEC_OK.match(ln)] if m}
        for ln in lines:
            m = EXEC.match(ln)
            if m and m.group(1) in ok:
                started.setdefault(m.group(1), m.group(2))
        return spawned, list(started.values())


def project(root: Path) -> Path:
    """A trusted project with a venv and nested subdirectories."""
    from autovenv.hook.trust import TrustStore

    p = root / "proj"
    (p / "src" / "pkg" / "deep").mkdir(parents=True)
    (p / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    make_venv(p / ".venv")
    TrustStore({"AUTOVENV_DATA_DIR": str(root / "autovenv-data")}).allow(str(p / ".venv"))
    return p


# The typed commands below (cd, a no-op) read the same in elvish, so it joins the shared shells.
ALL_SHELLS = [*SHELLS, "elvish"]


def traced(s: ShellSession, name: str, commands: list[str]) -> tuple[int, list[str]]:
    trace = Trace(s.child.pid, s.tmp / f"strace.{name}")
    for command in commands:
        s.run(command)
    return trace.stop()


@pytest.mark.parametrize("shell", ALL_SHELLS)
def test_plain_prompts_spawn_nothing(tmp_path, open_shell, shell):
    proj = project(tmp_path)
    s = open_shell(shell)
    s.run(f"cd {proj}/src")
    assert s.environ()["VIRTUAL_ENV"] == str(proj / ".venv")
    noop = "nop" if shell == "elvish" else "true"  # elvish's `true` is /usr/bin/true
    spawned, programs = traced(s, "prompts", [noop] * 20)
    assert (spawned, programs) == (0, [])


@pytest.mark.parametrize("shell", ALL_SHELLS)
def test_cd_within_the_project_spawns_nothing(tmp_path, open_shell, shell):
    proj = project(tmp_path)
    s = open_shell(shell)
    s.run(f"cd {proj}")
    # (no `cd -`: fish's own prevd runs `seq`)
    cds = ["cd src", "cd pkg", "cd deep", "cd ..", "cd ../..", "cd src/pkg/deep",
           f"cd {proj}/src/pkg", f"cd {proj}", "cd .", "cd src/../src", f"cd {proj}"]
    spawned, programs = traced(s, "cds", cds * 2)
    assert (spawned, programs) == (0, [])
    assert s.environ()["VIRTUAL_ENV"] == str(proj / ".venv")


@pytest.mark.parametrize("shell", ALL_SHELLS)
def test_cd_across_a_boundary_spawns_one_python(tmp_path, open_shell, shell):
    proj = project(tmp_path)
    s = open_shell(shell)
    s.run("cd /")
    spawned, programs = traced(s, "in", [f"cd {proj}/src"])
    assert (spawned, programs) == (1, [PYTHON])
    assert s.environ()["VIRTUAL_ENV"] == str(proj / ".venv")
    spawned, programs = traced(s, "out", ["cd /"])
    assert (spawned, programs) == (1, [PYTHON])
    assert "VIRTUAL_ENV" not in s.environ()


def redirect_project(root: Path) -> tuple[Path, Path]:
    """A trusted project whose .venv is a redirect file naming a venv beside it; the venv."""
    from autovenv.hook.trust import TrustStore

    p = root / "proj"
    (p / "src").mkdir(parents=True)
    (p / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    venv = root / "envs" / "v"
    make_venv(venv)
    (p / ".venv").write_text("../envs/v\n")
    TrustStore({"AUTOVENV_DATA_DIR": str(root / "autovenv-data")}).allow(str(venv))
    return p, venv


@pytest.mark.parametrize("shell", [*ALL_SHELLS, "pwsh"])
def test_plain_prompts_in_a_redirected_project_spawn_nothing(tmp_path, open_shell, shell):
    """Each prompt checks that the redirect file still holds its text and still names the
    venv that was checked, with the shell's own means: no process."""
    proj, venv = redirect_project(tmp_path)
    s = open_shell(shell)
    s.run(f"cd {proj}/src")
    assert s.environ()["VIRTUAL_ENV"] == os.path.realpath(venv)
    noop = {"elvish": "nop", "pwsh": "$null"}.get(shell, "true")
    spawned, programs = traced(s, "prompts", [noop] * 20)
    assert (spawned, programs) == (0, [])
