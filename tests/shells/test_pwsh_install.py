"""`autovenv init pwsh` and `--remove` with a real pwsh reading the $PROFILE in between, and
`autovenv doctor` run from pwsh. (install.sh and its uninstall: tests/test_install.py.)"""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.shells.harness import AUTOVENV, BASE_PATH, PWSH_PROFILE, value
from tests.shells.test_activation import project

# A user's profile: CRLF line ends, no final newline, strict mode, their own prompt.
ORIGINAL = b"Set-StrictMode -Version Latest\r\nfunction prompt { 'PROMPT> ' }\r\n# mine"


def init(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"HOME": str(home), "PATH": f"{Path(AUTOVENV).parent}:{BASE_PATH}",
           "XDG_CONFIG_HOME": str(home / ".config"), "LANG": "C.UTF-8"}
    return subprocess.run([AUTOVENV, "init", "pwsh", *args], env=env, capture_output=True, text=True)


def test_init_then_remove_leaves_the_profile_byte_identical(tmp_path, open_shell):
    home = tmp_path / "home"
    profile = home / ".config" / "powershell" / PWSH_PROFILE
    profile.parent.mkdir(parents=True)
    profile.write_bytes(ORIGINAL)
    proj = project(tmp_path)
    done = init(home)
    assert done.returncode == 0, done.stderr
    text = profile.read_bytes()
    assert text.startswith(ORIGINAL) and b"hook pwsh | Out-String" in text
    # A new pwsh reads it (PATH finds this autovenv: the rc line is the contract's own).
    s = open_shell("pwsh", own_profile=True, env={"PATH": f"{Path(AUTOVENV).parent}:{BASE_PATH}"})
    s.run(f"cd '{proj}'")
    assert value(s, "$env:VIRTUAL_ENV") == str(proj / ".venv")
    assert init(home).returncode == 0 and profile.read_bytes() == text  # a second init: nothing
    done = init(home, "--remove")
    assert done.returncode == 0, done.stderr
    assert profile.read_bytes() == ORIGINAL


def test_doctor_from_pwsh(tmp_path, open_shell):
    home = tmp_path / "home"
    profile = home / ".config" / "powershell" / PWSH_PROFILE
    profile.parent.mkdir(parents=True)
    profile.write_bytes(ORIGINAL)
    assert init(home).returncode == 0
    s = open_shell("pwsh", own_profile=True, env={"PATH": f"{Path(AUTOVENV).parent}:{BASE_PATH}"})
    out = s.run("autovenv doctor; 'doctor-exit=' + $LASTEXITCODE")
    assert "doctor-exit=0" in out, out
    assert "ok    the hook is loaded in this shell" in out
    assert f"ok    hook line in {home}/.config/powershell/{PWSH_PROFILE}" in out
    assert "FAIL" not in out
    # `autovenv hook` with no shell named, from pwsh, prints the PowerShell snippet.
    hook = s.tmp / "hook.txt"
    s.run(f"autovenv hook > '{hook}'")
    assert hook.read_text().startswith("# autovenv hook for PowerShell")
