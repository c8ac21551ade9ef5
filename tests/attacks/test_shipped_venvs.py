"""Repositories that ship a venv, or point at one, or are shaped to wear the hook down.

Each is committed to git and cloned, then entered from a real shell; inside it the user runs
what they would run first (`ls`, `python`, `pip`), and the harness runs `env`. Whatever the
repository holds, no program of it runs (no canary), PATH gains no empty, relative or foreign
entry, autovenv says at most one thing, and the shell comes back exactly as it was.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from autovenv.hook.trust import TrustStore
from tests.attacks.conftest import (
    ATTACK_SHELLS,
    SHADOWED,
    Canaries,
    alive,
    assert_path_clean,
    attempt,
    cd,
    current_directory,
    fake_venv,
    messages,
    ship,
    write,
)
from tests.conftest import built_once, make_venv
from tests.shells.harness import BASE_PATH

UV = str(Path(sys.executable).parent / "uv")
NOBODY = 65534


@dataclass
class World:
    """What a scenario may touch outside the repository: where the victim keeps other venvs,
    their trust store, and the canaries."""

    tmp: Path
    canaries: Canaries
    store: TrustStore
    env: dict[str, str] = field(default_factory=dict)  # for the victim's shell
    allowed: list[str] = field(default_factory=list)  # PATH entries the shell may gain
    enter: str = "."  # where in the clone the victim goes


def project_canaries(src: Path, world: World, tag: str = "root") -> None:
    """A pyproject.toml, and programs at the top and in bin/ that shadow common commands
    should an empty or relative entry ever reach PATH."""
    write(src / "pyproject.toml", "[project]\nname = 'nice'\nversion = '1'\n")
    for name in SHADOWED:
        write(src / name, world.canaries.script(f"{tag}-{name}"), 0o755)
        write(src / "bin" / name, world.canaries.script(f"{tag}-binroot-{name}"), 0o755)


def foreign_venv(world: World, name: str) -> Path:
    """A venv another local user owns (a canary venv: they can put anything in it)."""
    if os.geteuid() != 0:
        pytest.skip("making files owned by another user needs root")
    venv = fake_venv(world.tmp / "elsewhere" / name, world.canaries, name)
    for root, dirs, files in os.walk(venv):
        for n in dirs + files + ["."]:
            os.lchown(os.path.join(root, n), NOBODY, NOBODY)
    return venv


def world_writable_venv(world: World, name: str) -> Path:
    """A real venv of the victim's own, in a place every user can write to."""
    venv = make_venv(world.tmp / "shared" / name)
    venv.chmod(0o777)
    return venv


# --- The scenarios: each builds the attacker's work tree ---------------------------------

def shipped_dotvenv(src: Path, world: World) -> None:
    project_canaries(src, world)
    fake_venv(src / ".venv", world.canaries, "dotvenv")


def shipped_plain_venv(src: Path, world: World) -> None:
    project_canaries(src, world)
    fake_venv(src / "venv", world.canaries, "venv")


def shipped_venv_in_subdirectory(src: Path, world: World) -> None:
    """The victim works in a subdirectory that ships its own venv."""
    project_canaries(src, world)
    fake_venv(src / "pkg" / "sub" / ".venv", world.canaries, "subvenv")
    write(src / "pkg" / "sub" / "setup.py", "")
    world.enter = "pkg/sub"


def project_root_is_the_venv(src: Path, world: World) -> None:
    """`.venv -> .`: the repository itself is laid out as a venv."""
    project_canaries(src, world)
    fake_venv(src, world.canaries, "rootvenv")
    (src / ".venv").symlink_to(".")


def venv_symlinked_into_the_tree(src: Path, world: World) -> None:
    """`.venv -> tools/env`, a fake venv elsewhere in the same repository."""
    project_canaries(src, world)
    fake_venv(src / "tools" / "env", world.canaries, "toolsvenv")
    (src / ".venv").symlink_to("tools/env")
    (src / "venv").symlink_to("./tools/../tools/env")


def redirect_file_to_shipped_venv(src: Path, world: World) -> None:
    """A `.venv` redirect file (PEP 832) naming a fake venv in the repository."""
    project_canaries(src, world)
    fake_venv(src / "vendor" / "env", world.canaries, "redirected")
    write(src / ".venv", "vendor/env\n")


def redirect_file_to_foreign_venv(src: Path, world: World) -> None:
    """The redirect names another user's venv; the victim even allowed it once."""
    project_canaries(src, world)
    venv = foreign_venv(world, "theirs")
    world.store.allow(str(venv))
    write(src / ".venv", f"{venv}\n")


def redirect_file_to_world_writable_venv(src: Path, world: World) -> None:
    project_canaries(src, world)
    venv = world_writable_venv(world, "ww")
    world.store.allow(str(venv))
    write(src / ".venv", f"{venv}\n")


def control_redirect_file_to_own_venv(src: Path, world: World) -> None:
    """The control: the same redirect, to the victim's own allowed venv in a directory only
    they can write, is followed and activated (so a refusal above is the attack's doing)."""
    project_canaries(src, world)
    venv = make_venv(world.tmp / "mine" / "venv")
    world.store.allow(str(venv))
    write(src / ".venv", f"{venv}\n")
    world.allowed.append(f"{venv}/bin")


def redirect_file_to_venv_in_an_open_directory(src: Path, world: World) -> None:
    """The victim's own allowed venv, in a directory every user may write to (no sticky bit):
    anyone can rename it away and put theirs in its place."""
    project_canaries(src, world)
    open_dir = world.tmp / "open"
    venv = make_venv(open_dir / "venv")
    open_dir.chmod(0o777)
    world.store.allow(str(venv))
    write(src / ".venv", f"{venv}\n")


def symlink_to_foreign_venv(src: Path, world: World) -> None:
    project_canaries(src, world)
    venv = foreign_venv(world, "theirs-link")
    world.store.allow(str(venv))
    (src / ".venv").symlink_to(venv)


def symlink_to_world_writable_venv(src: Path, world: World) -> None:
    """A relative symlink out of the clone, into a shared directory."""
    project_canaries(src, world)
    venv = world_writable_venv(world, "ww-link")
    world.store.allow(str(venv))
    (src / "venv").symlink_to(os.path.relpath(venv, world.tmp / "src" / src.name))


def symlink_loops(src: Path, world: World) -> None:
    """Every name autovenv looks for is a link to itself or to the other, and a directory
    links back up so the victim can wander into the loop."""
    project_canaries(src, world)
    (src / ".venv").symlink_to(".venv")
    (src / "venv").symlink_to("venv2")
    (src / "venv2").symlink_to("venv")
    (src / "setup.py").symlink_to("setup.py")
    (src / ".python-version").symlink_to(".python-version")
    (src / "requirements.txt").symlink_to("requirements-dev.txt")
    (src / "requirements-dev.txt").symlink_to("requirements.txt")
    (src / "sub").mkdir()
    (src / "sub" / "up").symlink_to("..")
    world.enter = "sub/up/sub/up/sub/up/sub"


def venv_pyvenv_cfg_loops(src: Path, world: World) -> None:
    """A venv whose pyvenv.cfg and bin are links to themselves."""
    project_canaries(src, world)
    (src / ".venv").mkdir()
    (src / ".venv" / "pyvenv.cfg").symlink_to("pyvenv.cfg")
    (src / ".venv" / "bin").symlink_to("bin")


def recloned_over_an_allowed_venv(src: Path, world: World) -> None:
    """The victim once allowed the venv at this very path; the clone now there ships its own."""
    project_canaries(src, world)
    fake_venv(src / ".venv", world.canaries, "reclone")
    earlier = world.tmp / "src" / src.name
    make_venv(earlier / ".venv")
    world.store.allow(str(earlier / ".venv"))
    shutil.rmtree(earlier)


ESCAPES = "esc-\x1b]52;c;cHduZWQ=\x07-\x1b]0;pwned\x07-\x1b[2J-\x9b31m"


def terminal_escapes_in_names(src: Path, world: World) -> None:
    """A directory whose name writes the clipboard (OSC 52), the title, clears the screen,
    holding a shipped venv: the message naming it must not carry the sequences raw."""
    project_canaries(src, world)
    fake_venv(src / ESCAPES / ".venv", world.canaries, "escapes")
    write(src / ESCAPES / "pyproject.toml", "")
    world.enter = ESCAPES


def hostile_project_for_creation(src: Path, world: World) -> None:
    """No venv shipped: autovenv makes one (creation on, uv on PATH). Nothing of the project may
    run while it does: not its build backend, setup.py, site/sitecustomize/os modules or .pth."""
    write(src / "pyproject.toml", "[project]\nname = 'nice'\nversion = '1'\n"
          "[build-system]\nrequires = []\nbuild-backend = 'backend'\nbackend-path = ['.']\n")
    for module in ("backend", "setup", "site", "sitecustomize", "usercustomize", "os", "venv",
                   "ensurepip", "encodings/__init__", "_virtualenv"):
        write(src / f"{module}.py", world.canaries.pth(f"create-{module.replace('/', '-')}"))
    write(src / "evil.pth", world.canaries.pth("create-pth"))
    write(src / ".python-version", f"{sys.version_info[0]}.{sys.version_info[1]}\n")
    for name in SHADOWED:
        if name != "uv":
            write(src / name, world.canaries.script(f"create-{name}"), 0o755)
    uvbin = world.tmp / "uvbin"
    uvbin.mkdir()
    (uvbin / "uv").symlink_to(UV)
    world.env.update(AUTOVENV_CONFIG="", PATH=f"{uvbin}:{BASE_PATH}")
    world.allowed.append(str(world.tmp / "src" / src.name / ".venv" / "bin"))


SCENARIOS: dict[str, Callable[[Path, World], None]] = {
    f.__name__: f for f in (
        shipped_dotvenv, shipped_plain_venv, shipped_venv_in_subdirectory,
        project_root_is_the_venv, venv_symlinked_into_the_tree, redirect_file_to_shipped_venv,
        redirect_file_to_foreign_venv, redirect_file_to_world_writable_venv,
        redirect_file_to_venv_in_an_open_directory, control_redirect_file_to_own_venv,
        symlink_to_foreign_venv, symlink_to_world_writable_venv, symlink_loops,
        venv_pyvenv_cfg_loops, recloned_over_an_allowed_venv, terminal_escapes_in_names,
        hostile_project_for_creation,
    )
}


FIRST_COMMANDS = ("ls", "python --version", "pip --version", "autovenv status")


def visit(s, world: World, where: Path, rounds: int = 2) -> None:
    """Enter `where`, do what a user does first, check PATH, leave, check the shell is back."""
    first = [attempt(s.shell, f"{command} > /dev/null") for command in FIRST_COMMANDS]
    for command in first:  # once outside, for what they change themselves (fish's ls: LS_COLORS)
        s.run(command)
    base = s.environ_sans_cwd()
    base_prompt = s.prompt()
    for _ in range(rounds):
        s.run(cd(s.shell, where, via=world.tmp / "cd-target"), timeout=60)
        for command in first:
            s.run(command)
        env = s.environ()
        assert os.path.samefile(current_directory(s), where)  # the cd itself worked
        assert_path_clean(env["PATH"], base["PATH"], tuple(world.allowed))
        venv = env.get("VIRTUAL_ENV")
        # Whatever the shell gained it gained because a venv was activated, and only an allowed one.
        assert (venv is None) == (env["PATH"] == base["PATH"]), s.transcript[-3000:]
        assert venv is None or f"{venv}/bin" in world.allowed, venv
        s.run(cd(s.shell, world.tmp))
        assert s.environ_sans_cwd() == base
        assert s.prompt() == base_prompt
    alive(s)


def check_unharmed(s, world: World) -> None:
    assert world.canaries.fired() == [], s.transcript[-3000:]
    said = [m for m in messages(s) if not m.startswith(("autovenv: creating", "autovenv: created"))]
    # Once per thing per shell session, never at each prompt or entry (the loops scenario
    # names .venv, venv and .python-version, each once).
    assert len(said) == len(set(said)) <= 3, said
    assert "Traceback" not in s.transcript and "internal error" not in s.transcript
    for sequence in ("\x1b]52;", "\x1b]0;pwned", "\x1b[2J", "\x9b"):
        assert sequence not in s.transcript, sequence


@pytest.mark.parametrize("shell_name", ATTACK_SHELLS)
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_shipped_repository(tmp_path, open_shell, canaries, scenario, shell_name):
    store = TrustStore({"AUTOVENV_DATA_DIR": str(tmp_path / "autovenv-data")})
    world = World(tmp_path, canaries, store)
    repo = ship(tmp_path, scenario, lambda src: SCENARIOS[scenario](src, world))
    s = open_shell(shell_name, env=world.env)
    visit(s, world, repo / world.enter)
    check_unharmed(s, world)
    if scenario == "terminal_escapes_in_names":  # it was named, with its escapes made visible
        assert "\\x1b]52;c;" in s.transcript
    if world.allowed:  # the controls: what may be activated is
        s.run(cd(shell_name, repo))
        assert f"{s.environ().get('VIRTUAL_ENV')}/bin" in world.allowed, s.transcript[-3000:]
        assert world.canaries.fired() == []


# --- Heavy shapes: built once per module, entered from every shell -------------------------

DEPTH = 500
WIDTH = 100_000


@pytest.fixture(scope="module")
def heavy(tmp_path_factory) -> tuple[World, dict[str, Path]]:
    tmp = built_once(tmp_path_factory, "heavy", build_heavy)
    return heavy_world(tmp), {"deep": tmp / "src" / "deep", "wide": tmp / "src" / "wide"}


def heavy_world(tmp: Path) -> World:
    return World(tmp, Canaries(tmp), TrustStore({"AUTOVENV_DATA_DIR": str(tmp / "unused")}))


def build_heavy(tmp: Path) -> None:
    """Two repositories, shipped as their authors would: 500 levels deep, 100k entries wide."""
    world = heavy_world(tmp)

    def deep(src: Path) -> None:
        """500 levels, each a project with a requirements file, a venv shipped half way."""
        project_canaries(src, world)
        level = src
        for i in range(DEPTH):
            level = level / "d"
            level.mkdir()
            (level / ("pyproject.toml" if i % 2 else "requirements.txt")).write_text("")
            if i == DEPTH // 2:
                fake_venv(level / ".venv", world.canaries, "deep")

    def wide(src: Path) -> None:
        """100k entries in the project directory, every one a name autovenv's globs match."""
        project_canaries(src, world)
        fake_venv(src / ".venv", world.canaries, "wide")
        write(src / "sub" / "inner" / "README", "")  # git carries no empty directory
        for i in range(WIDTH):
            (src / f"requirements-{i:06d}.txt").touch()

    ship(tmp, "deep", deep)
    ship(tmp, "wide", wide)


@pytest.mark.parametrize("shell_name", ATTACK_SHELLS)
def test_500_level_tree(tmp_path, open_shell, heavy, shell_name):
    world, repos = heavy
    world = World(tmp_path, world.canaries, world.store)
    bottom = repos["deep"].joinpath(*["d"] * DEPTH)
    s = open_shell(shell_name)
    started = time.monotonic()
    visit(s, world, bottom, rounds=1)
    # Up through the tree one level at a time, across the shipped venv.
    s.run(cd(shell_name, bottom))
    for _ in range(3):
        s.run("cd ../../../../../../../../../../../../../../../../../../../../../../../../..")
    assert current_directory(s) == str(bottom.parents[75 - 1]) and "VIRTUAL_ENV" not in s.environ()
    s.run(cd(shell_name, repos["deep"]))
    assert "VIRTUAL_ENV" not in s.environ()
    elapsed = time.monotonic() - started
    check_unharmed(s, world)
    assert elapsed < 60, elapsed


@pytest.mark.parametrize("shell_name", ATTACK_SHELLS)
def test_100k_entry_directory(tmp_path, open_shell, heavy, shell_name):
    world, repos = heavy
    world = World(tmp_path, world.canaries, world.store)
    s = open_shell(shell_name)
    started = time.monotonic()
    visit(s, world, repos["wide"], rounds=1)
    s.run(cd(shell_name, repos["wide"] / "sub" / "inner"))
    s.run("cd ..")
    s.run("cd ..")
    assert current_directory(s) == str(repos["wide"]) and "VIRTUAL_ENV" not in s.environ()
    elapsed = time.monotonic() - started
    check_unharmed(s, world)
    assert elapsed < 60, elapsed


def test_clones_keep_what_the_attacker_committed(tmp_path, canaries):
    """The attacks arrive as built: git carried the symlinks and executable bits."""
    store = TrustStore({"AUTOVENV_DATA_DIR": str(tmp_path / "autovenv-data")})
    world = World(tmp_path, canaries, store)
    repo = ship(tmp_path, "loops", lambda src: symlink_loops(src, world))
    assert os.readlink(repo / ".venv") == ".venv"
    assert os.readlink(repo / "sub" / "up") == ".."
    repo = ship(tmp_path, "rootvenv", lambda src: project_root_is_the_venv(src, world))
    assert os.access(repo / "bin" / "python", os.X_OK) and (repo / ".venv" / "pyvenv.cfg").is_file()
    r = subprocess.run([str(repo / "ls")], capture_output=True)
    assert r.returncode == 0 and canaries.fired() == ["root-ls"]  # a canary does fire when run
