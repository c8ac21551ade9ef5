"""Install a project's dependencies into its venv, with the project's own tool.

The tool is the first that applies (DESIGN.md, "Keeping the venv in sync"):
- `uv.lock`: `uv sync --locked`, which never rewrites the lock (an outdated one fails; the
  message says to run `uv lock`);
- `poetry.lock` and poetry on PATH: `poetry install`, with VIRTUAL_ENV naming this venv;
- `pdm.lock` and pdm on PATH: `pdm sync`, likewise;
- `requirements.txt` and the settings' `requirements` files (inside the project only):
  `uv pip install -r ...` when uv is on PATH, else the venv's own pip;
- a pyproject.toml with a [project] table: an editable install, with its PEP 735 `dev` group.
Tools are found on PATH outside the project (a cloned repository could ship its own `uv`).
Every argument built from a path is absolute (it starts with `/`) or passed as `--opt=value`,
and requirement strings come after `--`, so none can be read as an option.

The installer runs in the project with the venv active; its output streams to stderr and to
a log. Ctrl-C stops it (the terminal sends it to the installer too) and is recorded. Each
attempt is recorded with the inputs as they were when it started (syncstate.py), so a failed
or interrupted sync is not retried until an input changes or the user runs `autovenv sync`.
"""

from __future__ import annotations

import os
import sys
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from dataclasses import dataclass, field
    from typing import Any, BinaryIO

    Record = object
else:
    from autovenv.hook.records import Record, dataclass, field

from autovenv.creation import backend, locks
from autovenv.hook import config, fs, locations, venvs
from autovenv.hook.errors import AutovenvError
from autovenv.sync import syncstate

OUTDATED_LOCK = "uv.lock does not match pyproject.toml; run `uv lock` (autovenv never rewrites the lock)"
LOCK_WAIT = 300.0  # seconds to wait for another sync or creation of the same project


class SyncError(AutovenvError):
    """Nothing could be run: no tool for the project's lock, a requirements file outside it."""


@dataclass(frozen=True)
class Plan(Record):
    argv: list[str]
    what: str  # for messages: "uv sync --locked"
    env: dict[str, str] = field(default_factory=dict)  # added to the installer's environment
    notes: tuple[str, ...] = ()  # worth saying before it runs (a lock whose tool is missing)


@dataclass(frozen=True)
class Outcome(Record):
    code: int  # the installer's exit status (130 after Ctrl-C, 0 when nothing was to be done)
    message: str = ""  # one line for the user (failures, interruptions, nothing to do)
    interrupted: bool = False
    log: str = ""


# --- Choosing the tool -----------------------------------------------------------------------


def find_tool(name: str, env: Mapping[str, str], project: str) -> str | None:
    """`name` on PATH, never inside the project."""
    if name == "uv":
        return backend.find_uv(env, project)
    inside = project.rstrip(fs.sep) + fs.sep
    for directory in env.get("PATH", "").split(fs.pathsep):
        if not directory or not fs.isabs(directory) or (directory + fs.sep).startswith(inside):
            continue
        path = fs.join(directory, name)
        if fs.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def _inside(project: str, name: str) -> str:
    """The absolute path of a project file that really lies inside the project (symbolic links
    resolved); SyncError otherwise."""
    path = fs.join(project, name)
    real_project = fs.realpath(project).rstrip(fs.sep) + fs.sep
    if not fs.realpath(path).startswith(real_project):
        raise SyncError(f"{path} lies outside the project {project}; autovenv does not install from it")
    if not fs.isfile(path):
        raise SyncError(f"the requirements file {path} does not exist (listed in `requirements`)")
    return path


def requirement_files(project: str, cfg: config.Config) -> list[str]:
    """requirements.txt and the settings' `requirements` files, as absolute paths."""
    names = (["requirements.txt"] if fs.lexists(fs.join(project, "requirements.txt")) else [])
    names += [n for n in cfg.requirements if n not in names]
    return [_inside(project, n) for n in names]


def _pyproject(project: str) -> dict[str, Any]:
    from autovenv.hook.tomlfile import read_toml

    path = fs.join(project, "pyproject.toml")
    return read_toml(path) if fs.isfile(path) else {}


def _normalized(name: str) -> str:
    """PEP 503/735 name normalization, without `re`."""
    out, run = [], False
    for ch in name.lower():
        if ch in "-_.":
            if not run:
                out.append("-")
            run = True
        else:
            out.append(ch)
            run = False
    return "".join(out)


def dependency_group(data: dict[str, Any], group: str, where: str) -> list[str]:
    """The requirement strings of a PEP 735 group, its `include-group`s expanded."""
    groups = data.get("dependency-groups")
    if not isinstance(groups, dict):
        return []
    by_name = {_normalized(str(k)): v for k, v in groups.items()}

    def expand(name: str, seen: tuple[str, ...]) -> list[str]:
        if name in seen:
            raise SyncError(f"{where}: dependency group {name!r} includes itself")
        items = by_name.get(name)
        if not isinstance(items, list):
            raise SyncError(f"{where}: dependency group {name!r} is not a list")
        out: list[str] = []
        for item in items:
            if isinstance(item, str) and item.strip() and not item.strip().startswith("-"):
                out.append(item.strip())
            elif isinstance(item, dict) and isinstance(item.get("include-group"), str):
                out += expand(_normalized(item["include-group"]), (*seen, name))
            else:
                raise SyncError(f"{where}: dependency group {name!r} holds {item!r}, not a requirement")
        return out

    return expand(_normalized(group), ()) if _normalized(group) in by_name else []


def choose(project: str, venv: str, env: Mapping[str, str], cfg: config.Config) -> Plan | None:
    """How to sync `venv` with `project` (None: there is nothing to install)."""
    python = venvs.python_path(venv)
    notes: list[str] = []
    uv = find_tool("uv", env, project)
    if fs.isfile(fs.join(project, "uv.lock")):
        if not uv:
            raise SyncError("this project has a uv.lock, and uv is not on PATH; install uv "
                            "(https://docs.astral.sh/uv/) and run autovenv sync again")
        return Plan([uv, "sync", "--locked", f"--python={python}"], "uv sync --locked",
                    {"UV_PROJECT_ENVIRONMENT": venv})
    for lock, tool, argv in (("poetry.lock", "poetry", ["install", "--no-interaction"]),
                             ("pdm.lock", "pdm", ["sync"])):
        if fs.isfile(fs.join(project, lock)):
            path = find_tool(tool, env, project)
            if path:
                return Plan([path, *argv], f"{tool} {argv[0]}", {})
            notes.append(f"{lock} is there but {tool} is not on PATH; installing without it")
    files = requirement_files(project, cfg)
    if files:
        argv = [uv, "pip", "install", f"--python={python}"] if uv else [python, "-I", "-m", "pip", "install"]
        for path in files:
            argv += ["-r", path]
        what = ("uv pip" if uv else "pip") + " install " + " ".join(
            "-r " + fs.basename(p) if fs.dirname(p) == project else "-r " + p for p in files)
        return Plan(argv, what, {}, tuple(notes))
    data = _pyproject(project)
    if isinstance(data.get("project"), dict):
        dev = dependency_group(data, "dev", fs.join(project, "pyproject.toml"))
        argv = [uv, "pip", "install", f"--python={python}"] if uv else [python, "-I", "-m", "pip", "install"]
        argv += ["-e", project]
        what = ("uv pip" if uv else "pip") + " install -e ." + (" and the dev group" if dev else "")
        if dev:
            argv += ["--", *dev]
        return Plan(argv, what, {}, tuple(notes))
    return None


# --- Running it --------------------------------------------------------------------------------


def installer_env(env: Mapping[str, str], venv: str, extra: Mapping[str, str]) -> dict[str, str]:
    """The environment of an installer: the venv active (as activate would make it), no
    Python overrides."""
    out = backend.clean_env(env)
    out["VIRTUAL_ENV"] = venv
    out["PATH"] = venvs.bin_dir(venv) + fs.pathsep + env.get("PATH", "")
    out.update(extra)
    return out


def _say(err: BinaryIO | None, text: str) -> None:
    if err is None:
        return
    from autovenv.hook.messages import printable

    try:
        err.write(("autovenv: " + printable(text) + "\n").encode("utf-8", "replace"))
        err.flush()
    except (OSError, ValueError):
        pass


def _stream(argv: list[str], cwd: str, env: dict[str, str], log: BinaryIO,
            err: BinaryIO | None) -> tuple[int, bytes]:
    """Run the installer, its output to `err` and `log` as it comes; its exit status and the
    end of its output."""
    import subprocess

    tail = b""
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert proc.stdout is not None
    try:
        fd = proc.stdout.fileno()
        while True:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            tail = (tail + chunk)[-65536:]
            log.write(chunk)
            if err is not None:
                try:
                    err.write(chunk)
                    err.flush()
                except (OSError, ValueError):
                    err = None  # the terminal went away: keep the log
        return proc.wait(), tail
    except BaseException:
        # Ctrl-C reached the installer too (the same process group): let it stop on its own,
        # then make sure it is gone.
        try:
            proc.wait(timeout=5)
        except BaseException:
            proc.kill()
            proc.wait()
        raise
    finally:
        proc.stdout.close()


class _project_lock:  # noqa: N801 - used as a function: `with _project_lock(...)`
    """The project's lock (the one creation holds), waiting for another holder."""

    def __init__(self, project: str, env: Mapping[str, str], err: BinaryIO | None):
        self.project, self.env, self.err = project, env, err

    def __enter__(self) -> None:
        self.fd = locks.open_lock_file(fs.realpath(self.project), self.env)
        try:
            deadline = time.monotonic() + LOCK_WAIT
            said = False
            while not locks.try_lock(self.fd):
                if not said:
                    _say(self.err, f"waiting for another process that is creating or syncing {self.project}")
                    said = True
                if time.monotonic() > deadline:
                    raise SyncError(f"gave up waiting for another process using {self.project}")
                time.sleep(0.05)
        except BaseException:
            os.close(self.fd)
            raise

    def __exit__(self, *exc: object) -> None:
        os.close(self.fd)


def run(project: str, venv: str, env: Mapping[str, str], cfg: config.Config,
        err: BinaryIO | None, only_if_due: bool = False) -> Outcome:
    """Sync `venv` with `project` now, under the project's lock, and record the attempt.
    `only_if_due` (the hook): skip when another process synced it meanwhile. Raises
    SyncError when nothing could be started (recorded as a failure too)."""
    with _project_lock(project, env, err):
        if only_if_due and not syncstate.state(project, venv, env).due:
            return Outcome(0)
        return _run_locked(project, venv, env, cfg, err)


def _run_locked(project: str, venv: str, env: Mapping[str, str], cfg: config.Config,
                err: BinaryIO | None) -> Outcome:
    real = fs.realpath(project)
    record_path = locations.sync_record(env, real)
    log_path = locations.sync_log(env, real)
    started_ns = time.time_ns()
    inputs = syncstate.snapshot(project, syncstate.names(cfg.requirements))
    before = syncstate.venv_identity(venv)

    def remember(result: str, message: str = "") -> None:
        after = syncstate.venv_identity(venv)
        if after and after != before:
            # The installer re-made the venv in place (uv does when its Python is unusable):
            # autovenv ran it, so it stays as trusted as it was.
            from autovenv.hook.trust import TrustStore

            TrustStore(env).record_created(venv)
        record = syncstate.SyncRecord(after, result, log_path, message, inputs)
        try:
            os.makedirs(fs.dirname(record_path), exist_ok=True)
            syncstate.write(record_path, record, started_ns)
        except OSError:
            pass

    try:
        plan = choose(project, venv, env, cfg)
    except (SyncError, AutovenvError) as e:
        remember(syncstate.FAILED, str(e))
        raise SyncError(str(e)) from None
    if plan is None:
        message = (f"{project} has no uv.lock, poetry.lock, pdm.lock, requirements.txt or "
                   "pyproject.toml [project] table: nothing to install")
        remember(syncstate.OK, message)
        return Outcome(0, message)
    for note in plan.notes:
        _say(err, note)
    _say(err, f"syncing {venv} with {plan.what} (it runs the project's build) ...")
    clock = time.monotonic()
    try:
        os.makedirs(fs.dirname(log_path), exist_ok=True)
        with open(log_path, "wb") as log:
            log.write(f"# autovenv sync of {project}: {' '.join(plan.argv)}\n".encode("utf-8", "replace"))
            code, tail = _stream(plan.argv, project, installer_env(env, venv, plan.env), log, err)
    except KeyboardInterrupt:
        message = f"syncing {venv} was interrupted (Ctrl-C); autovenv sync finishes it"
        remember(syncstate.INTERRUPTED, message)
        return Outcome(130, message, interrupted=True, log=log_path)
    except OSError as e:
        message = f"could not run {plan.what}: {e.strerror or e}"
        remember(syncstate.FAILED, message)
        return Outcome(1, message, log=log_path)
    if code == 0:
        remember(syncstate.OK)
        _say(err, f"synced {venv} ({plan.what}) in {time.monotonic() - clock:.2f}s")
        return Outcome(0, log=log_path)
    text = tail.decode("utf-8", "replace")
    if plan.what.startswith("uv sync") and "needs to be updated" in text and "--locked" in text:
        message = OUTDATED_LOCK
    else:
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        errors = [ln for ln in lines if ln.lower().startswith("error")]  # uv and pip say so
        last = (errors or lines or [""])[-1]
        message = f"syncing {venv} failed ({plan.what}, exit status {code})" + (f": {last}" if last else "")
    if code < 0 or code == 130:  # the installer was stopped by a signal: Ctrl-C
        message = f"syncing {venv} was interrupted; autovenv sync finishes it"
        remember(syncstate.INTERRUPTED, message)
        return Outcome(130 if code < 0 else code, message, interrupted=True, log=log_path)
    remember(syncstate.FAILED, message)
    return Outcome(code, message, log=log_path)


def stderr_bytes() -> BinaryIO | None:
    """Where the installer's output and autovenv's lines go: the binary stderr."""
    return getattr(sys.stderr, "buffer", None)
