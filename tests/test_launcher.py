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


def keep_texts_for(python: str, env: dict[str, str]) -> Path:
    """The kept hook texts, as Python keeps them, where a launcher naming `python` looks."""
    keep_hook_texts(env)
    made = Path(hookcache.cache_dir(env) or "")
    kept = Path(hookcache.cache_dir(env, python) or "")
    kept.mkdir(mode=0o700, exist_ok=True)
    for text in made.iterdir():
        (kept / text.name).write_bytes(text.read_bytes())
    return kept


def test_hook_comes_from_the_kept_text_without_python(tmp_path: Path) -> None:
    target = tmp_path / "autovenv"
    env = env_for(tmp_path)
    # An interpreter that does not exist: whatever the launcher prints, it printed without one.
    launcher.write(str(target), "/nonexistent/python3", SRC)
    kept = keep_texts_for("/nonexistent/python3", env)
    assert kept.parent == tmp_path / ".cache" / "autovenv"  # the user's cache, not site-packages
    for shell in ("bash", "zsh", "fish", "elvish", "pwsh", "powershell"):
        done = subprocess.run([str(target), "hook", shell], capture_output=True, text=True,
                              env=env, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        name = "pwsh" if shell == "powershell" else shell
        assert done.stdout == (kept / f"{name}.txt").read_text()
        assert "_autovenv_helper" in done.stdout and "__AUTOVENV_" not in done.stdout
    # Another user's cache (XDG_CACHE_HOME) holds no text for it: Python is asked.
    other = subprocess.run([str(target), "hook", "zsh"], capture_output=True, text=True,
                           env={**env, "XDG_CACHE_HOME": str(tmp_path / "elsewhere")})
    assert other.returncode != 0 and other.stdout == ""
    # A launcher newer than the texts (a reinstall, another interpreter) does not trust them:
    # it asks Python, here the missing one.
    launcher.write(str(target), "/nonexistent/python3", SRC)
    stale = subprocess.run([str(target), "hook", "zsh"], capture_output=True, text=True,
                           env=env, cwd=tmp_path)
    assert stale.returncode != 0 and stale.stdout == ""


def test_kept_texts_are_the_users_own(tmp_path: Path) -> None:
    env = {**env_for(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "xdg-cache")}
    keep_hook_texts(env)
    kept = Path(hookcache.cache_dir(env) or "")
    assert kept.parent == tmp_path / "xdg-cache" / "autovenv"
    for directory in (kept.parent, kept):
        assert directory.stat().st_mode & 0o777 == 0o700
    texts = sorted(kept.iterdir())
    assert [t.name for t in texts] == sorted(f"{name}.txt" for name in shells.names())
    assert all(t.stat().st_mode & 0o777 == 0o600 for t in texts)
    # Without an absolute HOME or XDG_CACHE_HOME there is no cache dir: nothing is kept.
    assert hookcache.cache_dir({"HOME": "relative", "XDG_CACHE_HOME": "also/relative"}) is None
    assert hookcache.cache_dir({"HOME": "/h", "XDG_CACHE_HOME": "rel"}) == (
        f"/h/.cache/autovenv/hook-{hookcache.install_key(sys.executable)}")


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
    (tmp_path / "a-file").write_text("")  # a directory that cannot exist (root writes anywhere else)
    done = subprocess.run([sys.executable, "-I", "-m", "autovenv.install.launcher",
                           str(tmp_path / "a-file" / "autovenv")], capture_output=True, text=True)
    assert done.returncode == 1 and "could not write" in done.stderr and "Traceback" not in done.stderr


def test_doctor_asks_the_launcher_whether_it_serves_the_kept_text(tmp_path: Path) -> None:
    """The launcher's sh test is the only freshness test: doctor runs the launcher and sees
    whether the kept text came back untouched."""
    from autovenv import doctor

    target = tmp_path / "autovenv"
    env = env_for(tmp_path)
    launcher.write(str(target), "/nonexistent/python3", SRC)
    kept = keep_texts_for("/nonexistent/python3", env)
    served, _ms = doctor._served_from_cache(str(target), "zsh", str(kept / "zsh.txt"), env)
    assert served
    launcher.write(str(target), "/nonexistent/python3", SRC)  # now newer than the text
    assert not doctor._served_from_cache(str(target), "zsh", str(kept / "zsh.txt"), env)[0]
    # With the real interpreter a stale text is made again by that very run: served next time.
    launcher.write(str(target), sys.executable, SRC)
    check = doctor.check_hook_text((str(target), target.read_text()), "zsh", env)
    assert check is not None and check.status == doctor.OK, check
    assert str(hookcache.text_path("zsh", env)) in check.text and "no Python" in check.text


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
