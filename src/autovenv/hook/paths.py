"""posixpath's functions without importing os (ntpath's, the standard ones, on Windows).

The per-cd helper runs with -S, where `import os` (it pulls in _collections_abc) costs about
2 ms, on every boundary cd and in every new shell. On POSIX these functions use the `posix`
module the interpreter has already loaded and keep posixpath's meaning for each
(tests/test_fs.py compares them on generated paths and trees). On Windows speed matters less
than being right: they are ntpath's (tests/test_windows_paths.py runs that branch here).
"""

from __future__ import annotations

import sys

S_IFMT, S_IFDIR, S_IFREG, S_IFLNK = 0o170000, 0o040000, 0o100000, 0o120000
# How many symbolic links one realpath() follows before calling it a loop (Linux: 40).
_MAX_LINKS = 40

if sys.platform == "win32":
    from ntpath import *  # noqa: F403 - all of them, sep and pathsep too
else:
    from posix import F_OK, access, getcwd, lstat, readlink, stat

    sep, pathsep = "/", ":"

    def isabs(path: str) -> bool:
        return path.startswith("/")

    def join(first: str, *rest: str) -> str:
        path = first
        for part in rest:
            if part.startswith("/") or not path:
                path = part
            elif path.endswith("/"):
                path += part
            else:
                path += "/" + part
        return path

    def dirname(path: str) -> str:
        head = path[: path.rfind("/") + 1]
        # "/a/b/" -> "/a/b", but a head made only of slashes stays as it is.
        return head.rstrip("/") or head

    def basename(path: str) -> str:
        return path[path.rfind("/") + 1 :]

    def splitext(path: str) -> tuple[str, str]:
        name_start = path.rfind("/") + 1
        dot = path.rfind(".")
        # A name's leading dots (".bashrc", "..x") do not start an extension.
        if dot > name_start and path[name_start:dot].strip("."):
            return path[:dot], path[dot:]
        return path, ""

    def normpath(path: str) -> str:
        if not path:
            return "."
        # POSIX lets exactly two leading slashes mean something else; three or more mean one.
        slashes = 2 if path.startswith("//") and not path.startswith("///") else int(path.startswith("/"))
        parts: list[str] = []
        for part in path.split("/"):
            if part in ("", "."):
                continue
            if part == ".." and parts and parts[-1] != "..":
                parts.pop()
            elif part != ".." or not slashes:
                parts.append(part)
        return "/" * slashes + "/".join(parts) or "."

    def abspath(path: str) -> str:
        return normpath(path if path.startswith("/") else join(getcwd(), path))

    def expanduser(path: str) -> str:
        if not path.startswith("~"):
            return path
        import posixpath  # rare (HOME unset, or "~user"): the standard one, os and all

        return posixpath.expanduser(path)

    def _mode(path: str, follow: bool = True) -> int | None:
        try:
            return (stat(path) if follow else lstat(path)).st_mode
        except (OSError, ValueError):  # ValueError: a NUL in the path
            return None

    def exists(path: str) -> bool:
        # access() answers without making a stat_result, or an exception when the path is
        # absent: half the cost of a failing stat, for the same answer (links followed, search
        # permission needed on the directories; this process never runs set-uid). Discovery
        # asks it four times per directory level.
        try:
            return access(path, F_OK)
        except ValueError:  # a NUL in the path
            return False

    def lexists(path: str) -> bool:
        return _mode(path, follow=False) is not None

    def isdir(path: str) -> bool:
        mode = _mode(path)
        return mode is not None and mode & S_IFMT == S_IFDIR

    def isfile(path: str) -> bool:
        mode = _mode(path)
        return mode is not None and mode & S_IFMT == S_IFREG

    def islink(path: str) -> bool:
        mode = _mode(path, follow=False)
        return mode is not None and mode & S_IFMT == S_IFLNK

    def realpath(path: str) -> str:
        """The path with every symbolic link resolved, like posixpath.realpath: missing parts are
        kept as written; a loop is left to posixpath (os and all), whose answer it must be."""
        if not path.startswith("/"):
            path = join(getcwd(), path)
        todo = [p for p in reversed(path.split("/")) if p not in ("", ".")]  # a stack
        done: list[str] = []  # resolved components, from the root
        links = 0
        while todo:
            name = todo.pop()
            if name == "..":
                if done:
                    done.pop()
                continue
            candidate = "/" + "/".join([*done, name])
            try:  # islink(), inlined: this loop runs for every component of every path
                link = lstat(candidate).st_mode & S_IFMT == S_IFLNK
            except (OSError, ValueError):
                link = False
            if not link:
                done.append(name)
                continue
            links += 1
            if links > _MAX_LINKS:  # a loop (rare): where it stops is posixpath's to say
                import posixpath

                return posixpath.realpath(path)
            target = readlink(candidate)
            if target.startswith("/"):
                done = []
            todo += [p for p in reversed(target.split("/")) if p not in ("", ".")]
        return "/" + "/".join(done)


__all__ = [
    "S_IFDIR", "S_IFLNK", "S_IFMT", "S_IFREG", "abspath", "basename", "dirname", "exists",
    "expanduser", "isabs", "isdir", "isfile", "islink", "join", "lexists", "normpath", "pathsep",
    "realpath", "sep", "splitext",
]
