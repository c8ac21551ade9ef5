"""rc files: where they are, the block added once, removed byte for byte; `autovenv init`."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from autovenv.hook import shells
from autovenv.install import rcfiles

AUTOVENV = str(Path(sys.executable).parent / "autovenv")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    # PATH without autovenv: the rc line then names this installation by its full path.
    return {"HOME": str(home), "PATH": "/usr/bin:/bin"}


def test_every_shell_autovenv_hooks_has_an_rc_file() -> None:
    # A new adapter in shells/ must say where its rc file is and what line loads it.
    assert set(shells.names()) <= set(rcfiles.RC_SHELLS)


def test_rc_paths_honour_zdotdir_and_xdg_config_home(env: dict[str, str]) -> None:
    home = env["HOME"]
    assert rcfiles.rc_path("bash", env) == f"{home}/.bashrc"
    assert rcfiles.rc_path("zsh", env) == f"{home}/.zshrc"
    assert rcfiles.rc_path("zsh", {**env, "ZDOTDIR": "/z"}) == "/z/.zshrc"
    assert rcfiles.rc_path("fish", env) == f"{home}/.config/fish/config.fish"
    assert rcfiles.rc_path("fish", {**env, "XDG_CONFIG_HOME": "/c"}) == "/c/fish/config.fish"
    assert rcfiles.rc_path("pwsh", env) == (
        f"{home}/.config/powershell/Microsoft.PowerShell_profile.ps1")
    assert rcfiles.rc_path("elvish", {**env, "XDG_CONFIG_HOME": "/c"}) == "/c/elvish/rc.elv"


def test_contract_lines_when_path_finds_this_installation(env: dict[str, str]) -> None:
    env["PATH"] = os.path.dirname(AUTOVENV) + ":/usr/bin"
    assert rcfiles.rc_line("bash", env) == 'eval "$(autovenv hook bash)"'
    assert rcfiles.rc_line("zsh", env) == 'eval "$(autovenv hook zsh)"'
    assert rcfiles.rc_line("fish", env) == "autovenv hook fish | source"
    assert rcfiles.RC_SHELLS["pwsh"].line.format(cmd="autovenv") == (
        "Invoke-Expression (& autovenv hook pwsh | Out-String)")


def test_full_path_when_path_misses_it_or_finds_another(env: dict[str, str],
                                                         tmp_path: Path) -> None:
    assert rcfiles.rc_line("bash", env) == f"eval \"$('{AUTOVENV}' hook bash)\""
    # An unrelated `autovenv` (the PyPI name belongs to another project) must not be used.
    other = tmp_path / "other"
    other.mkdir()
    (other / "autovenv").write_text("#!/bin/sh\n")
    (other / "autovenv").chmod(0o755)
    env["PATH"] = f"{other}:{os.path.dirname(AUTOVENV)}"
    assert rcfiles.rc_line("fish", env) == f"'{AUTOVENV}' hook fish | source"


def test_add_once_then_nothing_to_do(env: dict[str, str]) -> None:
    edit = rcfiles.plan_add("bash", env)
    assert edit.before is None and edit.changed
    assert rcfiles.apply(edit) is None  # no previous file, no backup
    text = Path(edit.path).read_text()
    assert text.count(rcfiles.BEGIN) == 1 and edit.line in text
    again = rcfiles.plan_add("bash", env)
    assert not again.changed
    assert rcfiles.block_line("bash", env) == edit.line


@pytest.mark.parametrize("original", [
    b"",
    b"alias ll='ls -l'\n",
    b"no final newline",
    b"windows\r\nline endings\r\n",
    b"two blank lines at the end\n\n\n",
    "unicode \u00e9\u4e2d and \x1b[0m bytes\n".encode(),
])
def test_remove_restores_the_file_byte_for_byte(env: dict[str, str], original: bytes) -> None:
    rc = Path(env["HOME"]) / ".zshrc"
    rc.write_bytes(original)
    rcfiles.apply(rcfiles.plan_add("zsh", env))
    assert rc.read_bytes() != original
    assert rcfiles.find_block(rc.read_bytes().decode()) is not None
    rcfiles.apply(rcfiles.plan_remove("zsh", env))
    assert rc.read_bytes() == original


def test_backup_mode_and_symlink_kept(env: dict[str, str], tmp_path: Path) -> None:
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = dotfiles / "bashrc"
    real.write_text("export A=1\n")
    real.chmod(0o600)
    link = Path(env["HOME"]) / ".bashrc"
    link.symlink_to(real)
    backup = rcfiles.apply(rcfiles.plan_add("bash", env))
    assert backup == f"{link}{rcfiles.BACKUP_SUFFIX}"
    assert Path(backup).read_text() == "export A=1\n"
    assert link.is_symlink(), "a dotfile manager's symlink must stay a symlink"
    assert rcfiles.BEGIN in real.read_text()
    assert stat.S_IMODE(real.stat().st_mode) == 0o600


def test_block_is_updated_where_it_is(env: dict[str, str]) -> None:
    rc = Path(env["HOME"]) / ".bashrc"
    old = 'eval "$(old-path hook bash)"'
    rc.write_text(f"before\n{rcfiles.BEGIN}\n{old}\n{rcfiles.END}\nafter\n")
    edit = rcfiles.plan_add("bash", env)
    rcfiles.apply(edit)
    text = rc.read_text()
    assert text.startswith("before\n" + rcfiles.BEGIN) and text.endswith(rcfiles.END + "\nafter\n")
    assert "old-path" not in text and edit.line in text


def test_begin_marker_without_end_is_not_a_block(env: dict[str, str]) -> None:
    rc = Path(env["HOME"]) / ".bashrc"
    rc.write_text(f"{rcfiles.BEGIN}\nuser text\n")
    rcfiles.apply(rcfiles.plan_add("bash", env))
    text = rc.read_text()
    assert text.startswith(f"{rcfiles.BEGIN}\nuser text\n") and text.count(rcfiles.END) == 1


def test_shells_with_block(env: dict[str, str]) -> None:
    rcfiles.apply(rcfiles.plan_add("fish", env))
    rcfiles.apply(rcfiles.plan_add("zsh", env))
    assert sorted(rcfiles.shells_with_block(env)) == ["fish", "zsh"]


def test_unknown_shell_is_a_clear_error() -> None:
    with pytest.raises(rcfiles.RcError, match="unknown shell 'ksh'; supported: bash"):
        rcfiles.rc_shell("ksh")


# --- `autovenv init` ------------------------------------------------------------------------

def init(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([AUTOVENV, "init", *args], env=env, capture_output=True, text=True,
                          cwd="/")


def test_init_dry_run_prints_and_writes_nothing(env: dict[str, str]) -> None:
    rc = Path(env["HOME"]) / ".bashrc"
    rc.write_text("existing\n")
    done = init(env, "bash", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert f"would write to {rc}" in done.stdout
    assert f"+{rcfiles.BEGIN}" in done.stdout and " existing" in done.stdout
    assert rc.read_text() == "existing\n"
    assert not (Path(env["HOME"]) / f".bashrc{rcfiles.BACKUP_SUFFIX}").exists()


def test_init_then_again_then_remove(env: dict[str, str]) -> None:
    rc = Path(env["HOME"]) / ".config" / "fish" / "config.fish"
    first = init(env, "fish")
    assert first.returncode == 0 and f"added the hook line to {rc}" in first.stdout
    assert "open a new fish" in first.stdout
    second = init(env, "fish")
    assert "already in" in second.stdout and rc.read_text().count(rcfiles.BEGIN) == 1
    dry = init(env, "--remove", "--dry-run")
    assert f"would remove from {rc}" in dry.stdout and rcfiles.BEGIN in rc.read_text()
    removed = init(env, "--remove")
    assert removed.returncode == 0 and f"removed the hook line from {rc}" in removed.stdout
    assert rc.read_text() == ""
    assert "nothing to remove" in init(env, "--remove").stdout


@pytest.mark.parametrize("args, code, message", [
    (["ksh"], 2, "unknown shell 'ksh'"),
    (["bash", "--bogus"], 2, "No such option"),
])
def test_init_bad_input(env: dict[str, str], args: list[str], code: int, message: str) -> None:
    done = init(env, *args)
    assert done.returncode == code and message in done.stderr
    assert "Traceback" not in done.stderr


def test_init_unwritable_rc_is_one_clear_line(env: dict[str, str]) -> None:
    # A directory, since permissions would not stop root (who may run the tests).
    (Path(env["HOME"]) / ".bashrc").mkdir()
    done = init(env, "bash")
    assert done.returncode == 1
    assert done.stderr.strip() == f"autovenv: {env['HOME']}/.bashrc is a directory, not an rc file"


def test_the_windows_pwsh_profile_is_under_documents() -> None:
    """PowerShell 7's $PROFILE on Windows, as ntpath spells it (run here, not only there)."""
    from autovenv.install.rcfiles import _pwsh_profile

    assert _pwsh_profile({"USERPROFILE": "C:\\Users\\me"}, windows=True) == (
        "C:\\Users\\me\\Documents\\PowerShell\\Microsoft.PowerShell_profile.ps1")
    assert _pwsh_profile({"HOME": "/home/me"}, windows=False) == (
        "/home/me/.config/powershell/Microsoft.PowerShell_profile.ps1")


def test_the_readme_table_of_rc_lines_is_what_init_writes() -> None:
    """README, "Hooking a shell by hand": each shell's row is the rc file and line init uses."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    section = readme.split("\n## Hooking a shell by hand\n", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for row in section.splitlines():
        cells = [c.strip().strip("`").replace("\0", "|") for c in row.replace("\\|", "\0").split("|")[1:-1]]
        if len(cells) == 3 and cells[0] not in ("shell", "---"):
            rows[cells[0].lower().replace("powershell", "pwsh")] = (cells[1], cells[2])
    home = {"HOME": "/home/me"}
    wanted = {name: (rcfiles.rc_path(name, home).replace("/home/me", "~"),
                     rcfiles.RC_SHELLS[name].line.format(cmd="autovenv")) for name in rcfiles.RC_SHELLS}
    wanted["zsh"] = ("${ZDOTDIR:-~}/.zshrc", wanted["zsh"][1])
    wanted["pwsh"] = ("$PROFILE", wanted["pwsh"][1])
    assert rows == wanted


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish", "elvish", "pwsh"])
def test_an_rc_line_naming_an_odd_path_runs_that_command_in_the_real_shell(
        shell: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rc line quotes autovenv's path with the shell adapter's own quoting (one
    implementation per shell): quotes, typographic quotes, `$`, `\\`, spaces and `;` stay data."""
    from tests.shells.harness import require_shell

    program = require_shell(shell)
    odd = tmp_path / "it's ‘odd’ $HOME `x` (a;b) \\\\ ’"
    odd.mkdir()
    command = odd / "autovenv"
    command.write_text("#!/bin/sh\n[ \"$1 $2\" = \"hook $AV_SHELL\" ] && echo 'echo hooked-from-rc-line'\n")
    command.chmod(0o755)
    monkeypatch.setattr(rcfiles, "hook_command", lambda env: str(command))
    line = rcfiles.rc_line(shell, {})
    argv = [program, "-NoProfile", "-NonInteractive", "-Command", line] if shell == "pwsh" else [program, "-c", line]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "AV_SHELL": shell, "TERM": "dumb"}
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.stdout.strip() == "hooked-from-rc-line", (line, done.stdout, done.stderr)
