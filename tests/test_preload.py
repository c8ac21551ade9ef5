"""The hook path's bundle (preload.py): same modules, same answers, never stale, never fatal.

Each test works on a copy of the package in tmp_path, so the bundle it builds, damages or
outdates is its own.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autovenv.hook import bundlewrite, preload
from tests.conftest import make_venv

SRC = Path(__file__).resolve().parent.parent / "src" / "autovenv"
BUNDLED = preload.EAGER + preload.ON_DEMAND + preload.ON_CREATION


@pytest.fixture
def package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the autovenv package without caches: tmp_path/lib/autovenv. (The helper runs
    with -I, which ignores PYTHONDONTWRITEBYTECODE; so do this process's rebuilds.)"""
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    target = tmp_path / "lib" / "autovenv"
    shutil.copytree(SRC, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def helper_run(package: Path, cwd: Path, env: dict[str, str], *python_flags: str) -> subprocess.CompletedProcess:
    argv = [sys.executable, *python_flags, "-I", "-S", str(package / "hook" / "helper.py"), "export", "bash"]
    return subprocess.run(argv, cwd=cwd, env={**env, "PWD": str(cwd)}, capture_output=True, text=True)


def where_modules_came_from(package: Path, cwd: Path, env: dict[str, str]) -> dict[str, str]:
    """Module name -> 'bundle' or 'file', for every autovenv module one helper run used."""
    probe = (
        f"import sys; sys.path.append({str(package.parent)!r})\n"
        "from autovenv.hook import preload; preload.load()\n"
        "import io; from autovenv.hook import export\n"
        "sys.stdout = io.TextIOWrapper(io.BytesIO()); export.main(['export', 'bash'])\n"
        "sys.stderr.write(repr({n: 'bundle' if isinstance(getattr(m, '__loader__', None), "
        "preload._Bundle) else 'file' for n, m in sys.modules.items() "
        "if n.startswith('autovenv.') and n not in ('autovenv.hook', 'autovenv.hook.preload')}))\n"
    )
    done = subprocess.run([sys.executable, "-I", "-S", "-c", probe], cwd=cwd,
                          env={**env, "PWD": str(cwd)}, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return ast.literal_eval(done.stderr.strip().splitlines()[-1])


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "AUTOVENV_DATA_DIR": str(tmp_path / "data"),
            "AUTOVENV_CONFIG": str(tmp_path / "none.toml")}


@pytest.fixture
def project(tmp_path: Path, env: dict[str, str]) -> Path:
    """A trusted project with a venv."""
    from autovenv.hook.trust import TrustStore

    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / "pyproject.toml").write_text("[project]\nname = 'proj'\n")
    make_venv(proj / ".venv")
    TrustStore(env).allow(str(proj / ".venv"))
    return proj


def test_first_run_builds_the_bundle_and_later_runs_use_it(package: Path, project: Path, env: dict[str, str]) -> None:
    bundle = Path(preload.bundle_path(str(package)))
    first = helper_run(package, project, env)
    assert first.returncode == 0, first.stderr
    assert bundle.is_file()
    second = helper_run(package, project, env)
    assert (second.returncode, second.stdout, second.stderr) == (0, first.stdout, first.stderr)
    assert f"VIRTUAL_ENV='{project}/.venv'" in second.stdout
    came = where_modules_came_from(package, project, env)
    assert came and set(came.values()) == {"bundle"}, came


def test_every_module_of_the_hook_path_is_in_the_bundle(package: Path, project: Path, env: dict[str, str],
                                                       tmp_path: Path) -> None:
    assert bundlewrite.rebuild(str(package))
    new_project = tmp_path / "new"
    new_project.mkdir()
    (new_project / "requirements.txt").write_text("")
    (tmp_path / "none.toml").write_text("pip = false\n")
    outside = tmp_path / "outside"
    outside.mkdir()
    for where in (project, project / ".venv", new_project, outside):
        came = where_modules_came_from(package, where, env)
        assert {n for n, how in came.items() if how == "file"} == set(), where
    assert (new_project / ".venv" / "pyvenv.cfg").is_file()  # the creation path did run


def test_a_changed_source_is_used_at_once_and_the_bundle_rebuilt(package: Path, project: Path,
                                                                 env: dict[str, str]) -> None:
    assert bundlewrite.rebuild(str(package))
    bundle = Path(preload.bundle_path(str(package)))
    before = bundle.read_bytes()
    # A change a bundle made earlier does not know: every answer names the venv differently.
    venvs = package / "hook" / "venvs.py"
    venvs.write_text(venvs.read_text() + "\n_real_prompt_name = prompt_name\n"
                     "def prompt_name(venv, holder):\n    return 'changed-' + _real_prompt_name(venv, holder)\n")
    done = helper_run(package, project, env)
    assert done.returncode == 0, done.stderr
    assert "VIRTUAL_ENV_PROMPT='changed-proj'" in done.stdout
    assert bundle.read_bytes() != before
    assert where_modules_came_from(package, project, env)["autovenv.hook.venvs"] == "bundle"
    again = helper_run(package, project, env)
    assert "VIRTUAL_ENV_PROMPT='changed-proj'" in again.stdout


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "other-magic"])
def test_a_damaged_bundle_is_ignored_and_replaced(package: Path, project: Path, env: dict[str, str],
                                                  damage: str) -> None:
    assert bundlewrite.rebuild(str(package))
    bundle = Path(preload.bundle_path(str(package)))
    good = bundle.read_bytes()
    damaged = {
        "garbage": good[:40] + b"\xff" * 4 + os.urandom(2000),
        "truncated": good[: len(good) // 10],  # inside the hot part
        "empty": b"",
        "other-magic": b"\x00\x00\r\n" + good[4:],
    }[damage]
    bundle.write_bytes(damaged)
    done = helper_run(package, project, env)
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert f"VIRTUAL_ENV='{project}/.venv'" in done.stdout
    assert bundle.read_bytes() != damaged  # replaced by a good one, which the next run uses
    came = where_modules_came_from(package, project, env)
    assert came and set(came.values()) == {"bundle"}, came


def test_a_read_only_package_works_without_a_bundle(package: Path, project: Path, env: dict[str, str]) -> None:
    if os.geteuid() == 0:
        # root writes anyway: the same case, as the interpreter sees it with -B
        done = helper_run(package, project, env, "-B")
    else:
        package.chmod(0o555)
        try:
            done = helper_run(package, project, env)
        finally:
            package.chmod(0o755)
    assert done.returncode == 0, done.stderr
    assert f"VIRTUAL_ENV='{project}/.venv'" in done.stdout
    assert not Path(preload.bundle_path(str(package))).exists()


def test_the_bundle_runs_annotations_lazily_without_importing_future(package: Path, project: Path,
                                                                     env: dict[str, str]) -> None:
    assert bundlewrite.rebuild(str(package))
    done = helper_run(package, project, env, "-X", "importtime")
    assert done.returncode == 0, done.stderr
    imported = [line.rsplit("|", 1)[1].strip() for line in done.stderr.splitlines() if "|" in line]
    assert "__future__" not in imported
    assert "autovenv.hook.shells.bash" in imported  # the check saw the on-demand modules


def _top_level_imports(name: str) -> set[str]:
    """Bundled modules that `name` imports when it runs (not under `if TYPE_CHECKING:`)."""
    tree = ast.parse(Path(preload.source_path(name, str(SRC))).read_text())
    found: set[str] = set()

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, ast.If):
                if not (isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING"):
                    visit(node.body)
                visit(node.orelse)
            elif isinstance(node, ast.Try):
                visit(node.body)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module)
                found.update(f"{node.module}.{a.name}" for a in node.names)
            elif isinstance(node, ast.Import):
                found.update(a.name for a in node.names)

    visit(tree.body)
    return found & set(BUNDLED)


# helper.py loads autovenv and autovenv.hook itself; a prelude runs once its key's package is in.
@pytest.mark.parametrize("order, loaded", [
    (preload.EAGER, {"autovenv", "autovenv.hook"}),
    *((prelude, {"autovenv", "autovenv.hook", key.rpartition(".")[0]}) for key, prelude in preload.PRELUDES.items()),
])
def test_modules_run_in_a_row_come_after_what_they_import(order: tuple[str, ...], loaded: set[str]) -> None:
    for i, name in enumerate(order):
        earlier = set(order[:i]) | loaded
        parent = name.rpartition(".")[0]
        assert parent in earlier, f"{name} runs before its package {parent}"
        deps = _top_level_imports(name) & set(order)
        assert deps <= earlier, f"{name} imports {sorted(deps - earlier)}, which run later"


def test_a_prelude_holds_what_its_module_imports_at_its_top_level() -> None:
    for name, prelude in preload.PRELUDES.items():
        package = name.rpartition(".")[0]  # imported before the module, which brings the prelude
        missing = _top_level_imports(name) - set(prelude) - set(preload.EAGER) - {package}
        assert not missing, f"{name} imports {sorted(missing)} outside its prelude"


def test_the_bundle_lists_each_module_once_and_every_one_exists() -> None:
    assert len(BUNDLED) == len(set(BUNDLED))
    for name in BUNDLED:
        assert Path(preload.source_path(name, str(SRC))).is_file(), name


def test_a_bundle_cut_short_in_the_creation_part_still_creates(package: Path, env: dict[str, str],
                                                               tmp_path: Path) -> None:
    assert bundlewrite.rebuild(str(package))
    bundle = Path(preload.bundle_path(str(package)))
    data = bundle.read_bytes()
    hot_end = preload.HEADER + int.from_bytes(data[preload.HEADER - 8 : preload.HEADER - 4], "little") \
        + int.from_bytes(data[preload.HEADER - 4 : preload.HEADER], "little")
    bundle.write_bytes(data[: hot_end + 100])
    (tmp_path / "none.toml").write_text("pip = false\n")
    new_project = tmp_path / "new"
    new_project.mkdir()
    (new_project / "pyproject.toml").write_text("[project]\nname = 'new'\n")
    done = helper_run(package, new_project, env)
    assert done.returncode == 0, done.stderr
    assert f"VIRTUAL_ENV='{new_project}/.venv'" in done.stdout
    assert len(bundle.read_bytes()) > hot_end + 100  # rebuilt whole


def test_state_tells_doctor_whether_the_bundle_is_fresh(package: Path) -> None:
    assert bundlewrite.state(str(package)) == "missing"
    assert bundlewrite.rebuild(str(package))
    assert bundlewrite.state(str(package)) == "fresh"
    fs = package / "hook" / "fs.py"
    fs.write_text(fs.read_text() + "\n")
    assert bundlewrite.state(str(package)) == "stale"
    Path(preload.bundle_path(str(package))).write_bytes(b"junk")
    assert bundlewrite.state(str(package)) == "stale"


def test_a_copied_package_does_not_use_the_bundle_of_the_original(package: Path, project: Path,
                                                                  env: dict[str, str], tmp_path: Path) -> None:
    assert bundlewrite.rebuild(str(package))
    copy = tmp_path / "copy" / "autovenv"
    shutil.copytree(package, copy)  # the bundle comes along, naming the original's sources
    venvs = copy / "hook" / "venvs.py"
    venvs.write_text(venvs.read_text() + "\n_real_prompt_name = prompt_name\n"
                     "def prompt_name(venv, holder):\n    return 'copy-' + _real_prompt_name(venv, holder)\n")
    assert bundlewrite.state(str(copy)) == "stale"
    done = helper_run(copy, project, env)
    assert "VIRTUAL_ENV_PROMPT='copy-proj'" in done.stdout, done.stderr
    assert bundlewrite.state(str(copy)) == "fresh" and bundlewrite.state(str(package)) == "fresh"


def test_a_bundle_older_than_the_module_lists_is_rebuilt(package: Path, project: Path, env: dict[str, str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # A bundle made before a module joined the lists: every stamp in it still matches.
    monkeypatch.setattr(preload, "BUNDLED", preload.BUNDLED[:-1])
    Path(preload.bundle_path(str(package))).parent.mkdir()
    Path(preload.bundle_path(str(package))).write_bytes(bundlewrite.build(str(package)))
    monkeypatch.undo()
    assert bundlewrite.state(str(package)) == "stale"
    done = helper_run(package, project, env)
    assert done.returncode == 0, done.stderr
    assert bundlewrite.state(str(package)) == "fresh"
