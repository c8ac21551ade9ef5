"""Which projects autovenv may sync on its own.

Installing a project's dependencies runs its code (its build backend, its setup.py), so
autovenv syncs a project on `cd` only when the user said so: they ran `autovenv sync` or
`autovenv allow` there (a record under the data dir, named after the project's real path), or
the project lies under a directory of the user config's `trusted = [...]`. A project's own
`[tool.autovenv]` can never say so (config.py refuses `trusted` and `sync` there).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

from autovenv.hook import fs, locations


def record_path(project: str, env: Mapping[str, str]) -> str:
    return locations.consent_record(env, fs.realpath(project))


def give(project: str, env: Mapping[str, str]) -> None:
    """Remember that the user consented to syncing `project`."""
    from autovenv.hook.atomicfile import atomic_write

    real = fs.realpath(project)
    atomic_write(locations.consent_record(env, real), real.encode("utf-8", "surrogateescape"))


def withdraw(project: str, env: Mapping[str, str]) -> None:
    """`autovenv deny`: no more syncing on `cd` (a `trusted` directory still grants it)."""
    import os

    try:
        os.remove(record_path(project, env))
    except FileNotFoundError:
        pass


def trusted_dir(real_path: str, env: Mapping[str, str]) -> str:
    """The entry of the user config's `trusted` that `real_path` lies in (as written there),
    '' when none. Entries are resolved (~, symbolic links) before comparing."""
    # Not parsed on the hook path unless the file may say `trusted` (a \u escape could spell it).
    data = fs.read_small(locations.config_file(env))
    if b"trusted" not in data and b"\\u" not in data and b"\\U" not in data:
        return ""
    from autovenv.hook import config

    for entry in config.load(None, env).trusted:
        home = env.get("HOME")
        expanded = home + entry[1:] if entry.startswith("~/") and home else fs.expanduser(entry)
        if not fs.isabs(expanded):  # ~user that does not exist
            continue
        root = fs.realpath(expanded).rstrip(fs.sep) + fs.sep
        if (real_path.rstrip(fs.sep) + fs.sep).startswith(root):
            return entry
    return ""


def reason(project: str, env: Mapping[str, str]) -> str:
    """Why syncing `project` is allowed ('' when it is not)."""
    real = fs.realpath(project)
    if fs.lexists(locations.consent_record(env, real)):
        return "you ran autovenv sync or autovenv allow there"
    entry = trusted_dir(real, env)
    if entry:
        return f"it lies under {entry}, trusted in {locations.config_file(env)}"
    return ""
