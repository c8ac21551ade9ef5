"""config.py: [tool.autovenv], then the user file, then defaults; bad files named, never fatal."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from autovenv.hook import config

SRC = str(Path(__file__).resolve().parent.parent / "src")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"HOME": str(tmp_path / "home"), "AUTOVENV_CONFIG": str(tmp_path / "user.toml")}


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_any_file(tmp_path: Path, env: dict[str, str]) -> None:
    cfg = config.load(str(tmp_path), env)
    assert (cfg.create, cfg.python, cfg.backend, cfg.pip) == ("auto", None, "auto", True)
    assert cfg.problems == () and cfg.requires_python is None


def test_project_table_wins_over_user_file(tmp_path: Path, env: dict[str, str]) -> None:
    write(Path(env["AUTOVENV_CONFIG"]), 'create = "never"\nbackend = "venv"\npip = false\npython = "3.11"\n')
    write(tmp_path / "pyproject.toml",
          '[project]\nname = "x"\nrequires-python = ">=3.10"\n[tool.autovenv]\ncreate = "auto"\npython = "3.12"\n')
    cfg = config.load(str(tmp_path), env)
    assert cfg.create == "auto" and cfg.python == "3.12" and cfg.project_python
    assert cfg.backend == "venv" and cfg.pip is False  # from the user file
    assert cfg.requires_python == ">=3.10"
    assert cfg.origin["backend"] == env["AUTOVENV_CONFIG"]


def test_user_python_is_not_a_project_python(tmp_path: Path, env: dict[str, str]) -> None:
    write(Path(env["AUTOVENV_CONFIG"]), 'python = "3.11"\n')
    cfg = config.load(str(tmp_path), env)
    assert cfg.python == "3.11" and not cfg.project_python


def test_malformed_pyproject_names_file_and_line(tmp_path: Path, env: dict[str, str]) -> None:
    write(Path(env["AUTOVENV_CONFIG"]), 'pip = false\n')
    bad = write(tmp_path / "pyproject.toml", '[tool.autovenv]\ncreate = "never"\nthis is not toml\n')
    cfg = config.load(str(tmp_path), env)
    assert len(cfg.problems) == 1
    assert str(bad) in cfg.problems[0] and "line 3" in cfg.problems[0]
    assert cfg.create == "auto" and cfg.pip is False  # the broken file is ignored, the other used


def test_malformed_user_file_names_file_and_line(tmp_path: Path, env: dict[str, str]) -> None:
    write(Path(env["AUTOVENV_CONFIG"]), 'create = "never"\n\ncreate = "auto"\n')
    cfg = config.load(None, env)
    assert len(cfg.problems) == 1 and env["AUTOVENV_CONFIG"] in cfg.problems[0]
    assert "line 3" in cfg.problems[0]
    assert cfg.create == "auto"


@pytest.mark.parametrize("line, word", [
    ('create = "sometimes"', "create"),
    ('backend = "conda"', "backend"),
    ('pip = "yes"', "pip"),
    ("python = 3.12", "python"),
    ('colour = "blue"', "unknown setting"),
])
def test_bad_values_are_named_and_defaults_used(tmp_path: Path, env: dict[str, str], line: str, word: str) -> None:
    pyproject = write(tmp_path / "pyproject.toml", f"[tool.autovenv]\n{line}\n")
    cfg = config.load(str(tmp_path), env)
    assert len(cfg.problems) == 1
    assert str(pyproject) in cfg.problems[0] and word in cfg.problems[0]
    assert (cfg.create, cfg.backend, cfg.pip, cfg.python) == ("auto", "auto", True, None)


def test_tool_autovenv_not_a_table(tmp_path: Path, env: dict[str, str]) -> None:
    write(tmp_path / "pyproject.toml", '[tool]\nautovenv = "auto"\n')
    assert "must be a table" in config.load(str(tmp_path), env).problems[0]


def test_user_config_path_follows_platform_rules(tmp_path: Path) -> None:
    assert config.user_config_path({"AUTOVENV_CONFIG": "/x/c.toml", "HOME": "/h"}) == "/x/c.toml"
    if sys.platform.startswith("linux"):
        assert config.user_config_path({"HOME": "/h"}) == "/h/.config/autovenv/config.toml"
        assert config.user_config_path({"HOME": "/h", "XDG_CONFIG_HOME": "/x"}) == "/x/autovenv/config.toml"


def test_loading_never_imports_click() -> None:
    """The hook path runs config.py; click must stay out of it (start-up time)."""
    code = (
        f"import sys; sys.path.append({SRC!r}); from autovenv.hook import config; from autovenv.creation import create, interpreters; "
        "config.load(None, {}); print('click' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-I", "-S", "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
