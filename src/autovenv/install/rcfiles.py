"""Each shell's rc file, the line that loads the hook there, and adding or removing it once.

The line sits between two marker comments, so `init` can tell it is already there, replace it
when it changes, and `init --remove` can take out exactly what `init` put in, byte for byte.
Files are rewritten through a temporary file renamed into place (never half-written), through
a symlinked rc file to its target (dotfile managers), keeping the file's mode.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Callable

from autovenv.hook import shells, venvs
from autovenv.hook.atomicfile import atomic_write

BEGIN = "# >>> autovenv >>>"
END = "# <<< autovenv <<<"
# The rc file's last line had no newline, so `init` ended it; `--remove` takes that back too.
BEGIN_ENDED = "# >>> autovenv (ended the line above) >>>"
NOTE = "# Added by `autovenv init`; remove with `autovenv init --remove`."
BACKUP_SUFFIX = ".autovenv-backup"


class RcError(Exception):
    """An rc file autovenv cannot read or write, or a shell whose rc file it does not know."""


def _home(env: Mapping[str, str]) -> str:
    return env.get("HOME") or os.path.expanduser("~")


def _config_home(env: Mapping[str, str]) -> str:
    return env.get("XDG_CONFIG_HOME") or os.path.join(_home(env), ".config")


def _pwsh_profile(env: Mapping[str, str], windows: bool = sys.platform == "win32") -> str:
    # $PROFILE (CurrentUserCurrentHost) of PowerShell 7; Windows keeps it under Documents.
    if windows:
        import ntpath

        docs = ntpath.join(env.get("USERPROFILE") or _home(env), "Documents")
        return ntpath.join(docs, "PowerShell", "Microsoft.PowerShell_profile.ps1")
    return os.path.join(_config_home(env), "powershell", "Microsoft.PowerShell_profile.ps1")


@dataclass(frozen=True)
class RcShell:
    """Where a shell's rc file is, and its rc line around a command (the README's table in
    "Hooking a shell by hand")."""

    path: Callable[[Mapping[str, str]], str]
    line: str  # `{cmd}` stands for autovenv's command, quoted as the shell's adapter quotes


# Keyed by adapter name (shells.names()); tests check that every adapter has an entry here.
RC_SHELLS: dict[str, RcShell] = {
    "bash": RcShell(lambda env: os.path.join(_home(env), ".bashrc"),
                    'eval "$({cmd} hook bash)"'),
    "zsh": RcShell(lambda env: os.path.join(env.get("ZDOTDIR") or _home(env), ".zshrc"),
                   'eval "$({cmd} hook zsh)"'),
    "fish": RcShell(lambda env: os.path.join(_config_home(env), "fish", "config.fish"),
                    "{cmd} hook fish | source"),
    "pwsh": RcShell(_pwsh_profile,
                    "Invoke-Expression (& {cmd} hook pwsh | Out-String)"),
    # elvish >= 0.17 reads rc.elv from the XDG config dir (older ones: ~/.elvish/rc.elv).
    "elvish": RcShell(lambda env: os.path.join(_config_home(env), "elvish", "rc.elv"),
                      "eval ({cmd} hook elvish | slurp)"),
}


def rc_shell(name: str, need_adapter: bool = True) -> tuple[str, RcShell]:
    """The adapter name and rc facts for `name` (an alias is fine). RcError when unsupported.
    Removing a block needs no adapter: a shell dropped from autovenv can still be cleaned up."""
    if not need_adapter and name in RC_SHELLS:
        return name, RC_SHELLS[name]
    try:
        adapter = shells.get(name)
    except KeyError:
        raise RcError(f"unknown shell {name!r}; supported: {', '.join(shells.names())}") from None
    if adapter.name not in RC_SHELLS:
        raise RcError(f"autovenv does not know where {adapter.name}'s rc file is; "
                      f"load the output of `autovenv hook {adapter.name}` from it yourself")
    return adapter.name, RC_SHELLS[adapter.name]


def own_command() -> str:
    """The console script of this installation (the one `install.sh` links into ~/.local/bin)."""
    return shutil.which("autovenv", path=venvs.bin_dir(sys.prefix)) or ""


def hook_command(env: Mapping[str, str]) -> str | None:
    """How the rc line names autovenv: None for the bare word `autovenv` (the contract's line),
    which is right when PATH finds this very installation; otherwise the absolute path of our
    console script, so a shell whose PATH lacks ~/.local/bin (or finds the unrelated PyPI
    `autovenv` first) still loads this hook."""
    own = own_command()
    if not own:
        return None  # not a normal install (e.g. run from a source tree); trust PATH
    found = shutil.which("autovenv", path=env.get("PATH", os.defpath))
    if found and os.path.realpath(found) == os.path.realpath(own):
        return None
    return own


def rc_line(shell: str, env: Mapping[str, str]) -> str:
    name, facts = rc_shell(shell, need_adapter=False)
    command = hook_command(env)
    return facts.line.format(cmd=shells.get(name).quote(command) if command else "autovenv")


def rc_path(shell: str, env: Mapping[str, str]) -> str:
    return rc_shell(shell, need_adapter=False)[1].path(env)


@dataclass(frozen=True)
class Edit:
    """One planned change to one rc file: `before` and `after` are the whole text."""

    shell: str
    path: str
    before: str | None  # None: the file does not exist
    after: str
    line: str

    @property
    def changed(self) -> bool:
        return self.after != (self.before or "")


def _read(path: str) -> str | None:
    try:
        # newline="" keeps \r\n as it is, so a removal gives back the same bytes.
        with open(path, encoding="utf-8", errors="surrogateescape", newline="") as f:
            return f.read()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise RcError(f"{path} is a directory, not an rc file") from None
    except OSError as e:
        raise RcError(f"cannot read {path}: {e.strerror}") from None


def find_block(text: str) -> tuple[int, int, bool] | None:
    """(start, end, ended) of the marked block in text, or None. `ended`: init added the
    newline that precedes the block. A begin marker without its end marker is not a block."""
    pos = 0
    while True:
        for marker, ended in ((BEGIN, False), (BEGIN_ENDED, True)):
            if text.startswith(marker + "\n", pos) or text.startswith(marker + "\r\n", pos):
                stop = _block_end(text, pos)
                if stop is not None:
                    return pos, stop, ended
        nl = text.find("\n", pos)
        if nl < 0:
            return None
        pos = nl + 1


def _block_end(text: str, start: int) -> int | None:
    pos = start
    while True:
        nl = text.find("\n", pos)
        line = text[pos:] if nl < 0 else text[pos:nl]
        if line.rstrip("\r") == END:
            return len(text) if nl < 0 else nl + 1
        if nl < 0:
            return None
        pos = nl + 1


def _block(line: str, ended: bool) -> str:
    return f"{BEGIN_ENDED if ended else BEGIN}\n{NOTE}\n{line}\n{END}\n"


def plan_add(shell: str, env: Mapping[str, str]) -> Edit:
    """The rc file with the hook block in it: added at the end, or updated where it is."""
    name, facts = rc_shell(shell)
    path = facts.path(env)
    line = rc_line(name, env)
    before = _read(path)
    text = before or ""
    found = find_block(text)
    if found:
        start, stop, ended = found
        after = text[:start] + _block(line, ended) + text[stop:]
    else:
        ended = bool(text) and not text.endswith("\n")
        after = text + ("\n" if ended else "") + _block(line, ended)
    return Edit(name, path, before, after, line)


def plan_remove(shell: str, env: Mapping[str, str]) -> Edit:
    """The rc file without the hook block (and without the newline init added before it)."""
    name, facts = rc_shell(shell, need_adapter=False)
    path = facts.path(env)
    before = _read(path)
    text = before or ""
    found = find_block(text)
    after = text
    if found:
        start, stop, ended = found
        if ended and start > 0 and text[start - 1] == "\n":
            start -= 1
        after = text[:start] + text[stop:]
    return Edit(name, path, before, after, rc_line(name, env))


def has_block(shell: str, env: Mapping[str, str]) -> bool:
    return find_block(_read(rc_path(shell, env)) or "") is not None


def block_line(shell: str, env: Mapping[str, str]) -> str | None:
    """The hook line inside the block of that shell's rc file, if there is a block."""
    text = _read(rc_path(shell, env)) or ""
    found = find_block(text)
    if not found:
        return None
    lines = [ln.rstrip("\r") for ln in text[found[0]:found[1]].splitlines()]
    body = [ln for ln in lines[1:-1] if ln.strip() and not ln.lstrip().startswith("#")]
    return body[0] if body else ""


def apply(edit: Edit) -> str | None:
    """Write the edit; returns the backup's path (None when there was no file to back up)."""
    if not edit.changed:
        return None
    target = os.path.realpath(edit.path)  # write through a symlinked rc file
    backup = None
    try:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        mode = None  # a new file gets the umask's mode
        if edit.before is not None:
            mode = os.stat(target).st_mode & 0o7777
            backup = edit.path + BACKUP_SUFFIX
            _write(backup, edit.before, mode)
        _write(target, edit.after, mode)
    except OSError as e:
        raise RcError(f"cannot write {e.filename or target}: {e.strerror}") from None
    return backup


def _write(path: str, text: str, mode: int | None) -> None:
    # A new file gets the umask's mode, as open() would give it; an existing one keeps its own.
    atomic_write(path, text.encode("utf-8", "surrogateescape"), 0o666 if mode is None else mode,
                 exact=mode is not None)


def shells_with_block(env: Mapping[str, str]) -> list[str]:
    """Every shell whose rc file holds the block (what a full `init --remove` undoes)."""
    found = []
    for name in RC_SHELLS:
        try:
            if has_block(name, env):
                found.append(name)
        except RcError:
            continue
    return found
