"""Issue 12's guarantees in a real interactive pwsh (tests/attacks/ runs them in the other
shells): a retargeted venv symlink is noticed at the next prompt, redirects through /proc are
refused or activate the real path only, a path PATH cannot hold is never put on it, and the
prompt prefix carries no control sequence. Every shipped program is a canary."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.attacks.test_activation_attacks import assert_path_clean, canary_script, fake_venv, trust
from tests.conftest import make_venv
from tests.shells.harness import BASE_PATH, ShellSession

PWSH_PATH = "/opt/pwsh/app:" + BASE_PATH  # pwsh puts its own directory first


def clean(env: dict[str, str], allowed: tuple[str, ...] = ()) -> None:
    """assert_path_clean, with pwsh's own first entry taken off."""
    assert env["PATH"].endswith(PWSH_PATH), env["PATH"]
    assert_path_clean({"PATH": env["PATH"].replace("/opt/pwsh/app:", "", 1)}, allowed)


def cd(s: ShellSession, path: Path) -> None:
    where = s.tmp / "where"
    where.write_text(str(path))
    s.run(f"Set-Location -LiteralPath ([IO.File]::ReadAllText('{where}'))")


def attempt(s: ShellSession, command: str) -> None:
    s.run(f"try {{ {command} 2>$null }} catch {{ }}")


def usable(s: ShellSession) -> None:
    assert s.run("'al' + 'ive'").count("alive") == 1


@pytest.mark.parametrize("name", ["trail:", "new\nline"])
def test_a_venv_path_with_a_separator_or_newline_is_never_put_on_path(tmp_path, open_shell, name):
    canary = tmp_path / "canary"
    proj = tmp_path / name
    proj.mkdir()
    (proj / "pyproject.toml").write_text("")
    make_venv(proj / ".venv")
    trust(tmp_path, proj / ".venv")
    canary_script(proj / "ls", canary)
    canary_script(proj / "python", canary)
    s = open_shell("pwsh")
    cd(s, proj)
    env = s.environ()
    assert "VIRTUAL_ENV" not in env
    clean(env)
    assert s.transcript.count("PATH cannot hold") == 1
    attempt(s, "ls")
    attempt(s, "python -c pass")
    s.run("cd /")
    cd(s, proj)
    assert s.transcript.count("PATH cannot hold") == 1  # once per session
    assert not canary.exists()
    usable(s)


def test_a_retargeted_venv_symlink_is_noticed_at_the_next_prompt(tmp_path, open_shell):
    canary = tmp_path / "canary"
    good = make_venv(tmp_path / "proj" / "envs" / "good")
    proj = tmp_path / "proj"
    (proj / "pyproject.toml").write_text("")
    fake = fake_venv(proj / "shipped", canary)
    (proj / ".venv").symlink_to("envs/good")
    trust(tmp_path, proj / ".venv")
    s = open_shell("pwsh")
    cd(s, proj)
    env = s.environ()
    assert env["VIRTUAL_ENV"] == str(good) and env["PATH"] == f"{good}/bin:{PWSH_PATH}"
    s.run("$null")
    assert s.environ()["VIRTUAL_ENV"] == str(good)  # the watch holds while nothing changed
    tmp_link = proj / ".venv.new"
    tmp_link.symlink_to("shipped")
    tmp_link.replace(proj / ".venv")  # as git does: the new link renamed over the old one
    s.run("$null")  # a prompt, no cd
    env = s.environ()
    assert "VIRTUAL_ENV" not in env, s.transcript[-1500:]
    clean(env)
    assert f"not activating {fake}" in s.transcript
    attempt(s, "python -c pass")
    attempt(s, "ls")
    assert not canary.exists()
    usable(s)


def test_a_retargeted_symlink_within_the_project_is_seen_from_a_subdirectory(tmp_path, open_shell):
    canary = tmp_path / "canary"
    good = make_venv(tmp_path / "envs" / "good")
    proj = tmp_path / "proj"
    (proj / "src" / "pkg").mkdir(parents=True)
    (proj / "pyproject.toml").write_text("")
    fake_venv(tmp_path / "evil", canary)
    (proj / ".venv").symlink_to(good)
    trust(tmp_path, good)
    s = open_shell("pwsh")
    cd(s, proj)
    cd(s, proj / "src" / "pkg")
    assert s.environ()["VIRTUAL_ENV"] == str(good)
    (proj / ".venv").unlink()
    (proj / ".venv").symlink_to(tmp_path / "evil")
    cd(s, proj / "src")
    env = s.environ()
    assert "VIRTUAL_ENV" not in env
    clean(env)
    attempt(s, "python -c pass")
    assert not canary.exists()


def test_a_redirect_through_proc_self_cwd_is_refused(tmp_path, open_shell):
    canary = tmp_path / "canary"
    proj = tmp_path / "proj"
    make_venv(proj / "v")
    trust(tmp_path, proj / "v")
    (proj / ".venv").write_text("/proc/self/cwd/v\n")
    fake_venv(proj / "sub" / "v", canary)
    s = open_shell("pwsh")
    cd(s, proj)
    env = s.environ()
    assert "VIRTUAL_ENV" not in env and "/proc" not in env["PATH"]
    assert "points into /proc or /dev" in s.transcript
    cd(s, proj / "sub")
    attempt(s, "ls")
    attempt(s, "python -c pass")
    clean(s.environ())
    assert not canary.exists()
    usable(s)


def test_a_redirect_through_a_link_to_proc_activates_the_real_path_only(tmp_path, open_shell):
    canary = tmp_path / "canary"
    proj = tmp_path / "proj"
    real = make_venv(proj / "v")
    trust(tmp_path, real)
    (proj / "l").symlink_to("/proc/self/cwd")
    (proj / ".venv").write_text("l/v\n")
    fake_venv(proj / "sub" / "v", canary)
    s = open_shell("pwsh")
    cd(s, proj)
    env = s.environ()
    assert env["VIRTUAL_ENV"] == str(real) and env["PATH"] == f"{real}/bin:{PWSH_PATH}"
    cd(s, proj / "sub")
    env = s.environ()
    assert env.get("VIRTUAL_ENV") != str(proj / "sub" / "v") and "/proc" not in env["PATH"]
    clean(env, (f"{real}/bin",))
    attempt(s, "ls")
    attempt(s, "python -c pass")
    assert not canary.exists()
    usable(s)


@pytest.mark.parametrize("name", ["e\x1b]0;title\x07\x1b[31mred", "a$(touch canary)b", "`touch canary`"])
def test_the_prompt_prefix_carries_no_control_sequence(tmp_path, open_shell, name):
    proj = tmp_path / "projects" / "p"
    proj.mkdir(parents=True)
    (proj / "pyproject.toml").write_text("")
    make_venv(proj / ".venv", prompt=name)
    trust(tmp_path, proj / ".venv")
    s = open_shell("pwsh")
    plain = s.prompt()
    cd(s, proj)
    shown = "".join(c for c in name if c.isprintable())
    assert s.prompt() == f"({shown}) {plain}"
    assert "\x1b]0;title" not in s.transcript and "\x1b[31m" not in s.transcript
    assert not (tmp_path / "canary").exists() and not list(tmp_path.rglob("canary"))
