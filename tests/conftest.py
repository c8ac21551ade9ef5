"""Fixtures shared by all tests: an isolated data dir, real venvs made fast."""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

# Real interpreters on this machine (absolute paths: `python3` on PATH is a slow pyenv shim).
DEV_PYTHON = sys.executable


def venv_maker() -> list[str]:
    uv = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
    if os.path.exists(uv):
        return [uv, "venv", "-q", "--python", sys.executable]
    return [sys.executable, "-m", "venv", "--without-pip"]


def make_venv(path: Path, prompt: str | None = None) -> Path:
    """A real venv at `path` (uv when available: it takes milliseconds)."""
    cmd = venv_maker() + [str(path)]
    if prompt is not None:
        cmd[-1:-1] = ["--prompt", prompt]
    subprocess.run(cmd, check=True, cwd="/", stdout=subprocess.DEVNULL,
                   env={**os.environ, "UV_NO_CONFIG": "1", "VIRTUAL_ENV": ""})
    return path


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    d = tmp_path / "autovenv-data"
    monkeypatch.setenv("AUTOVENV_DATA_DIR", str(d))
    return d


def keep_hook_texts(env: dict[str, str] | None = None) -> None:
    """What install.sh does after writing the launcher: the bundle, then every shell's hook
    text (autovenv.install.hookcache), in the cache dir of `env` (default: this process's)."""
    subprocess.run([sys.executable, "-I", "-m", "autovenv.install.hookcache"], check=True, env=env)


def built_once(tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], object]) -> Path:
    """A directory filled by `build` once per test run: under pytest-xdist the workers share it
    (the first to come builds it, the others wait for it), so costly trees are made once."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        path = tmp_path_factory.mktemp(name)
        build(path)
        return path
    # Each worker's base directory sits in the run's own one (popen-gwN), which they share.
    path = tmp_path_factory.getbasetemp().parent / name
    path.mkdir(exist_ok=True)
    with open(path.parent / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (path.parent / f"{name}.built").exists():
            build(path)
            (path.parent / f"{name}.built").touch()
    return path
