"""autovenv.hook.fs against posixpath: the same answer for generated paths and file trees."""

from __future__ import annotations

import os
import posixpath
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from autovenv.hook import fs

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="fs is os.path itself there")

# Path-ish text: mostly separators, dots and a few names, so the edge cases come up often.
parts = st.sampled_from(["", "/", "//", "///", ".", "..", "a", "b.c", ".d", "..e", "f.", "é", " "])
paths = st.lists(parts, max_size=8).map("".join)


@given(paths)
def test_pure_functions_agree_with_posixpath(path: str) -> None:
    assert fs.dirname(path) == posixpath.dirname(path)
    assert fs.basename(path) == posixpath.basename(path)
    assert fs.splitext(path) == posixpath.splitext(path)
    assert fs.normpath(path) == posixpath.normpath(path)
    assert fs.isabs(path) == posixpath.isabs(path)
    assert fs.abspath(path) == posixpath.abspath(path)


@given(paths, st.lists(paths, max_size=4))
def test_join_agrees_with_posixpath(first: str, rest: list[str]) -> None:
    assert fs.join(first, *rest) == posixpath.join(first, *rest)


# A tree of directories, files and symbolic links (relative and absolute, some dangling, some
# in loops); then every path built from its names is asked about.
NAMES = ["a", "b", "c", "l1", "l2", "l3"]
link_targets = st.sampled_from(["a", "b", "../a", "a/b", "/", "..", "missing", "l1", "l2", "l3/..",
                                "a/../b", "ABS:a", "ABS:l2", "./c"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
# A loop whose unresolved rest climbs out of it: posixpath stops there and normalizes (found by
# this test; fs.realpath used to keep following until its link limit).
@example(links={"l2": "l3/..", "l3": "ABS:l2"}, queries=[["l2"], ["l3", "a"]])
@given(st.dictionaries(st.sampled_from(["l1", "l2", "l3", "a/l1", "b/l2"]), link_targets, max_size=5),
       st.lists(st.lists(st.sampled_from([*NAMES, "..", ".", "missing"]), max_size=5), max_size=12))
def test_file_tests_and_realpath_agree_with_os(tmp_path_factory: pytest.TempPathFactory,
                                               links: dict[str, str], queries: list[list[str]]) -> None:
    root = tmp_path_factory.mktemp("tree").resolve()
    (root / "a" / "b").mkdir(parents=True)
    (root / "b").mkdir()
    (root / "c").write_text("")
    for where, target in links.items():
        if (root / where).parent.is_dir():
            os.symlink(str(root / target[4:]) if target.startswith("ABS:") else target, root / where)
    for query in queries:
        path = str(root) + "/" + "/".join(query)
        for name in ("exists", "lexists", "isdir", "isfile", "islink"):
            assert getattr(fs, name)(path) == getattr(os.path, name)(path), (name, path)
        expected = os.path.realpath(path)
        if not os.path.exists(expected) and "ELOOP" in loop_state(path):
            continue  # a loop: where resolution stops is not part of the contract
        assert fs.realpath(path) == expected, (path, links)


def loop_state(path: str) -> str:
    try:
        os.stat(path)
    except OSError as e:
        return "ELOOP" if e.errno == 40 else "other"
    return "ok"


def test_realpath_of_a_loop_terminates(tmp_path: Path) -> None:
    os.symlink("l2", tmp_path / "l1")
    os.symlink("l1", tmp_path / "l2")
    assert fs.realpath(str(tmp_path / "l1" / "x")).startswith(str(tmp_path.resolve()))


def test_relative_paths_resolve_from_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "d").mkdir()
    os.symlink("d", tmp_path / "ln")
    assert fs.realpath("ln/x") == os.path.realpath("ln/x")
    assert fs.abspath("ln/../y") == os.path.abspath("ln/../y")
    assert fs.realpath("") == os.path.realpath("")


def test_nul_in_a_path_is_just_absent() -> None:
    assert not fs.exists("a\0b") and not fs.isdir("a\0b") and not fs.lexists("a\0b")


def test_environ_decodes_like_os_environ() -> None:
    env = {"PATH": "/usr/bin:/bin", "ODD": "caf\udce9", "PLAIN": "é"}
    src = str(Path(fs.__file__).parent.parent.parent)
    code = (f"import sys; sys.path.insert(0, {src!r}); import os; from autovenv.hook import fs; "
            "e = fs.environ(); print(all(e[k] == os.environ[k] for k in os.environ) and len(e) == len(os.environ))")
    done = subprocess.run([sys.executable, "-I", "-S", "-c", code], env=env, capture_output=True, text=True)
    assert done.stdout.strip() == "True", done.stderr


def test_importing_fs_does_not_import_os() -> None:
    src = str(Path(fs.__file__).parent.parent.parent)
    code = f"import sys; sys.path.append({src!r}); import autovenv.hook.fs; print('os' in sys.modules)"
    done = subprocess.run([sys.executable, "-I", "-S", "-c", code], capture_output=True, text=True)
    assert done.stdout.strip() == "False", done.stderr


def test_read_regular_reads_only_regular_files_up_to_a_limit(tmp_path: Path) -> None:
    (tmp_path / "f").write_bytes(b"x" * 100)
    assert fs.read_regular(str(tmp_path / "f"), 100) == b"x" * 100
    assert fs.read_regular(str(tmp_path / "f"), 10, prefix=True) == b"x" * 10
    with pytest.raises(fs.NotAFile, match="too big"):
        fs.read_regular(str(tmp_path / "f"), 99)
    # /proc's files say size 0 and hold more: the bytes read are what is counted
    with pytest.raises(fs.NotAFile, match="too big"):
        fs.read_regular("/proc/self/status", 16)
    assert fs.read_regular("/proc/self/status", 1 << 16).startswith(b"Name:")
    os.mkfifo(tmp_path / "fifo")
    for path, kind in ((tmp_path / "fifo", "a FIFO"), ("/dev/zero", "a character device"), (tmp_path, "a directory")):
        with pytest.raises(fs.NotAFile, match=kind):
            fs.read_regular(str(path), 1 << 16)  # a FIFO without a writer: no wait
        assert fs.read_small(str(path)) == b""
    with pytest.raises(FileNotFoundError):
        fs.read_regular(str(tmp_path / "absent"), 10)
