"""What reaches the shell (issue 12, classes 2-4 and the prompt): attacks shipped as a cloned
repository would ship them, entered from real bash, zsh, fish, elvish and pwsh.

Every fake venv, every program a project ships, is a canary: a script that creates a file
when it runs. Each case asserts that no canary ran, that PATH gained no empty, relative or
foreign entry (only the real bin path of a venv the user trusts), and that the shell is still
usable (the next command runs and prints its sentinel).
"""

from __future__ import annotations

import functools
import os
import subprocess
from pathlib import Path

import pytest

from autovenv.hook.trust import TrustStore
from autovenv.install import hookcache
from tests.conftest import keep_hook_texts, make_venv
from tests.shells.harness import BASE_PATH, ShellSession, rc_text, require_shell

SHELLS = ("bash", "zsh", "fish", "elvish", "pwsh")


@pytest.fixture(params=SHELLS)
def shell_name(request: pytest.FixtureRequest) -> str:
    return request.param


# --- What an attacker ships, and what the user trusts ------------------------------------------


def canary_script(path: Path, canary: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\ntouch '{canary}'\n")
    path.chmod(0o755)


def fake_venv(path: Path, canary: Path) -> Path:
    """A shipped "venv": pyvenv.cfg, and python, ls, activate that are canaries."""
    path.mkdir(parents=True, exist_ok=True)
    (path / "pyvenv.cfg").write_text("home = /usr/bin\nversion = 3.11.0\n")
    for name in ("python", "python3", "ls", "activate"):
        canary_script(path / "bin" / name, canary)
    return path


def trust(tmp_path: Path, venv: Path) -> None:
    TrustStore({"AUTOVENV_DATA_DIR": str(tmp_path / "autovenv-data")}).allow(str(venv))


def dirs(**paths: Path) -> dict[str, str]:
    """Directories for cd(), passed in the shell's environment: the test's typing needs no
    quoting, and never echoes a hostile name to the terminal."""
    return {f"AV_{name}": str(path) for name, path in paths.items()}


def cd(s: ShellSession, name: str) -> None:
    var = f"AV_{name}"
    s.run({"bash": f'cd "${var}"', "zsh": f'cd "${var}"', "fish": f"cd ${var}",
           "elvish": f"cd $E:{var}", "pwsh": f"Set-Location -LiteralPath $env:{var}"}[s.shell])


def attempt(s: ShellSession, command: str) -> str:
    """Run a command that may fail (elvish, pwsh: an exception would cut the line short)."""
    if s.shell == "elvish":
        return s.run(f"try {{ {command} }} catch {{ }}")
    if s.shell == "pwsh":
        return s.run(f"try {{ {command} 2>$null }} catch {{ }}")
    return s.run(f"{command} 2>/dev/null")


@functools.cache
def base_path(shell: str) -> str:
    """PATH as a new shell of that kind has it: pwsh puts its own directory ($PSHOME) first."""
    if shell != "pwsh":
        return BASE_PATH
    home = subprocess.run([require_shell("pwsh"), "-NoLogo", "-NoProfile", "-Command", "$PSHOME"],
                          capture_output=True, text=True, check=True).stdout.strip()
    return f"{home}:{BASE_PATH}"


def assert_path_clean(shell: str, env: dict[str, str], allowed: tuple[str, ...] = ()) -> None:
    """PATH is the shell's base PATH plus, at most, one entry: the real bin path of a trusted venv."""
    base = base_path(shell)
    entries = env["PATH"].split(":")
    added = entries[: len(entries) - len(base.split(":"))]
    assert ":".join(entries[len(added):]) == base, env["PATH"]
    assert len(added) <= 1, env["PATH"]
    for entry in added:
        assert entry and entry.startswith("/") and entry in allowed, env["PATH"]
        assert os.path.realpath(entry) == entry


def usable(s: ShellSession) -> None:
    """The shell reads, runs and prints (the typed line does not hold the text it prints)."""
    assert "alive" in s.run("'al' + 'ive'" if s.shell == "pwsh" else "echo al''ive")


# --- 2. PATH gains exactly one absolute entry, without a separator or a line break -----------


@pytest.mark.parametrize("shell_name,name", [
    (shell, name) for shell in SHELLS for name in ["app::x", "trail:", "new\nline"]
    if not (shell == "pwsh" and "::" in name)])  # pwsh reads "app::" as a provider: no cd there
def test_a_venv_path_with_a_separator_or_newline_is_never_put_on_path(
        tmp_path, open_shell, shell_name, name):
    """uv accepts `uv venv 'app::x/.venv'`; the venv is trusted, yet PATH cannot hold it as
    one entry: `::` would put the current directory on PATH and `ls` run the project's ./ls."""
    canary = tmp_path / "canary"
    proj = tmp_path / name
    proj.mkdir()
    (proj / "pyproject.toml").write_text("")
    make_venv(proj / ".venv")
    trust(tmp_path, proj / ".venv")
    canary_script(proj / "ls", canary)
    canary_script(proj / "python", canary)
    s = open_shell(shell_name, env=dirs(PROJ=proj))
    cd(s, "PROJ")
    env = s.environ()
    assert "VIRTUAL_ENV" not in env
    assert_path_clean(shell_name, env)
    assert s.transcript.count("PATH cannot hold") == 1
    attempt(s, "ls")
    attempt(s, "python -c pass")
    s.run("cd /")
    cd(s, "PROJ")
    assert s.transcript.count("PATH cannot hold") == 1  # once per session
    assert not canary.exists()
    usable(s)


def test_a_colon_symlink_reached_through_a_redirect_is_never_put_on_path(
        tmp_path, open_shell, shell_name):
    canary = tmp_path / "canary"
    real = make_venv(tmp_path / "store" / "v")
    (tmp_path / "l::x").symlink_to(tmp_path / "store")
    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / ".venv").write_text(f"{tmp_path}/l::x/v\n")
    trust(tmp_path, real)
    canary_script(proj / "ls", canary)
    s = open_shell(shell_name, env=dirs(PROJ=proj))
    cd(s, "PROJ")
    env = s.environ()
    # The real path has no separator: it is the one activated, never the path as written.
    assert env.get("VIRTUAL_ENV") == str(real)
    assert_path_clean(shell_name, env, (f"{real}/bin",))
    attempt(s, "ls")
    assert not canary.exists()
    usable(s)


# --- 3. Activate exactly what was checked -------------------------------------------------------


def test_a_retargeted_venv_symlink_is_noticed_at_the_next_prompt(tmp_path, open_shell, shell_name):
    """`.venv -> envs/good` (trusted) is active; a `git pull` retargets it to a shipped fake
    venv. PATH names the real, checked path, so nothing of the fake runs; the prompt's watch
    sees that .venv no longer names what was checked and asks the helper, which refuses it."""
    canary = tmp_path / "canary"
    good = make_venv(tmp_path / "proj" / "envs" / "good")
    proj = tmp_path / "proj"
    (proj / "pyproject.toml").write_text("")
    fake = fake_venv(proj / "shipped", canary)
    (proj / ".venv").symlink_to("envs/good")
    trust(tmp_path, proj / ".venv")
    s = open_shell(shell_name, env=dirs(PROJ=proj))
    cd(s, "PROJ")
    env = s.environ()
    assert env["VIRTUAL_ENV"] == str(good) and env["PATH"] == f"{good}/bin:{base_path(shell_name)}"
    s.run("true")
    assert s.environ()["VIRTUAL_ENV"] == str(good)  # the watch holds while nothing changed
    tmp_link = proj / ".venv.new"
    tmp_link.symlink_to("shipped")
    tmp_link.replace(proj / ".venv")  # as git does: the new link renamed over the old one
    s.run("true")  # a prompt, no cd
    env = s.environ()
    assert "VIRTUAL_ENV" not in env, s.transcript[-1500:]
    assert_path_clean(shell_name, env)
    assert f"not activating {fake}" in s.transcript
    attempt(s, "python -c pass")
    attempt(s, "ls")
    assert not canary.exists()
    usable(s)


@pytest.mark.parametrize("shell_name", SHELLS)
@pytest.mark.parametrize("how", ["in place", "renamed over"])
def test_a_redirect_edited_to_name_a_shipped_venv_is_noticed_at_the_next_prompt(
        tmp_path, open_shell, shell_name, how):
    """A .venv redirect file edited in place keeps its inode: the watch compares its text."""
    canary = tmp_path / "canary"
    proj = tmp_path / "proj"
    good = make_venv(proj / "envs" / "good")
    (proj / "pyproject.toml").write_text("")
    fake = fake_venv(proj / "shipped", canary)
    (proj / ".venv").write_text("envs/good\n")
    trust(tmp_path, good)
    s = open_shell(shell_name, env=dirs(PROJ=proj))
    cd(s, "PROJ")
    assert s.environ()["VIRTUAL_ENV"] == str(good)
    if how == "in place":
        with open(proj / ".venv", "r+") as f:
            f.truncate(0)
            f.write("shipped\n")
    else:
        (proj / ".venv.new").write_text("shipped\n")
        (proj / ".venv.new").replace(proj / ".venv")
    s.run("true")  # a prompt, no cd
    env = s.environ()
    assert "VIRTUAL_ENV" not in env, s.transcript[-1500:]
    assert_path_clean(shell_name, env)
    assert f"not activating {fake}" in s.transcript
    attempt(s, "python -c pass")
    assert not canary.exists()
    # Put back as it was: the shell asks again and activates the trusted venv.
    (proj / ".venv").write_text("envs/good\n")
    s.run("true")
    assert s.environ()["VIRTUAL_ENV"] == str(good)


def test_a_retargeted_symlink_within_the_project_is_seen_from_a_subdirectory(
        tmp_path, open_shell, shell_name):
    """The same, with the shell in a subdirectory (the in-project cd shortcut holds)."""
    canary = tmp_path / "canary"
    good = make_venv(tmp_path / "envs" / "good")
    proj = tmp_path / "proj"
    (proj / "src" / "pkg").mkdir(parents=True)
    (proj / "pyproject.toml").write_text("")
    fake_venv(tmp_path / "evil", canary)
    (proj / ".venv").symlink_to(good)
    trust(tmp_path, good)
    s = open_shell(shell_name, env=dirs(PROJ=proj, PKG=proj / "src" / "pkg", SRC=proj / "src"))
    cd(s, "PROJ")
    cd(s, "PKG")
    assert s.environ()["VIRTUAL_ENV"] == str(good)
    (proj / ".venv").unlink()
    (proj / ".venv").symlink_to(tmp_path / "evil")
    cd(s, "SRC")
    env = s.environ()
    assert "VIRTUAL_ENV" not in env
    assert_path_clean(shell_name, env)
    attempt(s, "python -c pass")
    assert not canary.exists()


def test_a_redirect_through_proc_self_cwd_is_refused(tmp_path, open_shell, shell_name):
    """/proc/self/cwd is the reading process's directory: the PATH entry would follow the
    shell into a subdirectory's shipped bin/."""
    canary = tmp_path / "canary"
    proj = tmp_path / "proj"
    make_venv(proj / "v")
    trust(tmp_path, proj / "v")
    (proj / ".venv").write_text("/proc/self/cwd/v\n")
    fake_venv(proj / "sub" / "v", canary)
    s = open_shell(shell_name, env=dirs(PROJ=proj, SUB=proj / "sub"))
    cd(s, "PROJ")
    env = s.environ()
    assert "VIRTUAL_ENV" not in env and "/proc" not in env["PATH"]
    assert "points into /proc or /dev" in s.transcript
    cd(s, "SUB")
    attempt(s, "ls")
    attempt(s, "python -c pass")
    assert_path_clean(shell_name, s.environ())
    assert not canary.exists()
    usable(s)


def test_a_redirect_through_a_link_to_proc_activates_the_real_path_only(
        tmp_path, open_shell, shell_name):
    """A committed symlink `l -> /proc/self/cwd` and a redirect `l/v`: the venv it names from
    the project directory (trusted) is activated at its real path; from a subdirectory the
    same text names that directory's shipped `v`, which the watch notices and refuses."""
    canary = tmp_path / "canary"
    proj = tmp_path / "proj"
    real = make_venv(proj / "v")
    trust(tmp_path, real)
    (proj / "l").symlink_to("/proc/self/cwd")
    (proj / ".venv").write_text("l/v\n")
    fake_venv(proj / "sub" / "v", canary)
    s = open_shell(shell_name, env=dirs(PROJ=proj, SUB=proj / "sub"))
    cd(s, "PROJ")
    env = s.environ()
    assert env["VIRTUAL_ENV"] == str(real) and env["PATH"] == f"{real}/bin:{base_path(shell_name)}"
    cd(s, "SUB")
    env = s.environ()
    assert env.get("VIRTUAL_ENV") != str(proj / "sub" / "v") and "/proc" not in env["PATH"]
    assert_path_clean(shell_name, env, (f"{real}/bin",))
    attempt(s, "ls")
    attempt(s, "python -c pass")
    assert not canary.exists()
    usable(s)


# --- 4. Nothing remembered skips a check ---------------------------------------------------------


def test_a_venv_swapped_by_another_user_is_refused_by_the_next_new_shell(
        tmp_path, open_shell, shell_name):
    """Issue 12, case 4: in a project another local user can write to, that user swaps .venv
    for their own and back-dates it; the next new shell opened there must not activate it."""
    if os.geteuid() != 0:
        pytest.skip("needs root to make a file another user's")
    canary = tmp_path / "canary"
    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / "pyproject.toml").write_text("")
    make_venv(proj / ".venv")
    trust(tmp_path, proj / ".venv")
    # Both shells load the hook as the installed launcher serves it (the kept text), where
    # answers for new shells used to be kept and applied.
    keep_hook_texts()
    kept = hookcache.text_path(shell_name)
    rc = rc_text(shell_name, hook={"elvish": f"eval (slurp < {kept})",
                                   "pwsh": f"Invoke-Expression (Get-Content -Raw '{kept}')"}.get(
                                       shell_name, f"source {kept}"))
    first = open_shell(shell_name, cwd=proj, rc=rc)
    assert first.environ()["VIRTUAL_ENV"] == str(proj / ".venv")
    first.close()
    old = os.stat(proj / ".venv" / "pyvenv.cfg")
    (proj / ".venv").rename(tmp_path / "mine")
    fake = fake_venv(proj / ".venv", canary)
    for path in (fake, fake / "bin", fake / "pyvenv.cfg", *(fake / "bin").iterdir()):
        os.chown(path, 4242, 4242, follow_symlinks=False)
        os.utime(path, ns=(old.st_mtime_ns - 10**9, old.st_mtime_ns - 10**9))
    s = open_shell(shell_name, cwd=proj, rc=rc)
    env = s.environ()
    assert "VIRTUAL_ENV" not in env
    assert_path_clean(shell_name, env)
    assert s.transcript.count("not activating") == 1  # the helper ran, and refused it
    attempt(s, "python -c pass")
    assert not canary.exists()
    usable(s)


# --- The prompt prefix carries no control sequence, and stays inert -------------------------------


@pytest.mark.parametrize("name", ["e\x1b]0;title\x07\x1b[31mred", "a$(touch canary)b", "`touch canary`"])
def test_the_prompt_prefix_carries_no_control_sequence(tmp_path, open_shell, shell_name, name):
    proj = tmp_path / "projects" / "p"
    proj.mkdir(parents=True)
    (proj / "pyproject.toml").write_text("")
    make_venv(proj / ".venv", prompt=name)
    trust(tmp_path, proj / ".venv")
    s = open_shell(shell_name, env=dirs(PROJ=proj))
    plain = s.prompt()
    cd(s, "PROJ")
    shown = "".join(c for c in name if c.isprintable())
    assert s.prompt() == f"({shown}) {plain}"
    assert "\x1b]0;title" not in s.transcript and "\x1b[31m" not in s.transcript
    assert not list(tmp_path.rglob("canary")) and not list(Path("/").glob("canary"))



PROMPT_ON = {"bash": "shopt -s promptvars", "zsh": "setopt prompt_subst"}
PROMPT_OFF = {"bash": "shopt -u promptvars", "zsh": "unsetopt prompt_subst"}


@pytest.mark.parametrize("shell", ["bash", "zsh"])
@pytest.mark.parametrize("name", ["a$(touch canary)b", "`touch canary`", "${PATH}%n\\w$'x'}",
                                  "e\x1b]0;title\x07\x1b[31mred",
                                  # longer than one of bash's \D{} pieces, a } and % at the seams
                                  "p" * 29 + "}%" + "q" * 40 + "%}}$(touch canary)" + "é" * 40])
def test_the_prompt_prefix_stays_inert_when_expansion_is_turned_on_later(
        tmp_path, open_shell, shell, name):
    proj = tmp_path / "projects" / name
    proj.mkdir(parents=True)
    (proj / "pyproject.toml").write_text("")
    make_venv(proj / ".venv", prompt=name)
    trust(tmp_path, proj / ".venv")
    s = open_shell(shell, rc=rc_text(shell, before=PROMPT_OFF[shell]), env=dirs(PROJ=proj))
    plain = s.prompt()
    cd(s, "PROJ")
    shown = "".join(c for c in name if c.isprintable())
    for setting in (PROMPT_ON[shell], PROMPT_OFF[shell], PROMPT_ON[shell]):
        s.run(setting)
        s.run("true")  # the prompt is expanded at least once with the new setting
        assert s.prompt() == f"({shown}) {plain}", setting
    assert "\x1b]0;" not in s.transcript and "\x1b[31m" not in s.transcript
    s.run("cd /")
    assert s.prompt() == plain
    assert not list(tmp_path.rglob("canary")) and not list(Path("/").glob("canary"))


# --- 5. Redirect files: text that never reaches a shell --------------------------------------


REDIRECTS = ["$(touch canary)", "`touch canary`", "x; touch canary", "../v\n; touch canary",
             "\x1b]0;evil\x07", "missing", "../loop", "/dev/stdin", "fifo"]


@pytest.mark.parametrize("text", REDIRECTS)
def test_a_bad_redirect_is_reported_once_and_never_followed(tmp_path, open_shell, shell_name, text):
    canary = tmp_path / "canary"
    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / "pyproject.toml").write_text("")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    os.mkfifo(proj / "fifo")
    fake_venv(proj / "shipped", canary)
    (proj / ".venv").write_text(text)
    s = open_shell(shell_name, env=dirs(PROJ=proj))
    cd(s, "PROJ")
    cd(s, "PROJ")
    env = s.environ()
    assert "VIRTUAL_ENV" not in env
    assert_path_clean(shell_name, env)
    assert s.transcript.count("autovenv: ") == 1, s.transcript
    assert "\x1b]0;evil" not in s.transcript
    attempt(s, "ls")
    assert not canary.exists() and not list(tmp_path.rglob("canary"))
    usable(s)
