"""Directory names that try to be code: in every shell (bash, zsh, fish, pwsh) they must stay data.

The project directory itself carries the hostile name, so it reaches the environment
(VIRTUAL_ENV, PATH), the prompt (VIRTUAL_ENV_PROMPT) and the helper's answer. A canary file
proves nothing ran; the environment and the rendered prompt prove the values round-tripped.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from autovenv.hook.trust import TrustStore
from autovenv.hook.venvs import clean_name
from tests.conftest import make_venv
from tests.shells.harness import SHELLS, rc_text

NAMES = [
    "a$(touch canary)b",
    "a`touch canary`b",
    "q'uo\"te",
    "semi;touch canary;x",
    "amp&touch canary&|pipe",
    "new\nline",
    "tab\there",
    "*?[glob]",
    "~tilde",
    "pct%n%{%}%F{red}",
    "back\\slash\\w\\$",
    "-leading-dash",
    "uni-é日本🐍",
    "dollar$HOME${PATH}$'x'",
    "bang!!",
    "app::x",
    # PowerShell's own specials: its quote characters, backtick, $(…), @(…), --%, a leading -,
    # wildcards (a path must go through -LiteralPath or .NET).
    "\u2018single\u2019", "\u201alow\u201b", "it\u2019s", "tick`$(touch canary)`", "$(touch canary)",
    "a;touch canary",
    "@(touch canary)", "--% $(touch canary)", "-LiteralPath", "[ab]*?", "[a-z]", "` ",
    "#comment", "<#x#>", "\u201cdq\u201d",
]
TABLE_SHELLS = SHELLS + ("pwsh",)


def enterable(shell: str, name: str) -> bool:
    """PowerShell on Linux reads a backslash in a path as a separator, and "name::" as a
    provider's name: a directory whose path holds either cannot be entered from it at all."""
    return shell != "pwsh" or ("\\" not in name and "::" not in name)


def cd_var(shell: str, var: str) -> str:
    """A cd to the directory named in an environment variable (the typing needs no quoting)."""
    return {"fish": f"cd ${var}", "pwsh": f"Set-Location -LiteralPath $env:{var}"}.get(shell, f'cd "${var}"')


def path_cannot_hold(name: str) -> bool:
    """PATH gains exactly one entry per activation: a separator or a line break in the venv's
    path would make more (an empty one is the current directory), so it is not activated."""
    return ":" in name or "\n" in name


def canaries(root: Path) -> list[Path]:
    return [p for p in root.rglob("canary")]


# "expanding": the prompt is expanded at each display (bash promptvars, zsh prompt_subst);
# "literal": it is not. Both must show the name, never run it. fish's prompt is a function.
PROMPT_SETUP = {
    ("bash", "expanding"): "shopt -s promptvars", ("bash", "literal"): "shopt -u promptvars",
    ("zsh", "expanding"): "setopt prompt_subst", ("zsh", "literal"): "unsetopt prompt_subst",
    ("fish", "function"): "", ("pwsh", "function"): "",
}
assert {shell for shell, _ in PROMPT_SETUP} == set(TABLE_SHELLS)


@pytest.mark.parametrize("shell_name,prompt_mode", list(PROMPT_SETUP))
def test_hostile_project_names(tmp_path, open_shell, shell_name, prompt_mode):
    root = tmp_path / "projects"
    root.mkdir()
    store = TrustStore({"AUTOVENV_DATA_DIR": str(tmp_path / "autovenv-data")})
    dirs = []
    for name in (n for n in NAMES if enterable(shell_name, n)):
        p = root / name
        p.mkdir()
        (p / "pyproject.toml").write_text("")
        make_venv(p / ".venv")
        store.allow(str(p / ".venv"))
        dirs.append(p)
    before = PROMPT_SETUP[(shell_name, prompt_mode)]
    env = {f"AV_DIR_{i}": str(p) for i, p in enumerate(dirs)}
    s = open_shell(shell_name, rc=rc_text(shell_name, before=before), env=env)
    plain_prompt = s.prompt()
    base = s.environ_sans_cwd()
    for i, p in enumerate(dirs):
        # cd through an environment variable, so the test's own typing needs no quoting.
        s.run(cd_var(shell_name, f"AV_DIR_{i}"))
        env = s.environ()
        for k in [k for k in env if k.startswith("AV_DIR_")]:
            del env[k]
        if path_cannot_hold(p.name):
            assert "VIRTUAL_ENV" not in env and env["PATH"] == base["PATH"]
            assert s.prompt() == plain_prompt and "PATH cannot hold" in s.transcript
            s.run("cd /")
            continue
        assert env.get("VIRTUAL_ENV") == str(p / ".venv"), (p.name, s.transcript[-2000:])
        assert env["PATH"] == f"{p}/.venv/bin:" + base["PATH"]
        # the prompt shows the name without its control characters (a tab, ESC)
        assert s.prompt() == f"({clean_name(p.name)}) " + plain_prompt
        s.run("cd /")
        assert s.environ_sans_cwd() == base
        assert s.prompt() == plain_prompt
    assert canaries(tmp_path) == []


@pytest.mark.parametrize("shell_name", TABLE_SHELLS)
def test_hostile_names_between_the_directory_and_the_scope(tmp_path, open_shell, shell_name):
    """A cd within a project is decided by the snippet alone, walking up from the new directory
    to the last answer's scope: a venv made in an intermediate directory with a hostile name
    must be seen (a newline, a glob or a quote in the name must not hide it)."""
    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / "pyproject.toml").write_text("")
    store = TrustStore({"AUTOVENV_DATA_DIR": str(tmp_path / "autovenv-data")})
    make_venv(proj / ".venv")
    store.allow(str(proj / ".venv"))
    inners = []
    for name in (n for n in NAMES if enterable(shell_name, n)):
        (proj / name / "inner").mkdir(parents=True)
        inners.append(proj / name / "inner")
    env = {f"AV_IN_{i}": str(p) for i, p in enumerate(inners)}
    env["AV_PROJ"] = str(proj)
    s = open_shell(shell_name, env=env)

    def cd(var: str) -> None:
        s.run(cd_var(shell_name, var))

    for i, inner in enumerate(inners):
        cd("AV_PROJ")
        assert s.environ().get("VIRTUAL_ENV") == str(proj / ".venv")
        make_venv(inner.parent / ".venv")  # appears while the shell holds the answer for proj
        store.allow(str(inner.parent / ".venv"))
        cd(f"AV_IN_{i}")
        want = None if path_cannot_hold(inner.parent.name) else str(inner.parent / ".venv")
        assert s.environ().get("VIRTUAL_ENV") == want, (inner.parent.name, s.transcript[-2000:])
    assert canaries(tmp_path) == []
