"""headstart.py: the backend started on a remembered interpreter choice, with real uv, real
interpreters and the real hook helper. What a guess may not get wrong is checked before anything
starts; a wrong guess is undone and costs only time."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autovenv import discover, failures, fs, headstart, locations, trust, venvs
from tests import test_create
from tests.test_create import UV, activates, creation_env, hook, leftovers, project
from tests.test_interpreters import pyenv_python

probe_cache = test_create.probe_cache  # the session's probed interpreters, shared


@pytest.fixture
def env(tmp_path: Path, probe_cache: Path) -> dict[str, str]:
    return creation_env(tmp_path, probe_cache)


def logging_uv(env: dict[str, str], tmp_path: Path) -> Path:
    """Replace the env's uv by a script (outside any project) that logs each run, then runs uv."""
    log = tmp_path / "uv.log"
    uv = Path(env["PATH"].split(":")[0]) / "uv"
    uv.unlink()
    uv.write_text(f"#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{log}'\nexec '{UV}' \"$@\"\n")
    uv.chmod(0o755)
    return log


def uv_runs(log: Path) -> list[str]:
    """The --python of each uv run so far."""
    if not log.exists():
        return []
    runs = []
    for line in log.read_text().splitlines():
        words = line.split()
        runs.append(words[words.index("--python") + 1])
    return runs


def real(path: str) -> str:
    return os.path.realpath(path)


def first_python3(env: dict[str, str]) -> str:
    return real(shutil.which("python3", path=env["PATH"]) or "")


def begin(p: Path, env: dict[str, str]) -> headstart.Headstart | None:
    return headstart.begin(discover.find(str(p), env), env)


def test_the_second_project_asking_the_same_reuses_the_choice(tmp_path: Path, env: dict[str, str]) -> None:
    log = logging_uv(env, tmp_path)
    first, second = project(tmp_path, "first"), project(tmp_path, "second")
    assert activates(hook(first, env).stdout, first / ".venv")
    assert (Path(env["AUTOVENV_DATA_DIR"]) / headstart.MEMO_NAME).is_file()
    r = hook(second, env)
    assert activates(r.stdout, second / ".venv"), r.stderr
    python = first_python3(env)
    assert uv_runs(log) == [python, python]  # one run each: the guess was right
    assert venvs.read_cfg(str(second / ".venv"))["home"] == os.path.dirname(python)
    assert trust.TrustStore(env).verdict(str(second / ".venv")).trusted
    assert leftovers(second) == []


def test_a_wrong_guess_is_undone_and_the_real_choice_made(tmp_path: Path, env: dict[str, str]) -> None:
    """The memo says 3.11 for this request; the real choice (requires-python >=3.12) differs."""
    py311, py312 = pyenv_python("3.11"), pyenv_python("3.12")
    log = logging_uv(env, tmp_path)
    p = project(tmp_path, requires=">=3.12")
    headstart.remember(str(p), env, real(py311), env["PATH"].split(":")[0] + "/uv")
    r = hook(p, env)
    assert r.returncode == 0 and activates(r.stdout, p / ".venv"), r.stderr
    runs = uv_runs(log)
    assert runs[0] == real(py311) and len(runs) == 2  # started on the guess, then the right one
    assert venvs.read_cfg(str(p / ".venv"))["home"] == os.path.dirname(runs[1])
    minor = int(venvs.python_version(str(p / ".venv")).split(".")[1])
    assert minor >= 12
    assert leftovers(p) == []
    # The memo now holds the real choice: the next such project starts on it.
    q = project(tmp_path, "next", requires=">=3.12")
    assert activates(hook(q, env).stdout, q / ".venv")
    assert uv_runs(log)[2:] == [runs[1]]
    assert py312  # (3.12 and 3.13 are both installed: the newest satisfying wins)


def remembered(p: Path, env: dict[str, str], python: str | None = None) -> str:
    python = python or first_python3(env)
    headstart.remember(str(p), env, python, env["PATH"].split(":")[0] + "/uv")
    return python


def begins_in_another_process(p: Path, env: dict[str, str]) -> bool:
    code = ("import sys; from autovenv import discover, headstart; "
            "e = headstart.begin(discover.find(sys.argv[1], {**__import__('os').environ}), "
            "{**__import__('os').environ}); print(e is not None); e and e.close()")
    out = subprocess.run([sys.executable, "-c", code, str(p)], env={**os.environ, **env},
                         capture_output=True, text=True, check=True).stdout
    return out.strip() == "True"


def test_begin_starts_the_backend_holds_the_lock_and_undoes_it(tmp_path: Path, env: dict[str, str]) -> None:
    p = project(tmp_path)
    assert begin(p, env) is None  # nothing remembered yet
    python = remembered(p, env)
    early = begin(p, env)
    assert early is not None and early.python == python
    lock = locations.lock_file(env, real(str(p)))
    other = subprocess.run([sys.executable, "-c", f"import os; fd = os.open({lock!r}, os.O_RDWR); "
                            "os.lockf(fd, os.F_TLOCK, 0)"], capture_output=True, text=True)
    assert other.returncode != 0, "the project's lock is held while the backend runs"
    assert Path(early.tmp).parent == p
    early.close()
    assert not Path(early.tmp).exists() and leftovers(p) == [] and not (p / ".venv").exists()
    assert subprocess.run([sys.executable, "-c", f"import os; fd = os.open({lock!r}, os.O_RDWR); "
                           "os.lockf(fd, os.F_TLOCK, 0)"]).returncode == 0
    early = begin(p, env)
    assert early is not None
    assert early.adopt("/some/other/python3", early.uv) is None  # a wrong guess: stopped, removed
    assert not Path(early.tmp).exists()
    early.close()
    early = begin(p, env)
    assert early is not None
    running = early.adopt(python, early.uv)
    assert running is not None
    running.wait()
    assert venvs.is_venv_dir(early.tmp)
    shutil.rmtree(early.tmp)
    early.close()


@pytest.mark.parametrize("settings", [
    ("pyproject.toml", '[project]\nname = "x"\n[tool.autovenv]\ncreate = "never"\n'),
    ("pyproject.toml", '[project]\nname = "x"\n[tool."\\u0061utovenv"]\ncreate = "never"\n'),
    ("user", 'create = "never"\n'),
    ("user", 'backend = "venv"\n'),
])
def test_no_guess_when_the_settings_may_not_be_the_defaults(tmp_path: Path, env: dict[str, str],
                                                            settings: tuple[str, str]) -> None:
    p = project(tmp_path)
    remembered(p, env)
    where, text = settings
    target = Path(env["AUTOVENV_CONFIG"]) if where == "user" else p / "pyproject.toml"
    target.write_text(text)
    remembered(p, env)  # even a memo made under these settings is not used
    assert begin(p, env) is None
    log = logging_uv(env, tmp_path)
    hook(p, env)
    if "never" in text:
        assert uv_runs(log) == [] and not (p / ".venv").exists() and leftovers(p) == []


def test_no_guess_for_a_denied_failed_removed_or_occupied_venv(tmp_path: Path, env: dict[str, str]) -> None:
    p = project(tmp_path)
    remembered(p, env)
    venv = str(p / ".venv")
    trust.TrustStore(env).deny(venv)
    assert begin(p, env) is None
    os.remove(locations.trust_record(locations.trust_dir(env), locations.DENY, real(venv)))
    failures.record(str(p), env, "it failed")
    assert begin(p, env) is None
    failures.clear(str(p), env)
    early = begin(p, env)
    assert early is not None
    assert not begins_in_another_process(p, env)  # this one holds the lock
    early.close()
    assert begins_in_another_process(p, env)
    (p / ".venv").mkdir()
    assert begin(p, env) is None


def test_no_guess_of_an_interpreter_that_changed_or_is_inside_the_project_or_a_venv(
        tmp_path: Path, env: dict[str, str]) -> None:
    p = project(tmp_path)
    copy = tmp_path / "tools" / "bin" / "python3"
    copy.parent.mkdir(parents=True)
    shutil.copy(sys.executable, copy)
    remembered(p, env, str(copy))
    early = begin(p, env)
    assert early is not None
    early.close()
    os.utime(copy, (time.time() + 10, time.time() + 10))
    assert begin(p, env) is None  # not the file that was chosen
    inside = p / "bin" / "python3"
    inside.parent.mkdir()
    shutil.copy(sys.executable, inside)
    remembered(p, env, str(inside))
    assert begin(p, env) is None
    linked = tmp_path / "link"
    linked.symlink_to(p)
    remembered(p, env, str(linked / "bin" / "python3"))
    assert begin(p, env) is None  # inside for real
    (tmp_path / "tools" / "pyvenv.cfg").write_text("home = /usr/bin\n")
    shutil.copy(sys.executable, copy)
    remembered(p, env, str(copy))
    assert begin(p, env) is None  # a venv's interpreter


def test_four_shells_entering_at_once_with_a_guess_make_one_venv(tmp_path: Path, env: dict[str, str]) -> None:
    log = logging_uv(env, tmp_path)
    p = project(tmp_path)
    python = remembered(p, env)
    run_env = {**env, "PWD": str(p), "_AUTOVENV_SAID": "", "_AUTOVENV_ANSWER": ""}
    helper = str(Path(__file__).resolve().parent.parent / "src" / "autovenv" / "helper.py")
    procs = [subprocess.Popen([sys.executable, "-I", "-S", helper, "export", "bash"], cwd=p, env=run_env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outs = [proc.communicate(timeout=120) for proc in procs]
    assert all(activates(out, p / ".venv") for out, _ in outs), outs
    assert uv_runs(log) == [python]
    assert leftovers(p) == []


def test_a_killed_hook_leaves_nothing_that_gets_activated(tmp_path: Path, env: dict[str, str]) -> None:
    """Killed while the early backend runs: the next entry removes what is left and creates."""
    p = project(tmp_path)
    remembered(p, env)
    uv = Path(env["PATH"].split(":")[0]) / "uv"
    uv.unlink()
    uv.write_text(f"#!/bin/sh\nfor last; do :; done\nmkdir \"$last\"\nsleep 5\nexec '{UV}' \"$@\"\n")
    uv.chmod(0o755)
    run_env = {**env, "PWD": str(p), "_AUTOVENV_SAID": "", "_AUTOVENV_ANSWER": ""}
    helper = str(Path(__file__).resolve().parent.parent / "src" / "autovenv" / "helper.py")
    proc = subprocess.Popen([sys.executable, "-I", "-S", helper, "export", "bash"], cwd=p, env=run_env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 30
    while not any(n.startswith(".venv.autovenv-tmp-") for n in os.listdir(p)):
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.02)
    os.killpg(proc.pid, 9)  # the helper and its backend, as closing a terminal would
    proc.wait()
    assert not venvs.is_venv_dir(str(p / ".venv"))
    uv.unlink()
    uv.symlink_to(UV)
    r = hook(p, env)
    assert activates(r.stdout, p / ".venv"), r.stderr
    assert leftovers(p) == []
    assert fs.isdir(str(p / ".venv"))
