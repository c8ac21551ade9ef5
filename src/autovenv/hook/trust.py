"""Which venvs may be activated: one small record file per venv, under the user's data dir.

A record is named after the venv's real path, so the hook snippet can watch for its
appearance with a plain file test (no process). `allow/` records also hold the identity of the
venv's pyvenv.cfg, so a different venv later made at the same path (a re-cloned repository
that ships a .venv) is not trusted by an old `allow`. `deny/` records hold only the path:
a denied venv stays denied even after it is recreated.
Writes go to a temporary file renamed into place, so concurrent shells never see half a record.
"""

from __future__ import annotations

from autovenv.hook import fs

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
from autovenv.hook import venvs
from autovenv.hook.locations import ALLOW, DENY, trust_dir, trust_record
from autovenv.hook.records import Record, dataclass


def record_name(real_venv: str) -> str:
    """The record's file name for a venv's real path."""
    return fs.flat_name(real_venv)


def identity(venv: str) -> str:
    """What makes this venv this venv: the inode, mtime and size of its pyvenv.cfg."""
    try:
        st = fs.stat(fs.join(venv, venvs.CFG_NAME))
    except OSError:
        return ""
    return f"{st.st_ino}:{st.st_mtime_ns}:{st.st_size}"


@dataclass(frozen=True)
class Verdict(Record):
    trusted: bool
    reason: str  # words for the user: why (not) trusted
    denied: bool = False


TRUSTED = Verdict(True, "you allowed it, or autovenv made it")


class TrustStore:
    def __init__(self, env: Mapping[str, str]):
        self.root = trust_dir(env)
        self.env = env
        self._real: dict[str, str] = {}

    def realpath(self, venv: str) -> str:
        """fs.realpath, once per venv for a verdict and its records (a store lives for one
        command or one answer of the helper)."""
        real = self._real.get(venv)
        if real is None:
            real = self._real[venv] = fs.realpath(venv)
        return real

    def record_path(self, kind: str, venv: str) -> str:
        return trust_record(self.root, kind, self.realpath(venv))

    def allow(self, venv: str) -> None:
        self.record_created(venv)
        self._remove(self.record_path(DENY, venv))

    def deny(self, venv: str) -> None:
        self._real.pop(venv, None)
        self._write(self.record_path(DENY, venv), self.realpath(venv))
        self._remove(self.record_path(ALLOW, venv))

    def record_created(self, venv: str) -> None:
        """autovenv made it: the record of an explicit allow (which also removes a deny record;
        the creator checked, under the project's lock, that there is none)."""
        self._real.pop(venv, None)  # it may have just been made, or moved
        self._write(self.record_path(ALLOW, venv), f"{identity(venv)}\n{self.realpath(venv)}")

    def verdict(self, venv: str) -> Verdict:
        if fs.lexists(self.record_path(DENY, venv)):
            return Verdict(False, "you denied it (autovenv deny)", denied=True)
        verdict = self._recorded(venv)
        if not verdict.trusted:  # the user config's `trusted` directories (not a project's)
            from autovenv.sync.consent import trusted_dir

            entry = trusted_dir(self.realpath(venv), self.env)
            if entry:
                return Verdict(True, f"it lies under {entry}, which your config trusts")
        return verdict

    def _recorded(self, venv: str) -> Verdict:
        """The verdict of the allow record alone."""
        real = self.realpath(venv)
        path = self.record_path(ALLOW, venv)
        try:
            # Bytes, decoded here (no text layer to set up): a "\r" in a directory's name is
            # part of the path, not a line end.
            text = fs.read_regular(path, 1 << 16, prefix=True).decode("utf-8", "surrogateescape")
        except FileNotFoundError:
            return Verdict(False, "it is not trusted yet (autovenv did not make it, and it was not allowed)")
        except OSError as e:
            return Verdict(False, f"its trust record {path} cannot be read ({e.strerror or e})")
        recorded_identity, sep, recorded_path = text.partition("\n")
        if not sep or recorded_path != real:
            return Verdict(False, f"its trust record {path} is corrupt; allow it again")
        if recorded_identity != identity(venv):
            return Verdict(False, "it has been replaced since it was allowed (pyvenv.cfg changed)")
        return TRUSTED

    def _write(self, path: str, text: str) -> None:
        # writing is for allow, deny and creation, not for a verdict: imported only here
        from autovenv.hook.atomicfile import atomic_write

        atomic_write(path, text.encode("utf-8", "surrogateescape"))

    @staticmethod
    def _remove(path: str) -> None:
        import os

        try:
            os.remove(path)
        except FileNotFoundError:
            pass
