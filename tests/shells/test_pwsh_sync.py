"""Automatic sync from a real pwsh (tests/shells/test_sync_auto.py for the others): a `git pull`
that changes the lock is seen at the next prompt (the prompt compares modification times with
.NET, no process while nothing changed), and pwsh's helper syncs it before the prompt returns."""

from __future__ import annotations

from pathlib import Path

from tests.shells.harness import ShellSession
from tests.shells.test_process_counts import Trace
from tests.shells.test_sync_auto import World


def alpha(w: World, s: ShellSession) -> str:
    out = w.tmp / f"alpha.{id(s)}"
    s.run(f"$v = python -c 'import alpha; print(alpha.VERSION)' 2>$null; if ($LASTEXITCODE) {{ $v = 'none' }}; "
          f"[IO.File]::WriteAllText('{out}', [string]$v)")
    return out.read_text().strip()


def test_clone_sync_once_then_pull_keeps_it_in_sync(tmp_path: Path, open_shell) -> None:
    w = World(tmp_path)
    s = open_shell("pwsh", env=w.env)
    s.run(f"cd '{w.clone}'", timeout=120)
    assert s.environ()["VIRTUAL_ENV"] == str(w.clone / ".venv")
    assert "has none of the project's dependencies yet" in s.transcript
    assert alpha(w, s) == "none"
    s.run("autovenv sync", timeout=120)
    assert alpha(w, s) == "1.0"
    # In sync: prompts and cds inside the project start nothing.
    (w.clone / "src" / "proj" / "sub").mkdir()
    trace = Trace(s.child.pid, tmp_path / "strace.log")
    for _ in range(5):
        s.run("$null")
        s.run("cd src/proj/sub")
        s.run("cd ../../..")
    spawned, programs = trace.stop()
    assert spawned == 0, programs
    # Upstream moves on; the pull changes the lock while the shell sits in the project.
    w.upstream_wants("alpha>=2")
    mark = len(s.transcript)
    s.run("git pull -q --ff-only", timeout=120)
    assert "uv sync --locked" in s.transcript[mark:], s.transcript[mark:]  # before this prompt returned
    assert alpha(w, s) == "2.0"
    mark = len(s.transcript)
    s.run("git reset -q --hard HEAD~1", timeout=120)
    assert alpha(w, s) == "1.0"
    assert s.transcript[mark:].count("autovenv: syncing") == 1
