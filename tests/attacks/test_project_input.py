"""Project input is data: what a cloned repository ships never picks a file to run, never
hangs or breaks the hook, and never injects a line into a file or a prompt.

Every attack is built as an attacker ships it (files, symbolic links, FIFOs in the project)
and entered through the real per-cd helper, exactly as the shell hook runs it. Interpreters
an attacker would like to run are canary scripts: they create a file when they run, then
behave as the real Python, so a test that lets one run fails on the canary and not by luck.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from autovenv.hook import venvs
from tests.shells.conftest import open_shell  # noqa: F401 - a fixture
from tests.shells.harness import rc_text
from tests.test_create import (  # noqa: F401 - probe_cache is a fixture
    AUTOVENV,
    BASE_PATH,
    activates,
    creation_env,
    hook,
    probe_cache,
)
from tests.test_interpreters import pyenv_python

NOBODY = 65534


@pytest.fixture
def env(tmp_path: Path, probe_cache: Path) -> dict[str, str]:  # noqa: F811
    return creation_env(tmp_path, probe_cache)


def canary_python(where: Path, canary: Path, real: str | None = None) -> Path:
    """An executable `where` that leaves `canary` when run, then runs a real Python."""
    where.parent.mkdir(parents=True, exist_ok=True)
    real = real or os.path.realpath("/usr/bin/python3")
    where.write_text(f"#!/bin/sh\n: > '{canary}'\nexec '{real}' \"$@\"\n")
    where.chmod(0o755)
    return where


def foreign(*paths: Path) -> None:
    """Make paths another user's (root can; others cannot build this attack here)."""
    if os.getuid() != 0:
        pytest.skip("making a file another user's needs root")
    for path in paths:
        os.lchown(path, NOBODY, NOBODY)


def project_with(tmp_path: Path, name: str = "proj") -> Path:
    p = tmp_path / "repo" / name
    p.mkdir(parents=True)
    (p / "pyproject.toml").write_text('[project]\nname = "x"\n')
    return p


def messages(stderr: str) -> list[str]:
    """autovenv's lines, but the hint that the venv's dependencies are not installed (a new
    venv) or that dependency files changed (a test's edits do)."""
    return [line for line in stderr.splitlines()
            if line.startswith("autovenv:") and not line.endswith("(this runs the project's build)")]


# --- 1. A project file asks for a version, never for a file ---------------------------------


def _requests(tmp_path: Path, canary: Path) -> list[tuple[str, str]]:
    """(file, text) pairs: each names the canary interpreter in another spelling."""
    tools = tmp_path / "repo" / "tools" / "python3"
    tmp_script = tmp_path / "tmp" / "python3"
    home = tmp_path / "home" / "bin" / "python3"
    for where in (tools, tmp_script, home):
        canary_python(where, canary)
    return [
        (".python-version", str(tmp_script)),  # an absolute path into /tmp
        (".python-version", "/proc/self/cwd/../tools/python3"),  # from the helper's cwd, up
        (".python-version", "../tools/python3"),
        (".python-version", "~/bin/python3"),
        (".python-version", "../../../../../../../../" + str(tmp_path / "tmp").lstrip("/")),
        (".python-version", "..\\tools\\python3"),
        (".python-version", "  " + str(tmp_script) + "  # trailing comment"),
        ("pyproject", str(tmp_script)),
        ("pyproject", "/proc/self/cwd/../tools/python3"),
        ("pyproject", "~/bin/python3"),
        ("pyproject", "../../tmp"),
    ]


@pytest.mark.parametrize("case", range(11))
def test_a_project_file_that_names_a_file_runs_nothing(tmp_path: Path, env: dict[str, str],
                                                       case: int) -> None:
    canary = tmp_path / "CANARY"
    where, text = _requests(tmp_path, canary)[case]
    p = project_with(tmp_path)
    # pyenv's versions, for the `../` spellings joined to them
    pyenv = tmp_path / "pyenv"
    (pyenv / "versions").mkdir(parents=True)
    canary_python(tmp_path / "tmp" / "bin" / "python3", canary)
    env = {**env, "PYENV_ROOT": str(pyenv), "HOME": str(tmp_path / "home")}
    if where == ".python-version":
        (p / ".python-version").write_text(text + "\n")
    else:
        (p / "pyproject.toml").write_text(f'[project]\nname = "x"\n[tool.autovenv]\npython = {json.dumps(text)}\n')
    r = hook(p, env)
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    [line] = messages(r.stderr)
    assert "is a path; a project may only ask for a Python version" in line, line
    assert not canary.exists()
    assert not (p / ".venv").exists()
    # The same refusal from `autovenv status`, and still nothing runs.
    out = subprocess.run([AUTOVENV, "status", str(p)], env=env, capture_output=True, text=True)
    assert "is a path" in out.stdout and not canary.exists(), out.stdout + out.stderr


def test_a_path_in_the_users_own_config_is_used(tmp_path: Path, env: dict[str, str]) -> None:
    """The canary is live: the same script named by the user's config does run."""
    canary = tmp_path / "CANARY"
    script = canary_python(tmp_path / "mine" / "python3", canary, pyenv_python("3.12"))
    Path(env["AUTOVENV_CONFIG"]).write_text(f'python = "{script}"\n')
    p = project_with(tmp_path)
    r = hook(p, env)
    assert activates(r.stdout, p / ".venv"), r.stderr
    assert canary.exists()


def test_version_requests_still_work(tmp_path: Path, env: dict[str, str]) -> None:
    p312 = pyenv_python("3.12")
    for text in ("3.12", "cpython@3.12", "python3.12", ">=3.12,<3.13"):
        p = project_with(tmp_path, "p" + str(abs(hash(text))))
        (p / ".python-version").write_text(text + "\n")
        r = hook(p, env)
        assert activates(r.stdout, p / ".venv"), r.stderr
        assert venvs.python_version(str(p / ".venv")).startswith("3.12"), text
    # a pyenv version *name* (not a number), as pyenv's versions directory lists it
    pyenv = tmp_path / "pyenv"
    (pyenv / "versions").mkdir(parents=True)
    (pyenv / "versions" / "my-env").symlink_to(Path(p312).parent.parent)
    p = project_with(tmp_path, "named")
    (p / ".python-version").write_text("my-env\n")
    r = hook(p, {**env, "PYENV_ROOT": str(pyenv)})
    assert activates(r.stdout, p / ".venv"), r.stderr


def test_a_pyenv_shim_is_not_followed_out_of_pyenvs_versions(tmp_path: Path, env: dict[str, str]) -> None:
    """pyenv's shims run the version named by .python-version up the tree: a repository's
    top-level .python-version must not lead the shim's resolution out of versions/."""
    canary = tmp_path / "CANARY"
    pyenv = tmp_path / "pyenv"
    (pyenv / "versions").mkdir(parents=True)
    canary_python(tmp_path / "evil" / "bin" / "python3", canary)
    shim = pyenv / "shims" / "python3"
    shim.parent.mkdir()
    shim.write_text('#!/bin/sh\nexec pyenv exec python3 "$@"\n')
    shim.chmod(0o755)
    p = project_with(tmp_path)  # repo/proj: the repository's top holds the .python-version
    (tmp_path / "repo" / ".python-version").write_text("../../evil\n")
    env = {**env, "PYENV_ROOT": str(pyenv), "PATH": f"{shim.parent}:{env['PATH']}"}
    r = hook(p, env)
    assert activates(r.stdout, p / ".venv"), r.stderr
    assert not canary.exists()


# --- Discovered interpreters another user could change ----------------------------------------


def _path_env(env: dict[str, str], first: Path) -> dict[str, str]:
    return {**env, "PATH": f"{first}:{env['PATH']}"}


def test_an_interpreter_in_another_users_directory_is_skipped(tmp_path: Path, env: dict[str, str]) -> None:
    canary = tmp_path / "CANARY"
    theirs = tmp_path / "theirs"
    canary_python(theirs / "python3", canary)
    foreign(theirs, theirs / "python3")
    _assert_skipped(tmp_path, _path_env(env, theirs), canary, "belongs to another user")


def test_an_interpreter_owned_by_another_user_is_skipped(tmp_path: Path, env: dict[str, str]) -> None:
    canary = tmp_path / "CANARY"
    mine = tmp_path / "mine"
    canary_python(mine / "python3", canary)
    foreign(mine / "python3")
    _assert_skipped(tmp_path, _path_env(env, mine), canary, "belongs to another user")


def test_an_interpreter_in_a_world_writable_directory_is_skipped(tmp_path: Path, env: dict[str, str]) -> None:
    canary = tmp_path / "CANARY"
    shared = tmp_path / "shared"
    canary_python(shared / "python3", canary)
    shared.chmod(0o1777)  # even sticky, like /tmp: anyone may plant a name there first
    _assert_skipped(tmp_path, _path_env(env, shared), canary, "writable by every user")


def test_a_symlink_to_another_users_interpreter_is_skipped(tmp_path: Path, env: dict[str, str]) -> None:
    canary = tmp_path / "CANARY"
    theirs = tmp_path / "theirs"
    canary_python(theirs / "python3.99", canary)
    foreign(theirs / "python3.99")
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "python3").symlink_to(theirs / "python3.99")
    _assert_skipped(tmp_path, _path_env(env, mine), canary, "belongs to another user")


def test_a_pyenv_version_of_another_user_is_skipped(tmp_path: Path, env: dict[str, str]) -> None:
    canary = tmp_path / "CANARY"
    pyenv = tmp_path / "pyenv"
    (pyenv / "versions").mkdir(parents=True)
    theirs = tmp_path / "theirs"
    canary_python(theirs / "bin" / "python3", canary)
    foreign(theirs / "bin", theirs / "bin" / "python3")
    (pyenv / "versions" / "3.99.0").symlink_to(theirs)
    p = project_with(tmp_path)
    (p / ".python-version").write_text("3.99.0\n")
    r = hook(p, {**env, "PYENV_ROOT": str(pyenv)})
    [line] = messages(r.stderr)
    assert "no installed Python matches" in line and "belongs to another user" in line, line
    assert not canary.exists() and not (p / ".venv").exists()


def _assert_skipped(tmp_path: Path, env: dict[str, str], canary: Path, why: str) -> None:
    """First on PATH, the candidate is never run: the next python3 makes the venv, and
    `status` and `create` say why the first was skipped."""
    p = project_with(tmp_path)
    out = subprocess.run([AUTOVENV, "status", str(p)], env=env, capture_output=True, text=True)
    assert "skipped:" in out.stdout and why in out.stdout, out.stdout + out.stderr
    assert not canary.exists()
    created = subprocess.run([AUTOVENV, "create", str(p)], env=env, capture_output=True, text=True)
    assert created.returncode == 0, created.stderr
    assert why in created.stderr and (p / ".venv" / "pyvenv.cfg").exists()
    shutil.rmtree(p / ".venv")
    r = hook(p, env)
    assert activates(r.stdout, p / ".venv"), r.stderr
    assert not canary.exists()


# --- 3. Names written into files or prompts ---------------------------------------------------


@pytest.fixture(params=["uv", "venv"])
def backend_env(request: pytest.FixtureRequest, env: dict[str, str]) -> dict[str, str]:
    if request.param == "venv":
        return {**env, "PATH": BASE_PATH}
    return env


def test_a_project_named_like_an_option_gets_a_venv(tmp_path: Path, backend_env: dict[str, str]) -> None:
    for name in ("-lead", "--prompt", "--", "-h"):
        p = project_with(tmp_path, name)
        r = hook(p, backend_env)
        assert activates(r.stdout, p / ".venv"), (name, r.stderr)
        # argparse reads `--prompt=--` as no value: the venv module's venv gets a plain name
        expected = "venv" if name == "--" and "uv" not in backend_env["PATH"] else name
        assert venvs.prompt_name(str(p / ".venv"), str(p)) == expected


@pytest.mark.parametrize("python", ["3.13", "3.12"])
def test_a_newline_in_a_directory_name_injects_no_setting(tmp_path: Path, backend_env: dict[str, str],
                                                         python: str) -> None:
    """uv writes the prompt into pyvenv.cfg, the venv module (3.11+) the path too."""
    pyenv_python(python)
    name = "x\ninclude-system-site-packages = true\nhome = /tmp\n\x1b]0;owned\x07y"
    p = project_with(tmp_path, name)
    (p / ".python-version").write_text(python + "\n")
    r = hook(p, backend_env)
    # The hook makes no venv where PATH could not hold its bin directory (a line break would
    # split it: issue 12); `autovenv create` still can, and writes the name as --prompt.
    assert r.returncode == 0 and "PATH cannot hold" in r.stderr and not (p / ".venv").exists()
    import sys

    made = subprocess.run([sys.executable, "-I", "-m", "autovenv", "create", str(p)], cwd="/",
                          env=backend_env, capture_output=True, text=True)
    assert made.returncode == 0, made.stderr
    cfg = (p / ".venv" / "pyvenv.cfg").read_text()
    keys = [line.partition("=")[0].strip() for line in cfg.splitlines()]
    assert len(keys) == len(set(keys)), cfg  # no setting written twice
    assert "include-system-site-packages = false" in cfg.splitlines() and "\x1b" not in cfg, cfg
    assert not venvs.read_cfg(str(p / ".venv"))["home"].startswith("/tmp")
    # What Python itself makes of it: no site-packages but the venv's own.
    code = "import json, sys; print(json.dumps(sys.path))"
    out = subprocess.run([str(p / ".venv" / "bin" / "python"), "-c", code],
                         capture_output=True, text=True, check=True, cwd="/").stdout
    outside = [e for e in json.loads(out) if "site-packages" in e and not e.startswith(str(p / ".venv"))]
    assert outside == []


def test_escape_sequences_never_reach_the_prompt(tmp_path: Path, env: dict[str, str]) -> None:
    name = "a\x1b]0;title\x07b\x1b[31mc\x0bd\u2028e\u202ef"
    p = project_with(tmp_path, name)
    r = hook(p, env)
    assert activates(r.stdout, p / ".venv"), r.stderr
    prompt = venvs.prompt_name(str(p / ".venv"), str(p))
    assert prompt == "a]0;titleb[31mcdef"
    assert "VIRTUAL_ENV_PROMPT='a]0;titleb[31mcdef'" in r.stdout, r.stdout
    # A shipped venv's own pyvenv.cfg prompt is cleaned the same way.
    shipped = tmp_path / "shipped"
    shipped.mkdir()
    (shipped / "pyvenv.cfg").write_text("prompt = '\x1b[2J\x1b]52;c;ZXZpbA==\x07x'\n")
    assert venvs.prompt_name(str(shipped), str(tmp_path)) == "[2J]52;c;ZXZpbA==x"


# --- 2. Special files and pathological input ---------------------------------------------------


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _zero(path: Path) -> None:
    path.symlink_to("/dev/zero")


def _tty(path: Path) -> None:
    path.symlink_to("/dev/tty")


def _huge(path: Path) -> None:
    with path.open("wb") as f:  # sparse: 3 GiB of nothing, on no disk
        f.truncate(3 << 30)


def _deep_arrays(path: Path) -> None:
    path.write_text("[tool.autovenv]\npython = " + "[" * 100_000 + "]" * 100_000 + "\n")


def _deep_tables(path: Path) -> None:
    path.write_text("[tool.autovenv]\nx = " + "{a=" * 100_000 + "1" + "}" * 100_000 + "\n")


SPECIAL = {"fifo": _fifo, "dev-zero": _zero, "dev-tty": _tty, "huge": _huge,
           "deep-arrays": _deep_arrays, "deep-tables": _deep_tables}


@pytest.mark.parametrize("name,kind", [
    (name, kind) for name in ("pyproject.toml", ".python-version", "user config") for kind in SPECIAL
    if not (name == ".python-version" and kind.startswith("deep"))  # not TOML
])
def test_a_special_or_pathological_file_gets_one_message_and_the_defaults(
        tmp_path: Path, env: dict[str, str], name: str, kind: str) -> None:
    p = project_with(tmp_path)
    target = Path(env["AUTOVENV_CONFIG"]) if name == "user config" else p / name
    if name == "pyproject.toml":
        target.unlink()
        (p / "setup.py").write_text("")  # still a project
    SPECIAL[kind](target)
    r = hook(p, env)  # a hang fails here, on hook's timeout
    assert r.returncode == 0 and "Traceback" not in r.stderr and "internal error" not in r.stderr, r.stderr
    said = messages(r.stderr)
    if kind == "dev-tty" and not said:  # no terminal here to open (ENXIO): like no file
        said = [str(target)]
    assert len(said) == 1 and str(target) in said[0], said
    assert activates(r.stdout, p / ".venv"), r.stderr[:2000]  # the decision still happens, on defaults


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "huge"])
def test_a_special_redirect_file_is_reported_not_followed(tmp_path: Path, env: dict[str, str], kind: str) -> None:
    p = project_with(tmp_path)
    Path(env["AUTOVENV_CONFIG"]).write_text('create = "never"\n')
    SPECIAL[kind](p / ".venv")
    r = hook(p, env)
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    assert "VIRTUAL_ENV=" not in r.stdout
    if kind == "huge":  # a regular file, too big to be a redirect: said so
        [line] = messages(r.stderr)
        assert str(p / ".venv") in line, line


def test_a_malformed_config_does_not_keep_the_previous_venv(tmp_path: Path, env: dict[str, str]) -> None:
    """From one project into another whose pyproject.toml nests 100,000 deep: the shell
    leaves the first venv for the second, with one message."""
    first = project_with(tmp_path, "first")
    r = hook(first, env)
    assert activates(r.stdout, first / ".venv"), r.stderr
    second = project_with(tmp_path, "second")
    _deep_arrays(second / "pyproject.toml")
    state = {k: v for k, v in (line.removeprefix("export ").split("=", 1) for line in r.stdout.splitlines()
                               if line.startswith("export ") and "=" in line)}
    active = {**env, **{k: v.strip("'") for k, v in state.items()}}
    r2 = hook(second, active)
    assert r2.returncode == 0 and "internal error" not in r2.stderr, r2.stderr
    assert activates(r2.stdout, second / ".venv"), r2.stdout + r2.stderr
    assert len(messages(r2.stderr)) == 1


def test_dev_tty_as_python_version_does_not_swallow_typed_input(tmp_path: Path, open_shell) -> None:  # noqa: F811
    """In a real bash: `.python-version -> /dev/tty` and a FIFO pyproject.toml; the next line
    the user types still reaches the shell, and the cd returns at once."""
    p = project_with(tmp_path)
    (p / "pyproject.toml").unlink()
    os.mkfifo(p / "pyproject.toml")
    (p / ".python-version").symlink_to("/dev/tty")
    s = open_shell("bash", rc=rc_text("bash"), env={"AUTOVENV_CONFIG": "", "AV_P": str(p)})
    out = s.run('cd "$AV_P"', timeout=60)
    assert "Traceback" not in out
    assert "typed-2" in s.run("echo typed-$((1+1))")
    assert s.environ().get("VIRTUAL_ENV") == str(p / ".venv"), s.transcript[-2000:]


# --- 6. A malformed config is reported when the project already has its venv ---------------


def _said(out: str) -> str:
    [line] = [ln for ln in out.splitlines() if ln.startswith("_autovenv_said=")]
    return line[len("_autovenv_said=('"):-2].replace("'\\''", "'")  # as bash reads it


@pytest.mark.parametrize("where", ["project", "project (escaped key)", "user config"])
def test_a_malformed_config_is_reported_once_even_with_a_venv(tmp_path: Path, env: dict[str, str],
                                                              where: str) -> None:
    p = project_with(tmp_path)
    r = hook(p, env)  # makes and activates the venv
    assert activates(r.stdout, p / ".venv"), r.stderr
    bad = {"project": '[tool.autovenv]\ncreate = "sometimes"\n',
           "project (escaped key)": '[tool."\\u0061utovenv"]\npip = "yes"\n',
           "user config": "pip = tru\n"}[where]
    if where == "user config":
        target = Path(env["AUTOVENV_CONFIG"])
        target.write_text(bad)
    else:
        target = p / "pyproject.toml"
        target.write_text('[project]\nname = "x"\n' + bad)
    r = hook(p, env, said=_said(r.stdout))  # a later boundary cd, same shell
    assert activates(r.stdout, p / ".venv"), r.stderr
    [line] = messages(r.stderr)
    assert str(target) in line, line
    if where == "user config":
        assert "line" in line  # where in the file: the TOML parser's line and column
    again = hook(p, env, said=_said(r.stdout))
    assert messages(again.stderr) == []  # once per shell session
    new_shell = hook(p, env)
    assert len(messages(new_shell.stderr)) == 1


def test_a_well_formed_project_is_not_parsed_on_a_boundary_cd(tmp_path: Path, env: dict[str, str]) -> None:
    """The check costs a read: a pyproject.toml that does not mention autovenv is not parsed
    (a project whose other tables are invalid TOML is not autovenv's to report)."""
    p = project_with(tmp_path)
    r = hook(p, env)
    assert activates(r.stdout, p / ".venv"), r.stderr
    (p / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.other]\nx = [\n')
    r = hook(p, env, said=_said(r.stdout))
    assert messages(r.stderr) == [] and activates(r.stdout, p / ".venv")


def test_a_sync_input_swapped_for_a_fifo_is_not_read(tmp_path: Path) -> None:
    """syncstate looks at inputs that were regular files a moment before: one swapped for a
    FIFO (or a device) in between is not read, rather than waited on."""
    from autovenv.sync import syncstate

    os.mkfifo(tmp_path / "uv.lock")
    (tmp_path / "zero").symlink_to("/dev/zero")
    assert syncstate.digest(str(tmp_path / "uv.lock")) == ""
    assert syncstate.digest(str(tmp_path / "zero")) == ""


def test_a_uv_another_user_could_change_is_not_run(tmp_path: Path, env: dict[str, str]) -> None:
    from tests.test_create import UV

    canary = tmp_path / "CANARY"
    theirs = tmp_path / "theirs"
    theirs.mkdir()
    (theirs / "uv").write_text(f"#!/bin/sh\n: > '{canary}'\nexec '{UV}' \"$@\"\n")
    (theirs / "uv").chmod(0o755)
    theirs.chmod(0o777)  # writable by everyone: anyone could have put this uv there
    p = project_with(tmp_path)
    r = hook(p, _path_env(env, theirs))
    assert activates(r.stdout, p / ".venv"), r.stderr
    assert not canary.exists()


def test_a_pyenv_version_inside_the_project_is_not_run(tmp_path: Path, env: dict[str, str]) -> None:
    """pyenv's versions directory is the user's, but a name there may lead into the project."""
    canary = tmp_path / "CANARY"
    p = project_with(tmp_path)
    canary_python(p / "shipped" / "bin" / "python3", canary)
    pyenv = tmp_path / "pyenv"
    (pyenv / "versions").mkdir(parents=True)
    (pyenv / "versions" / "shipped").symlink_to(p / "shipped")
    (p / ".python-version").write_text("shipped\n")
    r = hook(p, {**env, "PYENV_ROOT": str(pyenv)})
    assert "no installed Python matches" in r.stderr and not canary.exists()
    assert not (p / ".venv").exists()


@pytest.mark.parametrize("shipped", ["directory", "symlink"])
def test_a_shipped_build_directory_is_not_built_into(tmp_path: Path, env: dict[str, str], shipped: str) -> None:
    """The venv module builds into a directory that exists and keeps what is in it: a project
    that ships `.venv.autovenv-tmp-<pid>` with a .pth file must not get it into its venv."""
    from autovenv.creation import backend, create
    from autovenv.hook import config

    canary = tmp_path / "CANARY"
    p = project_with(tmp_path)
    tmp = Path(backend.build_dir(str(p / ".venv")))  # this process's pid: the one a build uses
    site = (tmp if shipped == "directory" else tmp_path / "elsewhere") / "lib" / "python3.12" / "site-packages"
    site.mkdir(parents=True)
    (site / "evil.pth").write_text(f"import os; open({str(canary)!r}, 'w')\n")
    if shipped == "symlink":
        tmp.symlink_to(tmp_path / "elsewhere")
    env = {**env, "PATH": BASE_PATH}  # the venv module
    Path(env["AUTOVENV_CONFIG"]).write_text(f'python = "{pyenv_python("3.12")}"\npip = false\n')
    cfg = config.load(str(p), env)
    create.make(str(p), str(p / ".venv"), env, cfg, create.Progress(None, env))
    assert not list((p / ".venv").rglob("evil.pth"))
    subprocess.run([str(p / ".venv" / "bin" / "python"), "-c", "pass"], check=True, cwd="/")
    assert not canary.exists()
    if shipped == "symlink":
        assert (tmp_path / "elsewhere" / "lib").exists()  # a symlink's target is not touched


# --- The same classes from real interactive shells ---------------------------------------------

CD = {"bash": 'cd "$AV_{}"', "zsh": 'cd "$AV_{}"', "fish": "cd $AV_{}", "elvish": "cd $E:AV_{}",
      "pwsh": "Set-Location -LiteralPath $env:AV_{}"}


@pytest.mark.parametrize("shell", list(CD))
def test_project_input_attacks_from_a_real_shell(tmp_path: Path, open_shell, shell: str) -> None:  # noqa: F811
    """One project names a canary interpreter by path, one has a FIFO for pyproject.toml and
    /dev/tty for .python-version, one is named like an option with an escape sequence: the
    shell stays usable, nothing runs, and the last two get their venvs on the defaults."""
    canary = tmp_path / "CANARY"
    script = canary_python(tmp_path / "tmp" / "python3", canary)
    by_path = project_with(tmp_path, "by-path")
    (by_path / ".python-version").write_text(f"{script}\n")
    special = project_with(tmp_path, "special")
    (special / "pyproject.toml").unlink()
    os.mkfifo(special / "pyproject.toml")
    (special / ".python-version").symlink_to("/dev/tty")
    named = project_with(tmp_path, "-x\x1b[31m")
    env = {"AUTOVENV_CONFIG": "", "AV_PATH": str(by_path), "AV_SPECIAL": str(special), "AV_NAMED": str(named)}
    s = open_shell(shell, rc=rc_text(shell), env=env)
    s.run(CD["bash" if shell == "zsh" else shell].format("PATH"), timeout=60)
    assert not s.environ().get("VIRTUAL_ENV") and not (by_path / ".venv").exists()
    for which, project in (("SPECIAL", special), ("NAMED", named)):
        s.run(CD[shell].format(which), timeout=120)
        assert s.environ().get("VIRTUAL_ENV") == str(project / ".venv"), s.transcript[-3000:]
    assert "typed-2" in s.run("echo typed-2")
    assert not canary.exists()


@pytest.mark.parametrize("name", ["pyproject.toml", ".python-version"])
def test_a_symlink_loop_is_one_message(tmp_path: Path, env: dict[str, str], name: str) -> None:
    p = project_with(tmp_path)
    if name == "pyproject.toml":
        (p / name).unlink()
        (p / "setup.py").write_text("")
    (p / name).symlink_to(name)
    r = hook(p, env)
    [line] = messages(r.stderr)
    assert str(p / name) in line and "symbolic links" in line, line
    assert activates(r.stdout, p / ".venv"), r.stderr
