"""A new shell opened in a project is active at its first prompt: the hook text carries no
answer (one made earlier and kept, or saved with the text, would skip the helper's checks of
owner, permissions and identity: issue 12), so the first prompt asks the helper."""

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


def test_new_shell_in_a_project_is_active_at_its_first_prompt(tmp_path, open_shell, shell_name):
    proj = project(tmp_path)
    s = open_shell(shell_name, cwd=proj)
    env = s.environ()
    assert env["VIRTUAL_ENV"] == str(proj / ".venv")
    assert env["PATH"].startswith(f"{proj}/.venv/bin:")
    assert s.prompt().startswith("(proj) ")
    assert "hook failed" not in s.transcript


def test_the_hook_text_carries_no_answer(tmp_path, open_shell, shell_name):
    """Made in a project, saved, and loaded by a new shell there whose helper cannot run:
    nothing is activated, since only the helper may activate."""
    proj = project(tmp_path)
    saved = tmp_path / f"saved-hook.{shell_name}"
    env = {**os.environ, "AUTOVENV_DATA_DIR": str(tmp_path / "autovenv-data"), "PWD": str(proj)}
    saved.write_bytes(subprocess.run([AUTOVENV, "hook", shell_name], cwd=proj, env=env,
                                     capture_output=True, check=True).stdout)
    assert str(proj).encode() not in saved.read_bytes()
    rc = rc_text(shell_name, hook=f"source {saved}\n{BREAK_HELPER[shell_name]}")
    s = open_shell(shell_name, rc=rc, cwd=proj)
    env_now = s.environ()
    assert "VIRTUAL_ENV" not in env_now
    assert f"{proj}/.venv/bin" not in env_now["PATH"]
    assert "hook failed" in s.transcript


def test_zsh_without_compinit_keeps_only_the_hook_at_its_prompts(tmp_path, open_shell):
    """Completion registers at the first prompt when compinit ran after the hook line; with no
    compinit at all it gives up there, so later prompts run the hook alone."""
    s = open_shell("zsh")  # the test rc has no compinit
    s.run("true")
    s.run("true")
    out = s.run("print -r -- \"precmd=[${(j:,:)precmd_functions}]\"")
    assert "precmd=[_autovenv_hook]" in out
