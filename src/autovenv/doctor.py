"""`autovenv doctor`: checks the install and explains, one line per check, with a fix.

Each check returns a `Check`; cli.py prints them and exits non-zero when one is FAIL. A WARN
is something that does not work *yet* or works differently than expected; a NOTE is
information. Doctor changes nothing on disk but the kept hook text, made again when it runs
the launcher as a new shell does and finds it stale.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass

from autovenv import __version__
from autovenv.creation.backend import find_program
from autovenv.hook import shells
from autovenv.hook.shells.base import helper_path
from autovenv.hook.trust import TrustStore
from autovenv.install import rcfiles

OK, NOTE, WARN, FAIL = "ok", "note", "warn", "FAIL"


@dataclass(frozen=True)
class Check:
    status: str
    text: str
    fix: str = ""


def detect_shell(env: Mapping[str, str]) -> str | None:
    """The shell doctor was run from (its parent process), else the login shell ($SHELL)."""
    from autovenv.hook.shells.pwsh import is_pwsh_process

    candidates = ["pwsh"] if is_pwsh_process(os.getppid()) else []
    try:
        import shellingham

        candidates.append(shellingham.detect_shell()[0])
    except Exception:  # shellingham raises its own errors, and /proc may be unreadable
        pass
    candidates.append(os.path.basename(env.get("SHELL", "")))
    for name in candidates:
        try:
            return shells.get(name).name
        except KeyError:
            continue
    return None


def check_rc(shell: str, env: Mapping[str, str], loaded: bool) -> Check:
    path = rcfiles.rc_path(shell, env)
    line = rcfiles.block_line(shell, env)
    if line is None:
        if loaded:
            return Check(OK, f"the hook is loaded, though not by an autovenv block in {path}")
        return Check(FAIL, f"no autovenv hook line in {path}", f"autovenv init {shell}")
    expected = rcfiles.rc_line(shell, env)
    if line == expected:
        return Check(OK, f"hook line in {path}: {line}")
    bare = rcfiles.RC_SHELLS[shell].line.format(cmd="autovenv")
    if line == bare and not shutil.which("autovenv", path=env.get("PATH", os.defpath)):
        return Check(FAIL, f"{path} runs `autovenv`, which is not on PATH",
                     f"add ~/.local/bin to PATH, or `autovenv init {shell}` to write its full path")
    return Check(WARN, f"the hook line in {path} is `{line}`, not `{expected}`",
                 f"autovenv init {shell}")


def check_loaded(shell: str | None, env: Mapping[str, str], in_rc: bool) -> Check:
    # The snippet exports its shell's PID; doctor is that shell's child when the hook is live.
    hook_pid = env.get("AUTOVENV_HOOK_PID", "")
    if hook_pid == str(os.getppid()):
        return Check(OK, "the hook is loaded in this shell")
    now = rcfiles.rc_line(shell, env) if shell else "eval \"$(autovenv hook SHELL)\""
    if hook_pid:
        return Check(WARN, f"the hook was loaded by a parent shell (pid {hook_pid}), not this one",
                     f"open a new shell, or run: {now}")
    # Only a warning: a missing rc line already fails, and a fresh install is not loaded yet.
    fix = f"open a new shell, or run: {now}" if in_rc else f"autovenv init {shell or 'SHELL'}"
    return Check(WARN, "the hook is not loaded in this shell", fix)


def check_command(env: Mapping[str, str]) -> Check:
    found = shutil.which("autovenv", path=env.get("PATH", os.defpath))
    own = rcfiles.own_command()
    if not found:
        return Check(WARN, "`autovenv` is not on PATH (hooked shells still have it as a function)",
                     "add ~/.local/bin to PATH")
    if own and os.path.realpath(found) != os.path.realpath(own):
        return Check(WARN, f"`autovenv` on PATH is {found}, not this installation ({own})",
                     "remove the other one, or put ~/.local/bin earlier in PATH")
    return Check(OK, f"`autovenv` on PATH: {found}")


def own_command_text() -> tuple[str, str] | None:
    """This installation's `autovenv` command and its text (None when not installed as one)."""
    own = rcfiles.own_command()
    if not own:
        return None
    try:
        with open(own, encoding="utf-8", errors="surrogateescape") as f:
            return own, f.read(1 << 16)
    except OSError:
        return None


def check_launcher(command: tuple[str, str] | None) -> Check | None:
    """Is this installation's `autovenv` the lean launcher install.sh writes? (A pip upgrade done
    by hand puts pip's generic script back: it works, but every new shell pays for it.)"""
    from autovenv.install.launcher import is_launcher

    if command is None:
        return None
    own, text = command
    if is_launcher(text, sys.executable):
        return Check(OK, f"{own} is the lean launcher (`autovenv hook` from its cached text)")
    return Check(NOTE, f"{own} is the generic console script: `autovenv hook` starts Python in "
                 "every new shell", f"{sys.executable} -I -m autovenv.install.launcher {own}")


def check_hook_text(command: tuple[str, str] | None, shell: str | None,
                    env: Mapping[str, str]) -> Check | None:
    """Does the launcher print the kept hook text (no Python when a new shell starts)? Asked of
    the launcher itself, run as a new shell runs it: the kept text is its only test. A stale
    text is made again by that run (what the next new shell would do), then asked once more."""
    from autovenv.install import hookcache
    from autovenv.install.launcher import is_launcher

    if command is None or shell is None or not is_launcher(command[1], sys.executable):
        return None  # check_launcher says what to do
    path = hookcache.text_path(shell, env)
    if path is None:
        return Check(NOTE, "no absolute HOME or XDG_CACHE_HOME: new shells start Python for "
                     "`autovenv hook`, as there is no cache dir to keep its text in",
                     "set HOME")
    for _attempt in range(2):
        served, ms = _served_from_cache(command[0], shell, path, env)
        if served:
            return Check(OK, f"new {shell} shells read the kept hook text ({path}; "
                         f"{ms:.0f} ms, no Python)")
    return Check(NOTE, f"the kept {shell} hook text ({path}) is not served: each new shell "
                 "starts Python for `autovenv hook`", f"{sys.executable} -I -m autovenv.install.hookcache")


def _served_from_cache(launcher: str, shell: str, path: str,
                       env: Mapping[str, str]) -> tuple[bool, float]:
    """Run `launcher hook SHELL`: did it print the kept text untouched (Python would have made
    it again), and how long did it take?"""
    def mtime() -> int | None:
        try:
            return os.stat(path).st_mtime_ns
        except OSError:
            return None

    before = mtime()
    start = time.monotonic()
    try:
        done = subprocess.run([launcher, "hook", shell], env=dict(env), capture_output=True,
                              timeout=20, cwd="/")
    except (OSError, subprocess.TimeoutExpired):
        return False, 0.0
    ms = (time.monotonic() - start) * 1000
    try:
        with open(path, "rb") as f:
            kept = f.read()
    except OSError:
        return False, ms
    return before is not None and mtime() == before and done.stdout == kept, ms


def check_bundle() -> Check:
    """Do the hook path's modules load from their one cached file (preload.py)?"""
    from autovenv.hook import bundlewrite, preload

    state = bundlewrite.state()
    path = preload.bundle_path()
    if state == "fresh":
        return Check(OK, f"the hook's modules load from one cached file ({path})")
    if state == "unwritable":
        return Check(NOTE, f"the hook's modules cannot be cached in {path} (read-only): each cd "
                     "that runs the helper imports them one by one, a little slower")
    return Check(NOTE, f"the hook's cached modules ({path}) are {state}; the next cd makes them anew",
                 f"{sys.executable} -I -m autovenv.install.hookcache")


def check_helper(shell: str | None, env: Mapping[str, str]) -> Check:
    """Run the per-cd helper exactly as the snippet does (paused, at /, so it changes nothing)."""
    python, helper = sys.executable, helper_path()
    if not (python and os.access(python, os.X_OK)):
        return Check(FAIL, f"autovenv's interpreter {python!r} is missing",
                     "reinstall: sh install.sh")
    child_env = {**env, "AUTOVENV_DISABLE": "1", "PWD": "/"}
    start = time.monotonic()
    try:
        done = subprocess.run([python, "-I", "-S", helper, "export", shell or "bash"], cwd="/",
                              env=child_env, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as e:
        return Check(FAIL, f"the per-cd helper does not run: {e}", "reinstall: sh install.sh")
    ms = (time.monotonic() - start) * 1000
    if done.returncode != 0:
        why = (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1]
        return Check(FAIL, f"the per-cd helper fails: {why}", "reinstall: sh install.sh")
    version = ".".join(map(str, sys.version_info[:3]))
    return Check(OK, f"autovenv {__version__} on Python {version} ({python}); "
                     f"the per-cd helper runs ({ms:.0f} ms)")


def check_uv(env: Mapping[str, str]) -> Check:
    uv = find_program("uv", env, None)  # as creating and syncing find it
    if uv:
        return Check(OK, f"uv found ({uv}): new venvs are made with `uv venv`, and uv.lock projects sync")
    return Check(NOTE, "no uv on PATH that only you and root can change: new venvs are made with "
                 "Python's venv module, pip put in from its bundled wheel (about a tenth of a "
                 "second; uv takes less); a project with a uv.lock cannot be synced",
                 "install uv (optional): https://docs.astral.sh/uv/")


def check_trust_store(env: Mapping[str, str]) -> Check:
    root = TrustStore(env).root
    fix = f"make it yours and writable (chmod -R u+rwX {root}), or set AUTOVENV_DATA_DIR"
    if not os.path.exists(root):  # not made yet (nothing allowed so far): it must be creatable
        parent = root
        while not os.path.exists(parent):
            parent = os.path.dirname(parent)
        if os.path.isdir(parent) and os.access(parent, os.W_OK | os.X_OK):
            return Check(OK, f"trust store {root} does not exist yet; it can be created")
        return Check(FAIL, f"trust store {root} cannot be created ({parent} is not writable)", fix)
    if not os.path.isdir(root):
        return Check(FAIL, f"trust store {root} is not a directory", f"remove it: rm {root}")
    try:
        for kind in os.listdir(root):
            sub = os.path.join(root, kind)
            if os.path.isdir(sub):
                os.listdir(sub)
        fd, probe = tempfile.mkstemp(prefix=".doctor-", dir=root)
        os.close(fd)
        os.remove(probe)
    except OSError as e:
        return Check(FAIL, f"trust store {root} is not readable and writable: {e.strerror}", fix)
    return Check(OK, f"trust store {root} is readable and writable")


def check_here(env: Mapping[str, str]) -> Check:
    from autovenv.status import report

    try:
        here = os.getcwd()
    except OSError:
        return Check(WARN, "the current directory no longer exists", "cd somewhere else")
    info = report(here, env)
    if info["disabled"]:
        return Check(NOTE, "autovenv is paused: AUTOVENV_DISABLE is set", "unset AUTOVENV_DISABLE")
    if info["problems"]:
        return Check(WARN, f"here ({here}): {info['problems'][0]}", f"autovenv status {here}")
    if info["rule"] == 3:
        return Check(OK, f"here ({here}): no Python project, nothing to activate")
    if not info["venv_exists"]:
        return Check(OK, f"here: project {info['project']}, no venv yet (will be {info['venv']})")
    if info["will_activate"]:
        state = "active" if info["active"] else "trusted, activates on cd"
        return Check(OK, f"here: project {info['project']}, venv {info['venv']}: {state}")
    if not info["trusted"]:
        return Check(NOTE, f"here: venv {info['venv']} is not activated: {info['trust_reason']}",
                     f"autovenv allow {info['project']}")
    return Check(WARN, f"here: venv {info['venv']} is not activated: {info['health']}",
                 f"autovenv status {here}")


def run_checks(env: Mapping[str, str], shell: str | None = None) -> list[Check]:
    checks: list[Check] = []
    name = shell or detect_shell(env)
    loaded = env.get("AUTOVENV_HOOK_PID", "") == str(os.getppid())
    if name is None:
        checks.append(Check(WARN, "could not tell which shell this is",
                            f"name it: autovenv doctor --shell {'|'.join(shells.names())}"))
        checks.append(check_loaded(None, env, in_rc=False))
    else:
        try:
            rc = check_rc(name, env, loaded)
        except rcfiles.RcError as e:
            rc = Check(FAIL, str(e))
        checks.append(rc)
        checks.append(check_loaded(name, env, in_rc=rc.status != FAIL))
    checks += [check_helper(name, env), check_bundle(), check_command(env)]
    command = own_command_text()
    for check in (check_launcher(command), check_hook_text(command, name, env)):
        if check is not None:
            checks.append(check)
    checks += [check_uv(env), check_trust_store(env), check_here(env)]
    return checks


def format_check(check: Check) -> str:
    return f"{check.status:<4}  {check.text}" + (f"; fix: {check.fix}" if check.fix else "")
