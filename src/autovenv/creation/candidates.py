"""Where the installed Pythons are: PATH (pyenv shims resolved), pyenv's versions, uv's Pythons.

Never one inside the project or inside any venv: a project could ship a `bin/python3` of its
own. Names are matched by hand: `re` would cost more at import than this whole search.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping

import os

from autovenv.creation.requests import path_like
from autovenv.hook import fs


def inside(path: str, directory: str | None, real: Callable[[str], str] = fs.realpath) -> bool:
    """Is path inside directory, as written or once symbolic links are resolved?"""
    if not directory:
        return False
    return _inside_as_written(path, directory) or _inside_as_written(real(path), real(directory))


def _inside_as_written(path: str, directory: str) -> bool:
    return path.startswith(directory.rstrip(fs.sep) + fs.sep)


class Realpaths:
    """fs.realpath, remembered for one choice (each costs an lstat per path component)."""

    def __init__(self) -> None:
        self.known: dict[str, str] = {}

    def __call__(self, path: str) -> str:
        real = self.known.get(path)
        if real is None:
            real = self.known[path] = fs.realpath(path)
        return real


def in_venv(executable: str) -> bool:
    """Is this a venv's interpreter? (bin/ beside a pyvenv.cfg, read without running it)"""
    return fs.isfile(fs.join(fs.dirname(fs.dirname(executable)), "pyvenv.cfg"))


def pyenv_root(env: Mapping[str, str]) -> str:
    home = env.get("HOME") or fs.expanduser("~")
    return env.get("PYENV_ROOT") or fs.join(home, ".pyenv")


def uv_python_dir(env: Mapping[str, str]) -> str:
    if env.get("UV_PYTHON_INSTALL_DIR"):
        return env["UV_PYTHON_INSTALL_DIR"]
    home = env.get("HOME") or fs.expanduser("~")
    return fs.join(env.get("XDG_DATA_HOME") or fs.join(home, ".local", "share"), "uv", "python")


def executables_in(directory: str) -> list[str]:
    """python3 first, then python3.X newest first: the order "first python3 on PATH" means."""
    hits = [n for n in fs.entries(directory) if _is_python3_name(n)]
    hits.sort(key=lambda n: (n != "python3", -minor_of(n)))
    return [p for p in (fs.join(directory, n) for n in hits) if fs.isfile(p) and os.access(p, os.X_OK)]


def _is_python3_name(name: str) -> bool:
    return name == "python3" or minor_of(name) > 0


def minor_of(name: str) -> int:
    """X of `python3.X` (0 for any other name)."""
    digits = name[len("python3."):] if name.startswith("python3.") else ""
    return int(digits) if digits.isascii() and digits.isdigit() else 0


def _pyenv_version_name(env: Mapping[str, str], start: str | None) -> str:
    """The version pyenv's shims would run from `start`: PYENV_VERSION, .python-version up
    the tree, then the global version file (first name only). A name that is path-like is
    not one ('': the shim is not followed)."""
    name = _pyenv_name_as_written(env, start)
    return "" if path_like(name) else name


def _pyenv_name_as_written(env: Mapping[str, str], start: str | None) -> str:
    if env.get("PYENV_VERSION"):
        return env["PYENV_VERSION"].split(":")[0].strip()
    directory = start
    while directory:
        text = fs.first_line(fs.join(directory, ".python-version"))
        if text:
            return text
        parent = fs.dirname(directory)
        if parent == directory:
            break
        directory = parent
    return fs.first_line(fs.join(pyenv_root(env), "version")) or "system"


def _is_shim(path: str, env: Mapping[str, str]) -> bool:
    """pyenv's shims are shell scripts that would ask pyenv (slowly) which Python to run."""
    if fs.dirname(path) == fs.join(pyenv_root(env), "shims"):
        return True
    head = fs.read_small(path, 256)
    return head.startswith(b"#!") and b"pyenv" in head


def _resolve_shim(path: str, env: Mapping[str, str], start: str | None) -> str | None:
    name = _pyenv_version_name(env, start)
    if name in ("system", ""):
        return None  # pyenv would run the next python3 on PATH; so does our search
    candidate = fs.join(pyenv_root(env), "versions", name, "bin", fs.basename(path))
    return candidate if fs.isfile(candidate) else None


def on_path(
    env: Mapping[str, str], project: str | None, start: str | None = None,
    real: Callable[[str], str] = fs.realpath,
) -> Iterator[str]:
    """Interpreters on PATH in PATH order (shims resolved), none in the project or a venv;
    found one at a time (the default choice needs only the first).

    A directory is skipped when it lies in the project as written; a candidate, also when its
    real path does (what would run is what counts; resolving every PATH entry would cost
    an lstat per component of each)."""
    for directory in env.get("PATH", "").split(fs.pathsep):
        if not directory or not fs.isabs(directory) or (project and _inside_as_written(directory, project)):
            continue
        for path in executables_in(directory):
            if _is_shim(path, env):
                resolved = _resolve_shim(path, env, start or project)
                if not resolved:
                    continue
                path = resolved
            if in_venv(path) or inside(path, project, real):
                continue
            yield path


def installed(env: Mapping[str, str]) -> list[str]:
    """The first python3 of each of pyenv's versions and of uv's managed Pythons."""
    found: list[str] = []
    for base in version_dirs(env):
        for name in sorted(fs.entries(base)):
            found += [p for p in executables_in(fs.join(base, name, "bin")) if not in_venv(p)][:1]
    return found


def version_dirs(env: Mapping[str, str]) -> tuple[str, str]:
    """Where pyenv and uv keep one directory per installed Python."""
    return fs.join(pyenv_root(env), "versions"), uv_python_dir(env)
