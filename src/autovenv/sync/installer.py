"""Run the command that syncs a project's venv (choice.py chooses it), and record the attempt.

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
    from typing import BinaryIO

from autovenv.creation import backend, locks
from autovenv.hook import config, fs, locations, venvs
from autovenv.hook.errors import AutovenvError
from autovenv.hook.records import Record, dataclass
from autovenv.sync import syncstate
from autovenv.sync.choice import SyncError, choose

__all__ = ["OUTDATED_LOCK", "Outcome", "SyncError", "run", "stderr_bytes"]

OUTDATED_LOCK = "uv.lock does not match pyproject.toml; run `uv lock` (autovenv never rewrites the lock)"


@dataclass(frozen=True)
class Outcome(Record):
    code: int  # the installer's exit status (130 after Ctrl-C, 0 when nothing was to be done)
    message: str = ""  # one line for the user (failures, interruptions, nothing to do)
    interrupted: bool = False
    log: str = ""


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


def run(project: str, venv: str, env: Mapping[str, str], cfg: config.Config,
        err: BinaryIO | None, only_if_due: bool = False) -> Outcome:
    """Sync `venv` with `project` now, under the project's lock, and record the attempt.
    `only_if_due` (the hook): skip when another process synced it meanwhile. Raises
    SyncError when nothing could be started (recorded as a failure too)."""
    with locks.project_lock(project, env, lambda text: _say(err, text), SyncError):
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
