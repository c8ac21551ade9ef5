"""The lean `autovenv` command install.sh writes over the generic console script."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from autovenv import launcher

SRC = str(Path(__file__).resolve().parent.parent / "src")


def test_launcher_serves_hook_and_the_cli(tmp_path: Path) -> None:
    target = tmp_path / "autovenv"
    target.write_text("#!/bin/sh\necho generic\n")
    assert launcher.write(str(target), sys.executable, SRC)
    first = target.read_text().splitlines()[0]
    assert first == f"#!{sys.executable} -IS"
    assert os.access(target, os.X_OK)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "AUTOVENV_DATA_DIR": str(tmp_path / "d")}
    hook = subprocess.run([str(target), "hook", "bash"], capture_output=True, text=True, env=env,
                          cwd=tmp_path)
    assert hook.returncode == 0, hook.stderr
    expected = subprocess.run([sys.executable, "-I", "-m", "autovenv", "hook", "bash"],
                              capture_output=True, text=True, env=env, cwd=tmp_path)
    assert hook.stdout == expected.stdout and "_autovenv_hook" in hook.stdout
    # Every other command needs click from site-packages, which the launcher turns on.
    version = subprocess.run([str(target), "--version"], capture_output=True, text=True, env=env)
    assert version.returncode == 0 and version.stdout.startswith("autovenv, version "), version.stderr
    bad = subprocess.run([str(target), "hook", "tcsh-nope"], capture_output=True, text=True, env=env)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr


def test_a_path_that_cannot_go_on_a_shebang_keeps_the_generic_script(tmp_path: Path) -> None:
    target = tmp_path / "autovenv"
    target.write_text("generic")
    assert not launcher.write(str(target), "/opt/my pythons/bin/python", SRC)
    assert not launcher.write(str(target), "/" + "x" * 200 + "/python", SRC)
    assert target.read_text() == "generic"
    assert sorted(os.listdir(tmp_path)) == ["autovenv"]


def test_module_entry_point_reports_unwritable_target(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-I", "-m", "autovenv.launcher",
                           str(tmp_path / "missing-dir" / "autovenv")], capture_output=True, text=True)
    assert done.returncode == 1 and "could not write" in done.stderr and "Traceback" not in done.stderr
