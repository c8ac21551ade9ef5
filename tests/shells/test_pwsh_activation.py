"""The core scenarios in a real interactive PowerShell (pwsh -NoLogo, PSReadLine, $PROFILE)."""

from __future__ import annotations

from pathlib import Path

from autovenv.hook.trust import TrustStore
from tests.conftest import make_venv
from tests.shells.harness import ShellSession


def project(root: Path, name: str = "proj", allow: bool = True) -> Path:
    p = root / name
    p.mkdir(parents=True)
    (p / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    make_venv(p / ".venv")
    if allow:
        TrustStore({"AUTOVENV_DATA_DIR": str(root / "autovenv-data")}).allow(str(p / ".venv"))
    return p


def value(s: ShellSession, expression: str) -> str:
    """What a PowerShell expression evaluates to in the session, as text (through a file)."""
    out = s.tmp / "value.txt"
    s.run(f"[IO.File]::WriteAllText('{out}', [string]$({expression}))")
    return out.read_text(encoding="utf-8")


def test_cd_activates_and_leaving_restores_exactly(tmp_path, open_shell):
    proj = project(tmp_path)
    (proj / "src" / "pkg").mkdir(parents=True)
    s = open_shell("pwsh")
    before = s.environ_sans_cwd()
    prompt_before = s.prompt()
    s.run(f"cd '{proj}'")
    inside = s.environ()
    venv = str(proj / ".venv")
    assert inside["VIRTUAL_ENV"] == venv
    assert inside["PATH"] == f"{venv}/bin:" + before["PATH"]
    assert inside["VIRTUAL_ENV_PROMPT"] == "proj"
    assert s.prompt() == "(proj) " + prompt_before
    # The command PowerShell itself would run.
    assert value(s, "(Get-Command python).Source") == f"{venv}/bin/python"
    s.run("cd src/pkg")
    assert s.environ()["VIRTUAL_ENV"] == venv
    s.run("cd /")
    assert s.environ_sans_cwd() == before
    assert s.prompt() == prompt_before


def test_nested_and_sibling_projects(tmp_path, open_shell):
    outer = project(tmp_path, "outer")
    inner = project(tmp_path, "outer/inner")
    sibling = project(tmp_path, "sibling")
    s = open_shell("pwsh")
    before = s.environ_sans_cwd()
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
    assert s.prompt() == "(sibling) PROMPT> "
    s.run("cd /")
    assert s.environ_sans_cwd() == before


def test_disable_deactivates_at_next_prompt_and_back(tmp_path, open_shell):
    proj = project(tmp_path)
    s = open_shell("pwsh")
    before = s.environ()
    s.run(f"cd '{proj}'")
    s.run("$env:AUTOVENV_DISABLE = '1'")
    env = s.environ()
    assert "VIRTUAL_ENV" not in env
    assert env["PATH"] == before["PATH"]
    s.run("Remove-Item Env:AUTOVENV_DISABLE")
    assert s.environ()["VIRTUAL_ENV"] == str(proj / ".venv")


def test_untrusted_shipped_venv_not_activated_until_allowed(tmp_path, open_shell):
    proj = project(tmp_path, allow=False)
    s = open_shell("pwsh")
    before = s.environ_sans_cwd()
    s.run(f"cd '{proj}'")
    assert "VIRTUAL_ENV" not in s.environ()
    s.run("cd .")
    s.run(f"cd / ; cd '{proj}'")
    assert s.environ_sans_cwd() == before
    s.run("autovenv allow")
    assert s.environ()["VIRTUAL_ENV"] == str(proj / ".venv")
    s.run("autovenv deny")
    assert "VIRTUAL_ENV" not in s.environ()


def test_venv_removed_while_inside_deactivates(tmp_path, open_shell):
    proj = project(tmp_path)
    s = open_shell("pwsh")
    before = s.environ()
    s.run(f"cd '{proj}'")
    s.run("Remove-Item -Recurse -Force .venv")
    env = s.environ()
    assert "VIRTUAL_ENV" not in env
    assert env["PATH"] == before["PATH"]
