"""Start the backend before the rest of the creation code has loaded: on a guess, checked.

Before `uv venv` (~13 ms, on the other core) could start, a creation spent ~3 ms of its own:
loading the creation code, reading the settings, choosing the interpreter. All of that can run
while the backend runs, once the interpreter is known, and it usually is: the choice made last
time for the same request (the .python-version and requires-python lines) under the same PATH
and user config is remembered here (`guesses.tsv` in the data dir). create.build then makes
the real choice while the backend runs; a guess that proves wrong is killed and its temporary
venv removed before the right backend starts. A wrong guess costs time, never the result.

What a guess may not get wrong is checked exactly before anything starts:
- nothing in the settings can say create = "never" or name a backend: pyproject.toml holds no
  "autovenv" and the user config no "create" or "backend" (nor a \\u escape, which could spell
  them in a quoted key), so both are the defaults;
- the project is not denied, has no remembered failure, its venv was not just removed under
  this shell, nothing is at the venv's place yet, and the project's lock was free (now held);
- the interpreter is the file remembered (mtime, size, inode), outside the project and not in
  a venv, and uv is the one found on PATH outside the project: what the real choice requires.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from autovenv.discover import Finding

from autovenv import backend, fs, fsops, locations, locks, scope, venvs

MEMO_NAME = "guesses.tsv"
MEMO_HEADER = "# autovenv interpreter guesses 1: request and environment, interpreter, its stat\n"
MEMO_SIZE = 16  # requests remembered (most users have one or two)
# What may change the settings the guess assumes (see above), in each file.
_UNSAFE_IN_PYPROJECT = (b"autovenv", b"\\u", b"\\U")
_UNSAFE_IN_USER_CONFIG = (b"create", b"backend", b"\\u", b"\\U")


class Headstart:
    """The project's lock, held, and the backend already building the guessed venv. Used as
    the lock by create.make; whatever was not adopted is undone when it is closed."""

    def __init__(self, lock_fd: int, python: str, uv: str, tmp: str, running: backend.Backend):
        self.lock_fd, self.python, self.uv, self.tmp = lock_fd, python, uv, tmp
        self.running: backend.Backend | None = running

    def adopt(self, python: str, uv: str) -> backend.Backend | None:
        """The running backend when it builds what the real choice says (this python, with
        this uv or '' for the venv module); otherwise it is stopped and its venv removed."""
        running, self.running = self.running, None
        if running is not None and (python, uv) != (self.python, self.uv):
            _discard(running, self.tmp)
            return None
        return running

    def close(self) -> None:
        if self.running is not None:
            _discard(self.running, self.tmp)
            self.running = None
        if self.lock_fd >= 0:
            fsops.close(self.lock_fd)  # releases the lock
            self.lock_fd = -1

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        self.close()


def _discard(running: backend.Backend, tmp: str) -> None:
    running.kill()
    if fs.lexists(tmp):
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)


def begin(finding: Finding, env: Mapping[str, str]) -> Headstart | None:
    """For the hook entering a project without a venv: the backend started on the remembered
    choice, or None (nothing started, nothing held) when that is not known to be safe."""
    project, venv = finding.project, finding.venv
    if not project or not venv:
        return None
    key = _key(project, env)
    real_project = fs.realpath(project)
    guess = _recall(env, key, project, real_project) if key else None
    if guess is None:
        return None
    python, uv = guess
    parent = fs.dirname(venv)
    if (fs.lexists(venv) or not fsops.access(parent, fsops.W_OK)
            or scope.shell_saw(env, fs.join(venv, venvs.CFG_NAME))):
        return None
    # The venv's real path: it does not exist, so that of its directory, and its name.
    real_venv = fs.join(real_project if parent == project else fs.realpath(parent), fs.basename(venv))
    deny = locations.trust_record(locations.trust_dir(env), locations.DENY, real_venv)
    if fs.lexists(deny) or fs.lexists(locations.failure_record(env, real_project)):
        return None
    try:
        fd = locks.open_lock_file(real_project, env)
    except OSError:
        return None
    try:
        if not locks.try_lock(fd) or fs.lexists(venv):  # another shell is making it, or made it
            fsops.close(fd)
            return None
        tmp = backend.build_dir(venv)
        argv, what = backend.command(uv, python, project, tmp)
        return Headstart(fd, python, uv, tmp, backend.Backend(argv, env, what))
    except BaseException:
        fsops.close(fd)
        raise


def remember(project: str, env: Mapping[str, str], python: str, uv: str | None) -> None:
    """Keep the real choice for the next project that asks the same (called while the
    backend runs; a memo that cannot be written only costs time)."""
    key = _key(project, env, uv or "")
    stat = fs.file_key(python)
    if not key or not stat:
        return
    path = _memo_path(env)
    records = [r for r in fsops.read_records(path, MEMO_HEADER) if len(r) == 3]
    if [key, python, stat] in records:  # known already (most runs: written only on a change)
        return
    records = [[key, python, stat]] + [r for r in records if r[0] != key]
    fsops.write_records(path, MEMO_HEADER, records[:MEMO_SIZE])


def _recall(env: Mapping[str, str], key: str, project: str, real_project: str) -> tuple[str, str] | None:
    """(interpreter, uv or '') remembered for this request, if still usable as it was."""
    for fields in fsops.read_records(_memo_path(env), MEMO_HEADER):
        if len(fields) == 3 and fields[0] == key:
            python, stat = fields[1], fields[2]
            uv = key.rpartition("\x1f")[2]
            return (python, uv) if _usable(python, stat, project, real_project) else None
    return None


def _usable(python: str, stat: str, project: str, real_project: str) -> bool:
    """The remembered file, still outside the project (as written and for real) and not a
    venv's interpreter: what the real choice requires of any candidate."""
    if not fs.isabs(python) or fs.file_key(python) != stat:
        return False
    inside = (project.rstrip(fs.sep) + fs.sep, real_project.rstrip(fs.sep) + fs.sep)
    return (not python.startswith(inside) and not fs.realpath(python).startswith(inside)
            and not fs.isfile(fs.join(fs.dirname(fs.dirname(python)), venvs.CFG_NAME)))


def _key(project: str, env: Mapping[str, str], uv: str | None = None) -> str:
    """What the choice depends on, as one line ('' when the settings might not be the
    defaults the guess assumes). `uv` defaults to the one on PATH now."""
    user = _read(locations.config_file(env))
    pyproject = _read(fs.join(project, "pyproject.toml"))
    if user is None or pyproject is None:
        return ""
    if any(w in user for w in _UNSAFE_IN_USER_CONFIG) or any(w in pyproject for w in _UNSAFE_IN_PYPROJECT):
        return ""
    if uv is None:
        uv = backend.find_uv(env, project) or ""
    requires = [line.strip() for line in pyproject.splitlines()
                if line.lstrip().startswith(b"requires-python")]
    parts = [fs.first_line(fs.join(project, ".python-version")), repr(requires), repr(user)]
    parts += [env.get(name, "") for name in ("PATH", "HOME", "PYENV_ROOT", "PYENV_VERSION",
                                             "UV_PYTHON_INSTALL_DIR", "XDG_DATA_HOME")]
    parts.append(uv)  # last: _recall reads it back
    key = "\x1f".join(parts)
    return "" if "\t" in key or "\n" in key else key


def _read(path: str) -> bytes | None:
    """A settings file's bytes: b'' when there is none, None when it cannot be read."""
    try:
        fd = fsops.open(path, fsops.O_RDONLY)
    except FileNotFoundError:
        return b""
    except OSError:
        return None
    try:
        return fsops.read_all(fd)
    except OSError:
        return None
    finally:
        fsops.close(fd)


def _memo_path(env: Mapping[str, str]) -> str:
    return fs.join(locations.data_dir(env), MEMO_NAME)
