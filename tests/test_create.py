"""create.py with real interpreters, real venvs, both backends, through the real hook helper.

The helper is run exactly as the snippets run it (`python -I -S helper.py export bash`), with
the project as its working directory, so a file in the project that got imported would show.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autovenv.creation import backend as backends
from autovenv.creation import create, failures, mismatch
from autovenv.hook import trust, venvs
from tests.test_interpreters import PYENV, pyenv_python

ROOT = Path(__file__).resolve().parent.parent
HELPER = str(ROOT / "src" / "autovenv" / "hook" / "helper.py")
AUTOVENV = str(Path(sys.executable).parent / "autovenv")
BASE_PATH = "/usr/local/bin:/usr/bin:/bin"
UV = shutil.which("uv") or str(Path(sys.executable).parent / "uv")


@pytest.fixture(scope="session")
def probe_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every interpreter probed once per session; each test starts from a copy."""
    from autovenv.creation import interpreters, probe

    data = tmp_path_factory.mktemp("probe-cache")
    env = {"HOME": str(data), "PATH": BASE_PATH, "PYENV_ROOT": str(PYENV), "AUTOVENV_DATA_DIR": str(data)}
    finder = interpreters.Finder(env, None)
    finder.prober.info(i.path for i in finder.all())
    return data / probe.CACHE_NAME


@pytest.fixture(params=["uv", "venv"])
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "uv" and not os.path.exists(UV):
        pytest.fail("uv is in the test extras; install it: .dev/venv/bin/pip install uv")
    return request.param


@pytest.fixture
def env(tmp_path: Path, probe_cache: Path) -> dict[str, str]:
    return creation_env(tmp_path, probe_cache)


def creation_env(tmp_path: Path, probe_cache: Path) -> dict[str, str]:
    """A data dir with every interpreter probed, uv on PATH (in a directory of its own), a
    user config file that does not exist yet."""
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(probe_cache, data / probe_cache.name)
    uvbin = tmp_path / "uvbin"
    uvbin.mkdir()
    os.symlink(UV, uvbin / "uv")
    return {
        "HOME": str(tmp_path / "home"),
        "PATH": f"{uvbin}:{BASE_PATH}",
        "PYENV_ROOT": str(PYENV),
        "LANG": "C.UTF-8",
        "AUTOVENV_DATA_DIR": str(data),
        "AUTOVENV_CONFIG": str(tmp_path / "user-config.toml"),
    }


def with_backend(env: dict[str, str], backend: str) -> dict[str, str]:
    if backend == "venv":
        return {**env, "PATH": BASE_PATH}  # no uv anywhere on PATH
    return env


def project(tmp_path: Path, name: str = "proj", requires: str = "") -> Path:
    """A new project; without `requires` any Python will do (CI may have only Debian's)."""
    p = tmp_path / name
    p.mkdir()
    line = f'requires-python = "{requires}"\n' if requires else ""
    (p / "pyproject.toml").write_text(f'[project]\nname = "x"\n{line}')
    return p


def hook(directory: Path, env: dict[str, str], said: str = "", answer: str = "") -> subprocess.CompletedProcess[str]:
    """One run of the per-cd helper, as the bash snippet runs it, from inside `directory`."""
    run_env = {**env, "PWD": str(directory), "_AUTOVENV_SAID": said, "_AUTOVENV_ANSWER": answer}
    return subprocess.run([sys.executable, "-I", "-S", HELPER, "export", "bash"], cwd=directory,
                          env=run_env, capture_output=True, text=True, timeout=120)


def activates(out: str, venv: Path) -> bool:
    return f"export VIRTUAL_ENV='{venv}'" in out


def leftovers(p: Path) -> list[str]:
    return [n for n in os.listdir(p) if ".autovenv-" in n]


def test_entering_a_new_project_creates_and_activates(tmp_path: Path, env: dict[str, str], backend: str) -> None:
    env = with_backend(env, backend)
    p = project(tmp_path, "my proj")
    r = hook(p, env)
    venv = p / ".venv"
    assert r.returncode == 0, r.stderr
    assert activates(r.stdout, venv), r.stdout + r.stderr
    version = venvs.python_version(str(venv))
    minor = ".".join(version.split(".")[:2])
    assert minor.startswith("3.")
    assert venvs.prompt_name(str(venv), str(p)) == "my proj"
    assert (venv / ".gitignore").read_text().strip().endswith("*")
    assert trust.TrustStore(env).verdict(str(venv)).trusted
    assert venvs.check_health(str(venv)).problem == ""
    assert leftovers(p) == []
    # Scripts name the final path, never the temporary one.
    for f in (venv / "bin").iterdir():
        if f.is_file() and not f.is_symlink():
            assert ".autovenv-tmp" not in f.read_text(errors="replace"), f
    # pip works, offline (no network is needed to have run it), and lives in this venv.
    out = subprocess.run([str(venv / "bin" / "pip"), "--version"], capture_output=True, text=True,
                         env={"PATH": BASE_PATH, "PIP_NO_INDEX": "1"}, check=True).stdout
    assert f"{venv}/lib/python{minor}/site-packages/pip" in out
    # pip can uninstall itself: its RECORD lists the scripts autovenv wrote.
    record = next((venv / "lib" / f"python{minor}" / "site-packages").glob("pip-*.dist-info")) / "RECORD"
    assert f"bin/pip{minor}," in record.read_text()
    # Not a tty: quiet, no traceback.
    assert "Traceback" not in r.stderr


def test_pip_false_installs_no_pip(tmp_path: Path, env: dict[str, str], backend: str) -> None:
    env = with_backend(env, backend)
    Path(env["AUTOVENV_CONFIG"]).write_text("pip = false\n")
    p = project(tmp_path)
    assert activates(hook(p, env).stdout, p / ".venv")
    assert not (p / ".venv" / "bin" / "pip").exists()


def test_python_version_file_picks_the_interpreter(tmp_path: Path, env: dict[str, str]) -> None:
    expected = pyenv_python("3.9")
    p = tmp_path / "p"
    p.mkdir()
    (p / "requirements.txt").write_text("")
    (p / ".python-version").write_text("3.9\n")
    assert activates(hook(p, env).stdout, p / ".venv")
    assert venvs.read_cfg(str(p / ".venv"))["home"] == os.path.dirname(expected)


HOSTILE = {
    "venv.py": "CANARY",
    "venv/__init__.py": "CANARY",
    "ensurepip/__init__.py": "CANARY",
    "sitecustomize.py": "CANARY",
    "usercustomize.py": "CANARY",
    "encodings/__init__.py": "CANARY",
    "json/__init__.py": "CANARY",
}


def test_no_file_of_the_project_is_imported(tmp_path: Path, env: dict[str, str], backend: str) -> None:
    env = with_backend(env, backend)
    p = project(tmp_path)
    canary = tmp_path / "canary"
    code = f"open({str(canary)!r}, 'a').write(__name__ + '\\n')\n"
    for rel in HOSTILE:
        (p / rel).parent.mkdir(parents=True, exist_ok=True)
        (p / rel).write_text(code)
    env = {**env, "PYTHONPATH": str(p), "PYTHONSTARTUP": str(p / "venv.py")}
    r = hook(p, env)
    assert activates(r.stdout, p / ".venv"), r.stderr
    assert not canary.exists(), canary.read_text()
    # The canary itself works: the same files do run when Python is pointed at the project.
    subprocess.run([sys.executable, "-c", "import venv"], cwd=p, env={"PATH": BASE_PATH}, check=False)
    assert canary.exists()


def test_unsatisfiable_request_creates_nothing_and_says_so_once(tmp_path: Path, env: dict[str, str]) -> None:
    p = project(tmp_path, requires=">=3.99")
    r = hook(p, env)
    assert r.returncode == 0 and "Traceback" not in r.stderr
    assert not (p / ".venv").exists() and leftovers(p) == []
    [line] = [ln for ln in r.stderr.splitlines() if "requires-python >=3.99" in ln]
    assert "Pythons found: 3." in line and "autovenv create" in line
    # The same shell, at its next prompt: nothing more is said.
    said = [ln for ln in r.stdout.splitlines() if ln.startswith("_autovenv_said=")]
    assert said


def test_failure_is_not_retried_until_something_changes(tmp_path: Path, env: dict[str, str]) -> None:
    p312 = pyenv_python("3.12")
    p = project(tmp_path, requires=">=3.12,<3.13")
    # Only Python 3.13 visible: >=3.12,<3.13 cannot be met.
    blind = {**env, "PYENV_ROOT": str(tmp_path / "no-pyenv"), "PATH": f"{Path(pyenv_python('3.13')).parent}"}
    r = hook(p, blind)
    assert "no installed Python matches" in r.stderr and not (p / ".venv").exists()
    # Where Pythons live is not part of what a fix changes (PATH, project files are), so a
    # new shell with pyenv visible is told the same thing, and no creation is attempted.
    r = hook(p, {**blind, "PYENV_ROOT": str(PYENV)})
    assert "no installed Python matches" in r.stderr and "autovenv create" in r.stderr
    assert not (p / ".venv").exists()
    # `autovenv create` always tries again.
    r = subprocess.run([AUTOVENV, "create", str(p)], env={**blind, "PYENV_ROOT": str(PYENV)},
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert venvs.read_cfg(str(p / ".venv"))["home"] == os.path.dirname(p312)
    # Editing the project counts as a change: the hook retries by itself.
    q = project(tmp_path, "q", requires=">=3.12,<3.13")
    hook(q, blind)
    (q / "pyproject.toml").write_text('[project]\nname = "x"\nrequires-python = ">=3.13"\n')
    assert activates(hook(q, blind).stdout, q / ".venv")


def test_create_never(tmp_path: Path, env: dict[str, str]) -> None:
    p = project(tmp_path)
    (p / "pyproject.toml").write_text('[tool.autovenv]\ncreate = "never"\n')
    r = hook(p, env)
    assert not (p / ".venv").exists() and "VIRTUAL_ENV" not in r.stdout


def test_a_denied_venv_is_not_made_again(tmp_path: Path, env: dict[str, str]) -> None:
    p = project(tmp_path)
    trust.TrustStore(env).deny(str(p / ".venv"))
    hook(p, env)
    assert not (p / ".venv").exists()
    # recreate by hand still makes it, and it stays denied
    r = subprocess.run([AUTOVENV, "create", str(p)], env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert trust.TrustStore(env).verdict(str(p / ".venv")).denied


def test_venv_removed_while_inside_is_not_remade_behind_the_users_back(tmp_path: Path, env: dict[str, str]) -> None:
    p = project(tmp_path)
    first = hook(p, env)
    [answer] = [ln.split("=", 1)[1] for ln in first.stdout.splitlines() if ln.startswith("_autovenv_answer=")]
    shutil.rmtree(p / ".venv")
    import shlex

    r = hook(p, env, answer=shlex.split(answer)[0])
    assert not (p / ".venv").exists()
    assert "was removed; autovenv create makes a new one" in r.stderr
    # Entering it afresh (another shell, or cd out and back) creates it.
    assert activates(hook(p, env).stdout, p / ".venv")


def test_concurrent_entry_from_four_processes_makes_one_venv(tmp_path: Path, env: dict[str, str], backend: str) -> None:
    env = with_backend(env, backend)
    p = project(tmp_path)
    run_env = {**env, "PWD": str(p)}
    procs = [subprocess.Popen([sys.executable, "-I", "-S", HELPER, "export", "bash"], cwd=p, env=run_env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outs = [proc.communicate(timeout=120) for proc in procs]
    for out, err in outs:
        assert activates(out, p / ".venv"), out + err
        assert "Traceback" not in err and "not trusted" not in err
    assert leftovers(p) == []
    assert trust.TrustStore(env).verdict(str(p / ".venv")).trusted


def _kill_mid_creation(p: Path, env: dict[str, str], sig: int) -> subprocess.CompletedProcess[str]:
    """Start the helper; send `sig` once its temporary venv exists. Retries when too late."""
    for _attempt in range(20):
        proc = subprocess.Popen([sys.executable, "-I", "-S", HELPER, "export", "bash"], cwd=p,
                                env={**env, "PWD": str(p)}, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 30
        while proc.poll() is None and time.monotonic() < deadline:
            tmps = [n for n in os.listdir(p) if n.startswith(".venv.autovenv-tmp")]
            if tmps and (p / tmps[0] / "bin").exists():
                proc.send_signal(sig)
                break
            time.sleep(0.001)
        out, err = proc.communicate(timeout=60)
        if not (p / ".venv").exists():
            return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
        shutil.rmtree(p / ".venv")  # it finished before the signal: try again
    pytest.fail("could not interrupt a creation in 20 attempts")


def test_killed_creation_leaves_no_venv_and_is_cleaned_up(tmp_path: Path, env: dict[str, str]) -> None:
    env = with_backend(env, "venv")  # the slower backend: easier to catch half-way
    p = project(tmp_path)
    _kill_mid_creation(p, env, signal.SIGKILL)
    assert not (p / ".venv").exists()
    assert leftovers(p), "the killed process had no chance to clean up"
    r = hook(p, env)
    assert activates(r.stdout, p / ".venv"), r.stderr
    assert leftovers(p) == []


def test_interrupted_creation_cleans_up_and_says_so(tmp_path: Path, env: dict[str, str]) -> None:
    env = with_backend(env, "venv")
    p = project(tmp_path)
    r = _kill_mid_creation(p, env, signal.SIGINT)
    assert r.returncode == 0 and "Traceback" not in r.stderr
    assert "interrupted" in r.stderr
    assert not (p / ".venv").exists() and leftovers(p) == []
    assert activates(hook(p, env).stdout, p / ".venv")


@pytest.fixture
def read_only_project(tmp_path: Path):  # type: ignore[no-untyped-def]
    p = project(tmp_path)
    if os.geteuid() != 0:
        p.chmod(0o555)
        yield p
        p.chmod(0o755)
        return
    # root ignores permission bits: use a read-only mount instead, when allowed.
    text = (p / "pyproject.toml").read_text()
    if subprocess.run(["mount", "-t", "tmpfs", "tmpfs", str(p)], capture_output=True).returncode != 0:
        pytest.skip("running as root and cannot mount a read-only filesystem")
    (p / "pyproject.toml").write_text(text)
    subprocess.run(["mount", "-o", "remount,ro", str(p)], check=True)
    try:
        yield p
    finally:
        subprocess.run(["umount", str(p)], check=False)


def test_read_only_directory_one_clear_message(read_only_project: Path, env: dict[str, str], backend: str) -> None:
    env = with_backend(env, backend)
    p = read_only_project
    r = hook(p, env)
    assert r.returncode == 0 and "Traceback" not in r.stderr
    lines = [ln for ln in r.stderr.splitlines() if "not writable" in ln]
    assert len(lines) == 1 and str(p) in lines[0], r.stderr
    assert not (p / ".venv").exists()
    failure = Path(env["AUTOVENV_DATA_DIR"]) / "failed"
    assert len(list(failure.iterdir())) == 1  # remembered: not retried at each prompt


def test_python_without_ensurepip_gets_a_venv_and_one_note(tmp_path: Path, env: dict[str, str]) -> None:
    """Debian's python3 without python3-venv: built here as a real interpreter whose stdlib
    lacks ensurepip (the binary beside a copy of its stdlib, minus that package)."""
    real = Path(pyenv_python("3.12"))
    prefix = tmp_path / "py"
    (prefix / "bin").mkdir(parents=True)
    shutil.copy2(real, prefix / "bin" / "python3.12")
    stdlib = prefix / "lib" / "python3.12"
    stdlib.mkdir(parents=True)
    for entry in (real.parent.parent / "lib" / "python3.12").iterdir():
        if entry.name != "ensurepip":
            (stdlib / entry.name).symlink_to(entry)
    p = tmp_path / "p"
    p.mkdir()
    (p / "pyproject.toml").write_text('[project]\nname = "x"\n')
    # An interpreter by path: only the user's own config may name one.
    Path(env["AUTOVENV_CONFIG"]).write_text(f'python = "{prefix / "bin" / "python3.12"}"\n')
    probe = subprocess.run([str(prefix / "bin" / "python3.12"), "-I", "-c", "import ensurepip"],
                           capture_output=True)
    assert probe.returncode != 0  # the fixture really lacks ensurepip
    env = with_backend(env, "venv")
    r = hook(p, env)
    assert activates(r.stdout, p / ".venv"), r.stderr
    assert not (p / ".venv" / "bin" / "pip").exists()
    [note] = [ln for ln in r.stderr.splitlines() if "pip was not installed" in ln]
    assert "python3-venv" in note


def test_recreate_follows_a_changed_request_and_keeps_trust(tmp_path: Path, env: dict[str, str]) -> None:
    pyenv_python("3.12"), pyenv_python("3.13")
    p = project(tmp_path, requires=">=3.12,<3.13")
    hook(p, env)
    (p / "pyproject.toml").write_text('[project]\nname = "x"\nrequires-python = ">=3.13"\n')
    [hint] = mismatch.hints(str(p / ".venv"), str(p), env)[:1]
    assert "requires-python is >=3.13" in hint and "autovenv recreate" in hint
    r = subprocess.run([AUTOVENV, "recreate", str(p)], env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert venvs.python_version(str(p / ".venv")).startswith("3.13")
    assert trust.TrustStore(env).verdict(str(p / ".venv")).trusted
    assert leftovers(p) == [] and mismatch.hints(str(p / ".venv"), str(p), env) == []


def test_create_command_reports_and_errors_cleanly(tmp_path: Path, env: dict[str, str]) -> None:
    r = subprocess.run([AUTOVENV, "create", str(tmp_path / "nowhere")], env=env, capture_output=True, text=True)
    assert r.returncode == 2 and "not a directory" in r.stderr and "Traceback" not in r.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    r = subprocess.run([AUTOVENV, "create", str(empty)], env={**env, "AUTOVENV_CEILING_DIRS": str(tmp_path)},
                       capture_output=True, text=True)
    assert r.returncode == 1 and "not inside a Python project" in r.stderr
    p = project(tmp_path, requires=">=3.99")
    r = subprocess.run([AUTOVENV, "create", str(p)], env=env, capture_output=True, text=True)
    assert r.returncode == 1 and "requires-python >=3.99" in r.stderr and "Traceback" not in r.stderr
    q = project(tmp_path, "q")
    assert subprocess.run([AUTOVENV, "create", str(q)], env=env, capture_output=True).returncode == 0
    r = subprocess.run([AUTOVENV, "create", str(q)], env=env, capture_output=True, text=True)
    assert r.returncode == 0 and "already exists" in r.stderr


def test_failure_record_is_a_cache_file_with_the_message_on_one_line(tmp_path: Path, env: dict[str, str]) -> None:
    p = project(tmp_path, requires=">=3.99")
    hook(p, env)
    [record] = (Path(env["AUTOVENV_DATA_DIR"]) / "failed").iterdir()
    header, *rows = record.read_text().splitlines()
    assert header + "\n" == failures.HEADER
    fields = dict(row.split("\t") for row in rows)
    assert "requires-python >=3.99" in fields["message"]
    assert "requires-python >=3.99" in failures.recorded(str(p), env)
    failures.record(str(p), env, "two\nlines\twith a tab")
    assert failures.recorded(str(p), env) == "two lines with a tab"
    (p / "pyproject.toml").touch()  # something a fix would change: tried again
    assert failures.recorded(str(p), env) == ""


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_line_only_when_the_backend_is_slow(tmp_path: Path) -> None:
    env = {"AUTOVENV_DATA_DIR": str(tmp_path), "PATH": BASE_PATH, "NO_COLOR": "1"}
    quick, slow = _Terminal(), _Terminal()
    progress = create.Progress(quick, env)
    progress.start("creating quick")
    backends.run(["/bin/sh", "-c", "exit 0"], env, "sh", progress)
    assert quick.getvalue() == ""
    progress = create.Progress(slow, env)
    progress.start("creating slow")
    backends.run(["/bin/sh", "-c", "sleep 0.5"], env, "sh", progress)
    assert slow.getvalue() == "autovenv: creating slow ...\n"


def test_a_failing_backend_is_reported_by_its_last_line_and_runs_outside_the_project(tmp_path: Path) -> None:
    env = {"AUTOVENV_DATA_DIR": str(tmp_path / "data"), "PATH": BASE_PATH}
    with pytest.raises(create.CreateError, match=r"^sh failed: the disk is full \(No space left on device\)$"):
        backends.run(["/bin/sh", "-c", "echo working; echo 'No space left on device' >&2; exit 3"], env, "sh")
    where = tmp_path / "cwd"
    backends.run(["/bin/sh", "-c", f"pwd > '{where}'"], env, "sh")
    assert where.read_text().strip() == str(tmp_path / "data")
    assert os.getcwd() != str(tmp_path / "data")  # this process is back where it was


def test_the_project_lock_waits_for_another_process_says_so_once_then_gives_up(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Creating and syncing share one lock per project, held by another process here."""
    from autovenv.creation import locks
    from autovenv.hook.errors import CreateError

    env = {"AUTOVENV_DATA_DIR": str(tmp_path / "data"), "HOME": str(tmp_path)}
    p = tmp_path / "p"
    p.mkdir()
    code = ("import sys, time; from autovenv.creation import locks; "
            "fd = locks.open_lock_file(sys.argv[1], {'AUTOVENV_DATA_DIR': sys.argv[2]}); "
            "print(locks.try_lock(fd), flush=True); time.sleep(60)")
    holder = subprocess.Popen([sys.executable, "-c", code, str(p.resolve()), env["AUTOVENV_DATA_DIR"]],
                              stdout=subprocess.PIPE, text=True)
    said: list[str] = []
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "True\n"
        monkeypatch.setattr(locks, "LOCK_TIMEOUT", 0.3)
        with pytest.raises(CreateError, match="gave up waiting for another process creating or syncing"):
            with locks.project_lock(str(p), env, said.append, CreateError):
                pass
        assert said == [f"waiting for another process that is creating or syncing {p}"]
    finally:
        holder.kill()
        holder.wait()
    with locks.project_lock(str(p), env, said.append, CreateError):  # released with its holder
        assert len(said) == 1


def test_creating_and_serving_the_hook_write_nothing_in_the_package_but_bytecode(
        tmp_path: Path, env: dict[str, str]) -> None:
    """Kept texts and answers live in the user's data and cache dirs (issue 13); the package
    gains only its __pycache__ (.pyc files and the hook path's bundle)."""
    package = tmp_path / "lib" / "autovenv"
    shutil.copytree(ROOT / "src" / "autovenv", package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "shell", package / "shell")  # where a wheel has the snippets

    def files() -> set[Path]:
        return {f.relative_to(package) for f in package.rglob("*") if f.is_file()}

    before = files()
    env = {**env, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    p = project(tmp_path)
    done = subprocess.run([sys.executable, "-I", "-S", str(package / "hook" / "helper.py"), "export", "bash"],
                          cwd=p, env={**env, "PWD": str(p)}, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and (p / ".venv" / "pyvenv.cfg").is_file(), done.stderr
    for shell in ("bash", "zsh", "fish", "elvish", "pwsh"):
        code = (f"import sys; sys.argv[1:] = ['hook', {shell!r}]; sys.path.append({str(package.parent)!r}); "
                "from autovenv.__main__ import main; main()")
        done = subprocess.run([sys.executable, "-I", "-S", "-c", code], cwd=p, env=env,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0 and "autovenv" in done.stdout, done.stderr
    added = files() - before
    assert added, "no bytecode at all: the helper did not run from the copy"
    assert {f for f in added if f.parent.name != "__pycache__" or f.suffix not in (".pyc", ".bundle")} == set()
    kept = sorted(f.name for f in (tmp_path / "cache" / "autovenv").rglob("*.txt"))
    assert kept == sorted(f"{shell}.txt" for shell in ("bash", "zsh", "fish", "elvish", "pwsh"))
