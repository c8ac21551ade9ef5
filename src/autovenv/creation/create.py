"""Make a project's venv: the right Python, quickly, and never half a venv.

How, in order:
1. Take the project's lock (locks.py), then look again: another shell may have made the venv
   meanwhile.
2. Build in `<venv>.autovenv-tmp-<pid>` beside the final place (same filesystem), with
   `uv venv` or `python -I -m venv --without-pip`, run isolated from a working directory
   outside the project, so nothing in the project is imported (backend.py).
3. Put pip in, offline, from the interpreter's own bundled wheel (pipwheel.py).
4. Rewrite the temporary path in bin/ and pyvenv.cfg, rename into place and record it as
   trusted, with Ctrl-C held off for those two steps. A venv that exists is therefore always
   complete; a killed build leaves only a temporary directory, removed at the next attempt.
A failure (read-only directory, disk full, no matching Python) is remembered (failures.py), so
the hook does not retry at every `cd` until something changed or the user runs `autovenv create`.

The hook runs this when `cd` enters a new project (on_entry), and `uv venv` itself is quick:
what autovenv adds must stay small. Hence no thread, no subprocess module (the backend is started
with os.posix_spawn), and no typing, dataclasses, re, json or glob on the way of a creation
that works.
"""

from __future__ import annotations

import sys
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
from autovenv.creation import backend, failures, locks, staging
from autovenv.creation.progress import Progress
from autovenv.hook import config, discover, fs, locations, trust, venvs
from autovenv.hook.atomicfile import atomic_write
from autovenv.hook.errors import ConfigError, CreateError, NoInterpreter
from autovenv.hook.records import Record, dataclass

__all__ = ["CreateError", "Progress", "Result", "build", "make", "on_entry"]


@dataclass(frozen=True)
class Result(Record):
    venv: str
    python: str  # "3.12.1 (/path/python3.12)"
    backend: str
    pip: str  # pip version installed, '' when none
    seconds: float
    notes: tuple[str, ...] = ()
    trusted: bool = True  # recorded as trusted (False: the user had denied this venv's path)
    skipped: tuple[str, ...] = ()  # interpreters never run, and why (`autovenv create` says them)


# --- Building ------------------------------------------------------------------------------


def _os_error(e: OSError, where: str) -> CreateError:
    import errno

    if e.errno == errno.ENOSPC:
        return CreateError(f"cannot create the venv in {where}: the disk is full")
    if e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return CreateError(f"cannot create the venv in {where}: the directory is not writable ({e.strerror})")
    return CreateError(f"cannot create the venv in {where}: {e.strerror or e}")


def build(
    venv: str, project: str, env: Mapping[str, str], cfg: config.Config,
    progress: Progress, replace: bool = False,
) -> Result:
    """Make `venv` (the caller holds the project lock). `replace`: swap out an existing one."""
    from autovenv.creation import interpreters

    started = time.monotonic()
    skipped: list[str] = []
    interp, _request = interpreters.choose(project, cfg, env, skipped)
    uv = backend.find_program("uv", env, project) if cfg.backend in ("auto", "uv") else None
    notes: list[str] = []
    if cfg.backend == "uv" and not uv:
        notes.append('backend = "uv" but uv is not on PATH; used the venv module')
    if not uv and not interp.venv_module:
        raise CreateError(
            f"Python {interp} has no venv module (Debian/Ubuntu: apt install python3-venv), "
            "and uv is not on PATH"
        )
    kind = "uv" if uv else "venv"
    progress.start(f"creating {venv} with Python {interp} ({kind})")
    parent = fs.dirname(venv)
    tmp = backend.build_dir(venv)
    store = trust.TrustStore(env)
    try:
        staging.make_build_dir(tmp)  # an OSError says why not, in the words of the system (read-only, ...)
        argv, what = backend.command(uv, interp.path, project, tmp)
        running = backend.Backend(argv, env, what)
        try:  # while it works: what does not need the new venv
            staging.remove_leftovers(venv, keep=tmp)
            denied = _denied(store, venv)
            if cfg.pip and interp.pip_wheel:
                from autovenv.creation import pipwheel
        except BaseException:
            running.kill()
            raise
        running.wait(progress)
        pip_version = ""
        if cfg.pip:
            if interp.pip_wheel:
                pip_version = pipwheel.install_pip(tmp, venv, interp.pip_wheel, interp.version, env)
            else:
                notes.append(
                    f"pip was not installed: Python {interp.path} has no bundled pip wheel "
                    "(Debian/Ubuntu: apt install python3-venv); set pip = false to silence this"
                )
            progress.tick()
        gitignore = fs.join(tmp, ".gitignore")
        if not fs.exists(gitignore):  # uv writes one; the venv module only from 3.13 on
            atomic_write(gitignore, b"# created by autovenv automatically\n*\n")
        staging.relocate(tmp, venv)
        # `deny` holds even across re-creation
        staging.put_in_place(tmp, venv, replace, None if denied else lambda: store.record_created(venv))
        tmp = ""  # it is the venv now
    except OSError as e:
        raise _os_error(e, parent) from None
    finally:
        if tmp and fs.isdir(tmp):
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)
    seconds = time.monotonic() - started
    return Result(venv, str(interp), kind, pip_version, seconds, tuple(notes), trusted=not denied,
                  skipped=tuple(skipped))


# --- Entry points --------------------------------------------------------------------------


def make(
    project: str, venv: str, env: Mapping[str, str], cfg: config.Config,
    progress: Progress, replace: bool = False,
) -> Result | None:
    """Create (or with `replace`, re-create) the venv under the project lock. None when
    another process made it while this one waited. Failures are remembered, then raised."""
    try:
        with locks.project_lock(project, env, progress.note, CreateError):
            if not replace and venvs.is_venv_dir(venv):
                return None
            result = build(venv, project, env, cfg, progress, replace=replace)
    except (CreateError, NoInterpreter) as e:
        failures.record(project, env, str(e))
        raise
    except OSError as e:  # the data dir itself (locks) is unusable
        error = _os_error(e, locations.data_dir(env))
        failures.record(project, env, str(error))
        raise error from None
    failures.clear(project, env)
    pip = f", pip {result.pip}" if result.pip else ""
    how = f"{result.backend}{pip}"
    progress.done(f"created {venv} with Python {result.python} ({how}) in {result.seconds:.2f}s")
    return result  # result.notes are warnings: the caller shows them (once, in the hook)


def on_entry(finding: discover.Finding, env: Mapping[str, str], messages  # type: ignore[no-untyped-def]
             ) -> tuple[discover.Finding, str]:
    """The hook's rule-2 case: make the venv when the config says so. The new Finding (rule 1
    on success), and the venv this made and recorded as trusted ('' when none). Every failure
    becomes one message per shell session, never a traceback."""
    assert finding.project and finding.venv
    project, venv = finding.project, finding.venv
    cfg = config.load(project, env)
    for problem in cfg.problems:
        messages.once("problem:" + problem, problem)
    if cfg.create != "auto" or _denied(trust.TrustStore(env), venv):
        return finding, ""
    if _removed_under_this_shell(venv, env):
        # Deleting the venv you are in is not entering a project: making a new one at once
        # would race with the user's own `uv venv`/`python -m venv` at the next command.
        messages.once("removed:" + venv, f"{venv} was removed; autovenv create makes a new one")
        return finding, ""
    failed = failures.recorded(project, env)
    if failed:
        messages.once("create-failed:" + project + failed, f"{failed} (to try again: autovenv create)")
        return finding, ""
    try:
        result = make(project, venv, env, cfg, Progress(sys.stderr, env))
        for note in result.notes if result else ():
            messages.once("create-note:" + note, note)
        made = venv if result and result.trusted else ""
    except (CreateError, NoInterpreter, ConfigError) as e:
        messages.once("create-failed:" + project + str(e), f"{e} (to try again: autovenv create)")
        return finding, ""
    except KeyboardInterrupt:
        messages.once("create-interrupted:" + project,
                      f"creating {venv} was interrupted; nothing was left behind (autovenv create makes it)")
        return finding, ""
    return discover.find(finding.start, env), made


def _denied(store: trust.TrustStore, venv: str) -> bool:
    """`autovenv deny` was said of this venv (the first thing TrustStore.verdict looks at)."""
    return fs.lexists(store.record_path(trust.DENY, venv))


def _removed_under_this_shell(venv: str, env: Mapping[str, str]) -> bool:
    """Did this shell's last answer see this venv exist? (its scope watched its pyvenv.cfg)"""
    from autovenv.hook import scope

    return scope.shell_saw(env, fs.join(venv, venvs.CFG_NAME))
