"""The user's own profile: their prompt function, the $? and $LASTEXITCODE it sees, and
Set-StrictMode -Version Latest around the hook."""

from __future__ import annotations

import pytest

from tests.shells.harness import rc_text, value
from tests.shells.test_activation import project

# A prompt that shows what it was handed, and writes part of itself to the host first.
USER_PROMPT = """function prompt {
    $status = "[$?|$LASTEXITCODE] "
    Write-Host -NoNewline 'user:'
    $status + 'PROMPT> '
}
$global:LASTEXITCODE = 0
"""


def shown(s) -> str:
    """The prompt line the user saw last, before its 'PROMPT> '."""
    from tests.shells.harness import ANSI

    return ANSI.sub("", s.prompt_lead).replace("\r", "").rpartition("\n")[2]


@pytest.mark.parametrize("strict", [False, True])
def test_user_prompt_kept_with_its_status(tmp_path, open_shell, strict):
    proj = project(tmp_path)
    before = "Set-StrictMode -Version Latest\n" if strict else ""
    s = open_shell("pwsh", rc=rc_text("pwsh", before=before).replace("function prompt { 'PROMPT> ' }", USER_PROMPT))
    s.run_bare("$null")
    assert shown(s) == "user:[True|0] "
    s.run_bare("/bin/false")
    assert shown(s) == "user:[False|1] "
    # A boundary cd and a failing command on one line: the hook runs the helper at this
    # prompt, and the prompt still sees the command's status and exit code.
    s.run_bare(f"cd '{proj}'; /bin/sh -c 'exit 3'")
    assert shown(s) == "(proj) user:[False|3] "
    s.run_bare("Write-Error oops -ErrorAction SilentlyContinue")
    assert shown(s) == "(proj) user:[False|3] "
    s.run_bare("$true")
    assert shown(s) == "(proj) user:[True|3] "
    s.run_bare("cd /")
    assert shown(s) == "user:[True|3] "
    assert value(s, "$env:VIRTUAL_ENV") == ""


def test_strict_mode_profile(tmp_path, open_shell):
    """Every path of the hook under Set-StrictMode -Version Latest: activation, a sibling, the
    in-scope walk (probes and globs), leaving, an untrusted venv, a helper failure; nothing
    it does leaves an error behind ($Error stays empty)."""
    proj = project(tmp_path)
    (proj / "a" / "b").mkdir(parents=True)
    untrusted = project(tmp_path, "untrusted", allow=False)
    plain = tmp_path / "plain" / "deeper"
    plain.mkdir(parents=True)
    s = open_shell("pwsh", rc=rc_text("pwsh", before="Set-StrictMode -Version Latest"))
    # The profile's strict mode holds at the prompt (the probe's own error is then cleared).
    assert value(s, "try { $undefined_x; 'lax' } catch { 'strict' }") == "strict"
    s.run("$Error.Clear()")
    s.run(f"cd '{proj}/a/b'")
    assert value(s, "$env:VIRTUAL_ENV") == str(proj / ".venv")
    s.run("cd ..; cd ..")
    s.run(f"cd '{plain}'")  # outside any project: globs are walked here
    s.run("cd ..")
    s.run(f"cd '{untrusted}'")
    assert "not activating" in s.transcript
    s.run("cd Env:")  # another provider: the file system location still counts
    s.run(f"cd '{proj}'")
    assert value(s, "$env:VIRTUAL_ENV") == str(proj / ".venv")
    assert value(s, "$Error.Count") == "0", value(s, "$Error | Out-String")
    s.run("$global:_autovenv_python = '/nonexistent/python'; cd /")
    assert s.transcript.count("the hook failed") == 1
    assert s.run("'alive' + '!'").count("alive!") == 1
