"""`autovenv hook` carries the answer for the directory the shell starts in, so a new shell
opened in a project is active at its first prompt without running the helper; a hook text
saved and loaded somewhere else must not apply that answer."""

from __future__ import annotations

import os
import subprocess

from tests.shells.harness import AUTOVENV, rc_text
from tests.shells.test_activation import project

BREAK_HELPER = {
    "bash": "_autovenv_helper=/nonexistent/helper.py",
    "zsh": "_autovenv_helper=/nonexistent/helper.py",
    "fish": "set -g _autovenv_helper /nonexistent/helper.py",
}


def test_new_shell_in_a_project_is_active_without_the_helper(tmp_path, open_shell, shell_name):
    proj = project(tmp_path)
    hook = rc_text(shell_name).strip().splitlines()[-1]
    # The helper is made unreachable right after the hook line: only the seed can activate.
    rc = rc_text(shell_name, hook=f"{hook}\n{BREAK_HELPER[shell_name]}")
    s = open_shell(shell_name, rc=rc, cwd=proj)
    env = s.environ()
    assert env["VIRTUAL_ENV"] == str(proj / ".venv")
    assert env["PATH"].startswith(f"{proj}/.venv/bin:")
    assert s.prompt().startswith("(proj) ")
    assert "hook failed" not in s.transcript


def test_a_saved_hook_text_does_not_apply_elsewhere(tmp_path, open_shell, shell_name):
    proj = project(tmp_path)
    saved = tmp_path / f"saved-hook.{shell_name}"
    env = {**os.environ, "AUTOVENV_DATA_DIR": str(tmp_path / "autovenv-data"), "PWD": str(proj)}
    saved.write_bytes(subprocess.run([AUTOVENV, "hook", shell_name], cwd=proj, env=env,
                                     capture_output=True, check=True).stdout)
    assert b"_autovenv_apply_seed" in saved.read_bytes()
    s = open_shell(shell_name, rc=rc_text(shell_name, hook=f"source {saved}"))
    env_now = s.environ()
    assert "VIRTUAL_ENV" not in env_now
    assert f"{proj}/.venv/bin" not in env_now["PATH"]


def test_zsh_without_compinit_keeps_only_the_hook_at_its_prompts(tmp_path, open_shell):
    """Completion registers at the first prompt when compinit ran after the hook line; with no
    compinit at all it gives up there, so later prompts run the hook alone."""
    s = open_shell("zsh")  # the test rc has no compinit
    s.run("true")
    s.run("true")
    out = s.run("print -r -- \"precmd=[${(j:,:)precmd_functions}]\"")
    assert "precmd=[_autovenv_hook]" in out
