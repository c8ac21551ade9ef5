"""Automatic sync seen from real bash, zsh and fish (pwsh too, for the pull): a clone,
`autovenv sync` once, then every `git pull` that changes the lock is installed at the next prompt.

Offline: the packages are wheels in a find-links directory and projects with their own build
backend (tests/syncpkgs.py); uv resolves from that directory only. The upstream repository is
a real git repository the test commits to; the user's copy is a real clone.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests import syncpkgs
from tests.shells.harness import BASE_PATH, ShellSession
from tests.shells.test_process_counts import Trace

UV = str(Path(sys.executable).parent / "uv")
AUTO_SHELLS = ("bash", "zsh", "fish")


@pytest.fixture(params=AUTO_SHELLS)
def auto_shell(request: pytest.FixtureRequest) -> str:
    return request.param


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=cwd,
                          check=True, capture_output=True, text=True).stdout


class World:
    """An upstream repository, the user's clone of it under ~/src, a find-links dir, the
    user's config, and the environment a shell gets."""

    def __init__(self, tmp: Path, config: str = 'sync = "auto"\n', **project: object):
        self.tmp = tmp
        self.dists = tmp / "dists"
        syncpkgs.wheel(self.dists, "alpha", "1.0")
        syncpkgs.wheel(self.dists, "alpha", "2.0")
        self.upstream = syncpkgs.project(tmp / "upstream", "proj", deps=("alpha<2",), uv_index=self.dists,
                                         **project)  # type: ignore[arg-type]
        uvbin = tmp / "uvbin"
        uvbin.mkdir()
        os.symlink(UV, uvbin / "uv")
        self.env = {"PATH": f"{uvbin}:{BASE_PATH}", "UV_OFFLINE": "1", "UV_NO_CACHE": "1",
                    "AUTOVENV_CONFIG": str(tmp / "config.toml"), "GIT_CONFIG_GLOBAL": str(tmp / "gitconfig")}
        (tmp / "gitconfig").write_text("[user]\n\tname = t\n\temail = t@example.com\n")
        (tmp / "config.toml").write_text(config)
        self.lock()
        git("init", "-q", "-b", "main", cwd=self.upstream)
        git("add", "-A", cwd=self.upstream)
        git("commit", "-qm", "first", cwd=self.upstream)
        (tmp / "home" / "src").mkdir(parents=True)
        self.clone = tmp / "home" / "src" / "proj"
        git("clone", "-q", str(self.upstream), str(self.clone), cwd=tmp)

    def lock(self) -> None:
        subprocess.run([UV, "lock", "--offline", "-q"], cwd=self.upstream, check=True,
                       env={**os.environ, "UV_NO_CACHE": "1"})

    def upstream_wants(self, spec: str) -> None:
        """Upstream moves to another alpha: pyproject.toml and uv.lock change in one commit."""
        text = (self.upstream / "pyproject.toml").read_text()
        text = text.replace('"alpha<2"', f'"{spec}"').replace('"alpha>=2"', f'"{spec}"')
        (self.upstream / "pyproject.toml").write_text(text)
        self.lock()
        git("commit", "-qam", f"alpha {spec}", cwd=self.upstream)

    def alpha(self, s: ShellSession) -> str:
        """The alpha version the shell's `python` imports ('none' when it cannot)."""
        out = self.tmp / f"alpha.{id(s)}"
        if s.shell == "pwsh":
            s.run(f"$v = python -c 'import alpha; print(alpha.VERSION)' 2>$null; if ($LASTEXITCODE) {{ $v = 'none' }}; "
                  f"[IO.File]::WriteAllText('{out}', [string]$v)")
        else:
            s.run(f"python -c 'import alpha; print(alpha.VERSION)' > {out} 2>/dev/null || echo none > {out}")
        return out.read_text().strip()


# pwsh too: its snippet sees the pull at the next prompt, and its helper syncs (in the others the
# snippet runs the sync in the foreground).
@pytest.mark.parametrize("auto_shell", AUTO_SHELLS + ("pwsh",))
def test_clone_sync_once_then_pull_keeps_it_in_sync(tmp_path: Path, open_shell, auto_shell: str) -> None:
    w = World(tmp_path)
    s = open_shell(auto_shell, env=w.env)
    s.run(f"cd '{w.clone}'", timeout=120)
    # A fresh clone: a venv, activated, nothing installed, and one hint that says what to run.
    assert s.environ()["VIRTUAL_ENV"] == str(w.clone / ".venv")
    assert "has none of the project's dependencies yet" in s.transcript
    assert "autovenv sync" in s.transcript and "runs the project's build" in s.transcript
    assert w.alpha(s) == "none"
    s.run("autovenv sync", timeout=120)
    assert w.alpha(s) == "1.0"
    # Upstream moves on; the pull changes the lock while the shell sits in the project.
    w.upstream_wants("alpha>=2")
    mark = len(s.transcript)
    s.run("git pull -q --ff-only", timeout=120)
    assert "uv sync --locked" in s.transcript[mark:]  # synced before this prompt returned
    assert w.alpha(s) == "2.0"
    status = tmp_path / "git-status"
    s.run(f"git status --porcelain > {status}")
    assert status.read_text() == ""  # no tracked file touched, nothing left untracked
    # In sync: prompts and cds inside the project start nothing.
    (w.clone / "src" / "proj" / "sub").mkdir()
    trace = Trace(s.child.pid, tmp_path / "strace.log")
    for _ in range(5):
        s.run("$null" if auto_shell == "pwsh" else "true")  # an empty command (pwsh's true is /bin/true)
        s.run("cd src/proj/sub")
        s.run("cd ../../..")
    spawned, programs = trace.stop()
    assert spawned == 0, programs
    # The pull back: the lock goes back, and so does alpha.
    mark = len(s.transcript)
    s.run("git reset -q --hard HEAD~1", timeout=120)
    assert w.alpha(s) == "1.0"
    assert s.transcript[mark:].count("autovenv: syncing") == 1


def test_trusted_directory_syncs_a_fresh_clone_on_first_cd(tmp_path: Path, open_shell, auto_shell: str) -> None:
    w = World(tmp_path, config='sync = "auto"\ntrusted = ["~/src"]\n')
    s = open_shell(auto_shell, env=w.env)
    s.run(f"cd {w.clone}", timeout=120)
    assert w.alpha(s) == "1.0"  # created, then synced, before the first prompt
    assert "has none of the project's dependencies" not in s.transcript


def test_a_project_claiming_consent_is_not_synced(tmp_path: Path, open_shell, auto_shell: str) -> None:
    w = World(tmp_path)
    with (w.clone / "pyproject.toml").open("a") as f:
        f.write(f'\n[tool.autovenv]\nsync = "auto"\ntrusted = ["{tmp_path}"]\n')
    s = open_shell(auto_shell, env=w.env)
    s.run(f"cd {w.clone}", timeout=120)
    assert w.alpha(s) == "none"
    assert "can only be set in your own config" in s.transcript
    assert "has none of the project's dependencies yet" in s.transcript


def test_ctrl_c_stops_an_automatic_sync_and_it_is_not_retried(tmp_path: Path, open_shell, auto_shell: str) -> None:
    started = tmp_path / "build-started"
    w = World(tmp_path, config=f'sync = "auto"\ntrusted = ["{tmp_path}"]\n', sleep=60, started=started)
    s = open_shell(auto_shell, env=w.env)
    s.child.sendline(f"cd {w.clone}")
    clock = time.monotonic()
    while not started.exists() and time.monotonic() - clock < 120:
        time.sleep(0.05)
    assert started.exists(), s.child.before
    s.child.sendintr()
    # The very next command runs in the venv: it was active before the sync started.
    assert s.environ()["VIRTUAL_ENV"] == str(w.clone / ".venv")
    assert time.monotonic() - clock < 50
    assert s.transcript.count("interrupted") == 1, s.transcript
    started.unlink()
    for _ in range(3):
        s.run("true")
    s.run("cd / && cd -", timeout=30)
    assert not started.exists()  # not retried: the inputs did not change
    assert s.transcript.count("interrupted") == 1


def test_a_failing_build_is_said_once_and_not_retried(tmp_path: Path, open_shell, auto_shell: str) -> None:
    started = tmp_path / "build-started"
    w = World(tmp_path, config=f'sync = "auto"\ntrusted = ["{tmp_path}"]\n', fail="on purpose", started=started)
    s = open_shell(auto_shell, env=w.env)
    s.run(f"cd {w.clone}", timeout=120)
    assert started.exists()
    failures = [line for line in s.transcript.splitlines() if line.startswith("autovenv:") and "failed" in line]
    assert len(failures) == 1 and "log: " in failures[0], s.transcript
    started.unlink()
    s.run("true")
    s.run("cd / && cd -")
    assert not started.exists()
    assert s.environ()["VIRTUAL_ENV"] == str(w.clone / ".venv")


def test_hint_mode_says_it_once_per_session(tmp_path: Path, open_shell, auto_shell: str) -> None:
    w = World(tmp_path, config="")
    s = open_shell(auto_shell, env=w.env)
    s.run(f"cd {w.clone}", timeout=120)
    s.run("autovenv sync", timeout=120)
    w.upstream_wants("alpha>=2")
    s.run("git pull -q --ff-only", timeout=120)
    assert s.transcript.count("is out of date (uv.lock changed") == 1, s.transcript
    for _ in range(3):
        s.run("true")
        s.run("cd / && cd -")
    assert s.transcript.count("is out of date") == 1
    assert w.alpha(s) == "1.0"  # hint mode installs nothing on its own


def elvish_alpha(w: World, s: ShellSession) -> str:
    out = w.tmp / f"alpha.{id(s)}"
    s.run(f"try {{ python -c 'import alpha; print(alpha.VERSION)' > {out} 2>/dev/null }} "
          f"catch {{ echo none > {out} }}")
    return out.read_text().strip()


def test_elvish_syncs_inside_the_helper_and_sees_a_pull_at_the_next_boundary_cd(tmp_path: Path,
                                                                                open_shell) -> None:
    """elvish has no -nt (nor a stat builtin, in 0.19): the helper syncs before its answer, and
    a lock pulled while the shell sits in the project is seen at the next cd into it."""
    w = World(tmp_path, config=f'sync = "auto"\ntrusted = ["{tmp_path}"]\n')
    s = open_shell("elvish", env=w.env)
    s.run(f"cd {w.clone}", timeout=120)
    assert elvish_alpha(w, s) == "1.0"
    w.upstream_wants("alpha>=2")
    s.run("git pull -q --ff-only", timeout=120)
    s.run("cd /", timeout=60)
    s.run(f"cd {w.clone}", timeout=120)
    assert elvish_alpha(w, s) == "2.0"
    status = tmp_path / "git-status"
    s.run(f"git status --porcelain > {status}")
    assert status.read_text() == ""


def test_elvish_ctrl_c_stops_the_sync_and_the_venv_is_active(tmp_path: Path, open_shell) -> None:
    started = tmp_path / "build-started"
    w = World(tmp_path, config=f'sync = "auto"\ntrusted = ["{tmp_path}"]\n', sleep=60, started=started)
    s = open_shell("elvish", env=w.env)
    s.child.sendline(f"cd {w.clone}")
    clock = time.monotonic()
    while not started.exists() and time.monotonic() - clock < 120:
        time.sleep(0.05)
    assert started.exists()
    s.child.sendintr()
    assert s.environ()["VIRTUAL_ENV"] == str(w.clone / ".venv")
    assert time.monotonic() - clock < 50
    assert s.transcript.count("interrupted") == 1, s.transcript
