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

The hook runs this when `cd` enters a new project, and `uv venv` takes ~20 ms: everything else
here must cost next to nothing. Hence no thread, no subprocess module (the backend is started
with os.posix_spawn), and no import of os, typing, dataclasses, re, json, glob or shutil on the
way of a creation that works (fs and fsops use the builtin posix module).
"""

from __future__ import annotations

import sys
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
if TYPE_CHECKING:  # type checkers know dataclasses; the creation path imports the lean stand-in
    from dataclasses import dataclass

    Record = object
else:
    from autovenv.hook.records import Record, dataclass

from autovenv.creation import backend, failures, fsops, locks
from autovenv.creation.progress import Progress
from autovenv.hook import config, discover, fs, locations, trust, venvs
from autovenv.hook.errors import ConfigError, CreateError, NoInterpreter

__all__ = ["CreateError", "Progress", "Result", "build", "hints", "make", "on_entry", "remove_leftovers"]
OLD_TAG = ".autovenv-old-"


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


class _no_interrupts:  # noqa: N801 - used as a function
    """Hold Ctrl-C/TERM/HUP back while the venv is renamed into place and trusted."""

    def __enter__(self) -> None:
        signal = backend.signals()
        self.old = None
        if hasattr(signal, "pthread_sigmask"):
            held = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
            self.old = signal.pthread_sigmask(signal.SIG_BLOCK, held)

    def __exit__(self, *exc: object) -> None:
        if self.old is not None:
            signal = backend.signals()
            signal.pthread_sigmask(signal.SIG_SETMASK, self.old)


# --- Backends ------------------------------------------------------------------------------


def _os_error(e: OSError, where: str) -> CreateError:
    import errno

    if e.errno == errno.ENOSPC:
        return CreateError(f"cannot create the venv in {where}: the disk is full")
    if e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return CreateError(f"cannot create the venv in {where}: the directory is not writable ({e.strerror})")
    return CreateError(f"cannot create the venv in {where}: {e.strerror or e}")


# --- Building ------------------------------------------------------------------------------


def _relocate(tmp_venv: str, final_venv: str) -> None:
    """Point the activate scripts and pyvenv.cfg at the final path (they name the temp one).

    Rewritten in place: nobody else sees the temporary venv, and its files are its own (one
    with other links, which a cache could share, is replaced instead). Every syscall counts
    here (a dozen files), hence scandir's file types and raw file descriptors.
    pyvenv.cfg gets the path without control characters: the venv module (3.11+) writes it raw
    into its `command` line, where a newline in a directory name would start a setting of its
    own (`include-system-site-packages = true`)."""
    old, new = fs.fsencode(tmp_venv), fs.fsencode(final_venv)
    cfg = fs.join(tmp_venv, venvs.CFG_NAME)
    bin_dir = venvs.bin_dir(tmp_venv)
    paths = [cfg]
    with fsops.scandir(bin_dir) as entries:
        paths += [e.path for e in entries if e.is_file(follow_symlinks=False)]  # not the python links
    for path in paths:
        try:
            fd = fsops.open(path, fsops.O_RDWR)
        except OSError:
            continue
        try:
            data = fsops.read_all(fd)
            if old not in data:
                continue
            data = data.replace(old, fs.fsencode(venvs.clean_name(final_venv)) if path == cfg else new)
            st = fsops.fstat(fd)
            if st.st_nlink == 1:
                fsops.write_at_start(fd, data)
                continue
        finally:
            fsops.close(fd)
        fsops.write_file(path + ".autovenv", data)
        fsops.chmod(path + ".autovenv", st.st_mode & 0o7777)
        fsops.replace(path + ".autovenv", path)


def _make_build_dir(tmp: str) -> None:
    """The empty directory the backend builds in, made here rather than by the backend: the
    venv module builds into a directory that exists and keeps what it holds, and a project
    could ship one by this name (for any pid) with a .pth file in it. What is there goes."""
    try:
        fsops.mkdir(tmp, 0o755)
        return
    except FileExistsError:
        pass
    if fs.isdir(tmp) and not fs.islink(tmp):
        import shutil

        shutil.rmtree(tmp)
    else:
        fsops.remove(tmp)
    fsops.mkdir(tmp, 0o755)


def remove_leftovers(venv: str, keep: str = "") -> None:
    """Temporary and old directories left by a creation that was killed (caller holds the lock),
    except `keep`, the one being built now."""
    parent, name = fs.dirname(venv), fs.basename(venv)
    for entry in fs.entries(parent):
        path = fs.join(parent, entry)
        if path == keep:
            continue
        if entry.startswith(name + ".autovenv-") and fs.isdir(path) and not fs.islink(path):
            import shutil

            shutil.rmtree(path, ignore_errors=True)


def build(
    venv: str, project: str, env: Mapping[str, str], cfg: config.Config,
    progress: Progress, replace: bool = False,
) -> Result:
    """Make `venv` (the caller holds the project lock). `replace`: swap out an existing one."""
    from autovenv.creation import interpreters

    started = time.monotonic()
    skipped: list[str] = []
    interp, _request = interpreters.choose(project, cfg, env, skipped)
    uv = backend.find_uv(env, project) if cfg.backend in ("auto", "uv") else None
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
    parent, name = fs.dirname(venv), fs.basename(venv)
    tmp = backend.build_dir(venv)
    store = trust.TrustStore(env)
    try:
        _make_build_dir(tmp)  # an OSError says why not, in the words of the system (read-only, ...)
        argv, what = backend.command(uv, interp.path, project, tmp)
        running = backend.Backend(argv, env, what)
        try:  # while it works: what does not need the new venv
            remove_leftovers(venv, keep=tmp)
            denied = _denied(store, venv)
            if cfg.pip and interp.pip_wheel and sys.platform != "win32":
                from autovenv.creation import pipwheel
        except BaseException:
            running.kill()
            raise
        running.wait(progress)
        pip_version = ""
        if cfg.pip:
            if interp.pip_wheel and sys.platform != "win32":
                pip_version = pipwheel.install_pip(tmp, venv, interp.pip_wheel, interp.version, env)
            elif sys.platform == "win32":  # pragma: no cover - no launcher .exe of our own
                ensurepip = [venvs.python_path(tmp), "-I", "-m", "ensurepip", "--default-pip"]
                backend.run(ensurepip, env, "ensurepip")
                pip_version = "bundled"
            else:
                notes.append(
                    f"pip was not installed: Python {interp.path} has no bundled pip wheel "
                    "(Debian/Ubuntu: apt install python3-venv); set pip = false to silence this"
                )
            progress.tick()
        gitignore = fs.join(tmp, ".gitignore")
        if not fs.exists(gitignore):  # uv writes one; the venv module only from 3.13 on
            fsops.write_file(gitignore, b"# created by autovenv automatically\n*\n")
        _relocate(tmp, venv)
        old = fs.join(parent, f"{name}{OLD_TAG}{fsops.getpid()}")
        with _no_interrupts():
            if replace and fs.lexists(venv):
                fsops.rename(venv, old)
            fsops.rename(tmp, venv)
            tmp = ""  # it is the venv now
            if not denied:  # `deny` holds even across re-creation
                store.record_created(venv)
        if replace and fs.lexists(old):
            import shutil

            shutil.rmtree(old, ignore_errors=True)
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
        with locks.project_lock(project, env, progress):
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


# --- Hints on an existing venv -------------------------------------------------------------


def hints(venv: str, project: str, env: Mapping[str, str]) -> list[str]:
    """One-line hints about an existing venv: Python no longer what the project asks for.
    (Whether it is in sync with the project's requirements: syncstate.py.) Reads files only."""
    out: list[str] = []
    cfg = config.load(project, env)
    version = venvs.python_version(venv)
    if version:
        from autovenv.creation import interpreters

        why = interpreters.satisfies_request(version, project, cfg)
        if why:
            out.append(f"{venv} has Python {version} but {why}; autovenv recreate fixes it")
    return out
