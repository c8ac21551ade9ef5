"""The core scenarios, run in real interactive bash, zsh and fish."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import make_venv
from tests.shells.harness import ShellSession


def project(root: Path, name: str = "proj", allow: bool = True, shell: ShellSession | None = None) -> Path:
    p = root / name
    p.mkdir(parents=True)
    (p / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    make_venv(p / ".venv")
    if allow:
        from autovenv.hook.trust import TrustStore

        TrustStore({"AUTOVENV_DATA_DIR": str(root / "autovenv-data")}).allow(str(p / ".venv"))
    return p


def test_cd_activates_and_leaving_restores_exactly(tmp_path, open_shell, shell_name):
    proj = project(tmp_path)
    (proj / "src" / "pkg").mkdir(parents=True)
    s = open_shell(shell_name)
    before = s.environ_sans_cwd()
    prompt_before = s.prompt()
    s.run(f"cd {proj}")
    inside = s.environ()
    venv = str(proj / ".venv")
    assert inside["VIRTUAL_ENV"] == venv
    assert inside["PATH"] == f"{venv}/bin:" + before["PATH"]
    assert inside["VIRTUAL_ENV_PROMPT"] == "proj"
    assert s.prompt() == "(proj) " + prompt_before
    assert s.run("command -v python" if shell_name != "fish" else "command -v python").strip().endswith(
        f"{venv}/bin/python")
    s.run("cd src/pkg")
    assert s.environ()["VIRTUAL_ENV"] == venv
    s.run("cd /")
    assert s.environ_sans_cwd() == before
    assert s.prompt() == prompt_before


def test_user_path_edit_inside_survives_leaving(tmp_path, open_shell, shell_name):
    proj = project(tmp_path)
    s = open_shell(shell_name)
    before = s.environ()["PATH"]
    s.run(f"cd {proj}")
    add = "set -gx PATH /opt/mine $PATH" if shell_name == "fish" else 'export PATH="/opt/mine:$PATH"'
    s.run(add)
    s.run("cd /")
    assert s.environ()["PATH"] == "/opt/mine:" + before


def test_switch_between_nested_projects(tmp_path, open_shell, shell_name):
    outer = project(tmp_path, "outer")
    inner = project(tmp_path, "outer/inner")
    s = open_shell(shell_name)
    before = s.environ_sans_cwd()
    s.run(f"cd {outer}")
    assert s.environ()["VIRTUAL_ENV"] == str(outer / ".venv")
    s.run("cd inner")
    env = s.environ()
    assert env["VIRTUAL_ENV"] == str(inner / ".venv")
    assert env["PATH"] == f"{inner}/.venv/bin:" + before["PATH"]
    s.run("cd ..")
    assert s.environ()["VIRTUAL_ENV"] == str(outer / ".venv")
    s.run("cd /")
    assert s.environ_sans_cwd() == before


def test_untrusted_not_activated_until_allowed_and_message_once(tmp_path, open_shell, shell_name):
    proj = project(tmp_path, allow=False)
    s = open_shell(shell_name)
    out = s.run(f"cd {proj}")
    assert "VIRTUAL_ENV" not in s.environ()
    s.run("cd .")
    s.run("true")
    s.run(f"cd / ; cd {proj}")
    assert s.transcript.count("not activating") == 1
    assert "autovenv allow" in s.transcript
    s.run("autovenv allow")
    assert s.environ()["VIRTUAL_ENV"] == str(proj / ".venv")
    s.run("autovenv deny")
    assert "VIRTUAL_ENV" not in s.environ()
    del out


def test_hand_activated_venv_left_alone(tmp_path, open_shell, shell_name):
    proj = project(tmp_path)
    other = make_venv(tmp_path / "other")
    s = open_shell(shell_name)
    activate = f"source {other}/bin/activate" + (".fish" if shell_name == "fish" else "")
    s.run(activate)
    s.run(f"cd {proj}")
    env = s.environ()
    assert env["VIRTUAL_ENV"] == str(other)
    assert str(proj / ".venv/bin") not in env["PATH"]
    s.run("cd / ; true")
    s.run(f"cd {proj}")
    assert s.transcript.count("activated by hand") == 1


def test_subshell_inherits_and_deactivates(tmp_path, open_shell, shell_name):
    proj = project(tmp_path)
    s = open_shell(shell_name)
    before = s.environ()
    s.run(f"cd {proj}")
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
    s.run(f"cd {proj}")
    inherited = s.environ()
    fresh = ShellSession(shell_name, tmp_path, env=inherited, cwd=proj)
    try:
        assert fresh.environ()["VIRTUAL_ENV"] == str(proj / ".venv")
        fresh.run("cd /")
        after = fresh.environ()
        assert after["PATH"] == before["PATH"]
        assert "VIRTUAL_ENV" not in after and "AUTOVENV_VENV" not in after
    finally:
        fresh.close()


def test_helper_failure_warns_once_and_prompt_keeps_working(tmp_path, open_shell, shell_name):
    proj = project(tmp_path)
    s = open_shell(shell_name)
    # Point the hook at an interpreter that does not exist (autovenv uninstalled under it).
    if shell_name == "fish":
        s.run("set -g _autovenv_python /nonexistent/python")
    else:
        s.run("_autovenv_python=/nonexistent/python")
    for _ in range(3):
        s.run(f"cd {proj}")
        s.run("cd /")
    assert s.run("echo still-alive").strip().endswith("still-alive")
    assert s.transcript.count("the hook failed") == 1


def test_disable_deactivates_at_next_prompt(tmp_path, open_shell, shell_name):
    proj = project(tmp_path)
    s = open_shell(shell_name)
    before = s.environ()
    s.run(f"cd {proj}")
    s.run("set -gx AUTOVENV_DISABLE 1" if shell_name == "fish" else "export AUTOVENV_DISABLE=1")
    env = s.environ()
    assert "VIRTUAL_ENV" not in env
    assert env["PATH"] == before["PATH"]
    s.run("set -e AUTOVENV_DISABLE" if shell_name == "fish" else "unset AUTOVENV_DISABLE")
    assert s.environ()["VIRTUAL_ENV"] == str(proj / ".venv")


def test_venv_removed_while_inside_deactivates(tmp_path, open_shell, shell_name):
    proj = project(tmp_path)
    s = open_shell(shell_name)
    before = s.environ()
    s.run(f"cd {proj}")
    s.run("rm -rf .venv")
    env = s.environ()
    assert "VIRTUAL_ENV" not in env
    assert env["PATH"] == before["PATH"]


def test_rehash_with_hashing_off_and_errexit(tmp_path, open_shell, shell_name):
    """Activation resets the command hash table; that must not fail when hashing is off."""
    from tests.shells.harness import rc_text

    strict = {"bash": "set +h", "zsh": "unsetopt hash_cmds hash_dirs", "fish": ""}[shell_name]
    proj = project(tmp_path)
    s = open_shell(shell_name, rc=rc_text(shell_name, before=strict))
    s.run(f"cd {proj}")
    assert s.environ()["VIRTUAL_ENV"] == str(proj / ".venv")
    assert s.run("echo alive").strip().endswith("alive")
    assert "hashing disabled" not in s.transcript


def test_python_resolves_to_the_venv_after_cd_even_if_hashed(tmp_path, open_shell, shell_name):
    proj = project(tmp_path)
    s = open_shell(shell_name, env={"PATH": f"{tmp_path}/fakebin:/usr/local/bin:/usr/bin:/bin"})
    fake = tmp_path / "fakebin"
    fake.mkdir()
    (fake / "python").write_text("#!/bin/sh\necho outside\n")
    (fake / "python").chmod(0o755)
    assert s.run("python").strip().endswith("outside")  # now hashed by bash/zsh
    s.run(f"cd {proj}")
    out = s.run("python -c 'import sys; print(sys.prefix)'")
    assert str(proj / ".venv") in out


def test_deleted_current_directory_keeps_the_shell_working(tmp_path, open_shell, shell_name):
    proj = project(tmp_path)
    (proj / "sub").mkdir()
    s = open_shell(shell_name)
    s.run(f"cd {proj}/sub")
    s.run(f"rm -rf {proj}/sub")
    s.run("autovenv status")  # any autovenv command makes the next prompt ask the helper
    assert "no longer exists" in s.transcript
    assert s.environ()["VIRTUAL_ENV"] == str(proj / ".venv")
    assert s.run("echo alive").strip().endswith("alive")
    assert "Traceback" not in s.transcript
