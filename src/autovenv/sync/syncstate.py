"""Is a venv in sync with its project's requirements, and if not, why? From files alone.

After each sync autovenv keeps a record (locations.sync_record): the result (ok, failed,
interrupted), the venv it went into (the identity of its pyvenv.cfg, so a re-made venv counts
as never synced), the log, and each sync input as it was when the sync started: its stat key
(mtime, size, inode) and a hash of its bytes. The record's mtime is set to that start, so the
prompt can notice a later change of an input with the shell's `-nt` test alone.

The inputs are the lock and requirements files and pyproject.toml (INPUTS), plus the files the
settings' `requirements` list names. Comparing costs one read and a stat per input; a file
whose stat key changed is hashed, and when its bytes are the same (a `git checkout` that
rewrote it, a `touch`) the record is refreshed instead of calling the venv out of date. (The
hook asks insync.py first, which answers the usual case, in sync, with stats alone.)
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
from autovenv.hook import fs, locations
from autovenv.hook.insync import HEADER, INPUTS, OK, parse
from autovenv.hook.records import Record, dataclass

FAILED, INTERRUPTED = "failed", "interrupted"

# The states `status` and the hook report.
IN_SYNC, OUT_OF_DATE, NEVER, LAST_FAILED = "in sync", "out of date", "never synced", "last sync failed"


@dataclass(frozen=True)
class Input(Record):
    name: str  # relative to the project
    key: str  # fs.file_key when the sync started
    digest: str  # sha256 of its bytes


@dataclass(frozen=True)
class SyncRecord(Record):
    venv: str  # identity of the venv's pyvenv.cfg after the sync (trust.identity)
    result: str  # OK, FAILED or INTERRUPTED
    log: str = ""
    message: str = ""
    inputs: tuple[Input, ...] = ()


@dataclass(frozen=True)
class State(Record):
    state: str  # IN_SYNC, OUT_OF_DATE, NEVER or LAST_FAILED
    changed: str = ""  # OUT_OF_DATE: what changed, in words ("uv.lock changed")
    log: str = ""  # LAST_FAILED: the log of that sync
    message: str = ""  # LAST_FAILED: what went wrong
    interrupted: bool = False  # LAST_FAILED: it was Ctrl-C
    record: str = ""  # the record's path
    present: tuple[str, ...] = ()  # inputs (and pyvenv.cfg) that the prompt compares with it
    absent: tuple[str, ...] = ()  # inputs whose appearance would matter

    @property
    def due(self) -> bool:
        """Would an automatic sync run now? (never after a failure: the inputs must change)"""
        return self.state in (OUT_OF_DATE, NEVER)


def record_path(project: str, env: Mapping[str, str]) -> str:
    return locations.sync_record(env, fs.realpath(project))


def venv_identity(venv: str) -> str:
    from autovenv.hook.trust import identity

    return identity(venv)


def read(path: str) -> SyncRecord | None:
    """The record at `path`; None when absent or not one."""
    parsed = parse(fs.read_small(path).decode("utf-8", "surrogateescape"))
    if parsed is None:
        return None
    fields, rows = parsed
    if "venv" not in fields or fields.get("result") not in (OK, FAILED, INTERRUPTED):
        return None
    return SyncRecord(fields["venv"], fields["result"], fields.get("log", ""),
                      fields.get("message", ""), tuple(Input(*row) for row in rows))


def write(path: str, record: SyncRecord, started_ns: int) -> None:
    """Replace the record, its mtime set to when the sync started (so an input changed while
    it ran is newer than it)."""
    import os

    from autovenv.creation.cachefile import write_records

    rows = [["venv", record.venv], ["result", record.result], ["log", record.log],
            ["message", " ".join(record.message.split())]]
    rows += [["input", i.name, i.key, i.digest] for i in record.inputs]
    write_records(path, HEADER, rows)
    try:
        os.utime(path, ns=(started_ns, started_ns))
    except OSError:
        pass


def digest(path: str) -> str:
    import hashlib

    h = hashlib.sha256()
    try:  # a regular file only, opened without waiting: a FIFO named uv.lock would hang
        with open(fs.open_regular(path), "rb") as f:
            while True:
                chunk = f.read(1 << 20)
                if not chunk:
                    break
                h.update(chunk)
    except OSError:
        return ""
    return h.hexdigest()


def names(extra: Iterable[str] = ()) -> tuple[str, ...]:
    """The input names of a project: INPUTS, then the settings' `requirements` files."""
    return tuple(dict.fromkeys((*INPUTS, *extra)))


def snapshot(project: str, input_names: Iterable[str]) -> tuple[Input, ...]:
    """The inputs that exist now, with their keys and hashes (taken before a sync)."""
    out = []
    for name in input_names:
        path = fs.join(project, name)
        key = fs.file_key(path) if fs.isfile(path) else None
        if key is not None:
            out.append(Input(name, key, digest(path)))
    return tuple(out)


def state(project: str, venv: str, env: Mapping[str, str]) -> State:
    """The venv's sync state against its project's inputs now."""
    path = record_path(project, env)
    record = read(path)
    if record is None or record.venv != venv_identity(venv):
        return State(NEVER, record=path)
    present: list[str] = []
    changed: list[str] = []
    same_bytes = False
    recorded = {i.name for i in record.inputs}
    for item in record.inputs:
        file = fs.join(project, item.name)
        key = fs.file_key(file) if fs.isfile(file) else None
        if key is None:
            changed.append(f"{item.name} was removed")
            continue
        present.append(file)
        if key != item.key:
            if digest(file) == item.digest:
                same_bytes = True  # rewritten with the same bytes: refresh the record below
            else:
                changed.append(f"{item.name} changed")
    absent = []
    for name in INPUTS:
        if name not in recorded:
            file = fs.join(project, name)
            if fs.lexists(file):
                changed.append(f"{name} appeared")
            else:
                absent.append(file)
    present.append(fs.join(venv, "pyvenv.cfg"))  # a re-made venv is newer than the record
    if changed:
        return State(OUT_OF_DATE, ", ".join(changed), record=path)
    if same_bytes:
        _refresh(project, path, record)
    if record.result != OK:
        return State(LAST_FAILED, log=record.log, message=record.message,
                     interrupted=record.result == INTERRUPTED, record=path,
                     present=tuple(present), absent=tuple(absent))
    return State(IN_SYNC, record=path, present=tuple(present), absent=tuple(absent))


def _refresh(project: str, path: str, record: SyncRecord) -> None:
    """The inputs have the bytes the record saw under new stat keys: keep the record's verdict
    with the new keys, timed now (the prompt's `-nt` test stops firing)."""
    import time

    inputs = tuple(Input(i.name, fs.file_key(fs.join(project, i.name)) or "", i.digest)
                   for i in record.inputs)
    try:
        write(path, SyncRecord(record.venv, record.result, record.log, record.message, inputs),
              time.time_ns())
    except OSError:
        pass
