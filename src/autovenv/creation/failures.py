"""Failed creations, remembered so the hook does not retry at every `cd`.

A failure (read-only directory, disk full, no matching Python) is kept with a fingerprint of
what could fix it; the hook tries again once something in it changed, or when the user runs
`autovenv create`.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

import os

from autovenv.creation.cachefile import read_records, write_records
from autovenv.hook import fs, locations

HEADER = "# autovenv failed creation 1: (fingerprint | message), value\n"


def _fingerprint(project: str, env: Mapping[str, str]) -> str:
    """What a fix would change: the project directory (chmod, new files), its Python
    settings, the user config, PATH."""
    import hashlib

    parts = [env.get("PATH", "")]
    for path in (project, fs.join(project, "pyproject.toml"),
                 fs.join(project, ".python-version"), locations.config_file(env)):
        try:
            st = fs.stat(path)
            parts.append(f"{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_mode}")
        except OSError:
            parts.append("-")
    return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogateescape")).hexdigest()


def file_path(project: str, env: Mapping[str, str]) -> str:
    return locations.failure_record(env, fs.realpath(project))


def recorded(project: str, env: Mapping[str, str]) -> str:
    """The message of the last failed creation, if nothing changed since ('' otherwise)."""
    fields = {row[0]: row[1] for row in read_records(file_path(project, env), HEADER) if len(row) == 2}
    if fields.get("fingerprint") != _fingerprint(project, env):
        return ""
    return fields.get("message", "")


def record(project: str, env: Mapping[str, str], message: str) -> None:
    write_records(file_path(project, env), HEADER,
                  [["fingerprint", _fingerprint(project, env)], ["message", " ".join(message.split())]])


def clear(project: str, env: Mapping[str, str]) -> None:
    try:
        os.remove(file_path(project, env))
    except OSError:
        pass
