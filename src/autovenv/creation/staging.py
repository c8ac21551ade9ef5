"""The directory a venv is built in: made empty beside the venv, pointed at the venv's final
path, renamed into place with Ctrl-C held back; leftovers of killed builds removed.

A venv that exists is therefore always complete; a killed build leaves only a temporary
directory (`<venv>.autovenv-tmp-<pid>`, backend.build_dir), removed at the next attempt.
"""

from __future__ import annotations

import os
import shutil

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

from autovenv.creation import backend
from autovenv.hook import fs, venvs
from autovenv.hook.atomicfile import atomic_write

OLD_TAG = ".autovenv-old-"


def make_build_dir(tmp: str) -> None:
    """The empty directory the backend builds in, made here rather than by the backend: the
    venv module builds into a directory that exists and keeps what it holds, and a project
    could ship one by this name (for any pid) with a .pth file in it. What is there goes."""
    try:
        os.mkdir(tmp, 0o755)
        return
    except FileExistsError:
        pass
    if fs.isdir(tmp) and not fs.islink(tmp):
        shutil.rmtree(tmp)
    else:
        os.remove(tmp)
    os.mkdir(tmp, 0o755)


def remove_leftovers(venv: str, keep: str = "") -> None:
    """Temporary and old directories left by a creation that was killed (caller holds the lock),
    except `keep`, the one being built now."""
    parent, name = fs.dirname(venv), fs.basename(venv)
    for entry in fs.entries(parent):
        path = fs.join(parent, entry)
        if path != keep and entry.startswith(name + ".autovenv-") and fs.isdir(path) and not fs.islink(path):
            shutil.rmtree(path, ignore_errors=True)


def relocate(tmp_venv: str, final_venv: str) -> None:
    """Point the activate scripts and pyvenv.cfg at the final path (they name the temp one).

    Rewritten in place: nobody else sees the temporary venv, and its files are its own (one
    with other links, which a cache could share, is replaced instead). pyvenv.cfg gets the
    path without control characters: the venv module (3.11+) writes it raw into its `command`
    line, where a newline in a directory name would start a setting of its own
    (`include-system-site-packages = true`)."""
    old, new = fs.fsencode(tmp_venv), fs.fsencode(final_venv)
    cfg = fs.join(tmp_venv, venvs.CFG_NAME)
    with os.scandir(venvs.bin_dir(tmp_venv)) as entries:
        paths = [cfg, *(e.path for e in entries if e.is_file(follow_symlinks=False))]  # not the python links
    for path in paths:
        try:
            f = open(path, "r+b")
        except OSError:
            continue
        with f:
            data = f.read()
            if old not in data:
                continue
            data = data.replace(old, fs.fsencode(venvs.clean_name(final_venv)) if path == cfg else new)
            st = os.fstat(f.fileno())
            if st.st_nlink == 1:
                f.seek(0)
                f.write(data)
                f.truncate()
                continue
        atomic_write(path, data, st.st_mode & 0o7777, exact=True)


class _no_interrupts:  # noqa: N801 - used as a function
    """Hold Ctrl-C/TERM/HUP back while the venv is renamed into place and trusted."""

    def __enter__(self) -> None:
        signals = backend.signals
        held = {signals.SIGINT, signals.SIGTERM, signals.SIGHUP}
        self.old = signals.pthread_sigmask(signals.SIG_BLOCK, held)

    def __exit__(self, *exc: object) -> None:
        backend.signals.pthread_sigmask(backend.signals.SIG_SETMASK, self.old)


def put_in_place(tmp: str, venv: str, replace: bool, then: Callable[[], None] | None = None) -> None:
    """Rename the built venv to its final path (the one there first with `replace`), and call
    `then()` (recording it as trusted) before Ctrl-C can stop this process."""
    old = f"{venv}{OLD_TAG}{os.getpid()}"
    with _no_interrupts():
        if replace and fs.lexists(venv):
            os.rename(venv, old)
        os.rename(tmp, venv)
        if then is not None:
            then()
    if replace and fs.lexists(old):
        shutil.rmtree(old, ignore_errors=True)
