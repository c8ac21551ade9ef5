"""The trust store: allow, deny, identity, corrupt records, atomic writes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from autovenv.hook.trust import ALLOW, DENY, TrustStore, record_name
from tests.conftest import make_venv


def store(data_dir: Path) -> TrustStore:
    return TrustStore({"AUTOVENV_DATA_DIR": str(data_dir)})


def test_untrusted_until_allowed(tmp_path, data_dir):
    venv = make_venv(tmp_path / ".venv")
    s = store(data_dir)
    assert not s.verdict(str(venv)).trusted
    s.allow(str(venv))
    assert s.verdict(str(venv)).trusted


def test_a_line_end_in_the_path_is_kept_in_the_record(tmp_path, data_dir):
    """Records are read without newline translation: a "\r" in a directory's name once read
    back as "\n", and an allowed venv was "corrupt"."""
    for name in ("cr\r", "crlf\r\nx", "nel\x85ls\u2028"):
        venv = make_venv(tmp_path / name / ".venv")
        s = store(data_dir)
        s.allow(str(venv))
        assert s.verdict(str(venv)).trusted, name


def test_deny_wins_and_survives_recreation(tmp_path, data_dir):
    venv = make_venv(tmp_path / ".venv")
    s = store(data_dir)
    s.allow(str(venv))
    s.deny(str(venv))
    v = s.verdict(str(venv))
    assert not v.trusted and v.denied
    shutil.rmtree(venv)
    make_venv(venv)
    assert s.verdict(str(venv)).denied


def test_a_different_venv_at_an_allowed_path_is_not_trusted(tmp_path, data_dir):
    venv = make_venv(tmp_path / ".venv")
    s = store(data_dir)
    s.allow(str(venv))
    shutil.rmtree(venv)
    make_venv(venv)  # e.g. the directory was deleted and a repository shipping a .venv cloned
    v = s.verdict(str(venv))
    assert not v.trusted and "replaced" in v.reason


def test_trust_follows_the_real_path(tmp_path, data_dir):
    venv = make_venv(tmp_path / "real" / ".venv")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    s = store(data_dir)
    s.allow(str(tmp_path / "link" / ".venv"))
    assert s.verdict(str(venv)).trusted


def test_corrupt_record_is_untrusted_with_a_clear_reason(tmp_path, data_dir):
    venv = make_venv(tmp_path / ".venv")
    s = store(data_dir)
    s.allow(str(venv))
    Path(s.record_path(ALLOW, str(venv))).write_bytes(b"\xff\xfe garbage")
    v = s.verdict(str(venv))
    assert not v.trusted and "corrupt" in v.reason


def test_writes_leave_no_temporary_files(tmp_path, data_dir):
    venv = make_venv(tmp_path / ".venv")
    s = store(data_dir)
    s.allow(str(venv))
    s.deny(str(venv))
    s.allow(str(venv))
    files = [f for _, _, fs in os.walk(data_dir) for f in fs]
    assert len(files) == 1 and not files[0].endswith(".tmp")
    assert not os.path.exists(s.record_path(DENY, str(venv)))


def test_record_names_are_distinct_and_bounded():
    assert record_name("/a/b") != record_name("/a%2Fb")
    long = "/" + "x" * 400
    assert len(record_name(long)) < 100
    assert record_name(long) != record_name(long + "y")
