"""Processes the pwsh hook starts, counted with strace attached to a real interactive pwsh:
none at a plain prompt, none for a cd within the project, exactly autovenv's Python once for
a cd across a project boundary. (.NET's own threads are not processes: CLONE_THREAD.)"""

from __future__ import annotations

from tests.shells.test_process_counts import PYTHON, project, traced


def test_plain_prompts_spawn_nothing(tmp_path, open_shell):
    proj = project(tmp_path)
    s = open_shell("pwsh")
    s.run(f"cd {proj}/src")
    assert s.environ()["VIRTUAL_ENV"] == str(proj / ".venv")
    assert traced(s, "prompts", ["$null"] * 20) == (0, [])


def test_cd_within_the_project_spawns_nothing(tmp_path, open_shell):
    proj = project(tmp_path)
    s = open_shell("pwsh")
    s.run(f"cd {proj}")
    cds = ["cd src", "cd pkg", "cd deep", "cd ..", "cd ../..", "cd src/pkg/deep", f"cd {proj}/src/pkg",
           f"cd {proj}", "cd .", "cd src/../src", "cd -", "cd +", f"cd {proj}", "cd Env:", f"cd {proj}/src"]
    assert traced(s, "cds", cds * 2) == (0, [])
    assert s.environ()["VIRTUAL_ENV"] == str(proj / ".venv")


def test_cd_across_a_boundary_spawns_one_python(tmp_path, open_shell):
    proj = project(tmp_path)
    s = open_shell("pwsh")
    s.run("cd /")
    assert traced(s, "in", [f"cd {proj}/src"]) == (1, [PYTHON])
    assert s.environ()["VIRTUAL_ENV"] == str(proj / ".venv")
    assert traced(s, "out", ["cd /"]) == (1, [PYTHON])
    assert "VIRTUAL_ENV" not in s.environ()
