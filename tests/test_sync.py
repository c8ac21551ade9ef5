"""`autovenv sync` with real uv, real pip and real venvs, offline.

The packages come from tests/syncpkgs.py: wheels written into a find-links directory, and
projects whose build backend is a file of their own, so nothing needs the network. Every test
runs the command as a user does (a process, its exit status, its stderr) and then asks the
venv's own interpreter what got installed.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autovenv.sync import syncstate
from tests import syncpkgs
from tests.test_create import BASE_PATH, UV, creation_env, probe_cache  # noqa: F401 - a fixture

AUTOVENV = [sys.executable, "-I", "-m", "autovenv"]


@pytest.fixture
def env(tmp_path: Path, probe_cache: Path) -> dict[str, str]:  # noqa: F811
    e = creation_env(tmp_path, probe_cache)
    e["UV_OFFLINE"] = "1"
    e["UV_NO_CACHE"] = "1"  # nothing from one test's packages is reused by another
    e["PIP_NO_INDEX"] = "1"
    e["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return e


@pytest.fixture
def dists(tmp_path: Path) -> Path:
    """A find-links directory: alpha 1.0, beta 1.0, gamma 1.0 (needs alpha)."""
    d = tmp_path / "dists"
    syncpkgs.wheel(d, "alpha", "1.0")
    syncpkgs.wheel(d, "beta", "1.0")
    syncpkgs.wheel(d, "gamma", "1.0", deps=("alpha",))
    return d


def no_uv(env: dict[str, str]) -> dict[str, str]:
    return {**env, "PATH": BASE_PATH}


def av(*args: str, env: dict[str, str], cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*AUTOVENV, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout)


def status(p: Path, env: dict[str, str]) -> dict:
    r = av("status", "--json", str(p), env=env)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def installed(venv: Path, *modules: str) -> dict[str, str]:
    """module -> VERSION as the venv's own Python imports it ('' when it cannot)."""
    code = ("import importlib, json, sys\nout = {}\nfor m in sys.argv[1:]:\n"
            "    try: out[m] = importlib.import_module(m).VERSION\n"
            "    except ImportError: out[m] = ''\nprint(json.dumps(out))")
    r = subprocess.run([str(venv / "bin" / "python"), "-I", "-c", code, *modules], capture_output=True,
                       text=True, cwd="/", check=True)
    return json.loads(r.stdout)


def uv_lock(p: Path, env: dict[str, str]) -> None:
    subprocess.run([UV, "lock", "--offline", "-q"], cwd=p, env=env, check=True)


def test_uv_lock_is_installed_as_locked_and_never_rewritten(tmp_path: Path, env: dict[str, str], dists: Path) -> None:
    p = syncpkgs.project(tmp_path / "proj", "proj", deps=("gamma",), uv_index=dists)
    uv_lock(p, env)
    syncpkgs.wheel(dists, "alpha", "2.0")  # newer than the lock: must not be picked
    lock = (p / "uv.lock").read_bytes()
    r = av("sync", str(p), env=env)
    assert r.returncode == 0, r.stderr
    assert "uv sync --locked" in r.stderr and "Traceback" not in r.stderr
    assert "+ gamma==1.0" in r.stderr  # the installer's own progress reached the terminal
    assert installed(p / ".venv", "alpha", "gamma", "proj") == {"alpha": "1.0", "gamma": "1.0", "proj": "0.1.0"}
    assert (p / "uv.lock").read_bytes() == lock
    info = status(p, env)
    assert info["sync"] == "in sync" and info["consent"] is True and info["sync_tool"] == "uv sync --locked"


def test_outdated_uv_lock_gets_one_message_and_is_left_alone(tmp_path: Path, env: dict[str, str], dists: Path) -> None:
    p = syncpkgs.project(tmp_path / "proj", "proj", deps=("alpha",), uv_index=dists)
    uv_lock(p, env)
    lock = (p / "uv.lock").read_bytes()
    text = (p / "pyproject.toml").read_text().replace('["alpha"]', '["alpha", "beta"]')
    (p / "pyproject.toml").write_text(text)
    r = av("sync", str(p), env=env)
    assert r.returncode != 0
    assert r.stderr.count("autovenv: uv.lock does not match pyproject.toml; run `uv lock`") == 1
    assert "Traceback" not in r.stderr
    assert (p / "uv.lock").read_bytes() == lock
    info = status(p, env)
    assert info["sync"] == "last sync failed" and "uv lock" in info["sync_detail"]
    assert Path(info["sync_log"]).is_file()


@pytest.mark.parametrize("with_uv", [True, False], ids=["uv", "pip"])
def test_requirements_files_with_uv_or_the_venvs_pip(tmp_path: Path, env: dict[str, str], dists: Path,
                                                     with_uv: bool) -> None:
    run_env = env if with_uv else no_uv(env)
    p = tmp_path / "proj"
    p.mkdir()
    syncpkgs.requirements(p / "requirements.txt", dists, "alpha==1.0")
    syncpkgs.requirements(p / "requirements-dev.txt", dists, "beta")
    (p / "pyproject.toml").write_text('[tool.autovenv]\nrequirements = ["requirements-dev.txt"]\n')
    r = av("sync", str(p), env=run_env)
    assert r.returncode == 0, r.stderr
    tool = "uv pip install" if with_uv else "pip install"
    assert f"{tool} -r requirements.txt -r requirements-dev.txt" in r.stderr
    assert installed(p / ".venv", "alpha", "beta") == {"alpha": "1.0", "beta": "1.0"}
    assert status(p, run_env)["sync"] == "in sync"
    # a listed file is one of the inputs
    (p / "requirements-dev.txt").write_text((p / "requirements-dev.txt").read_text() + "gamma\n")
    assert status(p, run_env)["sync_detail"] == "requirements-dev.txt changed"


@pytest.mark.parametrize("with_uv", [True, False], ids=["uv", "pip"])
def test_pyproject_only_gets_an_editable_install_with_its_dev_group(tmp_path: Path, env: dict[str, str],
                                                                   dists: Path, with_uv: bool) -> None:
    run_env = env if with_uv else no_uv(env)
    p = syncpkgs.project(tmp_path / "proj", "proj", deps=("alpha",), dev=("beta",))
    # the project's own dependencies come from the local index too
    run_env = {**run_env, "UV_FIND_LINKS": str(dists), "UV_NO_INDEX": "1", "PIP_FIND_LINKS": str(dists)}
    r = av("sync", str(p), env=run_env)
    assert r.returncode == 0, r.stderr
    assert "install -e . and the dev group" in r.stderr
    assert installed(p / ".venv", "alpha", "beta", "proj") == {"alpha": "1.0", "beta": "1.0", "proj": "0.1.0"}
    (p / "src" / "proj" / "__init__.py").write_text("VERSION = 'edited'\n")  # editable: no reinstall
    assert installed(p / ".venv", "proj") == {"proj": "edited"}


def test_a_failing_build_says_so_once_with_its_log(tmp_path: Path, env: dict[str, str], dists: Path) -> None:
    p = syncpkgs.project(tmp_path / "proj", "proj", fail="broken on purpose")
    r = av("sync", str(p), env={**env, "UV_FIND_LINKS": str(dists)})
    assert r.returncode != 0 and "Traceback" not in r.stderr.split("tinybuild")[0]
    info = status(p, env)
    assert info["sync"] == "last sync failed"
    log = Path(info["sync_log"])
    assert "fails on purpose" in log.read_text()
    ours = [line for line in r.stderr.splitlines() if line.startswith("autovenv:") and "failed" in line]
    assert len(ours) == 1 and f"log: {log}" in ours[0] and "Failed to build" in ours[0]


def test_ctrl_c_stops_the_sync_cleanly(tmp_path: Path, env: dict[str, str], dists: Path) -> None:
    started = tmp_path / "build-started"
    p = syncpkgs.project(tmp_path / "proj", "proj", sleep=60, started=started)
    # Its own process group, as a terminal's foreground job: Ctrl-C reaches it and the installer.
    proc = subprocess.Popen([*AUTOVENV, "sync", str(p)], env={**env, "UV_FIND_LINKS": str(dists)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    while not started.exists() and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    assert started.exists(), proc.communicate()
    clock = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert time.monotonic() - clock < 10  # not the 60 s the build would take
    assert proc.returncode == 130
    assert err.count("interrupted") == 1 and "Traceback" not in err
    info = status(p, env)
    assert info["sync"] == "last sync failed" and "interrupted" in info["sync_detail"]


def test_consent_comes_from_the_user_never_from_the_project(tmp_path: Path, env: dict[str, str], dists: Path) -> None:
    src = tmp_path / "src"
    fresh = syncpkgs.project(src / "fresh", "fresh", uv_index=dists)
    av("create", str(fresh), env=env)
    info = status(fresh, env)
    assert info["consent"] is False and info["sync"] == "never synced"
    # a project that claims consent for itself is not believed, and says so
    claims = syncpkgs.project(tmp_path / "claims", "claims", uv_index=dists)
    with (claims / "pyproject.toml").open("a") as f:
        f.write(f'\n[tool.autovenv]\nsync = "auto"\ntrusted = ["{tmp_path}"]\n')
    info = status(claims, env)
    assert info["consent"] is False and info["sync_mode"] == "hint"
    assert any("can only be set in your own config" in p for p in info["problems"])
    # the user's own config: everything under ~/src
    Path(env["AUTOVENV_CONFIG"]).write_text('sync = "auto"\ntrusted = ["~/src"]\n')
    home_src = Path(env["HOME"]) / "src"
    home_src.parent.mkdir(parents=True, exist_ok=True)
    home_src.symlink_to(src)  # the trusted entry is resolved like the project's path
    info = status(fresh, env)
    assert info["consent"] is True and "~/src" in info["consent_reason"] and info["sync_mode"] == "auto"
    assert status(claims, env)["consent"] is False


def test_sync_and_allow_record_consent_and_deny_withdraws_it(tmp_path: Path, env: dict[str, str],
                                                            dists: Path) -> None:
    p = syncpkgs.project(tmp_path / "proj", "proj", uv_index=dists)
    uv_lock(p, env)
    assert av("create", str(p), env=env).returncode == 0
    assert status(p, env)["consent"] is False
    assert av("allow", str(p), env=env).returncode == 0
    assert status(p, env)["consent"] is True
    assert av("deny", str(p), env=env).returncode == 0
    assert status(p, env)["consent"] is False
    r = av("sync", str(p), env=env)  # a denied venv is not one autovenv would activate
    assert r.returncode == 1 and "not syncing" in r.stderr and "Traceback" not in r.stderr
    assert installed(p / ".venv", "proj") == {"proj": ""}


def test_trusted_directories_trust_venvs_with_the_same_checks(tmp_path: Path, env: dict[str, str]) -> None:
    from tests.conftest import make_venv

    shipped = tmp_path / "src" / "shipped"
    shipped.mkdir(parents=True)
    make_venv(shipped / ".venv")
    assert status(shipped, env)["trusted"] is False
    Path(env["AUTOVENV_CONFIG"]).write_text(f'trusted = ["{tmp_path / "src"}"]\n')
    info = status(shipped, env)
    assert info["trusted"] is True and info["will_activate"] is True and "your config trusts" in info["trust_reason"]
    os.chmod(shipped / ".venv", 0o777)  # world-writable: not activated, allowed or not
    assert status(shipped, env)["will_activate"] is False
    os.chmod(shipped / ".venv", 0o755)
    assert av("deny", str(shipped), env=env).returncode == 0  # deny still wins
    assert status(shipped, env)["trusted"] is False


def test_recreate_syncs_a_consented_project_again(tmp_path: Path, env: dict[str, str], dists: Path) -> None:
    p = syncpkgs.project(tmp_path / "proj", "proj", deps=("alpha",), uv_index=dists)
    uv_lock(p, env)
    assert av("sync", str(p), env=env).returncode == 0
    r = av("recreate", str(p), env=env)
    assert r.returncode == 0, r.stderr
    assert "uv sync --locked" in r.stderr
    assert installed(p / ".venv", "alpha") == {"alpha": "1.0"}
    assert status(p, env)["sync"] == "in sync"


def test_a_remade_venv_counts_as_never_synced(tmp_path: Path, env: dict[str, str], dists: Path) -> None:
    p = syncpkgs.project(tmp_path / "proj", "proj", uv_index=dists)
    uv_lock(p, env)
    assert av("sync", str(p), env=env).returncode == 0
    os.remove(env["AUTOVENV_DATA_DIR"] + "/consent/" + os.listdir(env["AUTOVENV_DATA_DIR"] + "/consent")[0])
    assert av("recreate", str(p), env=env).returncode == 0  # no consent any more: no sync
    assert status(p, env)["sync"] == "never synced"


def test_rewritten_inputs_with_the_same_bytes_stay_in_sync(tmp_path: Path, env: dict[str, str], dists: Path) -> None:
    p = syncpkgs.project(tmp_path / "proj", "proj", uv_index=dists)
    uv_lock(p, env)
    assert av("sync", str(p), env=env).returncode == 0
    record = syncstate.record_path(str(p), env)
    data = (p / "uv.lock").read_bytes()
    time.sleep(0.01)
    (p / "uv.lock").unlink()
    (p / "uv.lock").write_bytes(data)  # a checkout: a new file with the same bytes
    assert os.stat(p / "uv.lock").st_mtime_ns > os.stat(record).st_mtime_ns
    state = syncstate.state(str(p), str(p / ".venv"), env)
    assert state.state == syncstate.IN_SYNC
    # the record was refreshed: the prompt's `-nt` test would not fire again
    assert os.stat(record).st_mtime_ns >= os.stat(p / "uv.lock").st_mtime_ns
    (p / "uv.lock").write_bytes(data + b"\n# changed\n")
    state = syncstate.state(str(p), str(p / ".venv"), env)
    assert state.state == syncstate.OUT_OF_DATE and state.changed == "uv.lock changed"
    (p / "requirements.txt").write_text("")
    assert "requirements.txt appeared" in syncstate.state(str(p), str(p / ".venv"), env).changed


def test_requirements_outside_the_project_are_refused(tmp_path: Path, env: dict[str, str], dists: Path) -> None:
    outside = syncpkgs.requirements(tmp_path / "evil.txt", dists, "alpha")
    p = tmp_path / "proj"
    p.mkdir()
    (p / "requirements.txt").symlink_to(outside)
    r = av("sync", str(p), env=env)
    assert r.returncode == 1 and "outside the project" in r.stderr and "Traceback" not in r.stderr
    assert installed(p / ".venv", "alpha") == {"alpha": ""}
    (p / "requirements.txt").unlink()
    (p / "pyproject.toml").write_text('[tool.autovenv]\nrequirements = ["../evil.txt"]\n')
    r = av("sync", str(p), env=env)
    assert "inside the project" in r.stderr and "Traceback" not in r.stderr
    assert installed(p / ".venv", "alpha") == {"alpha": ""}


def test_a_project_named_like_an_option(tmp_path: Path, env: dict[str, str], dists: Path) -> None:
    from tests.conftest import make_venv

    p = tmp_path / "-e"
    p.mkdir()
    syncpkgs.requirements(p / "requirements.txt", dists, "alpha")
    make_venv(p / ".venv", prompt="e")  # (a venv named so is the creation's business)
    assert av("allow", "--", "-e", env=env, cwd=tmp_path).returncode == 0
    r = av("sync", "--", "-e", env=env, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert installed(p / ".venv", "alpha") == {"alpha": "1.0"}


def test_poetry_and_pdm_are_used_only_from_a_safe_place_on_path_outside_the_project(
        tmp_path: Path, env: dict[str, str], dists: Path) -> None:
    """poetry and pdm are not installed here: a stand-in on PATH records how it was called
    (argv, working directory, VIRTUAL_ENV) and what the real tool would be asked to do."""
    p = tmp_path / "proj"
    p.mkdir()
    (p / "poetry.lock").write_text("")
    syncpkgs.requirements(p / "requirements.txt", dists, "alpha")
    r = av("sync", str(p), env=env)  # no poetry: the next input that applies, with a note
    assert r.returncode == 0 and "poetry.lock is there but poetry is not on PATH" in r.stderr
    assert installed(p / ".venv", "alpha") == {"alpha": "1.0"}
    tools = tmp_path / "tools"
    tools.mkdir()
    calls = tmp_path / "calls"
    for name in ("poetry", "pdm"):
        (tools / name).write_text(f'#!/bin/sh\nprintf "%s|%s|%s\\n" "{name} $*" "$PWD" "$VIRTUAL_ENV" >> {calls}\n')
        (tools / name).chmod(0o755)
    shipped = p / "bin"  # a tool inside the project is never used
    shipped.mkdir()
    (shipped / "poetry").write_text(f"#!/bin/sh\necho shipped >> {calls}\n")
    (shipped / "poetry").chmod(0o755)
    unsafe = tmp_path / "unsafe"  # nor one in a directory every user may write to
    unsafe.mkdir()
    unsafe.chmod(0o777)
    (unsafe / "poetry").write_text(f"#!/bin/sh\necho unsafe >> {calls}\n")
    (unsafe / "poetry").chmod(0o755)
    with_tools = {**env, "PATH": f"{shipped}:{unsafe}:{tools}:{env['PATH']}"}
    assert av("sync", str(p), env=with_tools).returncode == 0
    (p / "poetry.lock").unlink()
    (p / "pdm.lock").write_text("")
    assert av("sync", str(p), env=with_tools).returncode == 0
    venv = p / ".venv"
    assert calls.read_text().splitlines() == [f"poetry install --no-interaction|{p}|{venv}", f"pdm sync|{p}|{venv}"]


def test_bad_settings_are_one_message_each(tmp_path: Path, env: dict[str, str]) -> None:
    Path(env["AUTOVENV_CONFIG"]).write_text('sync = "always"\ntrusted = ["relative/dir"]\n')
    p = tmp_path / "proj"
    p.mkdir()
    (p / "requirements.txt").write_text("")
    info = status(p, env)
    assert any('sync must be "hint" or "auto"' in x for x in info["problems"])
    assert any("trusted entry 'relative/dir'" in x for x in info["problems"])
    assert info["sync_mode"] == "hint"


# --- The hook's side (autosync.py, insync.py), through the helper as the snippets run it ------

HELPER = str(Path(__file__).resolve().parent.parent / "src" / "autovenv" / "hook" / "helper.py")


def helper(p: Path, env: dict[str, str], shell: str = "bash", **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-I", "-S", HELPER, "export", shell], cwd=p,
                          env={**env, "PWD": str(p), **extra}, capture_output=True, text=True, timeout=120)


def auto_env(env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    Path(env["AUTOVENV_CONFIG"]).write_text(f'sync = "auto"\ntrusted = ["{tmp_path}"]\n')
    return env


def test_bash_is_asked_to_sync_in_the_foreground_once(tmp_path: Path, env: dict[str, str], dists: Path) -> None:
    p = syncpkgs.project(tmp_path / "proj", "proj", deps=("alpha",), uv_index=dists)
    uv_lock(p, env)
    auto_env(env, tmp_path)
    first = helper(p, env)  # creates the venv; the sync is for the shell to run
    assert f"export VIRTUAL_ENV='{p}/.venv'" in first.stdout
    assert f"_autovenv_sync_dir=('{p}')" in first.stdout
    assert installed(p / ".venv", "alpha") == {"alpha": ""}
    again = helper(p, env, _AUTOVENV_SYNC_TRIED="1")  # the shell ran it (here: it did not)
    assert "_autovenv_sync_dir=()" in again.stdout
    r = av("sync", "--due", str(p), env=env)
    assert r.returncode == 0 and installed(p / ".venv", "alpha") == {"alpha": "1.0"}
    done = helper(p, env, _AUTOVENV_SYNC_TRIED="1")
    record = syncstate.record_path(str(p), env)
    assert f"_autovenv_synced=('{record}')" in done.stdout
    assert f"'{p}/uv.lock' '{p}/pyproject.toml' '{p}/.venv/pyvenv.cfg'" in done.stdout
    absent = next(line for line in done.stdout.splitlines() if line.startswith("_autovenv_watch_absent="))
    assert f"'{p}/requirements.txt'" in absent  # its appearance would matter


def test_other_shells_are_synced_by_the_helper(tmp_path: Path, env: dict[str, str], dists: Path) -> None:
    p = syncpkgs.project(tmp_path / "proj", "proj", deps=("alpha",), uv_index=dists)
    uv_lock(p, env)
    auto_env(env, tmp_path)
    r = helper(p, env, shell="elvish")
    assert r.returncode == 0 and "uv sync --locked" in r.stderr
    assert installed(p / ".venv", "alpha") == {"alpha": "1.0"}
    assert f"set-env VIRTUAL_ENV '{p}/.venv'" in r.stdout


def test_sync_due_does_nothing_without_consent_or_auto(tmp_path: Path, env: dict[str, str], dists: Path) -> None:
    p = syncpkgs.project(tmp_path / "proj", "proj", deps=("alpha",), uv_index=dists)
    uv_lock(p, env)
    assert av("create", str(p), env=env).returncode == 0
    r = av("sync", "--due", str(p), env=env)  # not consented
    assert r.returncode == 0 and r.stderr == "" and installed(p / ".venv", "alpha") == {"alpha": ""}
    assert av("allow", str(p), env=env).returncode == 0
    r = av("sync", "--due", str(p), env=env)  # consented, but sync = "hint"
    assert r.returncode == 0 and installed(p / ".venv", "alpha") == {"alpha": ""}
    assert status(p, env)["consent"] is True


def test_hint_once_per_session_and_again_after_a_new_sync(tmp_path: Path, env: dict[str, str], dists: Path) -> None:
    p = syncpkgs.project(tmp_path / "proj", "proj", deps=("alpha",), uv_index=dists)
    uv_lock(p, env)
    assert av("sync", str(p), env=env).returncode == 0
    (p / "uv.lock").write_text((p / "uv.lock").read_text() + "\n# changed\n")
    first = helper(p, env)
    assert "is out of date (uv.lock changed)" in first.stderr
    said = next(shlex.split(line.split("=", 1)[1][1:-1])[0] for line in first.stdout.splitlines()
                if line.startswith("_autovenv_said=("))
    assert "is out of date" not in helper(p, env, _AUTOVENV_SAID=said).stderr
    assert av("sync", str(p), env=env).returncode == 0
    (p / "uv.lock").write_text((p / "uv.lock").read_text() + "\n# again\n")
    assert "is out of date (uv.lock changed)" in helper(p, env, _AUTOVENV_SAID=said).stderr


def test_an_outdated_lock_on_cd_is_said_once_and_not_retried(tmp_path: Path, env: dict[str, str],
                                                             dists: Path) -> None:
    p = syncpkgs.project(tmp_path / "proj", "proj", deps=("alpha",), uv_index=dists)
    uv_lock(p, env)
    lock = (p / "uv.lock").read_bytes()
    (p / "pyproject.toml").write_text((p / "pyproject.toml").read_text().replace('["alpha"]', '["beta"]'))
    auto_env(env, tmp_path)
    first = helper(p, env, shell="elvish")  # made, then synced inside the helper: uv refuses
    assert first.stderr.count("run `uv lock`") >= 1 and "Traceback" not in first.stderr
    assert first.stderr.count("autovenv: uv.lock does not match pyproject.toml") == 1
    assert (p / "uv.lock").read_bytes() == lock
    log = Path(status(p, env)["sync_log"])
    before = log.stat().st_mtime_ns
    said = next(line.split(" = ", 1)[1].strip("[]'") for line in first.stdout.splitlines()
                if line.startswith("var _autovenv_said = "))
    again = helper(p, env, shell="elvish", _AUTOVENV_SAID=said)
    assert "uv lock" not in again.stderr and log.stat().st_mtime_ns == before  # not retried
    assert f"set-env VIRTUAL_ENV '{p}/.venv'" in again.stdout or again.stdout == ""
