"""The command line as a user runs it: a real process, real directories."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import make_venv


def autovenv(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-I", "-m", "autovenv", *args], cwd=cwd, env=full,
                          capture_output=True, text=True)


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_hook_prints_the_snippet_with_our_interpreter_quoted(shell):
    r = autovenv("hook", shell)
    assert r.returncode == 0
    assert "__AUTOVENV_" not in r.stdout
    assert f"'{sys.executable}'" in r.stdout
    assert "_autovenv_hook" in r.stdout


def test_hook_unknown_shell_is_a_clear_error():
    r = autovenv("hook", "cmd")
    assert r.returncode == 2
    assert "unknown shell" in r.stderr and "bash" in r.stderr
    assert "Traceback" not in r.stderr


def test_hook_detects_the_running_shell(tmp_path):
    # Run through a real bash, so shellingham finds bash as the parent process.
    r = subprocess.run(["bash", "-c", f"'{sys.executable}' -I -m autovenv hook; true"],
                       capture_output=True, text=True)
    assert r.returncode == 0 and "PROMPT_COMMAND" in r.stdout


def test_status_explains_in_words_and_json(tmp_path, data_dir):
    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / "pyproject.toml").write_text("")
    r = autovenv("status", str(proj))
    assert "no venv yet" in r.stdout and "pyproject.toml" in r.stdout
    make_venv(proj / ".venv")
    r = autovenv("status", "--json", str(proj))
    info = json.loads(r.stdout)
    assert info["venv"] == str(proj / ".venv") and info["trusted"] is False and info["rule"] == 1
    r = autovenv("status", str(proj))
    assert "autovenv allow" in r.stdout and "trusted:   no" in r.stdout


def test_allow_then_deny(tmp_path, data_dir):
    proj = tmp_path / "proj"
    proj.mkdir()
    make_venv(proj / ".venv")
    assert autovenv("allow", cwd=proj).returncode == 0
    assert json.loads(autovenv("status", "--json", cwd=proj).stdout)["trusted"] is True
    assert autovenv("deny", str(proj)).returncode == 0
    info = json.loads(autovenv("status", "--json", cwd=proj).stdout)
    assert info["trusted"] is False and "denied" in info["trust_reason"]


def test_allow_outside_a_project_is_a_clear_error(tmp_path, data_dir):
    r = autovenv("allow", str(tmp_path))
    assert r.returncode == 1 and "not inside a Python project" in r.stderr
    assert "Traceback" not in r.stderr


def test_status_of_a_missing_directory(tmp_path):
    r = autovenv("status", str(tmp_path / "nope"))
    assert r.returncode == 2 and "Traceback" not in r.stderr


def test_status_names_a_malformed_pyproject_once(tmp_path, data_dir):
    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / "pyproject.toml").write_text("[project\nname = 1\n")
    info = json.loads(autovenv("status", "--json", str(proj), env={"AUTOVENV_CONFIG": str(tmp_path / "none")}).stdout)
    assert info["rule"] == 2
    named = [p for p in info["problems"] if str(proj / "pyproject.toml") in p]
    assert len(named) == 1 and "line 1" in named[0]
