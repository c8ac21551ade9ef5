"""One creator per project at a time, across processes.

The lock is a file under autovenv's data dir (so a read-only project can still be locked),
held with lockf: the kernel releases it when its holder dies, however it dies.
"""

from __future__ import annotations

import os
import stat
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from autovenv.hook.errors import AutovenvError

from autovenv.hook import fs, locations

LOCK_TIMEOUT = 300.0  # seconds to wait for another process's creation or sync


def open_lock_file(real_project: str, env: Mapping[str, str]) -> int:
    """The lock file of a project (its real path), open for locking: a regular file, opened
    without waiting (a FIFO put in its place would block the open)."""
    path = locations.lock_file(env, real_project)
    flags = os.O_RDWR | os.O_CREAT | os.O_NONBLOCK
    try:
        fd = os.open(path, flags, 0o600)
    except FileNotFoundError:  # the first creation on this machine
        os.makedirs(fs.dirname(path), exist_ok=True)
        fd = os.open(path, flags, 0o600)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise NotADirectoryError(f"the lock file {path} is not a regular file")
    return fd


def try_lock(fd: int) -> bool:
    # A POSIX record lock on the whole file (os.lockf: fcntl.flock would load an extension
    # module). Such a lock belongs to the process and goes when it closes the file, or dies.
    try:
        os.lockf(fd, os.F_TLOCK, 0)
        return True
    except (BlockingIOError, PermissionError):  # EAGAIN or EACCES: another process holds it
        return False


class project_lock:  # noqa: N801 - used as a function: `with project_lock(...)`
    """Hold the project's lock (creating and syncing share it). While another process holds
    it: tell `say` so, once, and wait up to LOCK_TIMEOUT, then raise `error`."""

    def __init__(self, project: str, env: Mapping[str, str], say: Callable[[str], None] | None,
                 error: type[AutovenvError]):
        self.project, self.env, self.say, self.error = project, env, say, error

    def __enter__(self) -> None:
        project = self.project
        self.fd = open_lock_file(fs.realpath(project), self.env)
        try:
            deadline = time.monotonic() + LOCK_TIMEOUT
            said = False
            while not try_lock(self.fd):
                if not said and self.say:
                    self.say(f"waiting for another process that is creating or syncing {project}")
                said = True
                if time.monotonic() > deadline:
                    raise self.error(f"gave up waiting for another process creating or syncing {project}")
                time.sleep(0.05)
        except BaseException:
            os.close(self.fd)
            raise

    def __exit__(self, *exc: object) -> None:
        os.close(self.fd)  # closing releases the lock
