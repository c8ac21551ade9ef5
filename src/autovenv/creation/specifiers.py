"""Does a Python version satisfy requires-python: packaging's answer, remembered on disk.

packaging (whose import compiles many regexes) is imported only for a specifier and version
never seen before, so creating a venv stays close to the backend's own time.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

from autovenv.creation.cachefile import read_records, write_records
from autovenv.hook import fs, locations

SPECIFIERS_NAME = "specifiers.tsv"
SPECIFIERS_HEADER = "# autovenv requires-python answers 1: specifier, version ('' = is it valid), answer\n"
# The memo is keyed by what projects write: it keeps the newest answers only, and none for a
# specifier longer than any real one, so no project can make it grow without end.
SPECIFIERS_KEPT = 256
SPECIFIER_MAX_CHARS = 200


def specifier(text: str, env: Mapping[str, str] | None = None):  # type: ignore[no-untyped-def]
    """A specifier set for text (None when invalid); with `env`, answers are remembered in the
    data dir."""
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


def satisfies(spec, version: tuple[int, ...]) -> bool:  # type: ignore[no-untyped-def]
    return bool(spec.contains(".".join(map(str, version)), prereleases=True))


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
        for fields in read_records(self.path, SPECIFIERS_HEADER):
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
        write_records(self.path, SPECIFIERS_HEADER, records)


class _MemoSpec:
    def __init__(self, text: str, memo: _SpecifierMemo):
        self.text, self.memo = text, memo

    def contains(self, version: str, prereleases: bool = True) -> bool:
        return self.memo.contains(self.text, version)
