"""Fixtures shared by all tests: an isolated data dir, real venvs made fast."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under pytest-xdist (`--dist loadgroup`), the tests of a module that share a module-scoped
    fixture run in one worker, so that the fixture is built once, not once per worker."""
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        if info is None:
            continue
        shared = sorted(name for name, defs in info.name2fixturedefs.items()
                        if name in item.fixturenames and defs[-1].scope == "module")
        if shared:
            item.add_marker(pytest.mark.xdist_group(f"{item.module.__name__}:{','.join(shared)}"))
