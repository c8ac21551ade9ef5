"""The core scenarios, one table: each runs in real interactive bash, zsh, fish and pwsh.

What differs between the shells is only how a thing is typed (the dialect functions below);
what is checked is the same for every row.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import make_venv
from tests.shells.harness import ANSI, SHELLS, ShellSession, rc_text, value

TABLE_SHELLS = SHELLS + ("pwsh",)


@pytest.fixture(params=TABLE_SHELLS)
def shell_name(request: pytest.FixtureRequest) -> str:
    return request.param


def project(root: Path, name: str = "proj", allow: bool = True) -> Path:
    p = root / name
    p.mkdir(parents=True)
    (p / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    make_venv(p / ".venv")
    if allow:
        from autovenv.hook.trust import TrustStore

        TrustStore({"AUTOVENV_DATA_DIR": str(root / "autovenv-data")}).allow(str(p / ".venv"))
    return p


# --- How each shell types it -------------------------------------------------------------

def setenv(shell: str, name: str, text: str) -> str:
    """Export `name`; `text` is typed as is (a literal or an expansion of the shell's own)."""
    return {"fish": f"set -gx {name} {text}", "pwsh": f"$env:{name} = {text}"}.get(
        shell, f"export {name}={text}")


def unsetenv(shell: str, name: str) -> str:
    return {"fish": f"set -e {name}", "pwsh": f"Remove-Item Env:{name}"}.get(shell, f"unset {name}")


def set_hook_global(shell: str, name: str, text: str) -> str:
    """Set one of the hook's own (unexported) variables."""
    return {"fish": f"set -g {name} '{text}'", "pwsh": f"$global:{name} = '{text}'"}.get(
        shell, f"{name}='{text}'")


def copy_hook_global(shell: str, name: str, source: str) -> str:
    return {"fish": f"set -g {name} ${source}", "pwsh": f"$global:{name} = $global:{source}"}.get(
        shell, f"{name}=${source}")


def command_path(s: ShellSession, name: str) -> str:
    """The program the shell itself would run for `name`."""
    if s.shell == "pwsh":
        return value(s, f"(Get-Command {name}).Source")
    out = s.tmp / "command-path.txt"
    s.run(f"command -v {name} > '{out}'")
    return out.read_text().strip()


def activate_script(shell: str, venv: Path) -> str:
    """The line that runs the venv's own activate script."""
    if shell == "pwsh":  # uv writes activate.ps1, the venv module Activate.ps1
        script = next(p for p in (venv / "bin").iterdir() if p.name.lower() == "activate.ps1")
        return f"& '{script}'"
    return f"source '{venv}/bin/activate" + (".fish'" if shell == "fish" else "'")


def printed(s: ShellSession, command: str) -> str:
    """What `command` printed, without a line editor's control sequences (PSReadLine)."""
    return ANSI.sub("", s.run(command)).strip()


def still_alive(s: ShellSession) -> None:
    """The shell reads, runs and prints (the typed line does not hold the text it prints)."""
    out = s.run("'still' + '-alive'" if s.shell == "pwsh" else "echo still-al''ive")
    assert out.count("still-alive") == 1, s.transcript[-2000:]


# --- The scenarios ---------------------------------------------------------------------------

def test_cd_activates_and_leaving_restores_exactly(tmp_path, open_shell, shell_name):
    proj = project(tmp_path)
    (proj / "src" / "pkg").mkdir(parents=True)
    s = open_shell(shell_name)
    before = s.environ_sans_cwd()
    prompt_before = s.prompt()
    s.run(f"cd '{proj}'")
    inside = s.environ()
    venv = str(proj / ".venv")
    assert inside["VIRTUAL_ENV"] == venv
    assert inside["PATH"] == f"{venv}/bin:" + before["PATH"]
    assert inside["VIRTUAL_ENV_PROMPT"] == "proj"
    assert s.prompt() == "(proj) " + prompt_before
    assert command_path(s, "python") == f"{venv}/bin/python"
    s.run("cd src/pkg")
    assert s.environ()["VIRTUAL_ENV"] == venv
    s.run("cd /")
    assert s.environ_sans_cwd() == before
    assert s.prompt() == prompt_before


def test_user_path_edit_inside_survives_leaving(tmp_path, open_shell, shell_name):
    proj = project(tmp_path)
    s = open_shell(shell_name)
    before = s.environ()["PATH"]
    s.run(f"cd '{proj}'")
    s.run(setenv(shell_name, "PATH", {"fish": "/opt/mine $PATH",
                                      "pwsh": "'/opt/mine:' + $env:PATH"}.get(shell_name, '"/opt/mine:$PATH"')))
    s.run("cd /")
    assert s.environ()["PATH"] == "/opt/mine:" + before


def test_nested_and_sibling_projects(tmp_path, open_shell, shell_name):
    outer = project(tmp_path, "outer")
    inner = project(tmp_path, "outer/inner")
    sibling = project(tmp_path, "sibling")
    s = open_shell(shell_name)
    before = s.environ_sans_cwd()
    prompt_before = s.prompt()
    s.run(f"cd '{outer}'")
    assert s.environ()["VIRTUAL_ENV"] == str(outer / ".venv")
    s.run("cd inner")
    env = s.environ()
    assert env["VIRTUAL_ENV"] == str(inner / ".venv")
    assert env["PATH"] == f"{inner}/.venv/bin:" + before["PATH"]
    s.run("cd ..")
    assert s.environ()["VIRTUAL_ENV"] == str(outer / ".venv")
    s.run("cd ../sibling")
    env = s.environ()
    assert env["VIRTUAL_ENV"] == str(sibling / ".venv")
    assert env["PATH"] == f"{sibling}/.venv/bin:" + before["PATH"]
    assert s.prompt() == "(sibling) " + prompt_before
    s.run("cd /")
    assert s.environ_sans_cwd() == before


def test_untrusted_not_activated_until_allowed_and_hint_once(tmp_path, open_shell, shell_name):
    proj = project(tmp_path, allow=False)
    s = open_shell(shell_name)
    before = s.environ_sans_cwd()
    s.run(f"cd '{proj}'")
    # Said at the prompt after the command (the hook runs there), before the prompt's text.
    assert "not activating" in s.prompt_lead
    assert f"autovenv allow {proj}" in s.prompt_lead.replace("\r\n", "")
    assert "VIRTUAL_ENV" not in s.environ()
    s.run("cd .")
    s.run(f"cd / ; cd '{proj}'")
    assert s.transcript.count("not activating") == 1
    assert s.environ_sans_cwd() == before
    s.run("autovenv allow")
    assert s.environ()["VIRTUAL_ENV"] == str(proj / ".venv")
    s.run("autovenv deny")
    assert "VIRTUAL_ENV" not in s.environ()


@pytest.mark.parametrize("maker", ["uv", "venv"])
def test_hand_activated_venv_left_alone_until_its_deactivate(tmp_path, open_shell, shell_name, maker):
    proj = project(tmp_path)
    other = tmp_path / "other"
    if maker == "venv":  # the standard library's activate scripts
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(other)], check=True)
    else:
        make_venv(other)
    s = open_shell(shell_name)
    s.run(activate_script(shell_name, other))
    activated = s.environ()
    assert activated["VIRTUAL_ENV"] == str(other)
    s.run(f"cd '{proj}'")
    env = s.environ()
    assert env["VIRTUAL_ENV"] == str(other)
    assert env["PATH"] == activated["PATH"]
    s.run("cd /")
    s.run(f"cd '{proj}'")
    assert s.transcript.count("activated by hand") == 1
    # Its own deactivate still works, and autovenv takes over at the next prompt.
    s.run("deactivate")
    assert s.environ().get("VIRTUAL_ENV") == str(proj / ".venv"), s.transcript[-1500:]


def test_subshell_inherits_and_deactivates(tmp_path, open_shell, shell_name):
    proj = project(tmp_path)
    s = open_shell(shell_name)
    before = s.environ()
    s.run(f"cd '{proj}'")
    # A nested interactive shell of the same kind, started inside the project.
    inner = ShellSession(shell_name, tmp_path, env={**s.env}, cwd=proj)
    try:
        inner_env = inner.environ()
        assert inner_env["VIRTUAL_ENV"] == str(proj / ".venv")
        inner.run("cd /")
        after = inner.environ()
        for key in ("PATH", "VIRTUAL_ENV", "VIRTUAL_ENV_PROMPT"):
            assert after.get(key) == before.get(key)
    finally:
        inner.close()


def test_exported_state_lets_a_fresh_shell_deactivate(tmp_path, open_shell, shell_name):
    """Like `exec zsh` inside a project: the new shell inherits only the exported variables."""
    proj = project(tmp_path)
    s = open_shell(shell_name)
    before = s.environ()
    s.run(f"cd '{proj}'")
    inherited = s.environ()
    fresh = ShellSession(shell_name, tmp_path, env=inherited, cwd=proj)
    try:
        started = fresh.environ()
        assert started["VIRTUAL_ENV"] == str(proj / ".venv")
        fresh.run("cd /")
        after = fresh.environ()
        # Only the venv's entry goes (pwsh puts its own directory in front once more at start).
        assert after["PATH"] == started["PATH"].replace(f"{proj}/.venv/bin:", "", 1)
        if shell_name != "pwsh":
            assert after["PATH"] == before["PATH"]
        assert "VIRTUAL_ENV" not in after and "AUTOVENV_VENV" not in after
    finally:
        fresh.close()


def test_helper_failure_warns_once_and_prompt_keeps_working(tmp_path, open_shell, shell_name):
    proj = project(tmp_path)
    s = open_shell(shell_name)
    # Point the hook at an interpreter that does not exist (autovenv uninstalled under it).
    s.run(set_hook_global(shell_name, "_autovenv_python", "/nonexistent/python"))
    for _ in range(3):
        s.run(f"cd '{proj}'")
        s.run("cd /")
    still_alive(s)
    assert s.transcript.count("the hook failed") == 1
    assert "VIRTUAL_ENV" not in s.environ()


def test_helper_error_reported_once_then_recovery(tmp_path, open_shell, shell_name):
    """The helper itself fails (exit 1 with its own message): that message is on screen once,
    then the hook's warning; once the helper works again, so does activation."""
    proj = project(tmp_path)
    broken = tmp_path / "broken-helper.py"
    broken.write_text("import sys\nsys.stderr.write('autovenv: internal error (Boom); please report it\\n')\n"
                      "sys.exit(1)\n")
    s = open_shell(shell_name)
    s.run(copy_hook_global(shell_name, "_autovenv_good", "_autovenv_helper"))
    s.run(set_hook_global(shell_name, "_autovenv_helper", str(broken)))
    for _ in range(3):
        s.run(f"cd '{proj}'")
        s.run("cd /")
    assert s.transcript.count("internal error (Boom)") == 1
    assert s.transcript.count("the hook failed (exit 1)") == 1
    s.run(copy_hook_global(shell_name, "_autovenv_helper", "_autovenv_good"))
    s.run(f"cd '{proj}'")
    assert s.environ()["VIRTUAL_ENV"] == str(proj / ".venv")


def test_creation_on_cd_with_the_notice_on_screen(tmp_path, open_shell, shell_name):
    proj = tmp_path / "fresh"
    proj.mkdir()
    (proj / "pyproject.toml").write_text("[project]\nname = 'fresh'\n")
    # AUTOVENV_CONFIG="" turns creation back on (the harness turns it off by default).
    s = open_shell(shell_name, env={"AUTOVENV_CONFIG": ""})
    s.run(f"cd '{proj}'", timeout=120)
    venv = proj / ".venv"
    # Said at the prompt after the command (the hook runs there), before the prompt's text.
    assert f"created {venv}" in s.prompt_lead, s.transcript[-3000:]
    env = s.environ()
    assert env["VIRTUAL_ENV"] == str(venv)
    assert env["PATH"].startswith(f"{venv}/bin:")
    assert "Traceback" not in s.transcript


def test_disable_deactivates_at_next_prompt_and_back(tmp_path, open_shell, shell_name):
    proj = project(tmp_path)
    s = open_shell(shell_name)
    before = s.environ()
    s.run(f"cd '{proj}'")
    s.run(setenv(shell_name, "AUTOVENV_DISABLE", "'1'"))
    env = s.environ()
    assert "VIRTUAL_ENV" not in env
    assert env["PATH"] == before["PATH"]
    s.run(unsetenv(shell_name, "AUTOVENV_DISABLE"))
    assert s.environ()["VIRTUAL_ENV"] == str(proj / ".venv")


def test_venv_removed_while_inside_deactivates(tmp_path, open_shell, shell_name):
    proj = project(tmp_path)
    s = open_shell(shell_name)
    before = s.environ()
    s.run(f"cd '{proj}'")
    s.run("rm -rf .venv")
    env = s.environ()
    assert "VIRTUAL_ENV" not in env
    assert env["PATH"] == before["PATH"]


@pytest.mark.parametrize("shell_name", SHELLS)  # hash tables: PowerShell has none to turn off
def test_rehash_with_hashing_off_and_errexit(tmp_path, open_shell, shell_name):
    """Activation resets the command hash table; that must not fail when hashing is off."""
    strict = {"bash": "set +h", "zsh": "unsetopt hash_cmds hash_dirs", "fish": ""}[shell_name]
    proj = project(tmp_path)
    s = open_shell(shell_name, rc=rc_text(shell_name, before=strict))
    s.run(f"cd '{proj}'")
    assert s.environ()["VIRTUAL_ENV"] == str(proj / ".venv")
    still_alive(s)
    assert "hashing disabled" not in s.transcript


def test_python_resolves_to_the_venv_after_cd_even_if_hashed(tmp_path, open_shell, shell_name):
    proj = project(tmp_path)
    s = open_shell(shell_name, env={"PATH": f"{tmp_path}/fakebin:/usr/local/bin:/usr/bin:/bin"})
    fake = tmp_path / "fakebin"
    fake.mkdir()
    (fake / "python").write_text("#!/bin/sh\necho outside\n")
    (fake / "python").chmod(0o755)
    assert printed(s, "python").endswith("outside")  # now hashed by bash/zsh
    s.run(f"cd '{proj}'")
    assert printed(s, "python -c 'import sys; print(sys.prefix)'").endswith(str(proj / ".venv"))


def test_deleted_current_directory_keeps_the_shell_working(tmp_path, open_shell, shell_name):
    proj = project(tmp_path)
    (proj / "sub").mkdir()
    s = open_shell(shell_name)
    s.run(f"cd '{proj}/sub'")
    s.run(f"rm -rf '{proj}/sub'")
    s.run("autovenv status")  # any autovenv command makes the next prompt ask the helper
    assert "no longer exists" in s.transcript
    assert s.environ()["VIRTUAL_ENV"] == str(proj / ".venv")
    still_alive(s)
    assert "Traceback" not in s.transcript
