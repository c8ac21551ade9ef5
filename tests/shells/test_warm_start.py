"""A new shell opened where one was opened before starts no process before its first prompt:
`autovenv hook` is the kept text (what the launcher prints), and the first answer is the one the
helper left for the last new shell there (hookcache.py). It is used only while it is right:
same variables, files older than it, scope and watched paths unchanged."""

from __future__ import annotations

import time

import pytest

from autovenv import hookcache
from tests.conftest import keep_hook_texts
from tests.shells.harness import BASE_PATH, rc_text
from tests.shells.test_activation import project
from tests.shells.test_first_prompt import BREAK_HELPER


@pytest.fixture(autouse=True)
def kept_texts() -> None:
    keep_hook_texts()


def kept_rc(shell: str, after: str = "") -> str:
    """An rc that loads the hook as the launcher serves it (no first answer in it)."""
    load = f"source {hookcache.text_path(shell)}"
    return rc_text(shell, hook=f"{load}\n{after}")


def open_twice(open_shell, shell_name, proj, second_env=None, between=None):
    """A first new shell in proj (it asks the helper, which leaves its answer), then a second
    one whose helper is unreachable: whatever it activates came from the kept answer."""
    first = open_shell(shell_name, rc=kept_rc(shell_name), cwd=proj)
    assert first.environ()["VIRTUAL_ENV"] == str(proj / ".venv")
    first.close()
    if between:
        between()
    return open_shell(shell_name, rc=kept_rc(shell_name, BREAK_HELPER[shell_name]), cwd=proj,
                      env=second_env)


def test_the_second_new_shell_uses_the_kept_answer(tmp_path, open_shell, shell_name):
    proj = project(tmp_path, name="it's a $(touch pwned) %2F dir")
    s = open_twice(open_shell, shell_name, proj)
    env = s.environ()
    assert env["VIRTUAL_ENV"] == str(proj / ".venv")
    assert env["PATH"] == f"{proj}/.venv/bin:{BASE_PATH}"
    assert s.prompt().startswith("(it's a $(touch pwned) %2F dir) ")
    assert "hook failed" not in s.transcript
    assert not (proj / "pwned").exists() and not (tmp_path / "pwned").exists()
    # Leaving restores exactly, as after any answer (the helper is unreachable: cd / is in no
    # project, so the shell asks it, warns once, and keeps working).
    s.run("cd /")
    assert "hook failed" in s.transcript


def test_another_path_makes_the_shell_ask(tmp_path, open_shell, shell_name):
    proj = project(tmp_path)
    s = open_twice(open_shell, shell_name, proj, second_env={"PATH": f"/opt/x:{BASE_PATH}"})
    assert "VIRTUAL_ENV" not in s.environ()
    assert "hook failed" in s.transcript  # it asked the (unreachable) helper


def test_a_file_changed_since_makes_the_shell_ask(tmp_path, open_shell, shell_name):
    proj = project(tmp_path)

    def edit() -> None:
        time.sleep(0.01)
        (proj / "pyproject.toml").write_text("[project]\nname = 'x'\n[tool.autovenv]\n")

    s = open_twice(open_shell, shell_name, proj, between=edit)
    assert "VIRTUAL_ENV" not in s.environ()
    assert "hook failed" in s.transcript


def test_deny_since_is_seen_by_the_next_new_shell(tmp_path, open_shell, shell_name):
    proj = project(tmp_path)
    first = open_shell(shell_name, rc=kept_rc(shell_name), cwd=proj)
    assert first.environ()["VIRTUAL_ENV"] == str(proj / ".venv")
    first.run(f"autovenv deny {proj}")
    first.close()
    s = open_shell(shell_name, rc=kept_rc(shell_name), cwd=proj)
    env = s.environ()
    assert "VIRTUAL_ENV" not in env and env["PATH"] == BASE_PATH


def test_no_kept_answer_where_the_package_cannot_keep_one(tmp_path, open_shell, shell_name):
    """A shell in a directory whose name is too long for a file name asks the helper each time."""
    proj = project(tmp_path, name=f"{'d' * 120}/{'e' * 120}")
    s = open_twice(open_shell, shell_name, proj)
    assert "VIRTUAL_ENV" not in s.environ()
    assert "hook failed" in s.transcript
