"""Many shells at once: eight entering one new project make one venv and all activate it;
eight `allow`/`deny` at once, on different projects, each keep their decision."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest

from autovenv.hook import trust
from tests.attacks.conftest import ATTACK_SHELLS, messages, type_line, wait_for_prompt
from tests.conftest import make_venv
from tests.shells.harness import BASE_PATH

UV = str(Path(sys.executable).parent / "uv")
EIGHT = [ATTACK_SHELLS[i % len(ATTACK_SHELLS)] for i in range(8)]  # every kind, twice


def uv_path(tmp_path: Path) -> str:
    uvbin = tmp_path / "uvbin"
    uvbin.mkdir()
    (uvbin / "uv").symlink_to(UV)
    return f"{uvbin}:{BASE_PATH}"


@pytest.mark.parametrize("backend", ["uv", "venv-module"])
def test_eight_shells_enter_one_new_project_at_once(tmp_path, open_shell, backend):
    proj = tmp_path / "new project"
    proj.mkdir()
    (proj / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    path = uv_path(tmp_path) if backend == "uv" else BASE_PATH
    # AUTOVENV_CONFIG="" turns creation back on (the harness turns it off).
    shells = [open_shell(kind, env={"AUTOVENV_CONFIG": "", "PATH": path}) for kind in EIGHT]
    base = {id(s): s.environ()["PATH"] for s in shells}  # pwsh puts its own directory first
    target = tmp_path / "target"
    target.write_text(str(proj))
    for s in shells:  # typed into all eight before any of them is waited for
        type_line(s, "cd (slurp < target)" if s.shell == "elvish" else f"cd '{proj}'")
    for s in shells:
        wait_for_prompt(s, timeout=180)
    venv = str(proj / ".venv")
    for s in shells:
        env = s.environ()
        assert env.get("VIRTUAL_ENV") == venv, (s.shell, s.transcript[-3000:])
        assert env["PATH"] == f"{venv}/bin:{base[id(s)]}"
        assert "Traceback" not in s.transcript and "not activating" not in s.transcript
    made = [m for s in shells for m in messages(s) if m.startswith("autovenv: created")]
    assert len(made) == 1, made
    assert sorted(os.listdir(proj)) == [".venv", "pyproject.toml"]
    store = trust.TrustStore({"AUTOVENV_DATA_DIR": str(tmp_path / "autovenv-data")})
    assert store.verdict(venv).trusted
    # And the venv they all use is the one on disk, complete.
    r = subprocess.run([f"{venv}/bin/python", "-c", "import sys; print(sys.prefix)"],
                       capture_output=True, text=True, check=True)
    assert r.stdout.strip() == venv


def projects(tmp_path: Path, n: int) -> list[Path]:
    out = []
    for i in range(n):
        p = tmp_path / f"p{i}"
        p.mkdir()
        (p / "pyproject.toml").write_text("")
        make_venv(p / ".venv")
        out.append(p)
    return out


def test_eight_shells_allow_and_deny_at_once(tmp_path, open_shell):
    """Each shell sits in its own project and runs allow or deny at the same moment; each takes
    effect at that shell's next prompt, and the store keeps all eight."""
    dirs = projects(tmp_path, 8)
    shells = [open_shell(kind, cwd=d) for kind, d in zip(EIGHT, dirs)]
    for round_ in range(2):
        decisions = ["allow" if (i + round_) % 2 == 0 else "deny" for i in range(8)]
        for s, decision in zip(shells, decisions):
            type_line(s, f"autovenv {decision}")
        for s in shells:
            wait_for_prompt(s)
        store = trust.TrustStore({"AUTOVENV_DATA_DIR": str(tmp_path / "autovenv-data")})
        for s, d, decision in zip(shells, dirs, decisions):
            verdict = store.verdict(str(d / ".venv"))
            assert verdict.trusted == (decision == "allow") and verdict.denied == (decision == "deny")
            assert s.environ().get("VIRTUAL_ENV") == (str(d / ".venv") if decision == "allow" else None), s.shell


ROUNDS = 10


def test_eight_allow_deny_processes_at_once_keep_every_decision(tmp_path):
    """Ten rounds of eight `autovenv allow|deny` started together on eight projects, each round
    flipping some decisions: after each, the store holds exactly the last decision of each."""
    dirs = projects(tmp_path, 8)
    env = {**os.environ, "AUTOVENV_DATA_DIR": str(tmp_path / "autovenv-data"), "HOME": str(tmp_path)}
    decisions = itertools.cycle(["allow", "deny", "deny", "allow", "allow", "allow", "deny"])
    for _ in range(ROUNDS):
        chosen = [next(decisions) for _ in dirs]
        procs = [subprocess.Popen([sys.executable, "-I", "-m", "autovenv", decision, str(d)], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
                 for decision, d in zip(chosen, dirs)]
        for p in procs:
            out, _ = p.communicate(timeout=60)
            assert p.returncode == 0, out
        store = trust.TrustStore(env)
        for d, decision in zip(dirs, chosen):
            verdict = store.verdict(str(d / ".venv"))
            assert (verdict.trusted, verdict.denied) == (decision == "allow", decision == "deny"), (d, decision)
    leftovers = [n for _, _, files in os.walk(tmp_path / "autovenv-data") for n in files if n.endswith(".tmp")]
    assert leftovers == []
