"""What autovenv says reaches the terminal of an interactive pwsh, as it does in bash.

Inside the prompt function PowerShell swallows a native command's stderr; the snippet starts
the helper through .NET with the terminal as its stderr. The transcript is the terminal's
byte stream; one test reads tmux's screen, as a person would.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import pytest

from tests.conftest import make_venv
from tests.shells.harness import AUTOVENV, BASE_PATH, PWSH_PROFILE, rc_text, require_shell, require_tool
from tests.shells.test_pwsh_activation import project


def test_untrusted_hint_shown_once(tmp_path, open_shell):
    proj = project(tmp_path, allow=False)
    s = open_shell("pwsh")
    s.run(f"cd '{proj}'")
    # Said at the prompt after the command (the hook runs there), before the prompt's text.
    assert "not activating" in s.prompt_lead
    assert f"autovenv allow {proj}" in s.prompt_lead.replace("\r\n", "")
    s.run("cd .")
    s.run(f"cd / ; cd '{proj}'")
    assert s.transcript.count("not activating") == 1
    assert "VIRTUAL_ENV" not in s.environ()


def test_creation_on_cd_with_the_notice_on_screen(tmp_path, open_shell):
    proj = tmp_path / "fresh"
    proj.mkdir()
    (proj / "pyproject.toml").write_text("[project]\nname = 'fresh'\n")
    # AUTOVENV_CONFIG="" turns creation back on (the harness turns it off by default).
    s = open_shell("pwsh", env={"AUTOVENV_CONFIG": ""})
    s.run(f"cd '{proj}'", timeout=120)
    venv = proj / ".venv"
    assert f"created {venv}" in s.prompt_lead, s.transcript[-3000:]
    env = s.environ()
    assert env["VIRTUAL_ENV"] == str(venv)
    assert env["PATH"].startswith(f"{venv}/bin:")
    assert "Traceback" not in s.transcript


@pytest.mark.parametrize("maker", ["venv", "uv"])
def test_hand_activated_venv_respected(tmp_path, open_shell, maker):
    proj = project(tmp_path)
    other = tmp_path / "other"
    if maker == "venv":  # the standard library's Activate.ps1
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(other)], check=True)
        script = other / "bin" / "Activate.ps1"
    else:
        make_venv(other)
        script = other / "bin" / "activate.ps1"
    s = open_shell("pwsh")
    s.run(f"& '{script}'")
    activated = s.environ()
    assert activated["VIRTUAL_ENV"] == str(other)
    s.run(f"cd '{proj}'")
    env = s.environ()
    assert env["VIRTUAL_ENV"] == str(other)
    assert env["PATH"] == activated["PATH"]
    s.run("cd / ; $null")
    s.run(f"cd '{proj}'")
    assert s.transcript.count("activated by hand") == 1
    # Its own deactivate still works, and autovenv takes over at the next prompt.
    s.run("deactivate")
    assert s.environ().get("VIRTUAL_ENV") == str(proj / ".venv"), s.transcript[-1500:]


def test_helper_failure_warned_once_and_the_shell_stays_usable(tmp_path, open_shell):
    proj = project(tmp_path)
    s = open_shell("pwsh")
    # The interpreter the hook was made with is gone (autovenv uninstalled under the shell).
    s.run("$global:_autovenv_python = '/nonexistent/python'")
    for _ in range(3):
        s.run(f"cd '{proj}'")
        s.run("cd /")
    assert s.run("'still' + '-alive'").count("still-alive") == 1
    assert s.transcript.count("the hook failed") == 1
    assert "VIRTUAL_ENV" not in s.environ()


def test_helper_error_reported_once_then_recovery(tmp_path, open_shell):
    """The helper itself fails (exit 1 with its own message): that message is on screen once,
    then the hook's warning; once the helper works again, so does activation."""
    proj = project(tmp_path)
    broken = tmp_path / "broken-helper.py"
    broken.write_text("import sys\nsys.stderr.write('autovenv: internal error (Boom); please report it\\n')\n"
                      "sys.exit(1)\n")
    s = open_shell("pwsh")
    s.run(f"$global:_autovenv_good = $global:_autovenv_helper; $global:_autovenv_helper = '{broken}'")
    for _ in range(3):
        s.run(f"cd '{proj}'")
        s.run("cd /")
    assert s.transcript.count("internal error (Boom)") == 1
    assert s.transcript.count("the hook failed (exit 1)") == 1
    s.run("$global:_autovenv_helper = $global:_autovenv_good")
    s.run(f"cd '{proj}'")
    assert s.environ()["VIRTUAL_ENV"] == str(proj / ".venv")


def test_the_hint_is_on_the_screen_in_tmux(tmp_path):
    """As a person sees it: pwsh in a real terminal emulator (tmux), the screen read back."""
    tmux = require_tool("tmux")
    pwsh = require_shell("pwsh")
    proj = project(tmp_path, allow=False)
    home = tmp_path / "home"
    profile = home / ".config" / "powershell" / PWSH_PROFILE
    profile.parent.mkdir(parents=True)
    profile.write_text(rc_text("pwsh"))
    env = {"HOME": str(home), "PATH": BASE_PATH, "TERM": "xterm-256color", "LANG": "C.UTF-8",
           "XDG_CONFIG_HOME": str(home / ".config"), "XDG_DATA_HOME": str(home / ".local/share"),
           "AUTOVENV_DATA_DIR": str(tmp_path / "autovenv-data"), "AUTOVENV_CONFIG": "",
           "TMUX_TMPDIR": str(tmp_path)}
    session = f"av{os.getpid()}"
    base = [tmux, "-f", "/dev/null"]
    subprocess.run(base + ["new-session", "-d", "-s", session, "-x", "200", "-y", "50", pwsh, "-NoLogo"],
                   env=env, check=True, cwd=str(tmp_path))
    try:
        def screen() -> str:
            return subprocess.run(base + ["capture-pane", "-p", "-J", "-t", session], env=env,
                                  capture_output=True, text=True, check=True).stdout

        def wait_for(text: str) -> str:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                shown = screen()
                if text in shown:
                    return shown
                time.sleep(0.1)
            raise AssertionError(f"{text!r} never appeared on screen:\n{screen()}")

        wait_for("PROMPT> ")
        subprocess.run(base + ["send-keys", "-t", session, "-l", f"cd '{proj}'"], env=env, check=True)
        subprocess.run(base + ["send-keys", "-t", session, "Enter"], env=env, check=True)
        shown = wait_for("autovenv allow")
        assert f"not activating {proj}/.venv" in shown
        assert shown.rstrip().endswith("PROMPT>")
    finally:
        subprocess.run(base + ["kill-server"], env=env, capture_output=True)
    assert shutil.which(AUTOVENV.rsplit("/", 1)[0] + "/autovenv")
