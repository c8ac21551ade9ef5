"""Which command syncs a project's venv: the project's own tool, and its arguments.

The tool is the first that applies (README, "Keeping the venv in sync"):
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
installer.py runs the command chosen here.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

from autovenv.creation import backend
from autovenv.hook import config, fs, venvs
from autovenv.hook.errors import AutovenvError
from autovenv.hook.records import Record, dataclass, field


class SyncError(AutovenvError):
    """Nothing could be run: no tool for the project's lock, a requirements file outside it."""


@dataclass(frozen=True)
class Plan(Record):
    argv: list[str]
    what: str  # for messages: "uv sync --locked"
    env: dict[str, str] = field(default_factory=dict)  # added to the installer's environment
    notes: tuple[str, ...] = ()  # worth saying before it runs (a lock whose tool is missing)


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
    uv = backend.find_program("uv", env, project)
    if fs.isfile(fs.join(project, "uv.lock")):
        if not uv:
            raise SyncError("this project has a uv.lock, and uv is not on PATH; install uv "
                            "(https://docs.astral.sh/uv/) and run autovenv sync again")
        return Plan([uv, "sync", "--locked", f"--python={python}"], "uv sync --locked",
                    {"UV_PROJECT_ENVIRONMENT": venv})
    for lock, tool, argv in (("poetry.lock", "poetry", ["install", "--no-interaction"]),
                             ("pdm.lock", "pdm", ["sync"])):
        if fs.isfile(fs.join(project, lock)):
            path = backend.find_program(tool, env, project)
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
