"""Find the installed Pythons and choose the one a project asks for.

Where: `python3`/`python3.X` on PATH (pyenv shims resolved to the real interpreter), pyenv's
`versions/*/bin`, uv's managed Pythons, and the `py` launcher on Windows. Never one inside the
project or inside any venv: a project could ship a `bin/python3` of its own; never one that
another user could change (fs.not_safe_to_run). A project's files ask for a version, never for
a file: a path there is refused (path_like); only the user's own config may name a file.
Versions are learnt by running the interpreter once (isolated, outside the project), and cached
by (path, mtime, size) in autovenv's data dir, so the next creation runs nothing it knows.
Creating a venv with uv takes ~20 ms, so this module imports neither re nor json (each ~5 ms
with what they pull in): names are matched by hand and the caches are tab-separated lines.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping
if TYPE_CHECKING:  # type checkers know dataclasses; the creation path imports the lean stand-in
    from dataclasses import dataclass

    Record = object
else:
    from autovenv.hook.records import Record, dataclass

from autovenv.creation import fsops
from autovenv.creation.backend import clean_env
from autovenv.hook import fs, locations
from autovenv.hook.errors import NoInterpreter

IS_WINDOWS = sys.platform == "win32"
CACHE_NAME = "interpreters.tsv"
CACHE_HEADER = ("# autovenv interpreter cache 2: path, stat, version, release, implementation, "
                "venv module, pip wheel\n")
SPECIFIERS_NAME = "specifiers.tsv"
SPECIFIERS_HEADER = "# autovenv requires-python answers 1: specifier, version ('' = is it valid), answer\n"
# The memo is keyed by what projects write: it keeps the newest answers only, and none for a
# specifier longer than any real one, so no project can make it grow without end.
SPECIFIERS_KEPT = 256
SPECIFIER_MAX_CHARS = 200
IMPLEMENTATIONS = ("cpython", "python", "pypy", "graalpy")
SUFFIX_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.+-")

# Runs in the candidate interpreter (3.6+, hence no walrus). It reports what creating a venv
# needs: version, whether it is itself a venv, the venv module, and its bundled pip wheel
# (Debian keeps that in /usr/share/python-wheels; ensurepip knows where).
PROBE = r"""
import glob, json, os, sys
wheel = ""
try:
    import ensurepip
    here = os.path.join(os.path.dirname(ensurepip.__file__), "_bundled")
    get = getattr(ensurepip, "_get_packages", None)
    if get is not None:
        pkg = get()["pip"]
        wheel = getattr(pkg, "wheel_path", None) or os.path.join(here, pkg.wheel_name)
    else:
        pinned = getattr(ensurepip, "_PIP_VERSION", "*")
        found = sorted(glob.glob(os.path.join(here, "pip-%s-*.whl" % pinned)))
        wheel = found[-1] if found else ""
except Exception:
    wheel = ""
try:
    import importlib.util
    has_venv = importlib.util.find_spec("venv") is not None
except Exception:
    has_venv = False
print(json.dumps({
    "version": list(sys.version_info[:3]),
    "release": sys.version_info[3],
    "implementation": sys.implementation.name,
    "is_venv": sys.prefix != getattr(sys, "base_prefix", sys.prefix),
    "venv_module": has_venv,
    "pip_wheel": wheel if wheel and os.path.isfile(wheel) else "",
}))
"""


@dataclass(frozen=True)
class Interpreter(Record):
    path: str  # real path of the executable
    version: tuple[int, ...]
    implementation: str = "cpython"
    release: str = "final"
    venv_module: bool = True
    pip_wheel: str = ""

    @property
    def version_text(self) -> str:
        text = ".".join(map(str, self.version))
        return text if self.implementation == "cpython" else f"{self.implementation} {text}"

    def __str__(self) -> str:
        return f"{self.version_text} ({self.path})"


@dataclass(frozen=True)
class Request(Record):
    """What the project asked for, and where it said so (for messages)."""

    kind: str  # ".python-version", "[tool.autovenv] python", "requires-python", "default"
    text: str = ""
    source: str = ""

    def describe(self) -> str:
        if self.kind == "default":
            return "the first python3 on PATH"
        where = f" (in {self.source})" if self.source else ""
        if self.kind == "requires-python":
            return f"requires-python {self.text}{where}"
        return f"{self.kind} {self.text!r}{where}"


def _inside(path: str, directory: str | None, real: Callable[[str], str] = fs.realpath) -> bool:
    """Is path inside directory, as written or once symbolic links are resolved?"""
    if not directory:
        return False
    return _inside_as_written(path, directory) or _inside_as_written(real(path), real(directory))


def _inside_as_written(path: str, directory: str) -> bool:
    return path.startswith(directory.rstrip(fs.sep) + fs.sep)


class _Realpaths:
    """fs.realpath, remembered for one choice (each costs an lstat per path component)."""

    def __init__(self) -> None:
        self.known: dict[str, str] = {}

    def __call__(self, path: str) -> str:
        real = self.known.get(path)
        if real is None:
            real = self.known[path] = fs.realpath(path)
        return real


def _in_venv(executable: str) -> bool:
    """Is this a venv's interpreter? (bin/ beside a pyvenv.cfg, read without running it)"""
    return fs.isfile(fs.join(fs.dirname(fs.dirname(executable)), "pyvenv.cfg"))


def pyenv_root(env: Mapping[str, str]) -> str:
    home = env.get("HOME") or fs.expanduser("~")
    return env.get("PYENV_ROOT") or fs.join(home, ".pyenv")


def uv_python_dir(env: Mapping[str, str]) -> str:
    if env.get("UV_PYTHON_INSTALL_DIR"):
        return env["UV_PYTHON_INSTALL_DIR"]
    home = env.get("HOME") or fs.expanduser("~")
    if IS_WINDOWS:
        return fs.join(env.get("APPDATA") or home, "uv", "data", "python")
    return fs.join(env.get("XDG_DATA_HOME") or fs.join(home, ".local", "share"), "uv", "python")


def _executables_in(directory: str) -> list[str]:
    try:
        names = fs.listdir(directory)
    except OSError:
        return []
    # python3 first, then python3.X newest first: the order "first python3 on PATH" means.
    hits = [n for n in names if _is_python3_name(n)]
    hits.sort(key=lambda n: (n not in ("python3", "python3.exe"), _minor(n)))
    found = []
    for name in hits:
        path = fs.join(directory, name)
        if fs.isfile(path) and fsops.access(path, fsops.X_OK):
            found.append(path)
    return found


def _is_python3_name(name: str) -> bool:
    """python3 or python3.X (with .exe on Windows)."""
    if IS_WINDOWS:
        if not name.lower().endswith(".exe"):
            return False
        name = name[:-4]
    minor = name[len("python3."):]
    return name == "python3" or (name.startswith("python3.") and minor.isascii() and minor.isdigit())


def _minor(name: str) -> int:
    digits = name[len("python3."):].split(".")[0] if name.startswith("python3.") else ""
    return -int(digits) if digits.isascii() and digits.isdigit() else 0


def path_like(text: str) -> bool:
    """Could this name a file rather than a version (`3.12`, `pypy3.10`, a pyenv version name)?
    Joined to a directory, a name with a separator or `..` reaches out of it, `~` means a home,
    and a control character is never part of a version."""
    return (any(c in text for c in "/\\") or ".." in text or text.startswith("~") or text == "."
            or any(ord(c) < 32 or ord(c) == 127 for c in text))


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


def path_candidates(
    env: Mapping[str, str], project: str | None, start: str | None = None
) -> list[str]:
    """Interpreters on PATH in PATH order (shims resolved), none in the project or a venv."""
    return list(_iter_path_candidates(env, project, start))


def _iter_path_candidates(
    env: Mapping[str, str], project: str | None, start: str | None, real: Callable[[str], str] = fs.realpath,
) -> Iterator[str]:
    """path_candidates, found one at a time (the default choice needs only the first).

    A directory is skipped when it lies in the project as written; a candidate, also when its
    real path does (what would run is what counts; resolving every PATH entry would cost
    an lstat per component of each)."""
    for directory in env.get("PATH", "").split(fs.pathsep):
        if not directory or not fs.isabs(directory) or (project and _inside_as_written(directory, project)):
            continue
        for path in _executables_in(directory):
            if _is_shim(path, env):
                resolved = _resolve_shim(path, env, start or project)
                if not resolved:
                    continue
                path = resolved
            if _in_venv(path) or _inside(path, project, real):
                continue
            yield path


def other_candidates(env: Mapping[str, str]) -> list[str]:
    """pyenv's versions, uv's managed Pythons, and the Windows launcher's list."""
    found: list[str] = []
    for base in (fs.join(pyenv_root(env), "versions"), uv_python_dir(env)):
        try:
            names = sorted(fs.listdir(base))
        except OSError:
            continue
        for name in names:
            bin_dir = fs.join(base, name) if IS_WINDOWS else fs.join(base, name, "bin")
            found += [p for p in _executables_in(bin_dir) if not _in_venv(p)][:1]
    if IS_WINDOWS:
        found += _py_launcher_paths()
    return found


def _py_launcher_paths() -> list[str]:  # pragma: no cover - Windows only
    import re
    import subprocess

    try:
        out = subprocess.run(
            ["py", "--list-paths"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return [m.group(1).strip() for m in re.finditer(r"\s(\S:\\.*?python\.exe)\s*$", out, re.M)]


def _cache_path(env: Mapping[str, str]) -> str:
    return fs.join(locations.data_dir(env), CACHE_NAME)


def _info_fields(info: dict | None) -> list[str]:  # type: ignore[type-arg]
    """What the probe said, as cache fields ('-' alone: the interpreter did not answer)."""
    if not info:
        return ["-"]
    return [".".join(str(x) for x in info["version"]), str(info.get("release", "final")),
            str(info.get("implementation", "cpython")), "1" if info.get("venv_module", True) else "0",
            str(info.get("pip_wheel", ""))]


def _fields_info(fields: list[str]) -> dict | None:  # type: ignore[type-arg]
    if len(fields) != 5:
        return None
    version, release, implementation, venv_module, pip_wheel = fields
    return {"version": version.split("."), "release": release, "implementation": implementation,
            "venv_module": venv_module == "1", "pip_wheel": pip_wheel}


class Prober:
    """Versions of interpreters, from the cache or by running each one once."""

    def __init__(self, env: Mapping[str, str]):
        self.env = env
        self.path = _cache_path(env)
        # real path -> {"stat": key, "info": what the probe printed, or None}
        self.cache: dict[str, dict] = {}  # type: ignore[type-arg]
        self.dirty = False
        for fields in fsops.read_records(self.path, CACHE_HEADER):
            if len(fields) >= 3:
                self.cache[fields[0]] = {"stat": fields[1], "info": _fields_info(fields[2:])}

    def info(
        self, paths: Iterable[str], real: Callable[[str], str] = fs.realpath
    ) -> dict[str, Interpreter | None]:
        """Interpreter (or None when it does not run, or is a venv) for each real path."""
        wanted = list(dict.fromkeys(real(p) for p in paths))
        todo = [p for p in wanted if self._cached(p) is None]
        if todo:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(max_workers=min(8, len(todo))) as pool:
                for path, result in zip(todo, pool.map(self._run, todo)):
                    key = fs.file_key(path)
                    if key:
                        self.cache[path] = {"stat": key, "info": result}
                        self.dirty = True
            self._save()
        out: dict[str, Interpreter | None] = {}
        for path in wanted:
            entry = self.cache.get(path)
            out[path] = _interpreter(path, entry["info"]) if entry and entry.get("info") else None
        return out

    def _cached(self, path: str) -> dict | None:  # type: ignore[type-arg]
        entry = self.cache.get(path)
        if entry and entry.get("stat") == fs.file_key(path):
            return entry
        return None

    def _run(self, path: str) -> dict | None:  # type: ignore[type-arg]
        import json
        import subprocess

        cwd = locations.data_dir(self.env)
        fsops.makedirs(cwd)
        try:
            proc = subprocess.run(
                [path, "-I", "-S", "-c", PROBE], capture_output=True, text=True, timeout=20,
                cwd=cwd, env=clean_env(self.env), check=False,
            )
            data = json.loads(proc.stdout) if proc.returncode == 0 else None
        except (OSError, subprocess.SubprocessError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("is_venv"):
            return None
        try:
            _info_fields(data)
        except (KeyError, TypeError):
            return None
        return data

    def _save(self) -> None:
        if self.dirty:
            fsops.write_records(self.path, CACHE_HEADER, (
                [path, entry["stat"], *_info_fields(entry["info"])] for path, entry in self.cache.items()
            ))


def _interpreter(path: str, info: dict) -> Interpreter | None:  # type: ignore[type-arg]
    try:
        return Interpreter(
            path=path,
            version=tuple(int(x) for x in info["version"]),
            implementation=str(info.get("implementation", "cpython")),
            release=str(info.get("release", "final")),
            venv_module=bool(info.get("venv_module", True)),
            pip_wheel=str(info.get("pip_wheel", "")),
        )
    except (KeyError, TypeError, ValueError):
        return None


def _version_name(spec: str) -> tuple[str, tuple[int, ...]] | None:
    """(implementation or '', version) for a version name: 3.12, 3.12.1, cpython@3.12,
    pypy3.10, python3.13, 3.13t; None for anything else (a specifier, a path, a pyenv name)."""
    text = spec.strip()
    lower = text.lower()
    implementation = ""
    for name in IMPLEMENTATIONS:
        if lower.startswith(name):
            rest = text[len(name):]
            if rest[:1] in ("@", "-"):
                rest = rest[1:]
            elif not rest[:1].isdecimal():
                return None
            implementation, text = name, rest
            break
    parts: list[int] = []
    pos = 0
    while len(parts) < 3:
        end = pos
        while end < len(text) and text[end].isdecimal():
            end += 1
        if end == pos:
            break
        parts.append(int(text[pos:end]))
        pos = end
        if len(parts) < 3 and text[pos:pos + 1] == "." and text[pos + 1:pos + 2].isdecimal():
            pos += 1
        else:
            break
    if not parts or any(c not in SUFFIX_CHARS for c in text[pos:]):
        return None
    return implementation, tuple(parts)


def _matches_name(spec: str, interp: Interpreter) -> bool | None:
    """Does `3.12`, `3.12.1`, `cpython@3.12`, `pypy3.10` name this interpreter? None: not such a name."""
    name = _version_name(spec)
    if name is None:
        return None
    impl, wanted = name
    if impl and impl not in ("python", interp.implementation):
        return False
    if impl == "" and interp.implementation != "cpython":
        return False
    return interp.version[: len(wanted)] == wanted


def _specifier(text: str, env: Mapping[str, str] | None = None):  # type: ignore[no-untyped-def]
    """A specifier set for text (None when invalid). With `env`, answers are remembered in the
    data dir, so packaging (~30 ms of regex compiling) is imported only for a specifier and
    version never seen before - creating a venv stays close to the backend's own time."""
    memo = _SpecifierMemo(env) if env is not None and len(text) <= SPECIFIER_MAX_CHARS else None
    if memo is not None:
        known = memo.valid(text)
        if known is not None:
            return _MemoSpec(text, memo) if known else None
    spec = _packaging_specifier(text)
    if memo is not None:
        memo.remember_valid(text, spec is not None)
        return _MemoSpec(text, memo) if spec is not None else None
    return spec


def _packaging_specifier(text: str):  # type: ignore[no-untyped-def]
    """packaging's SpecifierSet for text, or None; packaging is imported only here."""
    from autovenv.runtime import enable_site_packages

    enable_site_packages()
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        return SpecifierSet(text)
    except InvalidSpecifier:
        return None


class _SpecifierMemo:
    """specifiers.tsv in the data dir: (specifier, version) -> answer; version '' stands for
    "is the specifier valid"."""

    def __init__(self, env: Mapping[str, str]):
        self.path = fs.join(locations.data_dir(env), SPECIFIERS_NAME)
        self.data: dict[tuple[str, str], bool] = {}
        for fields in fsops.read_records(self.path, SPECIFIERS_HEADER):
            if len(fields) == 3 and fields[2] in ("0", "1"):
                self.data[fields[0], fields[1]] = fields[2] == "1"
        self._specs: dict[str, object] = {}  # packaging's, once one was needed

    def valid(self, text: str) -> bool | None:
        return self.data.get((text, ""))

    def remember_valid(self, text: str, valid: bool) -> None:
        self.data[text, ""] = valid
        self._save()

    def contains(self, text: str, version: str) -> bool:
        if (text, version) not in self.data:
            if text not in self._specs:
                self._specs[text] = _packaging_specifier(text)
            spec = self._specs[text]
            self.data[text, version] = bool(spec is not None and spec.contains(version, prereleases=True))  # type: ignore[attr-defined]
            self._save()
        return self.data[text, version]

    def _save(self) -> None:
        # A cache: the last writer wins, and a failed write only costs the next run time.
        # New answers are added last; the oldest go first.
        newest = list(self.data.items())[-SPECIFIERS_KEPT:]
        records = ([text, version, "1" if yes else "0"] for (text, version), yes in newest)
        fsops.write_records(self.path, SPECIFIERS_HEADER, records)


class _MemoSpec:
    def __init__(self, text: str, memo: _SpecifierMemo):
        self.text, self.memo = text, memo

    def contains(self, version: str, prereleases: bool = True) -> bool:
        return self.memo.contains(self.text, version)


def _satisfies(spec, interp: Interpreter) -> bool:  # type: ignore[no-untyped-def]
    return bool(spec.contains(".".join(map(str, interp.version)), prereleases=True))


def _newest(interps: Iterable[Interpreter]) -> Interpreter | None:
    best = None
    for interp in interps:  # ties keep the first seen (PATH before pyenv before uv)
        if best is None or interp.version > best.version:
            best = interp
    return best


class Finder:
    """Candidates and their versions for one project, probed lazily."""

    def __init__(self, env: Mapping[str, str], project: str | None):
        self.env = env
        self.project = project
        self.prober = Prober(env)
        self.real = _Realpaths()
        self._all: list[Interpreter] | None = None
        self.skipped: dict[str, str] = {}  # candidate -> why it is never run

    def usable(self, path: str) -> bool:
        """May this discovered candidate run (to learn its version, to build a venv)?"""
        if path not in self.skipped:
            why = fs.not_safe_to_run(path)
            if not why:
                return True
            self.skipped[path] = why
        return False

    def skipped_lines(self) -> list[str]:
        return [f"{path} was skipped: {why}" for path, why in self.skipped.items()]

    def on_path(self) -> list[str]:
        return list(self.iter_on_path())

    def iter_on_path(self) -> Iterator[str]:
        return _iter_path_candidates(self.env, self.project, None, self.real)

    def info(self, path: str) -> Interpreter | None:
        return self.prober.info([path], self.real).get(self.real(path))

    def all(self) -> list[Interpreter]:
        if self._all is None:
            paths = [
                p for p in self.on_path() + other_candidates(self.env)
                if not _inside(p, self.project, self.real) and self.usable(p)
            ]
            infos = self.prober.info(paths, self.real)
            seen: dict[str, Interpreter] = {}
            for p in paths:
                interp = infos.get(self.real(p))
                if interp and interp.path not in seen and interp.version[0] >= 3:
                    seen[interp.path] = interp
            self._all = list(seen.values())
        return self._all

    def explicit_path(self, text: str) -> Interpreter | None:
        path = fs.expanduser(text)
        if not fs.isabs(path) or _inside(path, self.project, self.real) or _in_venv(path):
            return None
        return self.info(path)


def _from_pyenv_name(name: str, finder: Finder) -> Interpreter | None:
    """A request naming one of pyenv's version directories that is not a plain number
    (`miniconda3-latest`): only a name pyenv's versions directory lists, never a path."""
    versions = fs.join(pyenv_root(finder.env), "versions")
    if path_like(name) or name not in fs.entries(versions):
        return None
    exes = [p for p in _executables_in(fs.join(versions, name, "bin"))
            if not _in_venv(p) and not _inside(p, finder.project, finder.real)]
    if not exes or not finder.usable(exes[0]):
        return None
    return finder.info(exes[0])


def _by_text(text: str, finder: Finder) -> Interpreter | None:
    """A version name (3.12, cpython@3.12, pypy3.10), a specifier (>=3.11), a pyenv version
    name, or (from the user's own config only: see _request) an absolute path."""
    if fs.isabs(fs.expanduser(text)):
        return finder.explicit_path(text)
    if text == "system":
        return _default(finder)
    named = [i for i in finder.all() if _matches_name(text, i)]
    if _version_name(text) is not None:
        return _newest(named) or _from_pyenv_name(text, finder)
    spec = _specifier(text, finder.env)
    if spec is not None:
        return _newest(i for i in finder.all() if _satisfies(spec, i))
    return _from_pyenv_name(text, finder)


def _default(finder: Finder) -> Interpreter | None:
    """The first python3 on PATH that is not in a venv; else the newest found anywhere."""
    for path in finder.iter_on_path():
        if fs.basename(path).split(".exe")[0] in ("python3", "python") and finder.usable(path):
            interp = finder.info(path)
            if interp:
                return interp
    return _newest(finder.all())


def choose(project: str | None, cfg, env: Mapping[str, str],  # type: ignore[no-untyped-def]
           skipped: list[str] | None = None) -> tuple[Interpreter, Request]:
    """The interpreter for `project` by DESIGN.md's order; NoInterpreter when none fits.

    `cfg` is a config.Config. The user file's `python` is a default: it is used when the
    project says nothing, or when it satisfies the project's requires-python. `skipped`
    receives a line for each candidate that was never run, and why.
    """
    finder = Finder(env, project)
    try:
        request, interp = _request(project, cfg, finder)
        if interp is None:
            seen = ", ".join(str(i) for i in sorted(finder.all(), key=lambda i: i.version, reverse=True))
            why = "".join(f"; {line}" for line in finder.skipped_lines())
            raise NoInterpreter(
                f"no installed Python matches {request.describe()}; nothing was created. "
                f"Pythons found: {seen or 'none'}{why}"
            )
    finally:
        if skipped is not None:
            skipped += finder.skipped_lines()
    return interp, request


def refused_request(text: str, kind: str, source: str, user_file: str) -> NoInterpreter:
    """The one message for a project file that names a file instead of a version."""
    if len(text) > 200:
        text = text[:200] + "..."
    return NoInterpreter(
        f"{source}: {kind} {text!r} is a path; a project may only ask for a Python version "
        f'("3.12", "cpython@3.12", "pypy3.10", a pyenv version name), so nothing was created. '
        f"An interpreter by path can be set in your own config ({user_file}): python = \"/path/python3\""
    )


def _request(project: str | None, cfg, finder: Finder) -> tuple[Request, Interpreter | None]:  # type: ignore[no-untyped-def]
    text, version_file = cfg.python_version, cfg.python_version_file
    if text:
        if path_like(text):
            raise refused_request(text, ".python-version", version_file, cfg.user_file)
        return Request(".python-version", text, version_file), _by_text(text, finder)
    if cfg.python and cfg.project_python:
        if path_like(cfg.python):
            raise refused_request(cfg.python, "[tool.autovenv] python", cfg.pyproject or "", cfg.user_file)
        request = Request("[tool.autovenv] python", cfg.python, cfg.pyproject or "")
        return request, _by_text(cfg.python, finder)
    if cfg.requires_python:
        request = Request("requires-python", cfg.requires_python, cfg.pyproject or "")
        spec = _specifier(cfg.requires_python, finder.env)
        if spec is None:
            raise NoInterpreter(
                f"{cfg.pyproject}: requires-python {cfg.requires_python!r} is not a valid specifier"
            )
        if cfg.python:
            preferred = _by_text(cfg.python, finder)
            if preferred and _satisfies(spec, preferred):
                return request, preferred
        return request, _newest(i for i in finder.all() if _satisfies(spec, i))
    if cfg.python:
        return Request("python (user config)", cfg.python, cfg.user_file), _by_text(cfg.python, finder)
    return Request("default"), _default(finder)


def satisfies_request(version: str, project: str | None, cfg) -> str | None:  # type: ignore[no-untyped-def]
    """Why a venv of Python `version` does not match what the project asks for ('' = it does,
    None = cannot tell). Only files are read; nothing is run."""
    try:
        interp = Interpreter(path="", version=tuple(int(x) for x in version.split(".")[:3]))
    except ValueError:
        return None
    text = cfg.python_version
    if text:
        ok = _matches_name(text, interp)
        return None if ok is None else ("" if ok else f".python-version asks for {text}")
    if cfg.python and cfg.project_python and _version_name(cfg.python) is not None:
        return "" if _matches_name(cfg.python, interp) else f"[tool.autovenv] python asks for {cfg.python}"
    if cfg.requires_python:
        spec = _specifier(cfg.requires_python)
        if spec is not None:
            return "" if _satisfies(spec, interp) else f"requires-python is {cfg.requires_python}"
    return ""
