"""autovenv's cache files: a header line naming the format, then tab-separated records."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable

from autovenv.hook import fs
from autovenv.hook.atomicfile import atomic_write


def read_records(path: str, header: str) -> list[list[str]]:
    """The records of a cache file ([] when absent, unreadable or of another format)."""
    text = fs.read_small(path, fs.TOML_MAX_BYTES).decode("utf-8", "surrogateescape")
    if not text.startswith(header):
        return []
    return [line.split("\t") for line in text[len(header):].split("\n") if line]


def write_records(path: str, header: str, records: Iterable[Iterable[str]]) -> None:
    """Replace a cache file at once. A cache we cannot write only costs time; a field holding
    a tab or newline is not remembered."""
    lines = [header]
    for fields in records:
        fields = list(fields)
        if not any("\t" in f or "\n" in f for f in fields):
            lines.append("\t".join(fields) + "\n")
    try:
        atomic_write(path, "".join(lines).encode("utf-8", "surrogateescape"))
    except OSError:
        pass
