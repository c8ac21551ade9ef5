"""The hook path imports the standard library only (issue 5), checked with -X importtime.

The helper runs at every directory change that leaves the last answer's scope, and
`autovenv hook SHELL` in every new shell; click, packaging, shellingham or site-packages on
either path would multiply their cost. No timing here: only which modules get imported.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import make_venv

ROOT = Path(__file__).resolve().parent.parent
HELPER = ROOT / "src" / "autovenv" / "hook" / "helper.py"
THIRD_PARTY = {"click", "packaging", "shellingham", "tomli"}
# Standard modules that each cost more than the rest of the helper (re pulls in enum,
# functools and collections; typing and dataclasses more): never on the per-cd path.
HEAVY_STDLIB = {"re", "shlex", "typing", "dataclasses", "enum", "json", "subprocess", "collections"}
SHELLS = ["bash", "zsh", "fish", "elvish", "pwsh"]

pytestmark = pytest.mark.skipif(
    not hasattr(sys, "stdlib_module_names"), reason="needs sys.stdlib_module_names (3.10+)"
)


def imported(argv: list[str], cwd: Path, env: dict[str, str]) -> list[str]:
    """Top-level names of every module the command imported (from -X importtime)."""
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    names = []
    for line in done.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            if name != "imported package":  # the header line
                names.append(name.split(".")[0])
    assert names, "no -X importtime output"
    return names


def foreign(names: list[str]) -> set[str]:
    """Names from outside the standard library. Failed probes are listed too (copy.py tries
    Jython's `org`), so a name counts only when such a module exists."""
    return {n for n in names if n not in sys.stdlib_module_names and n != "autovenv"
            and importlib.util.find_spec(n) is not None}


def base_env(tmp_path: Path) -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path),
            "AUTOVENV_DATA_DIR": str(tmp_path / "data"), "AUTOVENV_CONFIG": str(tmp_path / "none")}


def scenarios(tmp_path: Path) -> dict[str, tuple[Path, dict[str, str]]]:
    """Directories the helper answers for: a trusted venv, an untrusted one, no project."""
    from autovenv.hook.trust import TrustStore

    env = base_env(tmp_path)
    trusted = tmp_path / "trusted"
    (trusted / "src").mkdir(parents=True)
    (trusted / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    make_venv(trusted / ".venv")
    TrustStore(env).allow(str(trusted / ".venv"))
    untrusted = tmp_path / "untrusted"
    untrusted.mkdir()
    (untrusted / "requirements.txt").write_text("")
    make_venv(untrusted / ".venv")
    plain = tmp_path / "plain"
    plain.mkdir()
    return {
        "trusted venv": (trusted / "src", {**env, "PWD": str(trusted / "src")}),
        "untrusted venv": (untrusted, {**env, "PWD": str(untrusted)}),
        "no project": (plain, {**env, "PWD": str(plain)}),
        "leaving an active venv": (plain, {**env, "PWD": str(plain),
                                           "VIRTUAL_ENV": str(trusted / ".venv"),
                                           "AUTOVENV_VENV": str(trusted / ".venv"),
                                           "AUTOVENV_PATH_ENTRY": str(trusted / ".venv/bin"),
                                           "AUTOVENV_OLD_VIRTUAL_ENV_PROMPT": "-",
                                           "AUTOVENV_OLD_PYTHONHOME": "-"}),
    }


@pytest.mark.parametrize("shell", SHELLS)
def test_helper_imports_only_the_standard_library(tmp_path: Path, shell: str) -> None:
    for name, (cwd, env) in scenarios(tmp_path).items():
        argv = [sys.executable, "-X", "importtime", "-I", "-S", str(HELPER), "export", shell]
        names = imported(argv, cwd, env)
        assert not foreign(names), f"{name}: the helper imported {sorted(foreign(names))}"
        assert "site" not in names, f"{name}: the helper imported site"
        heavy = set(names) & HEAVY_STDLIB
        assert not heavy, f"{name}: the helper imported {sorted(heavy)}"
        assert "autovenv" in names  # the check saw our own imports


@pytest.mark.parametrize("shell", SHELLS)
def test_hook_command_does_not_import_click(tmp_path: Path, shell: str) -> None:
    # As the console script runs it: site is on (click is importable), yet not imported.
    argv = [sys.executable, "-X", "importtime", "-m", "autovenv", "hook", shell]
    names = imported(argv, tmp_path, base_env(tmp_path))
    assert not (set(names) & THIRD_PARTY), sorted(set(names) & THIRD_PARTY)
    assert "autovenv" in names


def test_console_script_serves_hook_without_cli() -> None:
    """The console script's entry point is the stdlib fast path, not cli.py (which imports click)."""
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert 'autovenv = "autovenv.__main__:main"' in pyproject


@pytest.mark.parametrize("shell", SHELLS)
def test_hook_command_imports_no_heavy_stdlib_module(tmp_path: Path, shell: str) -> None:
    # In an untrusted project too: its message names `autovenv allow DIR`, quoted without shlex.
    for name, (cwd, env) in scenarios(tmp_path).items():
        argv = [sys.executable, "-X", "importtime", "-I", "-S", "-c",
                f"import sys; sys.path.append({str(ROOT / 'src')!r}); sys.argv[1:] = ['hook', {shell!r}]; "
                "from autovenv.__main__ import main; main()"]
        names = imported(argv, cwd, env)
        heavy = set(names) & HEAVY_STDLIB
        assert not heavy, f"{name}: `autovenv hook {shell}` imported {sorted(heavy)}"
