"""Every value the helper prints is data in the real shell that evaluates it."""

from __future__ import annotations

import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autovenv.hook import plan, shells
from tests.shells.harness import require_shell

HOSTILE = [
    "$(touch canary)", "`touch canary`", "it's \"quoted\"", "semi;touch canary;", "a&b|c",
    "new\nline", "tab\there", "*?[glob]", "~tilde", "100% %n %{", "back\\slash\\n", "-dash",
    "é日本🐍", "$HOME ${PATH} $'x'", "!!", "'", "''", "\\'", "'\\''", "", " lead space ",
    "{a,b}", "%%", "\\", "end\\",
]

# Values in environment variables: no NUL, no lone surrogates (the helper never prints those).
env_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\0"), max_size=40)


def roundtrip(shell: str, value: str, tmp_path) -> str:
    adapter = shells.get(shell)
    script = "\n".join(adapter.render([plan.Set("AV_TEST", value)]))
    path = tmp_path / "script"
    path.write_bytes(script.encode("utf-8", "surrogateescape"))
    exe = require_shell(shell)
    r = subprocess.run([exe, "-c", f'source {path}; printf %s "$AV_TEST"'], capture_output=True, cwd=tmp_path,
                       env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"})
    assert r.returncode == 0, r.stderr
    assert not (tmp_path / "canary").exists()
    return r.stdout.decode("utf-8", "surrogateescape")


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_round_trip(shell, value, tmp_path):
    assert roundtrip(shell, value, tmp_path) == value


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=env_text)
def test_any_value_round_trips(shell, value, tmp_path):
    assert roundtrip(shell, value, tmp_path) == value


def test_zsh_rc_quotes_does_not_change_meaning():
    """zsh's RC_QUOTES gives '' a meaning inside quotes; our quoting never produces it there."""
    adapter = shells.get("zsh")
    for value in ["'", "a''b", "''", "x'"]:
        line = adapter.set_env("AV_TEST", value)
        r = subprocess.run([require_shell("zsh"), "-f", "-c", f"setopt rcquotes; {line}; printf %s \"$AV_TEST\""],
                           capture_output=True, text=True)
        assert r.stdout == value


def test_fish_path_is_a_list():
    line = shells.get("fish").set_env("PATH", "/a b:/c'd")
    assert line == "set -gx PATH '/a b' '/c\\'d'"


def test_unknown_shell_is_a_key_error():
    with pytest.raises(KeyError):
        shells.get("cmd.exe")
    assert shells.get("BASH.EXE").name == "bash"


# Path components: anything but "/" and NUL (and no lone surrogates: paths the helper prints).
component = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\0/"),
                    min_size=1, max_size=12).filter(lambda s: s not in (".", ".."))


def fish_scope_match(scope: str, paths: list[str], tmp_path) -> list[str]:
    """What fish's `string match` makes of each path with the helper's regex for `scope`:
    'd1|d2|deeper', or 'no' when it does not match."""
    lines = shells.get("fish").scope(scope)
    body = "\n".join(lines) + "\n" + "\n".join(
        f"if string match -qr -- $_autovenv_scope_re {shells.get('fish').quote(p)}\n"
        "    printf '%s|%s|%s\\0' \"$_autovenv_d1\" \"$_autovenv_d2\" \"$_autovenv_deeper\"\n"
        "else\n    printf 'no\\0'\nend" for p in paths)
    script = tmp_path / "script.fish"
    script.write_bytes(body.encode("utf-8", "surrogateescape"))
    r = subprocess.run([require_shell("fish"), "--no-config", str(script)], capture_output=True, cwd=tmp_path,
                       env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LANG": "C.UTF-8"})
    assert r.returncode == 0, r.stderr
    assert not (tmp_path / "canary").exists()
    return r.stdout.decode("utf-8", "surrogateescape").split("\0")[:-1]


def check_scope_regex(name: str, tmp_path) -> None:
    scope = f"/tmp/{name}"
    a, b, c = f"{scope}/{name}", f"{scope}/{name}/x", f"{scope}/{name}/x/{name}/y"
    got = fish_scope_match(scope, [a, b, c, scope, f"{scope}x/y", f"/tmp/x{name}/y", "/tmp"], tmp_path)
    assert got == [f"{a}||", f"{a}|{b}|", f"{a}|{b}|/{name}/y", "||", "no", "no", "no"]


@pytest.mark.parametrize("name", [h for h in HOSTILE if h and "/" not in h and h not in (".", "..")])
def test_fish_scope_regex_names_the_levels_below_a_hostile_scope(name, tmp_path):
    check_scope_regex(name, tmp_path)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=component)
def test_fish_scope_regex_holds_for_any_directory_name(name, tmp_path):
    check_scope_regex(name, tmp_path)


def test_fish_scope_regex_for_the_root_and_for_nowhere(tmp_path):
    assert fish_scope_match("/", ["/", "/a", "/a/b", "/a/b/c"], tmp_path) == ["||", "/a||", "/a|/a/b|", "/a|/a/b|/c"]
    assert fish_scope_match("", ["/", "/a", "/a/b"], tmp_path) == ["no", "no", "no"]
