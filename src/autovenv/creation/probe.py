"""What an interpreter is (version, venv module, pip wheel): from its name, or by running it.

A version is read from the name of the directory pyenv or uv installed it in (`3.12.1`,
`cpython-3.12.1-linux-x86_64-gnu`): those tools name it by what they built. Anything else, and
the one interpreter chosen (to confirm it and to find its pip wheel), is run once, isolated and
outside the project; what it said is cached by (path, mtime, size) in autovenv's data dir, so
the next creation runs nothing it knows. The caches are tab-separated lines (no json import).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping
from autovenv.creation.backend import clean_env
from autovenv.creation.cachefile import read_records, write_records
from autovenv.creation.candidates import minor_of, version_dirs
from autovenv.hook import fs, locations
from autovenv.hook.records import Record, dataclass

CACHE_NAME = "interpreters.tsv"
CACHE_HEADER = ("# autovenv interpreter cache 2: path, stat, version, release, implementation, "
                "venv module, pip wheel\n")

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
    confirmed: bool = True  # False: the version was read from a directory name, not asked

    @property
    def partial(self) -> bool:
        """Known only as `python3.X`: its micro version is not known yet."""
        return not self.confirmed and len(self.version) < 3

    @property
    def version_text(self) -> str:
        text = ".".join(map(str, self.version))
        return text if self.implementation == "cpython" else f"{self.implementation} {text}"

    def __str__(self) -> str:
        return f"{self.version_text} ({self.path})"


def from_name(path: str, env: Mapping[str, str]) -> Interpreter | None:
    """The interpreter at real path `path` as its name says: X.Y.Z when its install directory
    is pyenv's `X.Y.Z` or uv's `cpython-X.Y.Z-...`; only (3, X) for any other `python3.X`
    (a partial version: see `partial`); None when the name says nothing."""
    bin_dir = fs.dirname(path)
    home = fs.dirname(bin_dir)
    if fs.basename(bin_dir) != "bin" or fs.dirname(home) not in version_dirs(env):
        minor = minor_of(fs.basename(path))
        return Interpreter(path=path, version=(3, minor), confirmed=False) if minor else None
    name = fs.basename(home)
    if name.startswith("cpython-"):
        name = name[len("cpython-"):].split("-")[0].split("+")[0]
    parts = name.split(".")
    if len(parts) != 3 or not all(p.isascii() and p.isdigit() for p in parts):
        return None
    return Interpreter(path=path, version=tuple(int(p) for p in parts), confirmed=False)


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
        self.path = fs.join(locations.data_dir(env), CACHE_NAME)
        # real path -> {"stat": key, "info": what the probe printed, or None}
        self.cache: dict[str, dict] = {}  # type: ignore[type-arg]
        self.dirty = False
        for fields in read_records(self.path, CACHE_HEADER):
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

    def knows(self, path: str) -> bool:
        """Has this real path been run before (and not changed since)?"""
        return self._cached(path) is not None

    def _cached(self, path: str) -> dict | None:  # type: ignore[type-arg]
        entry = self.cache.get(path)
        if entry and entry.get("stat") == fs.file_key(path):
            return entry
        return None

    def _run(self, path: str) -> dict | None:  # type: ignore[type-arg]
        import json
        import os
        import subprocess

        cwd = locations.data_dir(self.env)
        try:
            os.makedirs(cwd, exist_ok=True)
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
            write_records(self.path, CACHE_HEADER, (
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
