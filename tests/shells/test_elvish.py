"""elvish: its adapter's quoting through the real shell, and the core scenarios in a real REPL.

(elvish's syntax differs from the other shells' in every command a scenario types, so its
scenarios are written here in elvish rather than branched into the shared table.)
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from autovenv.hook import plan, shells
from tests.shells.harness import ShellSession, rc_text, require_shell
from tests.shells.test_activation import project
from tests.test_quoting import HOSTILE, env_text


def roundtrip(value: str, tmp_path: Path) -> tuple[str, list[str]]:
    """Set an env var and a snippet list the way the hook evaluates them; read both back."""
    adapter = shells.get("elvish")
    script = "\n".join(adapter.render([plan.Set("AV_TEST", value)])
                       + adapter.set_local("_autovenv_watch", [value, "x", value]))
    (tmp_path / "answer").write_bytes(script.encode("utf-8"))
    code = ("eval (slurp < answer) &ns=(ns [&]) &on-end={|n| "
            "print $E:AV_TEST > env.out; print &sep=\"\\x00\" (all $n[_autovenv_watch]) > list.out }")
    r = subprocess.run([require_shell("elvish"), "-norc", "-c", code], capture_output=True,
                       cwd=tmp_path, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
                                          "LANG": "C.UTF-8"})
    assert r.returncode == 0, r.stderr
    assert not (tmp_path / "canary").exists()
    listed = (tmp_path / "list.out").read_bytes().decode().split("\0")
    return (tmp_path / "env.out").read_bytes().decode(), listed


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_round_trip(value, tmp_path):
    assert roundtrip(value, tmp_path) == (value, [value, "x", value])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=env_text)
def test_any_value_round_trips(value, tmp_path):
    assert roundtrip(value, tmp_path) == (value, [value, "x", value])


def test_cd_activates_and_leaving_restores_exactly(tmp_path, open_shell):
    proj = project(tmp_path)
    s = open_shell("elvish")
    before = s.environ_sans_cwd()
    prompt_before = s.prompt()
    s.run(f"cd {proj}")
    inside = s.environ()
    venv = str(proj / ".venv")
    assert inside["VIRTUAL_ENV"] == venv
    assert inside["PATH"] == f"{venv}/bin:" + before["PATH"]
    assert inside["VIRTUAL_ENV_PROMPT"] == "proj"
    assert s.prompt() == "(proj) " + prompt_before
    assert s.run("echo (search-external python)").strip().endswith(f"{venv}/bin/python")
    s.run("cd /")
    assert s.environ_sans_cwd() == before
    assert s.prompt() == prompt_before


def test_user_path_edit_inside_survives_leaving(tmp_path, open_shell):
    proj = project(tmp_path)
    s = open_shell("elvish")
    before = s.environ()["PATH"]
    s.run(f"cd {proj}")
    s.run("set-env PATH /opt/mine:$E:PATH")
    s.run("cd /")
    assert s.environ()["PATH"] == "/opt/mine:" + before


def test_untrusted_message_once_then_allow_and_deny(tmp_path, open_shell):
    proj = project(tmp_path, allow=False)
    s = open_shell("elvish")
    s.run(f"cd {proj}")
    assert "VIRTUAL_ENV" not in s.environ()
    s.run("cd .")
    s.run(f"cd /; cd {proj}")
    assert s.transcript.count("not activating") == 1
    s.run("autovenv allow")
    assert s.environ()["VIRTUAL_ENV"] == str(proj / ".venv")
    s.run("autovenv deny")
    assert "VIRTUAL_ENV" not in s.environ()


def test_disable_and_hand_activation(tmp_path, open_shell):
    proj = project(tmp_path)
    s = open_shell("elvish")
    before = s.environ()
    s.run(f"cd {proj}")
    s.run("set-env AUTOVENV_DISABLE 1")
    env = s.environ()
    assert "VIRTUAL_ENV" not in env and env["PATH"] == before["PATH"]
    s.run("unset-env AUTOVENV_DISABLE")
    assert s.environ()["VIRTUAL_ENV"] == str(proj / ".venv")
    s.run("cd /; set-env VIRTUAL_ENV /elsewhere")
    s.run(f"cd {proj}")
    assert s.environ()["VIRTUAL_ENV"] == "/elsewhere"
    assert s.transcript.count("activated by hand") == 1


def test_fresh_shell_inherits_and_deactivates(tmp_path, open_shell):
    proj = project(tmp_path)
    s = open_shell("elvish")
    before = s.environ()
    s.run(f"cd {proj}")
    fresh = ShellSession("elvish", tmp_path, env=s.environ(), cwd=proj)
    try:
        assert fresh.environ()["VIRTUAL_ENV"] == str(proj / ".venv")
        fresh.run("cd /")
        after = fresh.environ()
        assert after["PATH"] == before["PATH"]
        assert "VIRTUAL_ENV" not in after and "AUTOVENV_VENV" not in after
    finally:
        fresh.close()


def test_venv_removed_while_inside_deactivates(tmp_path, open_shell):
    proj = project(tmp_path)
    s = open_shell("elvish")
    before = s.environ()
    s.run(f"cd {proj}")
    s.run("rm -rf .venv")
    env = s.environ()
    assert "VIRTUAL_ENV" not in env and env["PATH"] == before["PATH"]


def test_helper_failure_warns_once_and_prompt_keeps_working(tmp_path, open_shell):
    """The hook's variables live in its own namespace: load it with a missing interpreter."""
    proj = project(tmp_path)
    hook = tmp_path / "hook.elv"
    hook.write_text(shells.get("elvish").hook_text("/nonexistent/python"))
    s = open_shell("elvish", rc=rc_text("elvish", hook=f"eval (slurp < {hook})"))
    for _ in range(3):
        s.run(f"cd {proj}")
        s.run("cd /")
    assert s.run("echo still-alive").strip().endswith("still-alive")
    assert s.transcript.count("the hook failed") == 1


def test_loading_twice_keeps_one_hook(tmp_path, open_shell):
    proj = project(tmp_path)
    rc = rc_text("elvish", before=rc_text("elvish").splitlines()[-1])
    s = open_shell("elvish", rc=rc)
    s.run("echo (count $edit:before-readline) > count.out")
    assert (tmp_path / "count.out").read_text().strip() == "1"
    s.run(f"cd {proj}")
    assert s.prompt() == "(proj) PROMPT> "
