"""Changes to the filesystem, and child processes, for the creation path - without `os`.

`cd` into a new project costs the backend's time plus what autovenv adds, and `import os`
alone (it pulls in _collections_abc) is a tenth of a bare interpreter's start. fs.py reads;
this module writes and spawns, with the `posix` module the interpreter has already loaded.
Elsewhere (Windows) it is a thin alias of os.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable

open_text = open  # the builtin: the imports below shadow `open` with the system call

from autovenv.hook import fs  # noqa: E402

__all__ = [
    "HAS_SPAWN", "O_CREAT", "O_NONBLOCK_IF_ANY", "O_RDONLY", "O_RDWR", "O_TRUNC", "O_WRONLY", "W_OK",
    "X_OK", "access",
    "chmod", "close", "devnull", "fstat", "ftruncate", "getpid", "link", "lseek", "makedirs", "mkdir",
    "open", "open_text", "read", "read_all", "read_records", "remove", "rename", "replace", "rmdir",
    "scandir", "utime", "write", "write_at_start", "write_file", "write_records",
]

if sys.platform == "win32":  # pragma: no cover - not run here
    from os import (
        O_CREAT,
        O_RDONLY,
        O_RDWR,
        O_TRUNC,
        O_WRONLY,
        W_OK,
        X_OK,
        access,
        chmod,
        close,
        devnull,
        fstat,
        ftruncate,
        getpid,
        link,
        lseek,
        mkdir,
        open,
        read,
        remove,
        rename,
        replace,
        rmdir,
        scandir,
        utime,
        write,
    )
    from os import makedirs as _os_makedirs

    def makedirs(path: str, mode: int = 0o777) -> None:
        """os.makedirs(path, exist_ok=True), as the POSIX version below."""
        _os_makedirs(path, mode, exist_ok=True)

    HAS_SPAWN = False
    O_NONBLOCK_IF_ANY = 0
else:
    from posix import (
        F_TLOCK,
        O_CREAT,
        O_NONBLOCK,
        O_RDONLY,
        O_RDWR,
        O_TRUNC,
        O_WRONLY,
        POSIX_SPAWN_DUP2,
        POSIX_SPAWN_OPEN,
        W_OK,
        X_OK,
        access,
        chdir,
        chmod,
        close,
        fchdir,
        fstat,
        ftruncate,
        getpid,
        kill,
        link,
        lockf,
        lseek,
        mkdir,
        open,
        pipe,
        posix_spawn,
        pwrite,
        read,
        remove,
        rename,
        replace,
        rmdir,
        scandir,
        utime,
        waitpid,
        waitstatus_to_exitcode,
        write,
    )

    HAS_SPAWN = True
    O_NONBLOCK_IF_ANY = O_NONBLOCK
    devnull = "/dev/null"
    __all__ += [  # the spawning half and record locks, POSIX only
        "F_TLOCK", "POSIX_SPAWN_DUP2", "POSIX_SPAWN_OPEN", "chdir", "fchdir", "kill", "lockf", "pipe",
        "posix_spawn", "pwrite", "waitpid", "waitstatus_to_exitcode",
    ]

    def makedirs(path: str, mode: int = 0o777) -> None:
        """os.makedirs(path, exist_ok=True)."""
        try:
            mkdir(path, mode)
        except FileExistsError:
            if not fs.isdir(path):
                raise
        except FileNotFoundError:
            parent = fs.dirname(path)
            if not parent or parent == path:
                raise
            makedirs(parent, mode)
            try:
                mkdir(path, mode)
            except FileExistsError:  # made meanwhile by another process
                if not fs.isdir(path):
                    raise



def read_all(fd: int) -> bytes:
    """The rest of an open file (one read call for a small one), without a Python file object."""
    chunks: list[bytes] = []
    while True:
        chunk = read(fd, 1 << 16)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        if len(chunk) < 1 << 16:  # a regular file gives less only at its end
            return b"".join(chunks)


def _write_all(fd: int, data: bytes) -> None:
    while data:
        data = data[write(fd, data):]


def write_file(path: str, data: bytes, mode: int = 0o644) -> None:
    """Create or truncate a file and write data to it, without a Python file object."""
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode)
    try:
        _write_all(fd, data)
    finally:
        close(fd)


def write_at_start(fd: int, data: bytes) -> None:
    """Make an open file hold exactly data."""
    if sys.platform == "win32":  # pragma: no cover - no pwrite
        lseek(fd, 0, 0)
        _write_all(fd, data)
    else:
        done = 0
        while done < len(data):
            done += pwrite(fd, data[done:], done)
    ftruncate(fd, len(data))


def read_records(path: str, header: str) -> list[list[str]]:
    """The tab-separated records of one of autovenv's cache files ([] when absent or of
    another format)."""
    try:
        fd = open(path, O_RDONLY)
    except OSError:
        return []
    try:
        text = read_all(fd).decode("utf-8", "surrogateescape")
    except OSError:
        return []
    finally:
        close(fd)
    if not text.startswith(header):
        return []
    return [line.split("\t") for line in text[len(header):].split("\n") if line]


def write_records(path: str, header: str, records: Iterable[Iterable[str]]) -> None:
    """Replace a cache file at once (a reader sees the old one or the new one). A cache we
    cannot write only costs time; a field holding a tab or newline is not remembered."""
    lines = [header]
    for fields in records:
        fields = list(fields)
        if not any("\t" in f or "\n" in f for f in fields):
            lines.append("\t".join(fields) + "\n")
    try:
        makedirs(fs.dirname(path))
        tmp = f"{path}.{getpid()}.tmp"
        with open_text(tmp, "w", encoding="utf-8", errors="surrogateescape") as f:
            f.write("".join(lines))
        replace(tmp, path)
    except OSError:
        pass
