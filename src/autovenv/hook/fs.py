"""The file system as the hook sees it, without os: file tests, safe reads, paths (paths.py).

Safe reads: the files a project ships are read as regular files only, never blocking, never
past a limit (read_regular).

The per-cd helper runs with -S, where `import os` costs about 2 ms on every boundary cd and in
every new shell: on POSIX this module uses the `posix` module the interpreter has already
loaded. On Windows it takes the same functions from os (tests/test_windows_paths.py runs that
branch here).
"""

from __future__ import annotations

import sys

from autovenv.hook.paths import (
    S_IFDIR,
    S_IFMT,
    S_IFREG,
    abspath,
    basename,
    dirname,
    exists,
    expanduser,
    isabs,
    isdir,
    isfile,
    islink,
    join,
    lexists,
    normpath,
    pathsep,
    realpath,
    sep,
    splitext,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from os import stat_result
    from typing import NoReturn

S_IWOTH, S_ISVTX = 0o002, 0o1000
_MAX_NAME_BYTES = 200  # of a file name made by flat_name (most filesystems allow 255)
TOML_MAX_BYTES = 1 << 20  # pyproject.toml files run to a few KiB; the biggest known, ~100 KiB

if sys.platform == "win32":
    from os import O_RDONLY as _O_READ_ONLY_NOW
    from os import _exit, fsdecode, fsencode, getcwd, listdir, lstat, readlink, stat
    from os import close as _close
    from os import environ as _environ
    from os import fstat as _fstat
    from os import open as _open
    from os import read as _read

    def environ() -> dict[str, str]:
        return dict(_environ)

else:
    from posix import (
        O_CLOEXEC,
        O_NOCTTY,
        O_NONBLOCK,
        _exit,
        getcwd,
        getuid,
        listdir,
        lstat,
        readlink,
        stat,
    )
    from posix import O_RDONLY as _O_RDONLY
    from posix import close as _close
    from posix import environ as _environ
    from posix import fstat as _fstat
    from posix import open as _open
    from posix import read as _read

    # Opening a FIFO waits for a writer, and a terminal may become the controlling one: neither.
    _O_READ_ONLY_NOW = _O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC

    _ENCODING, _ERRORS = sys.getfilesystemencoding(), sys.getfilesystemencodeerrors()

    def fsencode(name: str) -> bytes:
        return name.encode(_ENCODING, _ERRORS)

    def fsdecode(name: bytes) -> str:
        return name.decode(_ENCODING, _ERRORS)

    def environ() -> dict[str, str]:
        """The process environment, decoded as os.environ decodes it."""
        enc, err = _ENCODING, _ERRORS
        return {str(k, enc, err): str(v, enc, err) for k, v in _environ.items()}


def is_world_writable(st: stat_result) -> bool:
    """Writable by anyone, and not a sticky directory (like /tmp) that guards its entries."""
    return bool(st.st_mode & S_IWOTH) and not st.st_mode & S_ISVTX


def not_safe_to_run(path: str) -> str:
    """Why another user could change what running `path` runs ('' when no one could): the
    file, or the directory holding it (as named, and once links are resolved), belongs to a
    user other than this one and root, or is writable by everyone (a sticky directory too:
    anyone may add a name to it before the owner does)."""
    if sys.platform == "win32":  # no owners to compare
        return ""
    uid = getuid()
    real = realpath(path)
    for where in dict.fromkeys((real, dirname(real), dirname(path))):
        try:
            st = stat(where)
        except (OSError, ValueError):
            return f"{where} cannot be examined"
        if st.st_uid not in (uid, 0):
            return f"{where} belongs to another user"
        if st.st_mode & S_IWOTH:
            return f"{where} is writable by every user"
    return ""


def entries(directory: str) -> list[str]:
    """The names in a directory; [] when it cannot be listed."""
    try:
        return listdir(directory)
    except OSError:
        return []


def file_key(path: str) -> str | None:
    """What tells one version of a file from another (mtime, size, inode); None when absent."""
    try:
        st = stat(path)
    except OSError:
        return None
    return f"{st.st_mtime_ns}:{st.st_size}:{st.st_ino}"


class NotAFile(OSError):
    """A project file that is not one to read: a FIFO, a device, a directory, or too big.
    An OSError, so that whoever handles unreadable files handles these too; str() is the
    whole message."""

    def __str__(self) -> str:
        return str(self.args[0])


_KINDS = {0o010000: "a FIFO", 0o020000: "a character device", 0o060000: "a block device",
          0o140000: "a socket", S_IFDIR: "a directory"}


def open_regular(path: str) -> int:
    """A file descriptor open for reading on a regular file (see read_regular), for a reader
    that needs all of a file however big (a digest); NotAFile, or another OSError."""
    fd = _open(path, _O_READ_ONLY_NOW)
    kind = _fstat(fd).st_mode & S_IFMT
    if kind != S_IFREG:
        _close(fd)
        raise NotAFile(f"{path} is {_KINDS.get(kind, 'not a regular file')}, not a file autovenv reads")
    return fd


def read_regular(path: str, limit: int, prefix: bool = False) -> bytes:
    """The bytes of a regular file of at most `limit` bytes (with `prefix`, the first `limit`
    bytes of a bigger one). Every file a project ships is read so: opened without waiting
    (a FIFO never blocks, a terminal is not taken), checked on the open file (no swap after
    the check), and never read past the limit (`-> /dev/zero`). NotAFile says why not; other
    OSErrors (absent, no permission) pass through. No Python file object: its text layer
    costs more than reading the file."""
    fd = open_regular(path)
    try:
        st = _fstat(fd)
        if st.st_size > limit and not prefix:
            raise NotAFile(f"{path} is too big ({st.st_size} bytes; autovenv reads up to {limit})")
        chunks, size = [], 0
        # Reads sized by what the file says it holds, plus one byte to see its end (not the
        # limit: a buffer of a MiB for a file of a few bytes); files of /proc say size 0 and
        # hold more, so the count of bytes read decides.
        want = st.st_size + 1 if st.st_size else 1 << 16
        while size <= limit:
            chunk = _read(fd, min(want, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            want = 1 << 16
        data = b"".join(chunks)
        if len(data) > limit:
            if not prefix:
                raise NotAFile(f"{path} is too big (more than {limit} bytes, the most autovenv reads)")
            data = data[:limit]
        return data
    finally:
        _close(fd)


def read_small(path: str, limit: int = 1 << 16) -> bytes:
    """Up to `limit` bytes of a small regular file (read_regular); b'' when there is none."""
    try:
        return read_regular(path, limit, prefix=True)
    except OSError:
        return b""


def first_line(path: str) -> str:
    """The first line of a small settings file (.python-version) that is not empty or a
    comment; '' when there is none or the file cannot be read."""
    return first_line_of(read_small(path, 4096))


def first_line_of(data: bytes) -> str:
    for line in data.decode("utf-8", "replace").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            return line
    return ""


def flat_name(real_path: str) -> str:
    """A file name that stands for one path (trust records, locks): readable when short,
    hashed when long."""
    name = real_path.replace("%", "%25").replace("/", "%2F").replace("\\", "%5C")
    if len(fsencode(name)) <= _MAX_NAME_BYTES:
        return name
    import hashlib

    return "sha256-" + hashlib.sha256(fsencode(real_path)).hexdigest()


def exit_now(code: int) -> NoReturn:
    """End the process here, without the interpreter's teardown: freeing every module and
    object costs the helper about a fifth of its run. Only for processes with nothing left to
    clean up (no atexit work, files closed); stdout and stderr are flushed first."""
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be said anyway
            code = code or 1
    _exit(code)


__all__ = [
    "NotAFile", "TOML_MAX_BYTES", "abspath", "basename", "dirname", "entries", "environ", "exists",
    "exit_now", "expanduser", "file_key", "first_line", "first_line_of", "flat_name", "fsdecode",
    "fsencode", "getcwd", "getuid", "is_world_writable", "isabs", "isdir", "isfile", "islink",
    "join", "lexists", "listdir", "lstat", "normpath", "not_safe_to_run", "open_regular", "pathsep",
    "read_regular", "read_small", "readlink", "realpath", "sep", "splitext", "stat",
]
