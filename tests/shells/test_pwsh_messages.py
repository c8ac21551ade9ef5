"""What autovenv says reaches the screen of an interactive pwsh, read from tmux as a person sees it.

Inside the prompt function PowerShell swallows a native command's stderr; the snippet starts
the helper through .NET with the terminal as its stderr. The messages in the terminal's byte
stream are checked for every shell alike in tests/shells/test_activation.py.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time

from tests.shells.harness import AUTOVENV, BASE_PATH, PWSH_PROFILE, rc_text, require_shell, require_tool
from tests.shells.test_activation import project


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
