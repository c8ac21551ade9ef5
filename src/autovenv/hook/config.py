"""Settings for creating venvs, from the project's files, the user's config file, or defaults.

The project's .python-version and `[tool.autovenv]` in its pyproject.toml come first, then the
user's config file, then defaults.

Read only on the creation path (a project without a venv, or `autovenv create`), never at a
plain prompt. A malformed file is reported once (file and line, from the TOML parser) and its
settings are ignored; a bad value is reported (file and key) and the default used instead.
"""

from __future__ import annotations

from autovenv.hook import fs, locations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any
from autovenv.hook.errors import ConfigError
from autovenv.hook.records import Record, dataclass, field
from autovenv.hook.tomlfile import parse_toml, read_toml

CREATE = ("auto", "never")
BACKENDS = ("auto", "uv", "venv")
SYNC = ("hint", "auto")
KEYS = ("create", "python", "backend", "pip", "requirements", "sync", "trusted")
# What only the user may say: a cloned project must not consent to running its own build.
USER_ONLY = ("sync", "trusted")


def user_config_path(env: Mapping[str, str]) -> str:
    """AUTOVENV_CONFIG, else where click.get_app_dir("autovenv") would put config.toml.

    Computed here rather than with click: this runs inside the hook, which never imports click.
    """
    return locations.config_file(env)


@dataclass(frozen=True)
class Config(Record):
    create: str = "auto"
    python: str | None = None  # from [tool.autovenv] (project_python) or the user file
    project_python: bool = False  # True when `python` came from the project's pyproject.toml
    backend: str = "auto"
    pip: bool = True
    requirements: tuple[str, ...] = ()  # extra requirements files, relative to the project
    sync: str = "hint"  # user config only: "auto" syncs consented projects on cd
    trusted: tuple[str, ...] = ()  # user config only: directories trusted for venvs and sync
    requires_python: str | None = None
    pyproject: str | None = None  # path of the project's pyproject.toml, when it has one
    python_version: str = ""  # the request in the project's .python-version ('' = none)
    python_version_file: str = ""
    user_file: str = ""
    problems: tuple[str, ...] = ()
    origin: dict[str, str] = field(default_factory=dict)  # key -> file it came from


def _check(key: str, value: Any, where: str) -> Any:
    """The value when valid; ConfigError naming the file and key otherwise."""
    if key == "create" and value not in CREATE:
        raise ConfigError(f'{where}: create must be "auto" or "never", not {value!r}; using "auto"')
    if key == "backend" and value not in BACKENDS:
        raise ConfigError(f'{where}: backend must be "auto", "uv" or "venv", not {value!r}; using "auto"')
    if key == "pip" and not isinstance(value, bool):
        raise ConfigError(f"{where}: pip must be true or false, not {value!r}; using true")
    if key == "python" and (not isinstance(value, str) or not value.strip()):
        raise ConfigError(f"{where}: python must be a version string such as \"3.12\", not {value!r}")
    if key == "sync" and value not in SYNC:
        raise ConfigError(f'{where}: sync must be "hint" or "auto", not {value!r}; using "hint"')
    if key in ("requirements", "trusted"):
        return _paths(key, value, where)
    return value.strip() if isinstance(value, str) else value


def _paths(key: str, value: Any, where: str) -> tuple[str, ...]:
    """A list of paths: `requirements` relative and inside the project, `trusted` directories
    (absolute or ~)."""
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ConfigError(f"{where}: {key} must be a list of paths, not {value!r}; ignored")
    paths = tuple(v.strip() for v in value)
    for path in paths:
        if any(ord(c) < 32 or ord(c) == 127 for c in path):
            raise ConfigError(f"{where}: {key} entry {path!r} holds a control character; ignored")
        if key == "requirements" and (fs.isabs(path) or path.startswith("~")
                                      or ".." in path.replace("\\", "/").split("/")):
            raise ConfigError(f"{where}: requirements entry {path!r} must be a path inside the "
                              "project (relative, no ..); ignored")
        if key == "trusted" and not (fs.isabs(path) or path.startswith("~")):
            raise ConfigError(f"{where}: trusted entry {path!r} must be an absolute path or "
                              "start with ~; ignored")
    return paths


def _table(data: dict[str, Any], path: str, problems: list[str], user_file: bool) -> dict[str, Any]:
    if user_file:
        table: Any = data
    else:
        tool = data.get("tool")
        table = tool.get("autovenv") if isinstance(tool, dict) else None
        if table is None:
            return {}
    if not isinstance(table, dict):
        problems.append(f"{path}: [tool.autovenv] must be a table; its settings are ignored")
        return {}
    settings = {}
    for key, value in table.items():
        if key not in KEYS:
            problems.append(f"{path}: unknown setting {key!r} ignored (known: {', '.join(KEYS)})")
            continue
        if key in USER_ONLY and not user_file:
            problems.append(f"{path}: {key} can only be set in your own config file; ignored here")
            continue
        try:
            settings[key] = _check(key, value, path)
        except ConfigError as e:
            problems.append(str(e))
    return settings


def settings_problems(project: str | None, env: Mapping[str, str], pyproject_data: bytes | None) -> list[str]:
    """What load() would report of the user config (with `project` None) or of the project's
    pyproject.toml, whose bytes are given (settingscheck.py decides what needs a look)."""
    found: list[str] = []
    path = fs.join(project, "pyproject.toml") if project else user_config_path(env)
    try:
        data = read_toml(path) if pyproject_data is None else parse_toml(pyproject_data, path)
        _table(data, path, found, not project)
    except ConfigError as e:
        found.append(f"{e}; its settings are ignored")
    return found


def load(project: str | None, env: Mapping[str, str]) -> Config:
    """The settings for `project` (a directory, or None for the user file alone)."""
    problems: list[str] = []
    merged: dict[str, Any] = {}
    origin: dict[str, str] = {}
    requires_python: str | None = None
    pyproject: str | None = None

    user_file = user_config_path(env)
    if fs.lexists(user_file):  # not only a regular file: a FIFO or a device gets its message
        try:
            for key, value in _table(read_toml(user_file), user_file, problems, True).items():
                merged[key], origin[key] = value, user_file
        except ConfigError as e:
            problems.append(f"{e}; its settings are ignored")

    if project and fs.lexists(fs.join(project, "pyproject.toml")):
        pyproject = fs.join(project, "pyproject.toml")
        try:
            data = read_toml(pyproject)
        except ConfigError as e:
            problems.append(f"{e}; its settings are ignored")
            data = {}
        for key, value in _table(data, pyproject, problems, False).items():
            merged[key], origin[key] = value, pyproject
        section = data.get("project")
        if isinstance(section, dict) and "requires-python" in section:
            value = section["requires-python"]
            if isinstance(value, str) and value.strip():
                requires_python = value.strip()
            else:
                problems.append(f"{pyproject}: requires-python must be a string, not {value!r}; ignored")

    python_version, version_file = "", ""
    if project:
        version_file = fs.join(project, ".python-version")
        try:
            python_version = fs.first_line_of(fs.read_regular(version_file, 4096))
        except fs.NotAFile as e:
            problems.append(f"{e}; it is ignored")
        except FileNotFoundError:
            pass  # the usual case
        except OSError as e:  # a symbolic link loop, no permission, a terminal that is not there
            problems.append(f"cannot read {version_file}: {e.strerror}; it is ignored")

    return Config(
        create=merged.get("create", "auto"),
        python=merged.get("python"),
        project_python=origin.get("python") == pyproject and pyproject is not None,
        backend=merged.get("backend", "auto"),
        pip=merged.get("pip", True),
        requirements=merged.get("requirements", ()),
        sync=merged.get("sync", "hint"),
        trusted=merged.get("trusted", ()),
        requires_python=requires_python,
        pyproject=pyproject,
        python_version=python_version,
        python_version_file=version_file if python_version else "",
        user_file=user_file,
        problems=tuple(problems),
        origin=origin,
    )
