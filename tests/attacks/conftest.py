"""What every attack test needs: canaries, repositories shipped through git, shells to enter
them from, and the checks that the user's shell came out unharmed.

An attack is built as its author ships it: files (and symlinks) committed to a real git
repository, which the victim clones with `git clone`. Every program, activate script and `.pth`
file in it is a canary: if it ever runs, a file appears in the canary directory.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.shells.harness import BASE_PATH, ShellSession, require_tool

# Every shell a user can load the hook in, as far as the harness can drive it.
ATTACK_SHELLS = ("bash", "zsh", "fish", "elvish", "pwsh")
# Commands a shipped bin/ (or the project's own directory) might shadow: the ones a user types
# first in a fresh clone, and the ones the hook and the harness run themselves.
SHADOWED = ("python", "python3", "pip", "ls", "env", "cat", "git", "uv", "sh", "hash", "rehash",
            "printf", "true", "rm", "dirname", "basename", "stat", "pwsh")


class Canaries:
    """A directory outside every project; any file in it means attacker code ran."""

    def __init__(self, root: Path):
        self.dir = root / "canaries"
        self.dir.mkdir(exist_ok=True)  # a tree built once may be entered by several workers

    def script(self, tag: str) -> str:
        """A program that leaves a file named `tag` and answers like a Python would."""
        return (f"#!/bin/sh\n: > '{self.dir}/{tag}'\n"
                "echo 'Python 3.12.0'\n")

    def pth(self, tag: str) -> str:
        """A .pth line: run at every start of an interpreter using those site-packages."""
        return f"import os; open({str(self.dir / tag)!r}, 'w').close()\n"

    def fired(self) -> list[str]:
        return sorted(os.listdir(self.dir))


@pytest.fixture
def canaries(tmp_path: Path) -> Canaries:
    return Canaries(tmp_path)


def write(path: Path, text: str, mode: int = 0o644) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    path.chmod(mode)
    return path


def fake_venv(where: Path, canaries: Canaries, tag: str, version: str = "3.11") -> Path:
    """A venv as an attacker ships it: pyvenv.cfg, and a bin/ and site-packages where every
    program, activate script and .pth file is a canary."""
    write(where / "pyvenv.cfg", "home = /usr/bin\ninclude-system-site-packages = false\n"
                                f"version = {version}.0\n")
    for name in SHADOWED + ("activate", "activate.fish", "activate.csh", "Activate.ps1",
                            f"python{version}", "pip3"):
        write(where / "bin" / name, canaries.script(f"{tag}-bin-{name}"), 0o755)
    site = where / "lib" / f"python{version}" / "site-packages"
    write(site / "aaa-evil.pth", canaries.pth(f"{tag}-pth"))
    write(site / "sitecustomize.py", canaries.pth(f"{tag}-sitecustomize"))
    return where


def git(*args: str, cwd: Path) -> None:
    env = {"PATH": BASE_PATH, "HOME": str(cwd), "GIT_CONFIG_NOSYSTEM": "1", "LANG": "C.UTF-8",
           "GIT_AUTHOR_NAME": "mallory", "GIT_AUTHOR_EMAIL": "m@example.invalid",
           "GIT_COMMITTER_NAME": "mallory", "GIT_COMMITTER_EMAIL": "m@example.invalid"}
    subprocess.run([require_tool("git"), *args], cwd=cwd, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def ship(tmp_path: Path, name: str, build: Callable[[Path], None]) -> Path:
    """The attacker's repository: `build` fills a work tree, which is committed (symlinks and
    executable bits as git carries them) and cloned where the victim keeps projects."""
    src = tmp_path / "mallory" / name
    src.mkdir(parents=True)
    build(src)
    git("init", "-q", cwd=src)
    git("add", "-A", "-f", ".", cwd=src)
    git("commit", "-q", "-m", "nice project", cwd=src)
    clones = tmp_path / "src"
    clones.mkdir(exist_ok=True)
    git("clone", "-q", "--no-local", str(src), name, cwd=clones)
    return clones / name


def path_entries(value: str) -> list[str]:
    return value.split(":")


def assert_path_clean(path: str, base: str, allowed: tuple[str, ...] = ()) -> None:
    """PATH holds only absolute entries; any it gained are `allowed` (a trusted venv's bin)."""
    entries = path_entries(path)
    bad = [e for e in entries if not e.startswith("/")]
    assert bad == [], f"PATH gained an empty or relative entry: {bad!r} in {path!r}"
    gained = [e for e in entries if e not in path_entries(base)]
    assert all(e in allowed for e in gained), f"PATH gained {gained!r} (allowed: {allowed!r})"


# How each shell goes to the path held in a file, so that no name is ever typed (the file's
# bytes are the name; bash and zsh read up to a NUL, the others take the whole file).
GO = {
    "bash": "IFS= read -r -d '' t < {file}; cd -- \"$t\"",
    "zsh": "IFS= read -r -d '' t < {file}; cd -- \"$t\"",
    "fish": "cd (string collect -N < {file})",
    "elvish": "cd (slurp < {file})",
    "pwsh": "Set-Location -LiteralPath ([IO.File]::ReadAllText('{file}'))",
}
NUL_TERMINATED = ("bash", "zsh")


def cd(shell: str, path: Path | str, via: Path | None = None) -> str:
    """A cd command: typed when the path is plain (nothing any shell reads in '...'), else
    read from the file `via`."""
    text = str(path)
    if re.fullmatch(r"[\w./ +-]+", text, re.ASCII):
        return f"cd '{text}'"
    assert via is not None, f"{text!r} cannot be typed: give a file to read it from"
    via.write_bytes(os.fsencode(text) + (b"\0" if shell in NUL_TERMINATED else b""))
    return GO[shell].format(file=via)


def attempt(shell: str, command: str) -> str:
    """A command that may fail (not found, error) without ending the typed line."""
    if shell in ("elvish", "pwsh"):  # a failed command throws: the rest of the line would not run
        return f"try {{ {command} }} catch {{ }}"
    return f"{command} 2>&1"


def type_line(s: ShellSession, line: str) -> None:
    """Type a line at the prompt without waiting for it to run (see wait_for_prompt)."""
    s._type(line)


def wait_for_prompt(s: ShellSession, timeout: float = 60) -> None:
    """Wait until the line typed last has run and the next prompt reads keys (typing ahead
    before that can lose the Enter in pwsh)."""
    s.transcript += s._prompt(timeout)


def current_directory(s: ShellSession) -> str:
    """The shell's own idea of where it is (pwsh keeps $env:PWD to itself)."""
    out = s.tmp / "cwd.out"
    s.run(f"[IO.File]::WriteAllText('{out}', (Get-Location).ProviderPath)" if s.shell == "pwsh"
          else f"pwd > '{out}'")
    return out.read_text().rstrip("\n")


def alive(s: ShellSession) -> None:
    """The shell still reads, runs and prints."""
    # Typed so that the echo of the line does not hold the token.
    out = s.run("'still' + '-alive'" if s.shell == "pwsh" else "echo still-al''ive")
    assert "still-alive" in out, s.transcript[-2000:]


def messages(s: ShellSession) -> list[str]:
    """Every line autovenv (the hook or the helper) wrote to the terminal."""
    text = CSI.sub("", s.transcript)  # a line editor's cursor moves and colours (PSReadLine)
    return [ln.strip() for ln in text.splitlines() if ln.strip().startswith("autovenv:")]


# Control sequences, title strings (OSC) and keypad modes: what a line editor writes around text.
CSI = re.compile(r"\x1b(\[[0-9;?]*[ -/]*[@-~]|\][^\x07]*\x07|[=>])")


# One opener of real shells for every test directory (tests/shells/conftest.py).
from tests.shells.conftest import open_shell  # noqa: E402,F401
