"""The helper as the snippets run it: a real process, real directories, bad input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from autovenv.hook.shells.base import helper_path
from autovenv.hook.trust import TrustStore
from tests.conftest import keep_hook_texts, make_venv

BASE = {"PATH": "/usr/bin:/bin", "HOME": "/nonexistent-home"}


def helper(cwd: Path, env: dict[str, str], shell: str = "bash") -> subprocess.CompletedProcess[str]:
    # These tests are about activation: no auto-creation in rule-2 projects.
    no_create = Path(__file__).parent / "data" / "no-create.toml"
    full = {**BASE, "AUTOVENV_CONFIG": str(no_create), **env, "PWD": str(cwd)}
    return subprocess.run([sys.executable, "-I", "-S", helper_path(), "export", shell],
                          cwd=str(cwd) if cwd.is_dir() else "/", env=full, capture_output=True, text=True)


def answer_env(out: str) -> dict[str, str]:
    """Evaluate the helper's bash output in real bash; the snippet state it set, by name."""
    script = out + '\nprintf "%s\\0" "$_autovenv_answer" "$_autovenv_said" "${VIRTUAL_ENV-}"'
    r = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=BASE)
    answer, said, venv, _ = r.stdout.split("\0")
    return {"_AUTOVENV_ANSWER": answer, "_AUTOVENV_SAID": said, "VIRTUAL_ENV": venv}


@pytest.fixture
def proj(tmp_path: Path, data_dir: Path) -> Path:
    p = tmp_path / "proj"
    p.mkdir()
    (p / "pyproject.toml").write_text("")
    make_venv(p / ".venv")
    return p


def test_untrusted_venv_message_once_and_names_the_fix(proj, data_dir):
    env = {"AUTOVENV_DATA_DIR": str(data_dir)}
    first = helper(proj, env)
    assert first.returncode == 0
    assert "not activating" in first.stderr and "autovenv allow" in first.stderr
    assert "VIRTUAL_ENV" not in first.stdout
    again = helper(proj, {**env, **answer_env(first.stdout)})
    assert again.returncode == 0 and again.stderr == "" and again.stdout == ""


def test_nothing_changed_prints_nothing(proj, data_dir):
    TrustStore({"AUTOVENV_DATA_DIR": str(data_dir)}).allow(str(proj / ".venv"))
    env = {"AUTOVENV_DATA_DIR": str(data_dir)}
    first = helper(proj, env)
    assert "export VIRTUAL_ENV=" in first.stdout
    # Apply it as the shell would, then ask again from the same directory.
    script = first.stdout + "\nenv -0"
    r = subprocess.run(["bash", "-c", script], capture_output=True, env={**BASE, **env})
    applied = dict(item.split(b"=", 1) for item in r.stdout.split(b"\0") if item)
    new_env = {k.decode(): v.decode() for k, v in applied.items()}
    new_env.update(answer_env(first.stdout))
    second = helper(proj, new_env)
    assert second.stdout == "" and second.stderr == ""


def test_garbage_state_variables_recover(tmp_path, data_dir):
    env = {"AUTOVENV_DATA_DIR": str(data_dir), "AUTOVENV_VENV": "\n$(x)", "AUTOVENV_PATH_ENTRY": "",
           "AUTOVENV_OLD_PYTHONHOME": "???", "_AUTOVENV_SAID": "\x1f\x1f", "_AUTOVENV_ANSWER": "\x00x"[1:]}
    r = helper(tmp_path, env)
    assert r.returncode == 0, r.stderr
    assert "unset AUTOVENV_VENV" in r.stdout


def test_deleted_current_directory(tmp_path, data_dir):
    gone = tmp_path / "gone"
    r = helper(gone, {"AUTOVENV_DATA_DIR": str(data_dir)})
    assert r.returncode == 0
    assert "no longer exists" in r.stderr


def test_malformed_pyproject_names_the_file(tmp_path, data_dir):
    (tmp_path / "pyproject.toml").write_text('[tool.uv.workspace]\nmembers = ["m"]\n')
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "pyproject.toml").write_text("name = = 1\n")
    r = helper(tmp_path / "m", {"AUTOVENV_DATA_DIR": str(data_dir)})
    assert r.returncode == 0
    assert str(tmp_path / "m" / "pyproject.toml") in r.stderr and "line 1" in r.stderr
    assert "Traceback" not in r.stderr


def test_unhealthy_venv_not_activated(proj, data_dir):
    TrustStore({"AUTOVENV_DATA_DIR": str(data_dir)}).allow(str(proj / ".venv"))
    os.remove(proj / ".venv" / "bin" / "python")
    r = helper(proj, {"AUTOVENV_DATA_DIR": str(data_dir)})
    assert "interpreter is gone" in r.stderr and "autovenv recreate" in r.stderr
    assert "VIRTUAL_ENV" not in r.stdout


def test_world_writable_venv_not_activated(proj, data_dir):
    TrustStore({"AUTOVENV_DATA_DIR": str(data_dir)}).allow(str(proj / ".venv"))
    (proj / ".venv" / "bin").chmod(0o777)
    r = helper(proj, {"AUTOVENV_DATA_DIR": str(data_dir)})
    assert "writable by every user" in r.stderr
    assert "VIRTUAL_ENV" not in r.stdout


def test_moved_venv_not_activated(proj, data_dir, tmp_path):
    moved = tmp_path / "moved"
    proj.rename(moved)
    TrustStore({"AUTOVENV_DATA_DIR": str(data_dir)}).allow(str(moved / ".venv"))
    r = helper(moved, {"AUTOVENV_DATA_DIR": str(data_dir)})
    assert "has moved" in r.stderr
    assert "VIRTUAL_ENV" not in r.stdout


def test_redirect_text_never_reaches_the_shell(tmp_path, data_dir):
    p = tmp_path / "p"
    p.mkdir()
    (p / ".venv").write_text("$(touch canary)\x1b[31m")
    r = helper(p, {"AUTOVENV_DATA_DIR": str(data_dir)})
    assert "touch canary" not in r.stdout
    assert "\x1b" not in r.stderr  # terminal escapes are shown, not sent


def test_uv_agrees_with_the_activated_venv(tmp_path, data_dir):
    """With a venv named `venv`, autovenv points UV_PROJECT_ENVIRONMENT at it."""
    p = tmp_path / "p"
    p.mkdir()
    (p / "pyproject.toml").write_text('[project]\nname = "p"\nversion = "0"\n')
    make_venv(p / "venv")
    TrustStore({"AUTOVENV_DATA_DIR": str(data_dir)}).allow(str(p / "venv"))
    r = helper(p, {"AUTOVENV_DATA_DIR": str(data_dir)})
    assert f"export UV_PROJECT_ENVIRONMENT='{p}/venv'" in r.stdout


def test_unknown_shell_exit_2(tmp_path):
    r = helper(tmp_path, {}, shell="tcsh-ish")
    assert r.returncode == 2 and "unknown shell" in r.stderr


def test_the_venvs_interpreter_is_never_run(proj, data_dir, tmp_path):
    """Not even for its version: a .pth file in an untrusted venv would run at start-up."""
    canary = tmp_path / "canary"
    python = proj / ".venv" / "bin" / "python"
    python.unlink()
    python.write_text(f"#!/bin/sh\ntouch {canary}\n")
    python.chmod(0o755)
    env = {"AUTOVENV_DATA_DIR": str(data_dir)}
    helper(proj, env)
    subprocess.run([sys.executable, "-I", "-m", "autovenv", "status", str(proj)],
                   env={**os.environ, **env}, capture_output=True)
    TrustStore(env).allow(str(proj / ".venv"))
    r = helper(proj, env)
    assert "export VIRTUAL_ENV=" in r.stdout
    assert not canary.exists()


def test_never_synced_venv_gets_a_sync_hint_once_when_an_input_changed(proj, data_dir):
    # A venv autovenv never synced, filled by hand: left in peace until an input changes.
    TrustStore({"AUTOVENV_DATA_DIR": str(data_dir)}).allow(str(proj / ".venv"))
    env = {"AUTOVENV_DATA_DIR": str(data_dir)}
    assert "autovenv sync" not in helper(proj, env).stderr
    later = os.stat(proj / ".venv").st_mtime + 10
    os.utime(proj / "pyproject.toml", (later, later))
    (proj / "requirements-dev.txt").write_text("")
    os.utime(proj / "requirements-dev.txt", (later, later))
    first = helper(proj, env)
    assert "pyproject.toml, requirements-dev.txt changed after the last install" in first.stderr
    assert "autovenv sync" in first.stderr and "runs the project's build" in first.stderr
    assert "export VIRTUAL_ENV=" in first.stdout  # a hint, not a refusal
    said = answer_env(first.stdout)["_AUTOVENV_SAID"]
    again = helper(proj, {**env, "_AUTOVENV_SAID": said})
    assert "export VIRTUAL_ENV=" in again.stdout and "autovenv sync" not in again.stderr


@pytest.mark.parametrize("name", ["plain-proj_1.0", "it's a proj", "naïve $(x) `y`"])
def test_untrusted_message_names_a_command_that_can_be_pasted(tmp_path, data_dir, name):
    p = tmp_path / name
    p.mkdir()
    (p / "pyproject.toml").write_text("")
    make_venv(p / ".venv")
    done = helper(p, {"AUTOVENV_DATA_DIR": str(data_dir)})
    line = next(ln for ln in done.stderr.splitlines() if "To trust it: " in ln)
    typed = line.split("To trust it: autovenv allow ", 1)[1]
    # What bash makes of the suggestion when pasted: exactly one word, the project directory.
    words = subprocess.run(["bash", "-c", f"printf '%s\\0' {typed}"], capture_output=True,
                           text=True, env=BASE).stdout.split("\0")[:-1]
    assert words == [str(p)]


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="needs /dev/full")
@pytest.mark.parametrize("argv", [[helper_path(), "export", "bash"], ["-m", "autovenv", "hook", "bash"]])
def test_unwritable_stdout_is_one_line_not_a_traceback(tmp_path, argv):
    # -m autovenv runs with site (click importable), as the console script does.
    flags = ["-I", "-S"] if argv[0] == helper_path() else ["-I"]
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, *flags, *argv], stdout=full, stderr=subprocess.PIPE,
                              text=True, cwd=tmp_path, env={**BASE, "PWD": str(tmp_path),
                                                            "AUTOVENV_DATA_DIR": str(tmp_path / "d")})
    assert done.returncode == 1
    assert done.stderr == "autovenv: cannot write its answer (No space left on device)\n"


def test_no_answer_is_kept_for_later_shells(proj, data_dir):
    """A kept answer would skip the helper's checks (owner, permissions, identity): issue 12.
    The package's cache holds the hook text only, and that text carries no answer."""
    from autovenv.install import hookcache

    keep_hook_texts()
    TrustStore({"AUTOVENV_DATA_DIR": str(data_dir)}).allow(str(proj / ".venv"))
    cache = Path(hookcache.cache_dir())
    before = sorted(p.name for p in cache.iterdir())
    asked = helper(proj, {"AUTOVENV_DATA_DIR": str(data_dir), "_AUTOVENV_SEED": "1"})
    assert asked.returncode == 0 and "export VIRTUAL_ENV=" in asked.stdout, asked.stderr
    assert sorted(p.name for p in cache.iterdir()) == before
    assert not [p for p in cache.iterdir() if p.name.startswith("seeds-")]
    text = Path(hookcache.text_path("bash")).read_text()
    assert str(proj) not in text and "_autovenv_seed" not in text


# --- What reaches PATH: exactly the real bin path that was checked (issue 12) ---------------


def test_a_venv_reached_by_a_symlink_is_activated_at_its_real_path(tmp_path, data_dir):
    """Trust is checked on the real path, so PATH and VIRTUAL_ENV get that path: a .venv
    symlink retargeted later cannot change what the PATH entry names."""
    real = make_venv(tmp_path / "envs" / "real")
    p = tmp_path / "p"
    p.mkdir()
    (p / ".venv").symlink_to(real)
    env = {"AUTOVENV_DATA_DIR": str(data_dir)}
    TrustStore(env).allow(str(p / ".venv"))
    r = helper(p, env)
    assert f"export VIRTUAL_ENV='{real}'" in r.stdout and f"'{real}/bin:" in r.stdout
    exported = [line for line in r.stdout.splitlines() if line.startswith("export ")]
    assert exported and not [line for line in exported if f"{p}/.venv" in line]
    # The prompt watches that the symlink still names it (bash: -ef).
    assert f"_autovenv_real=('{real}')" in r.stdout and f"_autovenv_same=('{p}/.venv')" in r.stdout
    assert "UV_PROJECT_ENVIRONMENT" not in r.stdout  # uv sees .venv as the same venv


@pytest.mark.parametrize("name", ["app::x", "a:b", "trailing:", "line\nbreak", "cr\rx"])
def test_a_venv_path_that_path_cannot_hold_is_reported_not_activated(tmp_path, data_dir, name):
    p = tmp_path / name
    p.mkdir()
    (p / "pyproject.toml").write_text("")
    make_venv(p / ".venv")
    env = {"AUTOVENV_DATA_DIR": str(data_dir)}
    TrustStore(env).allow(str(p / ".venv"))
    r = helper(p, env)
    assert r.returncode == 0 and "VIRTUAL_ENV" not in r.stdout and "PATH=" not in r.stdout
    assert "PATH cannot hold" in r.stderr and r.stderr.count("\n") == 1


def test_a_venv_reached_through_a_colon_symlink_is_not_activated(tmp_path, data_dir):
    """The real path is what counts: `l::x` reached through a redirect."""
    (tmp_path / "l::x").mkdir()
    real = make_venv(tmp_path / "l::x" / "venv")
    p = tmp_path / "p"
    p.mkdir()
    (p / ".venv").write_text(f"{tmp_path}/l::x/venv\n")
    env = {"AUTOVENV_DATA_DIR": str(data_dir)}
    TrustStore(env).allow(str(real))
    r = helper(p, env)
    assert "VIRTUAL_ENV" not in r.stdout and "PATH cannot hold" in r.stderr


def test_no_venv_is_made_where_path_could_not_hold_it(tmp_path, data_dir):
    p = tmp_path / "app::x"
    p.mkdir()
    (p / "pyproject.toml").write_text("")
    r = helper(p, {"AUTOVENV_DATA_DIR": str(data_dir), "AUTOVENV_CONFIG": ""})
    assert "not making" in r.stderr and "PATH cannot hold" in r.stderr
    assert not (p / ".venv").exists() and "VIRTUAL_ENV" not in r.stdout


@pytest.mark.parametrize("change", ["world-writable", "group-writable", "other owner"])
def test_a_venv_whose_parent_others_can_change_is_not_activated(tmp_path, data_dir, change):
    """Whoever can replace a directory above the venv can put another venv at its path under
    a shell that has it on PATH."""
    shared = tmp_path / "shared"
    p = shared / "p"
    p.mkdir(parents=True)
    make_venv(p / ".venv")
    env = {"AUTOVENV_DATA_DIR": str(data_dir)}
    TrustStore(env).allow(str(p / ".venv"))
    assert "export VIRTUAL_ENV=" in helper(p, env).stdout
    if change == "world-writable":
        shared.chmod(0o777)
    elif change == "group-writable":
        shared.chmod(0o770)
        os.chown(shared, -1, 4242)
    else:
        if os.geteuid() != 0:
            pytest.skip("needs root to give a directory away")
        os.chown(shared, 4242, -1)
    r = helper(p, env)
    assert "VIRTUAL_ENV" not in r.stdout and f"{shared}, above it," in r.stderr
    shared.chmod(0o1777)  # sticky, like /tmp: entries are guarded (owner aside)
    if change != "other owner":
        os.chown(shared, os.geteuid(), os.getegid())
        assert "export VIRTUAL_ENV=" in helper(p, env).stdout


def test_a_redirect_is_watched_by_its_text_and_its_target(tmp_path, data_dir):
    """The prompt's watch gets the redirect file with the exact text it held, and the target
    as written, which must keep naming the real path that was checked."""
    real = make_venv(tmp_path / "envs" / "p")
    p = tmp_path / "p"
    p.mkdir()
    (p / ".venv").write_text(" ../envs/p \n")
    env = {"AUTOVENV_DATA_DIR": str(data_dir)}
    TrustStore(env).allow(str(real))
    r = helper(p, env)
    assert f"export VIRTUAL_ENV='{real}'" in r.stdout
    assert f"_autovenv_redirect=('{p}/.venv' ' ../envs/p \n')" in r.stdout
    assert f"_autovenv_real=('{real}')" in r.stdout and f"_autovenv_same=('{p}/../envs/p')" in r.stdout


@pytest.mark.parametrize("through", ["a symlinked directory", "a .venv symlink"])
def test_a_venv_made_through_a_symlink_has_not_moved(tmp_path, data_dir, through):
    """Its activate script names the path as given; the real path is the same place."""
    (tmp_path / "realdir").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "realdir")
    if through == "a symlinked directory":
        p = tmp_path / "realdir" / "p"
        p.mkdir()
        make_venv(tmp_path / "link" / "p" / ".venv")
    else:
        p = tmp_path / "p"
        p.mkdir()
        (tmp_path / "realdir" / "v").mkdir()
        (p / ".venv").symlink_to(tmp_path / "realdir" / "v")
        make_venv(p / ".venv")
    (p / "pyproject.toml").write_text("")
    env = {"AUTOVENV_DATA_DIR": str(data_dir)}
    TrustStore(env).allow(str(p / ".venv"))
    r = helper(p, env)
    assert "has moved" not in r.stderr and "export VIRTUAL_ENV=" in r.stdout, r.stderr
