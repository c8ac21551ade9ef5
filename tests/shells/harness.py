"""Real interactive shells driven through a pseudo-terminal (pexpect).

Each command is typed at the prompt, so the hook runs exactly as it does for a user. Results
are read by key, never by line position: the exported environment via `env -0` into a file,
the rendered prompt into a file, completion of each command by a sentinel printed with printf
(the sentinel's text never appears in the typed command, so its echo cannot match).

PowerShell runs as a user's does: `pwsh -NoLogo` with PSReadLine, the rc file as its $PROFILE
(found through XDG_CONFIG_HOME). .NET asks the terminal where the cursor is (ESC[6n) and waits
seconds for an answer a bare pty never gives, so the session answers each query itself.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import sys
from pathlib import Path

import pexpect
import pytest

SHELLS = ("bash", "zsh", "fish")
AUTOVENV = str(Path(sys.executable).parent / "autovenv")
BASE_PATH = "/usr/local/bin:/usr/bin:/bin"
PWSH_PROFILE = "Microsoft.PowerShell_profile.ps1"
CURSOR_QUERY = "\x1b\\[6n"
# Control sequences: CSI (colours, cursor), keypad modes, OSC (the window title).
ANSI = re.compile(r"\x1b(?:\[[0-9;?]*[A-Za-z]|[=>]|\][^\x07]*\x07)")


def require_tool(name: str) -> str:
    """The program's path; a missing one skips locally and fails in CI."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed, and CI must test with it")
        pytest.skip(f"{name} is not installed")
    return path


def require_shell(name: str) -> str:
    """The shell's path; a missing shell skips locally and fails in CI."""
    if name == "pwsh" and shutil.which(name) is None and not os.environ.get("CI"):
        pytest.skip("pwsh is not installed (from the project root: ../shared/tools/install-pwsh)")
    return require_tool(name)


def rc_text(shell: str, hook: str = "", before: str = "") -> str:
    """An rc file: a plain prompt, then whatever the test wants, then the hook line."""
    if hook == "":
        hook = {
            "bash": f'eval "$({AUTOVENV} hook bash)"',
            "zsh": f'eval "$({AUTOVENV} hook zsh)"',
            "fish": f"{AUTOVENV} hook fish | source",
            "elvish": f"eval ({AUTOVENV} hook elvish | slurp)",
            "pwsh": f"Invoke-Expression (& '{AUTOVENV}' hook pwsh | Out-String)",
        }[shell]
    if shell == "fish":
        prompt = "function fish_prompt; printf 'PROMPT> '; end"
    elif shell == "elvish":
        prompt = "set edit:prompt = { put 'PROMPT> ' }; set edit:rprompt = { }"
    elif shell == "pwsh":
        prompt = "function prompt { 'PROMPT> ' }"
    else:
        prompt = "PS1='PROMPT> '"
    return f"{prompt}\n{before}\n{hook}\n"


def value(s: ShellSession, expression: str) -> str:
    """What a PowerShell expression evaluates to in the session, as text (through a file)."""
    out = s.tmp / "value.txt"
    s.run(f"[IO.File]::WriteAllText('{out}', [string]$({expression}))")
    return out.read_text(encoding="utf-8")


class ShellSession:
    def __init__(self, shell: str, tmp: Path, env: dict[str, str] | None = None,
                 rc: str | None = None, cwd: Path | None = None, own_profile: bool = False):
        """`own_profile` (pwsh): read the $PROFILE already in place, as a terminal's pwsh does."""
        self.shell = shell
        self.tmp = tmp
        self._count = itertools.count()
        home = tmp / "home"
        home.mkdir(exist_ok=True)
        # Activation tests must not auto-create venvs in rule-2 projects; creation tests
        # pass env={"AUTOVENV_CONFIG": ...} (or "") to turn creation back on.
        no_create = tmp / "config-no-create.toml"
        if not no_create.exists():  # rewritten, it would be newer than a kept answer
            no_create.write_text('create = "never"\n')
        self.env = {
            "HOME": str(home),
            "PATH": BASE_PATH,
            "TERM": "dumb",
            "LANG": "C.UTF-8",
            "AUTOVENV_DATA_DIR": str(tmp / "autovenv-data"),
            "XDG_CONFIG_HOME": str(home / ".config"),
            "XDG_DATA_HOME": str(home / ".local" / "share"),
            "AUTOVENV_CONFIG": str(no_create),
        }
        self.env.update(env or {})
        rc_file = tmp / f"rc.{shell}.{id(self)}"
        rc_file.write_text(rc if rc is not None else rc_text(shell))
        path = require_shell(shell)
        if shell == "bash":
            args = ["--noprofile", "--rcfile", str(rc_file), "-i"]
        elif shell == "zsh":
            zdot = tmp / f"zdot.{id(self)}"
            zdot.mkdir()
            (zdot / ".zshrc").write_text(rc_file.read_text())
            self.env["ZDOTDIR"] = str(zdot)
            args = ["-i"]
        elif shell == "elvish":
            args = ["-rc", str(rc_file)]
        elif shell == "pwsh":
            # $PROFILE is read once at start, so each session may write its own.
            profile = Path(self.env["XDG_CONFIG_HOME"]) / "powershell" / PWSH_PROFILE
            if not own_profile:
                profile.parent.mkdir(parents=True, exist_ok=True)
                profile.write_text(rc_file.read_text())
            # PSReadLine renders for a real terminal; under TERM=dumb it is not what users run.
            self.env["TERM"] = "xterm-256color"
            args = ["-NoLogo"]
        else:
            args = ["--no-config", "-i", "-C", f"source {rc_file}"]
        self.child = pexpect.spawn(path, args, env=self.env, cwd=str(cwd or tmp),
                                   encoding="utf-8", codec_errors="replace", timeout=30,
                                   dimensions=(50, 400))
        # pexpect sleeps before each send and after each close, for programs that drop keys
        # typed before they read; every line here is typed once its prompt reads keys.
        self.child.delaybeforesend = None
        self.child.delayafterclose = 0
        self.child.delayafterterminate = 0
        self.transcript = ""
        if shell == "pwsh":
            self.transcript += self._prompt(30)
        self.run("$null" if shell == "pwsh" else "true")

    def _expect(self, pattern: object, timeout: float) -> str:
        """Wait for `pattern`, answering the terminal's cursor queries on the way; return the
        text before it (queries removed)."""
        text = ""
        while True:
            i = self.child.expect([pattern, CURSOR_QUERY], timeout=timeout)
            text += self.child.before
            if i == 0:
                return text
            # Any position will do: PSReadLine only moves relative to it.
            self.child.send("\x1b[1;1R")

    def _prompt(self, timeout: float) -> str:
        """Wait for the next prompt and for the line editor to read keys; return the text before."""
        text = self._expect("PROMPT> ", timeout)
        self.prompt_lead = text
        if self.shell == "pwsh":
            # PSReadLine asks for the cursor once it reads keys; typed earlier, Enter can be lost.
            self.child.expect(CURSOR_QUERY, timeout=timeout)
            text += self.child.before
            self.child.send("\x1b[1;1R")
        return text

    def _type(self, line: str) -> None:
        # PSReadLine takes Enter as a carriage return; the others take a newline too.
        self.child.send(line + "\r" if self.shell == "pwsh" else line + "\n")

    def run(self, command: str, timeout: float = 30) -> str:
        """Type `command` at the prompt; return what was printed until it finished."""
        n = next(self._count)
        if self.shell == "pwsh":
            # No process (a printf would be one), and the two halves keep the echo from matching.
            self._type(f'{command}; [Console]::Out.Write("`n__AV_" + "done_{n}__`n")')
        else:
            fmt = '"\\n__AV_%s_%s__\\n"' if self.shell == "elvish" else "'\\n__AV_%s_%s__\\n'"
            self._type(f"{command}; printf {fmt} done {n}")
        out = self._expect(f"__AV_done_{n}__", timeout)
        self.transcript += out
        # Wait for the prompt the hook ran before, so the next command sees its effect.
        self.transcript += self._prompt(timeout)
        return out

    def run_bare(self, command: str, timeout: float = 30) -> str:
        """Type `command` alone (no sentinel after it, so the prompt sees its $? and exit code);
        return what was printed until the next prompt."""
        self._type(command)
        out = self._prompt(timeout)
        self.transcript += out
        return out

    def environ(self) -> dict[str, str]:
        """The environment exported to child processes, exactly (surrogate-escaped)."""
        out = self.tmp / f"env.{next(self._count)}"
        self.run(f"env -0 > {out}")
        data = out.read_bytes()
        env = {}
        for item in data.split(b"\0"):
            if item:
                k, _, v = item.partition(b"=")
                env[os.fsdecode(k)] = os.fsdecode(v)
        return env

    def environ_sans_cwd(self) -> dict[str, str]:
        """environ() without what a cd itself changes (PWD, OLDPWD, bash's $_)."""
        env = self.environ()
        for key in ("PWD", "OLDPWD", "_"):
            env.pop(key, None)
        return env

    def prompt(self) -> str:
        """The prompt as the user sees it (rendered by the shell itself)."""
        out = self.tmp / f"prompt.{next(self._count)}"
        render = {
            "bash": f'printf %s "${{PS1@P}}" > {out}',
            "zsh": f'print -rnP -- "$PS1" > {out}',
            "fish": f"fish_prompt > {out}",
            "elvish": f"print &sep='' ($edit:prompt) > {out}",
        }.get(self.shell)
        if render is None:
            # PowerShell's prompt writes to the host as well as returning text: read the
            # screen, the last line before the prompt's own text, control sequences removed.
            self.run("$null")
            lead = ANSI.sub("", self.prompt_lead).replace("\r", "")
            return lead.rpartition("\n")[2] + "PROMPT> "
        self.run(render)
        return out.read_text(encoding="utf-8", errors="surrogateescape")

    def close(self) -> None:
        if self.child.isalive():
            self._type("exit")
            try:
                self._expect(pexpect.EOF, timeout=5)
            except pexpect.TIMEOUT:
                self.child.terminate(force=True)
