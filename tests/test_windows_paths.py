"""The hook's Windows branches, run here: paths are ntpath's, bin is Scripts\\, PATH's
separator is `;`, and owners are not compared (sys.platform set to win32 in a fresh
interpreter before autovenv is imported)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"

# A directory of another user, writable by everyone: what a venv's parent must never be on POSIX.
OTHERS_DIR = (0o40777, 0, 0, 1, 12345, 12345, 0, 0, 0, 0)

PROGRAM = r"""
import json, os, sys
sys.platform = "win32"
sys.path.insert(0, SRC)
from autovenv.hook import fs, locations, paths, plan, venvs
from autovenv.hook import preload

venv = "C:\\work\\proj\\.venv"
act = plan.Activate(venv=venv, bin_dir=venvs.bin_dir(venv), prompt="proj", uv_project_environment=None)
entered = plan.activated({"PATH": "C:\\Windows;C:\\tools"}, act)
left = plan.deactivated(entered)
print(json.dumps({
    "paths_module": paths.join.__module__,
    "join": fs.join("C:\\work", "proj", ".venv"),
    "dirname": fs.dirname("C:\\work\\proj"),
    "isabs": [fs.isabs("C:\\work"), fs.isabs("work\\proj")],
    "sep": [fs.sep, fs.pathsep],
    "bin_dir": venvs.bin_dir(venv),
    "python": venvs.python_path(venv),
    "semicolon": venvs.path_entry_problem("C:\\a;b\\.venv"),
    "fine": venvs.path_entry_problem(venv),
    "entered": entered["PATH"],
    "left": left["PATH"],
    "data_dir": locations.data_dir({"LOCALAPPDATA": "C:\\Users\\u\\AppData\\Local", "HOME": "C:\\Users\\u"}),
    "owners": fs.not_safe_to_run(sys.executable),
    "foreign": venvs._foreign(os.stat_result(OTHERS_DIR)),
    "read": fs.read_regular(__file__ if "__file__" in globals() else sys.executable, 1 << 30, prefix=True)[:4].hex(),
    "environ": fs.environ().get("AUTOVENV_TEST_MARK"),
    "bundle_dir": preload.bundle_path().rsplit(preload.SEP, 2)[-2],
}))
"""


def run_as_windows() -> dict[str, object]:
    code = f"SRC = {str(SRC)!r}\nOTHERS_DIR = {OTHERS_DIR!r}\n" + PROGRAM
    r = subprocess.run([sys.executable, "-I", "-S", "-c", code], capture_output=True, text=True,
                       env={"AUTOVENV_TEST_MARK": "seen", "PATH": "/usr/bin:/bin"})
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_the_windows_branches_use_ntpath_scripts_and_semicolons() -> None:
    got = run_as_windows()
    assert got["paths_module"] == "ntpath"
    assert got["join"] == "C:\\work\\proj\\.venv"
    assert got["dirname"] == "C:\\work"
    assert got["isabs"] == [True, False]
    assert got["sep"] == ["\\", ";"]
    assert got["bin_dir"] == "C:\\work\\proj\\.venv\\Scripts"
    assert got["python"] == "C:\\work\\proj\\.venv\\Scripts\\python.exe"
    assert "';'" in str(got["semicolon"]) and got["fine"] == ""
    assert got["entered"] == "C:\\work\\proj\\.venv\\Scripts;C:\\Windows;C:\\tools"
    assert got["left"] == "C:\\Windows;C:\\tools"
    assert got["data_dir"] == "C:\\Users\\u\\AppData\\Local\\autovenv"


def test_the_windows_file_access_reads_files_and_compares_no_owners() -> None:
    got = run_as_windows()
    assert got["owners"] == ""  # no owners or modes to compare there
    assert got["foreign"] == ""
    from autovenv.hook import venvs

    assert venvs._foreign(os.stat_result(OTHERS_DIR)) == "belongs to another user"  # here, on POSIX
    assert got["read"] == "7f454c46"  # the interpreter's first bytes (ELF here), read through os
    assert got["environ"] == "seen"
    assert got["bundle_dir"] == "__pycache__"
