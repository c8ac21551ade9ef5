"""`autovenv doctor`: healthy in a hooked shell, and each way of being broken it reports."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from autovenv import doctor
from tests.shells.harness import BASE_PATH, ShellSession, rc_text

AUTOVENV = str(Path(sys.executable).parent / "autovenv")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    return {"HOME": str(home), "PATH": BASE_PATH, "AUTOVENV_DATA_DIR": str(tmp_path / "data"),
            "LANG": "C.UTF-8"}


def run_doctor(env: dict[str, str], *args: str, cwd: str = "/"
               ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([AUTOVENV, "doctor", *args], env=env, capture_output=True, text=True,
                          cwd=cwd)


def line_of(out: str, words: str) -> str:
    """The doctor line that mentions `words` (read by content, never by position)."""
    found = [line for line in out.splitlines() if words in line]
    assert len(found) == 1, out
    return found[0]


def test_healthy_in_a_hooked_interactive_shell(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = {"HOME": str(home), "PATH": BASE_PATH}
    assert subprocess.run([AUTOVENV, "init", "bash"], env=env, cwd="/").returncode == 0
    # The shell loads the very rc file init wrote (plus a plain prompt for the harness).
    rc = rc_text("bash", hook=(home / ".bashrc").read_text())
    session = ShellSession("bash", tmp_path, rc=rc)
    try:
        out = session.run("autovenv doctor; printf '%s\\n' \"doctor-exit=$?\"")
    finally:
        session.close()
    assert "doctor-exit=0" in out, out
    assert line_of(out, "hook line in").startswith("ok ")
    assert line_of(out, "the hook is loaded in this shell").startswith("ok ")
    assert line_of(out, "the per-cd helper runs").startswith("ok ")
    assert "FAIL" not in out


def test_no_rc_line_fails_with_the_fix(env: dict[str, str]) -> None:
    done = run_doctor(env, "--shell", "zsh")
    assert done.returncode == 1
    rc = line_of(done.stdout, ".zshrc")
    assert rc.startswith("FAIL") and rc.endswith("fix: autovenv init zsh")
    assert line_of(done.stdout, "not loaded in this shell").startswith("warn")
    assert "Traceback" not in done.stderr


def test_bare_rc_line_without_autovenv_on_path_fails(env: dict[str, str]) -> None:
    Path(env["HOME"], ".bashrc").write_text(
        '# >>> autovenv >>>\neval "$(autovenv hook bash)"\n# <<< autovenv <<<\n')
    done = run_doctor(env, "--shell", "bash")
    assert done.returncode == 1
    assert line_of(done.stdout, "which is not on PATH").startswith("FAIL")


def test_unusable_trust_store_fails(env: dict[str, str], tmp_path: Path) -> None:
    # A file where the trust directory belongs (permissions would not stop root, who may run CI).
    data = Path(env["AUTOVENV_DATA_DIR"])
    data.mkdir()
    (data / "trust").write_text("not a directory")
    assert subprocess.run([AUTOVENV, "init", "bash"], env=env, cwd="/").returncode == 0
    done = run_doctor(env, "--shell", "bash")
    assert done.returncode == 1
    assert line_of(done.stdout, "trust store").startswith("FAIL")
    assert "is not a directory" in done.stdout


def test_hook_loaded_in_a_parent_shell_only_warns(env: dict[str, str]) -> None:
    assert subprocess.run([AUTOVENV, "init", "bash"], env=env, cwd="/").returncode == 0
    done = run_doctor({**env, "AUTOVENV_HOOK_PID": "1"}, "--shell", "bash")
    assert done.returncode == 0, done.stdout
    assert line_of(done.stdout, "parent shell (pid 1)").startswith("warn")


def test_reports_the_decision_for_the_current_directory(env: dict[str, str],
                                                        tmp_path: Path) -> None:
    project = tmp_path / "proj"
    project.mkdir()
    (project / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    done = run_doctor(env, "--shell", "bash", cwd=str(project))
    assert f"project {project}, no venv yet" in line_of(done.stdout, "here:")


def test_unknown_shell_option() -> None:
    done = subprocess.run([AUTOVENV, "doctor", "--shell", "ksh"], capture_output=True, text=True)
    assert done.returncode == 2 and "unknown shell 'ksh'" in done.stderr


def test_checks_in_process(env: dict[str, str]) -> None:
    loaded = {**env, "AUTOVENV_HOOK_PID": str(os.getppid())}
    assert doctor.check_loaded("bash", loaded, in_rc=True).status == doctor.OK
    assert doctor.check_uv({"PATH": "/nonexistent"}).status == doctor.NOTE
    assert doctor.check_trust_store(env).status == doctor.OK  # not made yet, but makeable


def test_generic_console_script_gets_a_note_with_the_fix() -> None:
    from autovenv.install import rcfiles

    own = rcfiles.own_command()
    if not own:
        pytest.skip("not run from an installed environment")
    check = doctor.check_launcher(doctor.own_command_text())
    assert check is not None
    if Path(own).read_text(errors="replace").startswith("#!/bin/sh"):
        assert check.status == doctor.OK
    else:  # the dev venv's editable install: pip's script
        assert check.status == doctor.NOTE and "autovenv.install.launcher" in check.fix


def test_bundle_check_says_fresh_or_how_to_make_it(monkeypatch: pytest.MonkeyPatch) -> None:
    from autovenv.hook import bundlewrite, preload

    monkeypatch.setattr(sys, "dont_write_bytecode", False)  # as the helper runs it (-I)
    assert bundlewrite.rebuild()
    check = doctor.check_bundle()
    assert check.status == doctor.OK and preload.bundle_path() in check.text
    monkeypatch.setattr(bundlewrite, "state", lambda: "stale")
    check = doctor.check_bundle()
    assert check.status == doctor.NOTE and check.fix.endswith("-I -m autovenv.install.hookcache")


def test_doctor_finds_uv_as_creation_does(tmp_path: Path) -> None:
    """A uv that another user could change is not used for creating or syncing: doctor says
    the venv module will be used, as it will."""
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    (shared / "uv").write_text("#!/bin/sh\n")
    (shared / "uv").chmod(0o755)
    check = doctor.check_uv({"PATH": str(shared)})
    assert check.status == doctor.NOTE and "venv module" in check.text
    shared.chmod(0o755)
    assert doctor.check_uv({"PATH": str(shared)}).status == doctor.OK
