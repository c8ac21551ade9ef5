"""The `autovenv` command install.sh writes over the generic console script: a sh script that
prints the kept hook text without starting Python, and starts Python lean for the rest."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from autovenv.hook import shells
from autovenv.install import hookcache, launcher
from tests.conftest import keep_hook_texts

SRC = str(Path(__file__).resolve().parent.parent / "src")


def env_for(tmp_path: Path) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "AUTOVENV_DATA_DIR": str(tmp_path / "d")}


def test_hook_comes_from_the_kept_text_without_python(tmp_path: Path) -> None:
    target = tmp_path / "autovenv"
    # An interpreter that does not exist: whatever the launcher prints, it printed without one.
    launcher.write(str(target), "/nonexistent/python3", SRC)
    keep_hook_texts()
    for shell in ("bash", "zsh", "fish", "elvish", "pwsh", "powershell"):
        done = subprocess.run([str(target), "hook", shell], capture_output=True, text=True,
                              env=env_for(tmp_path), cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        name = "pwsh" if shell == "powershell" else shell
        assert done.stdout == Path(hookcache.text_path(name)).read_text()
        assert "_autovenv_helper" in done.stdout and "__AUTOVENV_" not in done.stdout
    # A launcher newer than the texts (a reinstall, another interpreter) does not trust them:
    # it asks Python, here the missing one.
    launcher.write(str(target), "/nonexistent/python3", SRC)
    stale = subprocess.run([str(target), "hook", "zsh"], capture_output=True, text=True,
                           env=env_for(tmp_path), cwd=tmp_path)
    assert stale.returncode != 0 and stale.stdout == ""


def test_the_launcher_runs_python_for_everything_else(tmp_path: Path) -> None:
    # An interpreter path with a space and a quote: the script quotes it for sh.
    odd = tmp_path / "my pythons'" / "python3"
    odd.parent.mkdir()
    odd.write_text(f'#!/bin/sh\nexec {sys.executable} "$@"\n')
    odd.chmod(0o755)
    target = tmp_path / "autovenv"
    launcher.write(str(target), str(odd), SRC)
    assert os.access(target, os.X_OK)
    env = env_for(tmp_path)
    version = subprocess.run([str(target), "--version"], capture_output=True, text=True, env=env)
    assert version.returncode == 0 and version.stdout.startswith("autovenv, version "), version.stderr
    bad = subprocess.run([str(target), "hook", "tcsh-nope"], capture_output=True, text=True, env=env)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    # No kept text for this launcher yet (it is newer than them): Python makes the hook text.
    hook = subprocess.run([str(target), "hook", "bash"], capture_output=True, text=True, env=env,
                          cwd=tmp_path)
    assert hook.returncode == 0 and "_autovenv_hook" in hook.stdout, hook.stderr
    assert launcher.is_launcher(target.read_text(), str(odd))
    assert not launcher.is_launcher(target.read_text(), sys.executable)
    assert not launcher.is_launcher("#!/usr/bin/python3\nfrom autovenv.__main__ import main\n", str(odd))


def test_module_entry_point_reports_unwritable_target(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-I", "-m", "autovenv.install.launcher",
                           str(tmp_path / "missing-dir" / "autovenv")], capture_output=True, text=True)
    assert done.returncode == 1 and "could not write" in done.stderr and "Traceback" not in done.stderr


def test_the_kept_text_is_fresh_only_while_newer_than_the_launcher(tmp_path: Path) -> None:
    """doctor's view (hookcache.text_is_fresh) and the launcher's own test agree."""
    target = tmp_path / "autovenv"
    launcher.write(str(target), "/nonexistent/python3", SRC)
    keep_hook_texts()
    zsh = shells.get("zsh")
    assert hookcache.text_is_fresh(zsh, str(target))
    assert subprocess.run([str(target), "hook", "zsh"], capture_output=True).returncode == 0
    launcher.write(str(target), "/nonexistent/python3", SRC)
    assert not hookcache.text_is_fresh(zsh, str(target))
    assert subprocess.run([str(target), "hook", "zsh"], capture_output=True).returncode != 0



def test_the_kept_text_is_newer_than_a_bundle_made_a_moment_before(tmp_path: Path) -> None:
    """Made in the same clock tick as the bundle (install.sh makes both in one process), the text
    would not be newer than it, and the launcher would start Python for every new shell."""
    keep_hook_texts()
    code = (
        "import os, sys, time\n"
        "from autovenv.hook import preload, shells\n"
        "from autovenv.install.hookcache import hook_text\n"
        "assert preload.load()\n"
        "future = time.time_ns() + 5 * 10**9\n"  # the bundle's clock tick, exaggerated
        "os.utime(preload.bundle_path(), ns=(future, future))\n"
        "hook_text(shells.get('zsh'), sys.executable)\n"
    )
    subprocess.run([sys.executable, "-I", "-c", code], check=True)
    text = os.stat(hookcache.text_path("zsh")).st_mtime_ns
    bundle = os.stat(hookcache.text_sources(shells.get("zsh"))[0]).st_mtime_ns
    assert text > bundle
    keep_hook_texts()  # leave the bundle's time as it was: now
