"""Is a venv in sync with its project? The hook's question at each boundary `cd`, from stats.

The record of a project's last sync (written by sync.py, read in full by syncstate.py) lists
the sync inputs with their stat keys. When the last sync worked, went into this venv (the
identity of its pyvenv.cfg), every input has its recorded key and no other input appeared, the
venv is in sync: the usual case, answered here with one read and a stat per input, and without
the record classes, hashing or settings the other cases need (autosync.py).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

from autovenv.hook import fs, locations

HEADER = "autovenv-sync 1\n"
# The files whose change means the venv may need a sync (the first ones choose the tool, sync.py).
INPUTS = ("uv.lock", "poetry.lock", "pdm.lock", "requirements.txt", "pyproject.toml")
OK = "ok"


def parse(text: str) -> tuple[dict[str, str], list[list[str]]] | None:
    """A record's fields and its input rows [name, key, digest]; None when it is not one."""
    if not text.startswith(HEADER):
        return None
    fields: dict[str, str] = {}
    inputs = []
    for row in text[len(HEADER):].split("\n"):
        cells = row.split("\t")
        if cells[0] == "input" and len(cells) == 4:
            inputs.append(cells[1:])
        elif len(cells) == 2:
            fields[cells[0]] = cells[1]
    return fields, inputs


def may_say_auto(env: Mapping[str, str]) -> bool:
    """Can the user config say `sync = "auto"` (or name `trusted` directories)? Without these
    bytes it cannot, and it is not parsed on the hook path (a \\u escape could spell a key)."""
    data = fs.read_small(locations.config_file(env))
    return any(word in data for word in (b"sync", b"trusted", b"\\u", b"\\U"))


def check(project: str, venv: str, env: Mapping[str, str],
          just_made: bool = False) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """When there is nothing to do or say: what the prompt compares (the record, then the
    inputs and pyvenv.cfg, which must not be newer: `-nt`; empty when never synced) and the
    inputs whose appearance matters ("0path"). None when autosync.py must look. `project` is
    a real path (discovery's)."""
    from autovenv.hook.trust import identity

    record = locations.sync_record(env, project)
    parsed = parse(fs.read_small(record).decode("utf-8", "surrogateescape"))
    if parsed is None:
        # Never synced (a venv filled by hand, the usual case): quiet unless the venv is new,
        # sync = "auto" is possible, or an input changed after its last install.
        from autovenv.hook.venvs import changed_since_sync

        if just_made or may_say_auto(env) or changed_since_sync(venv, project):
            return None
        return (), ()
    fields, inputs = parsed
    if fields.get("result") != OK or fields.get("venv") != identity(venv):
        return None
    present = []
    for name, key, _digest in inputs:
        path = fs.join(project, name)
        if fs.file_key(path) != key:
            return None
        present.append(path)
    recorded = {row[0] for row in inputs}
    absent = []
    for name in INPUTS:
        if name not in recorded:
            path = fs.join(project, name)
            if fs.lexists(path):
                return None
            absent.append("0" + path)
    present.append(fs.join(venv, "pyvenv.cfg"))  # a re-made venv is newer than the record
    return (record, *present), tuple(absent)
