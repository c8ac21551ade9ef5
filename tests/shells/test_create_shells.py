"""Creation seen from real shells: four shells enter one new project at the same moment."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from autovenv.hook import trust
from tests.shells.harness import BASE_PATH

UV = str(Path(sys.executable).parent / "uv")


def test_four_shells_entering_at_once_make_one_venv_and_all_activate_it(
    tmp_path: Path, open_shell, shell_name: str
) -> None:
    four_shells_enter(tmp_path, open_shell, shell_name, BASE_PATH)  # stdlib venv backend


def test_four_bash_shells_with_the_uv_backend(tmp_path: Path, open_shell) -> None:
    uvbin = tmp_path / "uvbin"
    uvbin.mkdir()
    os.symlink(UV, uvbin / "uv")
    four_shells_enter(tmp_path, open_shell, "bash", f"{uvbin}:{BASE_PATH}")


def four_shells_enter(tmp_path: Path, open_shell, shell_name: str, path: str) -> None:
    proj = tmp_path / "new proj"
    proj.mkdir()
    (proj / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    # AUTOVENV_CONFIG="" turns creation back on (the harness turns it off by default).
    shells = [open_shell(shell_name, env={"AUTOVENV_CONFIG": "", "PATH": path}) for _ in range(4)]
    quoted = "'" + str(proj) + "'"
    for s in shells:  # typed into all four before any of them is waited for
        s.child.sendline(f"cd {quoted}")
    for s in shells:
        s.run("true", timeout=120)
    venv = str(proj / ".venv")
    for s in shells:
        env = s.environ()
        assert env.get("VIRTUAL_ENV") == venv, s.transcript
        assert env["PATH"].startswith(f"{venv}/bin:")
        where = tmp_path / f"pip.{id(s)}"
        s.run(f"command -v pip > '{where}'")
        assert where.read_text().strip() == f"{venv}/bin/pip"
        assert "not trusted" not in s.transcript and "Traceback" not in s.transcript
    assert [n for n in os.listdir(proj) if ".autovenv-" in n] == []
    data = {"AUTOVENV_DATA_DIR": str(tmp_path / "autovenv-data")}
    assert trust.TrustStore(data).verdict(venv).trusted
