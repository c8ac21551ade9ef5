"""Make a project's venv: the right Python, quickly, and never half a venv.

How, in order:
1. Take the project's lock (a file under autovenv's data dir, so a read-only project can still
   be locked), then look again: another shell may have made the venv meanwhile.
2. Build in `<venv>.autovenv-tmp-<pid>` beside the final place (same filesystem), with
   `uv venv` or `python -I -m venv --without-pip`, run isolated from a working directory
   outside the project, so nothing in the project is imported.
3. Put pip in, offline, from the interpreter's own bundled wheel: the wheel is unpacked once
   into autovenv's data dir and hard-linked into each venv (what uv does with its cache);
   running ensurepip instead costs ~5 s, because it runs pip to install pip.
4. Rewrite the temporary path in bin/ and pyvenv.cfg, rename into place and record it as
   trusted, with Ctrl-C held off for those two steps. A venv that exists is therefore always
   complete; a killed build leaves only a temporary directory, removed at the next attempt.
A failure (read-only directory, disk full, no matching Python) is recorded with a fingerprint
of what could fix it, so the hook does not retry at every `cd` until something changed or the
user runs `autovenv create`.

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
    from typing import IO
if TYPE_CHECKING:  # type checkers know dataclasses; the creation path imports the lean stand-in
    from dataclasses import dataclass

    Record = object
else:
    from autovenv.records import Record, dataclass

from autovenv import config, discover, fs, fsops, locations, trust, venvs
from autovenv.errors import AutovenvError, ConfigError, NoInterpreter

LOCK_TIMEOUT = 300.0  # seconds a shell waits for another one's creation
PROGRESS_AFTER = 0.3  # "takes longer than a moment"
TMP_TAG = ".autovenv-tmp-"
OLD_TAG = ".autovenv-old-"


class CreateError(AutovenvError):
    """Creating the venv failed for a reason the user can fix (the message says which)."""


@dataclass(frozen=True)
class Result(Record):
    venv: str
    python: str  # "3.12.1 (/path/python3.12)"
    backend: str
    pip: str  # pip version installed, '' when none
    seconds: float
    notes: tuple[str, ...] = ()


# --- Progress ------------------------------------------------------------------------------


class Progress:
    """Lines on stderr, only when it is a terminal; the first one only if creation is slow.

    No timer thread: the line is due PROGRESS_AFTER seconds after start(), and whoever is
    waiting (for the backend, between steps) calls tick() to say it once it is due."""

    def __init__(self, stream: IO[str] | None, env: Mapping[str, str], always: bool = False):
        self.stream = stream if stream is not None and _isatty(stream) else None
        self.color = self.stream is not None and not env.get("NO_COLOR") and env.get("TERM") != "dumb"
        self.always = always  # `autovenv create`: say what is happening at once
        self._due = 0.0
        self._pending = ""

    def _write(self, text: str) -> None:
        if self.stream is None:
            return
        if self.color:
            text = f"\033[2m{text}\033[0m"
        self.stream.write("autovenv: " + text + "\n")
        self.stream.flush()

    def start(self, text: str) -> None:
        if self.stream is None:
            return
        if self.always:
            self._write(text + " ...")
        else:
            self._pending, self._due = text + " ...", time.monotonic() + PROGRESS_AFTER

    def wait_limit(self) -> float | None:
        """Seconds until the start line is due; None when there is nothing to say."""
        return max(0.0, self._due - time.monotonic()) if self._pending else None

    def tick(self) -> None:
        if self._pending and time.monotonic() >= self._due:
            text, self._pending = self._pending, ""
            self._write(text)

    def done(self, text: str) -> None:
        self._pending = ""
        self._write(text)

    def note(self, text: str) -> None:
        self._write(text)


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


# --- Locking -------------------------------------------------------------------------------


class project_lock:  # noqa: N801 - used as a function: `with project_lock(...)`
    """One creator per project at a time, across processes (released by the kernel on death)."""

    def __init__(self, project: str, env: Mapping[str, str], progress: Progress | None = None):
        self.project, self.env, self.progress = project, env, progress

    def __enter__(self) -> None:
        locks = fs.join(locations.data_dir(self.env), "locks")
        fsops.makedirs(locks)
        project = self.project
        path = fs.join(locks, trust.record_name(fs.realpath(project)) + ".lock")
        self.fd = fsops.open(path, fsops.O_RDWR | fsops.O_CREAT, 0o600)
        try:
            deadline = time.monotonic() + LOCK_TIMEOUT
            waited = False
            while not _try_lock(self.fd):
                if not waited and self.progress:
                    self.progress.note(f"waiting for another shell that is creating the venv of {project}")
                waited = True
                if time.monotonic() > deadline:
                    raise CreateError(f"gave up waiting for another process creating the venv of {project}")
                time.sleep(0.05)
        except BaseException:
            fsops.close(self.fd)
            raise

    def __exit__(self, *exc: object) -> None:
        fsops.close(self.fd)  # closing releases the lock


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":  # pragma: no cover
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def _signals():  # type: ignore[no-untyped-def]
    """The signal functions: the interpreter's own _signal module, already loaded at start-up
    (`signal` wraps it in enums, and importing enum costs more than creating a venv)."""
    try:
        import _signal

        return _signal
    except ImportError:  # pragma: no cover - another implementation
        import signal

        return signal


class _no_interrupts:  # noqa: N801 - used as a function
    """Hold Ctrl-C/TERM/HUP back while the venv is renamed into place and trusted."""

    def __enter__(self) -> None:
        signal = _signals()
        self.old = None
        if hasattr(signal, "pthread_sigmask"):
            held = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
            self.old = signal.pthread_sigmask(signal.SIG_BLOCK, held)

    def __exit__(self, *exc: object) -> None:
        if self.old is not None:
            signal = _signals()
            signal.pthread_sigmask(signal.SIG_SETMASK, self.old)


# --- Backends ------------------------------------------------------------------------------


def find_uv(env: Mapping[str, str], project: str | None) -> str | None:
    """uv on PATH, never one inside the project (a cloned repo could ship its own)."""
    for directory in env.get("PATH", "").split(fs.pathsep):
        if not directory or not fs.isabs(directory):
            continue
        if project and (directory + fs.sep).startswith(project.rstrip(fs.sep) + fs.sep):
            continue
        for name in ("uv.exe", "uv") if sys.platform == "win32" else ("uv",):
            path = fs.join(directory, name)
            if fs.isfile(path) and fsops.access(path, fsops.X_OK):
                return path
    return None


def _run(argv: list[str], env: Mapping[str, str], what: str, progress: Progress | None = None) -> None:
    """Run a backend, isolated from the project; CreateError with its last line on failure."""
    _Backend(argv, env, what).wait(progress)


class _Backend:
    """A backend process, started at once and waited for later, so that autovenv's own
    remaining work runs beside it (on the second core) rather than after it.

    Started with os.posix_spawn (vfork + exec) instead of subprocess, whose imports
    (selectors, threading, signal and enum) cost half of `uv venv`. posix_spawn has no
    working-directory option, so this process steps into cwd for the moment of the spawn.
    Output is stdout and stderr together (the last 64 KiB); stdin is /dev/null.
    """

    def __init__(self, argv: list[str], env: Mapping[str, str], what: str):
        from autovenv.interpreters import clean_env

        self.what = what
        cwd = locations.data_dir(env)  # anywhere but the project: nothing there gets imported
        fsops.makedirs(cwd)
        if not fsops.HAS_SPAWN:  # pragma: no cover - Windows
            import subprocess

            self.popen = subprocess.Popen(argv, cwd=cwd, env=clean_env(env), stdin=subprocess.DEVNULL,
                                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            return
        signal = _signals()
        self.read_fd, write_fd = fsops.pipe()  # both close-on-exec; the child gets dup2'd copies
        try:
            actions = [(fsops.POSIX_SPAWN_OPEN, 0, fsops.devnull, fsops.O_RDONLY, 0),
                       (fsops.POSIX_SPAWN_DUP2, write_fd, 1), (fsops.POSIX_SPAWN_DUP2, write_fd, 2)]
            try:
                here = fsops.open(".", fsops.O_RDONLY)
            except OSError:  # an unreadable directory: later steps use absolute paths only
                here = -1
            try:
                fsops.chdir(cwd)
                # Python ignores SIGPIPE; the backend gets the default back, as with subprocess.
                self.pid = fsops.posix_spawn(argv[0], argv, clean_env(env), file_actions=actions,
                                             setsigdef=(signal.SIGPIPE, signal.SIGXFSZ))
            finally:
                if here >= 0:
                    fsops.fchdir(here)
                    fsops.close(here)
        except BaseException:
            fsops.close(self.read_fd)
            raise
        finally:
            fsops.close(write_fd)

    def wait(self, progress: Progress | None = None) -> None:
        """Until it exits; CreateError with its last line when it failed."""
        if not fsops.HAS_SPAWN:  # pragma: no cover - Windows
            output, code = self.popen.communicate()[0], self.popen.returncode
        else:
            code, output = self._wait(progress)
        if code != 0:
            detail = output.decode("utf-8", "replace").strip().splitlines()
            tail = detail[-1] if detail else f"exit status {code}"
            raise CreateError(f"{self.what} failed: {_explain(tail)}")

    def _wait(self, progress: Progress | None) -> tuple[int, bytes]:
        output = b""
        try:
            while True:
                limit = progress.wait_limit() if progress else None
                if limit is not None:
                    import select

                    if not select.select([self.read_fd], [], [], limit)[0]:
                        progress.tick()  # type: ignore[union-attr]
                        continue
                data = fsops.read(self.read_fd, 65536)
                if not data:
                    break
                output = (output + data)[-65536:]
            _, status = fsops.waitpid(self.pid, 0)
        except BaseException:  # Ctrl-C: the backend goes too, before the caller cleans up
            self.kill()
            raise
        finally:
            self._close()
        return fsops.waitstatus_to_exitcode(status), output

    def _close(self) -> None:
        if self.read_fd >= 0:
            fsops.close(self.read_fd)
            self.read_fd = -1

    def kill(self) -> None:
        if not fsops.HAS_SPAWN:  # pragma: no cover - Windows
            self.popen.kill()
            self.popen.wait()
            return
        fsops.kill(self.pid, _signals().SIGKILL)
        fsops.waitpid(self.pid, 0)
        self._close()


def _explain(text: str) -> str:
    lowered = text.lower()
    if "no space left" in lowered:
        return "the disk is full (" + text + ")"
    if "read-only file system" in lowered or "permission denied" in lowered:
        return "the directory is not writable (" + text + ")"
    return text


def _os_error(e: OSError, where: str) -> CreateError:
    import errno

    if e.errno == errno.ENOSPC:
        return CreateError(f"cannot create the venv in {where}: the disk is full")
    if e.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return CreateError(f"cannot create the venv in {where}: the directory is not writable ({e.strerror})")
    return CreateError(f"cannot create the venv in {where}: {e.strerror or e}")


# --- pip, from the interpreter's bundled wheel ---------------------------------------------


def _unpacked_wheel(wheel: str, env: Mapping[str, str]) -> str:
    """The wheel's files, unpacked once under the data dir (keyed by the wheel's identity)."""
    st = fs.stat(wheel)
    key = f"{st.st_size}-{st.st_mtime_ns}"
    dest = fs.join(locations.data_dir(env), "wheels", f"{fs.basename(wheel)[:-4]}-{key}")
    if fs.isdir(dest):
        return dest
    import shutil
    import zipfile

    tmp = f"{dest}.{fsops.getpid()}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    with zipfile.ZipFile(wheel) as archive:
        for member in archive.namelist():
            parts = member.replace("\\", "/").split("/")
            if member.startswith("/") or ".." in parts:
                raise CreateError(f"the pip wheel {wheel} holds an unsafe path {member!r}")
        archive.extractall(tmp)
    try:
        fsops.rename(tmp, dest)
    except OSError:  # another process unpacked it first
        shutil.rmtree(tmp, ignore_errors=True)
    return dest


def _link_tree(source: str, target: str) -> None:
    import os  # pip takes ~40 ms to link in: os is no longer what counts

    link = True
    for root, _dirs, files in os.walk(source):
        rel = os.path.relpath(root, source)
        out = fs.normpath(fs.join(target, rel))
        fsops.makedirs(out)
        for name in files:
            src, dst = fs.join(root, name), fs.join(out, name)
            if link:
                try:
                    fsops.link(src, dst)
                    continue
                except OSError:
                    link = False  # another filesystem, or no hard links: copy from now on
            import shutil

            shutil.copyfile(src, dst)


def _shebang(python: str) -> str:
    import shlex

    if " " not in python and len(python) < 120 and "\n" not in python:
        return f"#!{python}\n"
    # Long or spaced paths: exec through sh, as pip and distlib do.
    return f"#!/bin/sh\n'''exec' {shlex.quote(python)} \"$0\" \"$@\"\n' '''\n"


def install_pip(
    tmp_venv: str, final_venv: str, wheel: str, version: tuple[int, ...], env: Mapping[str, str]
) -> str:
    """pip into the venv being built at tmp_venv; its version. Scripts name final_venv."""
    lib = fs.join(tmp_venv, "lib")
    site = [p for p in (fs.join(lib, n, "site-packages") for n in sorted(_listdir(lib)))
            if fs.isdir(p)]
    if not site:
        raise CreateError(f"the new venv has no site-packages directory ({tmp_venv}/lib/*/site-packages)")
    unpacked = _unpacked_wheel(wheel, env)
    _link_tree(unpacked, site[0])
    info = [d for d in fs.listdir(unpacked) if d.endswith(".dist-info")][0]
    pip_version = info[len("pip-"): -len(".dist-info")]
    script = _shebang(venvs.python_path(final_venv)) + (
        "import re\nimport sys\nfrom pip._internal.cli.main import main\n"
        "if __name__ == '__main__':\n"
        "    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n"
        "    sys.exit(main())\n"
    )
    names = ["pip", "pip3", f"pip{version[0]}.{version[1]}"]
    bin_dir = venvs.bin_dir(tmp_venv)
    for name in names:
        path = fs.join(bin_dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(script)
        fsops.chmod(path, 0o755)
    # RECORD and INSTALLER are rewritten, not appended to: they are hard links to the cache.
    record = fs.join(site[0], info, "RECORD")
    with open(record, encoding="utf-8") as f:
        lines = f.read()
    fsops.remove(record)
    import os

    rel_bin = os.path.relpath(bin_dir, site[0])
    extra = "".join(f"{fs.join(rel_bin, n)},,\n" for n in names) + f"{info}/INSTALLER,,\n"
    with open(record, "w", encoding="utf-8") as f:
        f.write(lines.rstrip("\n") + "\n" + extra)
    installer = fs.join(site[0], info, "INSTALLER")
    if fs.exists(installer):
        fsops.remove(installer)
    with open(installer, "w", encoding="utf-8") as f:
        f.write("autovenv\n")
    return pip_version


# --- Building ------------------------------------------------------------------------------


def _relocate(tmp_venv: str, final_venv: str) -> None:
    """Point the activate scripts and pyvenv.cfg at the final path (they name the temp one).

    Rewritten in place: nobody else sees the temporary venv, and its files are its own (one
    with other links, which a cache could share, is replaced instead). Every syscall counts
    here (a dozen files), hence scandir's file types and raw file descriptors."""
    old, new = fs.fsencode(tmp_venv), fs.fsencode(final_venv)
    bin_dir = venvs.bin_dir(tmp_venv)
    paths = [fs.join(tmp_venv, venvs.CFG_NAME)]
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
            data = data.replace(old, new)
            st = fsops.fstat(fd)
            if st.st_nlink == 1:
                fsops.write_at_start(fd, data)
                continue
        finally:
            fsops.close(fd)
        fsops.write_file(path + ".autovenv", data)
        fsops.chmod(path + ".autovenv", st.st_mode & 0o7777)
        fsops.replace(path + ".autovenv", path)


def remove_leftovers(venv: str, keep: str = "") -> None:
    """Temporary and old directories left by a creation that was killed (caller holds the lock),
    except `keep`, the one being built now."""
    parent, name = fs.dirname(venv), fs.basename(venv)
    for entry in _listdir(parent):
        path = fs.join(parent, entry)
        if path == keep:
            continue
        if entry.startswith(name + ".autovenv-") and fs.isdir(path) and not fs.islink(path):
            import shutil

            shutil.rmtree(path, ignore_errors=True)


def _listdir(path: str) -> list[str]:
    try:
        return fs.listdir(path)
    except OSError:
        return []


def build(
    venv: str, project: str, env: Mapping[str, str], cfg: config.Config,
    progress: Progress, replace: bool = False,
) -> Result:
    """Make `venv` (the caller holds the project lock). `replace`: swap out an existing one."""
    from autovenv import interpreters

    started = time.monotonic()
    interp, _request = interpreters.choose(project, cfg, env)
    uv = find_uv(env, project) if cfg.backend in ("auto", "uv") else None
    notes: list[str] = []
    if cfg.backend == "uv" and not uv:
        notes.append('backend = "uv" but uv is not on PATH; used the venv module')
    if not uv and not interp.venv_module:
        raise CreateError(
            f"Python {interp} has no venv module (Debian/Ubuntu: apt install python3-venv), "
            "and uv is not on PATH"
        )
    backend = "uv" if uv else "venv"
    progress.start(f"creating {venv} with Python {interp} ({backend})")
    parent, name = fs.dirname(venv), fs.basename(venv)
    tmp = fs.join(parent, f"{name}{TMP_TAG}{fsops.getpid()}")
    store = trust.TrustStore(env)
    try:
        if not fsops.access(parent, fsops.W_OK):
            try:  # the reason, in the words of the system (read-only file system, ...)
                fsops.mkdir(tmp, 0o755)
                fsops.rmdir(tmp)
            except OSError as e:
                raise _os_error(e, parent) from None
        prompt = fs.basename(project.rstrip(fs.sep)) or project
        if uv:
            running = _Backend([uv, "venv", "--python", interp.path, "--prompt", prompt, "--no-config",
                                "--no-project", "--offline", "--no-python-downloads", "--quiet", tmp],
                               env, "uv venv")
        else:
            running = _Backend([interp.path, "-I", "-m", "venv", "--without-pip", "--prompt", prompt, tmp],
                               env, f"{interp.path} -m venv")
        try:  # while it works: what does not need the new venv
            remove_leftovers(venv, keep=tmp)
            denied = _denied(store, venv)
        except BaseException:
            running.kill()
            raise
        running.wait(progress)
        pip_version = ""
        if cfg.pip:
            if interp.pip_wheel and sys.platform != "win32":
                pip_version = install_pip(tmp, venv, interp.pip_wheel, interp.version, env)
            elif sys.platform == "win32":  # pragma: no cover - no launcher .exe of our own
                _run([venvs.python_path(tmp), "-I", "-m", "ensurepip", "--default-pip"], env, "ensurepip")
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
            if not denied:  # `deny` holds even across re-creation
                store.record_created(venv)
        if fs.lexists(old):
            import shutil

            shutil.rmtree(old, ignore_errors=True)
    except OSError as e:
        raise _os_error(e, parent) from None
    finally:
        if fs.isdir(tmp):
            import shutil

            shutil.rmtree(tmp, ignore_errors=True)
    seconds = time.monotonic() - started
    return Result(venv, str(interp), backend, pip_version, seconds, tuple(notes))


# --- Remembering failures ------------------------------------------------------------------


def _fingerprint(project: str, env: Mapping[str, str]) -> str:
    """What a fix would change: the project directory (chmod, new files), its Python
    settings, the user config, PATH."""
    import hashlib

    parts = [env.get("PATH", "")]
    for path in (project, fs.join(project, "pyproject.toml"),
                 fs.join(project, ".python-version"), config.user_config_path(env)):
        try:
            st = fs.stat(path)
            parts.append(f"{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_mode}")
        except OSError:
            parts.append("-")
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


def _failure_path(project: str, env: Mapping[str, str]) -> str:
    return fs.join(locations.data_dir(env), "failed", trust.record_name(fs.realpath(project)))


def recorded_failure(project: str, env: Mapping[str, str]) -> str:
    """The message of the last failed creation, if nothing changed since ('' otherwise)."""
    try:
        with open(_failure_path(project, env), encoding="utf-8") as f:
            text = f.read()
    except OSError:
        return ""  # the usual case: imports nothing
    import json

    try:
        data = json.loads(text)
    except ValueError:
        return ""
    if not isinstance(data, dict) or data.get("fingerprint") != _fingerprint(project, env):
        return ""
    return str(data.get("message", ""))


def _record_failure(project: str, env: Mapping[str, str], message: str) -> None:
    import json

    path = _failure_path(project, env)
    try:
        fsops.makedirs(fs.dirname(path))
        tmp = f"{path}.{fsops.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump({"fingerprint": _fingerprint(project, env), "message": message}, f)
        fsops.replace(tmp, path)
    except OSError:
        pass


def _clear_failure(project: str, env: Mapping[str, str]) -> None:
    try:
        fsops.remove(_failure_path(project, env))
    except OSError:
        pass


# --- Entry points --------------------------------------------------------------------------


def make(
    project: str, venv: str, env: Mapping[str, str], cfg: config.Config,
    progress: Progress, replace: bool = False,
) -> Result | None:
    """Create (or with `replace`, re-create) the venv under the project lock. None when another
    process made it while this one waited. Failures are remembered, then raised."""
    try:
        with project_lock(project, env, progress):
            if not replace and venvs.is_venv_dir(venv):
                return None
            result = build(venv, project, env, cfg, progress, replace=replace)
    except (CreateError, NoInterpreter) as e:
        _record_failure(project, env, str(e))
        raise
    except OSError as e:  # the data dir itself (locks) is unusable
        error = _os_error(e, locations.data_dir(env))
        _record_failure(project, env, str(error))
        raise error from None
    _clear_failure(project, env)
    pip = f", pip {result.pip}" if result.pip else ""
    how = f"{result.backend}{pip}"
    progress.done(f"created {venv} with Python {result.python} ({how}) in {result.seconds:.2f}s")
    if progress.stream is not None:
        for note in _deps_hint(project):
            progress.note(note)
    return result  # result.notes are warnings: the caller shows them (once, in the hook)


def _deps_hint(project: str) -> list[str]:
    if fs.isfile(fs.join(project, "uv.lock")):
        how = "uv sync"
    elif any(n.startswith("requirements") and n.endswith(".txt") for n in _listdir(project)):
        how = "pip install -r requirements.txt"
    elif any(fs.isfile(fs.join(project, n)) for n in ("pyproject.toml", "setup.py", "setup.cfg")):
        how = "pip install -e ."
    else:
        return []
    return [f"dependencies are never installed automatically; to install them: {how}"]


def on_entry(finding: discover.Finding, env: Mapping[str, str], messages) -> discover.Finding:  # type: ignore[no-untyped-def]
    """The hook's rule-2 case: make the venv when the config says so; the new Finding (rule 1
    on success). Every failure becomes one message per shell session, never a traceback."""
    assert finding.project and finding.venv
    project, venv = finding.project, finding.venv
    cfg = config.load(project, env)
    for problem in cfg.problems:
        messages.once("problem:" + problem, problem)
    if cfg.create != "auto" or _denied(trust.TrustStore(env), venv):
        return finding
    if _removed_under_this_shell(venv, env):
        # Deleting the venv you are in is not entering a project: making a new one at once
        # would race with the user's own `uv venv`/`python -m venv` at the next command.
        messages.once("removed:" + venv, f"{venv} was removed; autovenv create makes a new one")
        return finding
    failed = recorded_failure(project, env)
    if failed:
        messages.once("create-failed:" + project + failed, f"{failed} (to try again: autovenv create)")
        return finding
    try:
        result = make(project, venv, env, cfg, Progress(sys.stderr, env))
        for note in result.notes if result else ():
            messages.once("create-note:" + note, note)
    except (CreateError, NoInterpreter, ConfigError) as e:
        messages.once("create-failed:" + project + str(e), f"{e} (to try again: autovenv create)")
        return finding
    except KeyboardInterrupt:
        messages.once("create-interrupted:" + project,
                      f"creating {venv} was interrupted; nothing was left behind (autovenv create makes it)")
        return finding
    return discover.find(finding.start, env)


def _denied(store: trust.TrustStore, venv: str) -> bool:
    """`autovenv deny` was said of this venv (the first thing TrustStore.verdict looks at)."""
    return fs.lexists(store.record_path(trust.DENY, venv))


def _removed_under_this_shell(venv: str, env: Mapping[str, str]) -> bool:
    """Did this shell's last answer see this venv exist? (its scope watched its pyvenv.cfg)"""
    from autovenv import scope

    last = env.get("_AUTOVENV_ANSWER", "")
    return (scope.SEP + "1" + fs.join(venv, venvs.CFG_NAME)) in (scope.SEP + last)


# --- Hints on an existing venv -------------------------------------------------------------


def hints(venv: str, project: str, env: Mapping[str, str]) -> list[str]:
    """One-line hints about an existing venv: Python no longer what the project asks for,
    dependency files changed since the venv was last synced. Reads files only."""
    out: list[str] = []
    cfg = config.load(project, env)
    version = venvs.python_version(venv)
    if version:
        from autovenv import interpreters

        why = interpreters.satisfies_request(version, project, cfg)
        if why:
            out.append(f"{venv} has Python {version} but {why}; autovenv recreate fixes it")
    newer = venvs.changed_since_sync(venv, project)
    if newer:
        out.append(
            f"{', '.join(newer)} changed after {venv} was last synced; "
            "its dependencies may be stale"
        )
    return out
