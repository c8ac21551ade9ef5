"""interpreters.py with the real Pythons of this machine (pyenv's 3.6-3.13, Debian's python3).

Tests that need a given version skip when pyenv does not have it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autovenv.creation import candidates, interpreters, mismatch, probe, requests, specifiers
from autovenv.hook import config
from autovenv.hook.errors import NoInterpreter
from tests.conftest import make_venv

PYENV = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
BASE_PATH = "/usr/local/bin:/usr/bin:/bin"


def pyenv_python(minor: str) -> str:
    for d in sorted((PYENV / "versions").glob(f"{minor}.*")):
        for exe in (d / "bin" / f"python{minor}",):
            if exe.exists():
                return os.path.realpath(exe)
    # A fresh CI machine may have only its system Python: version-specific tests skip there.
    pytest.skip(f"Python {minor} is not installed under {PYENV}")


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        "HOME": str(tmp_path / "home"),
        "PATH": BASE_PATH,
        "PYENV_ROOT": str(PYENV),
        "AUTOVENV_DATA_DIR": str(tmp_path / "data"),
        "AUTOVENV_CONFIG": str(tmp_path / "none.toml"),
    }


def choose(project: Path, env: dict[str, str]) -> probe.Interpreter:
    return interpreters.choose(str(project), config.load(str(project), env), env)[0]


def test_discovers_pyenv_versions_and_system_python(env: dict[str, str]) -> None:
    finder = interpreters.Finder(env, None)
    found = {i.path: i for i in finder.all()}
    p312 = pyenv_python("3.12")
    assert found[p312].version[:2] == (3, 12)
    confirmed = finder.confirm(found[p312])
    assert confirmed and confirmed.version[:2] == (3, 12) and confirmed.pip_wheel.endswith(".whl")
    if os.path.exists("/usr/bin/python3"):
        assert os.path.realpath("/usr/bin/python3") in found
    assert all(i.version[0] == 3 for i in found.values())  # 2.7 is no candidate


@pytest.mark.parametrize("text, minor", [
    ("3.9", "3.9"), ("cpython@3.12", "3.12"), ("3.10.13", "3.10"), ("python3.13", "3.13"),
])
def test_python_version_file(tmp_path: Path, env: dict[str, str], text: str, minor: str) -> None:
    expected = pyenv_python(minor)
    if text.count(".") == 2 and not os.path.realpath(expected).startswith(str(PYENV / "versions" / text)):
        pytest.skip(f"{text} is not the installed {minor}")
    (tmp_path / ".python-version").write_text(text + "\n# comment\n3.8\n")
    assert choose(tmp_path, env).path == expected


def test_requires_python_takes_the_newest_match(tmp_path: Path, env: dict[str, str]) -> None:
    expected = pyenv_python("3.11")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nrequires-python = ">=3.10,<3.12"\n')
    chosen = choose(tmp_path, env)
    assert chosen.version[:2] == (3, 11)
    # pyenv's 3.11.7 beats Debian's 3.11.2 when both are installed
    assert chosen.version >= probe.Prober(env).info([expected])[expected].version


def test_tool_autovenv_python_beats_requires_python(tmp_path: Path, env: dict[str, str]) -> None:
    expected = pyenv_python("3.10")
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\nrequires-python = ">=3.9"\n[tool.autovenv]\npython = "3.10"\n')
    assert choose(tmp_path, env).path == expected


def test_user_default_used_when_it_satisfies_requires_python(tmp_path: Path, env: dict[str, str]) -> None:
    expected = pyenv_python("3.10")
    Path(env["AUTOVENV_CONFIG"]).write_text('python = "3.10"\n')
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nrequires-python = ">=3.9"\n')
    assert choose(tmp_path, env).path == expected
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nrequires-python = ">=3.12"\n')
    assert choose(tmp_path, env).version >= (3, 12)


def test_unsatisfiable_request_names_it_and_lists_what_was_seen(tmp_path: Path, env: dict[str, str]) -> None:
    p312 = pyenv_python("3.12")
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nrequires-python = ">=3.99"\n')
    with pytest.raises(NoInterpreter) as e:
        choose(tmp_path, env)
    message = str(e.value)
    assert "requires-python >=3.99" in message and str(tmp_path / "pyproject.toml") in message
    assert "3.12" in message and p312 in message


def test_pypy_request_does_not_take_cpython(tmp_path: Path, env: dict[str, str]) -> None:
    pyenv_python("3.10")
    (tmp_path / ".python-version").write_text("pypy3.10\n")
    with pytest.raises(NoInterpreter, match="pypy3.10"):
        choose(tmp_path, env)


def test_default_is_first_python3_on_path_not_in_a_venv(tmp_path: Path, env: dict[str, str]) -> None:
    p39 = pyenv_python("3.9")
    venv = make_venv(tmp_path / "other-venv")
    # A venv's bin first on PATH (as when another project is active), then pyenv's 3.9.
    env["PATH"] = f"{venv / 'bin'}:{Path(p39).parent}:{BASE_PATH}"
    project = tmp_path / "proj"
    project.mkdir()
    assert choose(project, env).path == p39


def test_never_an_interpreter_inside_the_project(tmp_path: Path, env: dict[str, str]) -> None:
    p39 = pyenv_python("3.9")
    project = tmp_path / "proj"
    (project / "bin").mkdir(parents=True)
    (project / "bin" / "python3").symlink_to(pyenv_python("3.12"))
    env["PATH"] = f"{project / 'bin'}:{Path(p39).parent}:{BASE_PATH}"
    assert all(not p.startswith(str(project)) for p in candidates.on_path(env, str(project)))
    assert choose(project, env).path == p39
    # Even the user's own config cannot pick an interpreter inside the project.
    Path(env["AUTOVENV_CONFIG"]).write_text(f'python = "{project / "bin" / "python3"}"\n')
    with pytest.raises(NoInterpreter):
        choose(project, env)


def test_pyenv_shim_resolves_to_the_real_interpreter(tmp_path: Path, env: dict[str, str]) -> None:
    p310 = pyenv_python("3.10")
    if not (PYENV / "shims" / "python3").exists():
        pytest.skip("no pyenv shims")
    env["PATH"] = f"{PYENV / 'shims'}:{BASE_PATH}"
    env["PYENV_VERSION"] = Path(p310).parent.parent.name
    project = tmp_path / "proj"
    project.mkdir()
    assert choose(project, env).path == p310


def test_versions_are_cached_by_path_and_mtime(tmp_path: Path, env: dict[str, str]) -> None:
    p312 = pyenv_python("3.12")
    probe.Prober(env).info([p312])
    cache = Path(env["AUTOVENV_DATA_DIR"]) / probe.CACHE_NAME
    header, *lines = cache.read_text().splitlines(keepends=True)
    [record] = [line.rstrip("\n").split("\t") for line in lines if line.startswith(p312 + "\t")]
    assert record[2].startswith("3.12.")

    def rewrite(fields: list[str]) -> None:
        cache.write_text(header + "\t".join(fields) + "\n")

    # Doctor the cached answer: a second Prober must believe it instead of running Python.
    rewrite([*record[:2], "3.12.99", *record[3:]])
    assert probe.Prober(env).info([p312])[p312].version == (3, 12, 99)
    # A different mtime (the interpreter was replaced) makes it ask again.
    rewrite([record[0], "0:0:0", "3.12.99", *record[3:]])
    assert probe.Prober(env).info([p312])[p312].version[:2] == (3, 12)
    assert probe.Prober(env).info([p312])[p312].version != (3, 12, 99)
    # A cache of another format is ignored, not misread.
    cache.write_text('{"version": 1, "entries": {}}')
    assert probe.Prober(env).info([p312])[p312].version[:2] == (3, 12)


def test_probe_runs_on_every_installed_version(env: dict[str, str]) -> None:
    """The probe script is 3.6-compatible: every pyenv Python answers it."""
    for d in sorted((PYENV / "versions").glob("3.*")):
        exe = sorted((d / "bin").glob("python3.*"))
        if exe:
            out = subprocess.run([str(exe[0]), "-I", "-S", "-c", probe.PROBE],
                                 capture_output=True, text=True, check=True).stdout
            assert json.loads(out)["version"][0] == 3


def test_a_first_choice_runs_only_what_it_must(tmp_path: Path, env: dict[str, str]) -> None:
    """pyenv names its directories by version: with an empty cache, of all its Pythons only the
    one chosen is run (to confirm it and find its pip wheel). PATH's python3.X (its name has
    no micro version) is run only when its minor could beat the one chosen."""
    p311, p313 = pyenv_python("3.11"), pyenv_python("3.13")
    system = os.path.realpath("/usr/bin/python3")
    cache = Path(env["AUTOVENV_DATA_DIR"]) / probe.CACHE_NAME

    def run_for(requires: str) -> tuple[probe.Interpreter, set[str]]:
        cache.unlink(missing_ok=True)
        (tmp_path / "pyproject.toml").write_text(f'[project]\nname = "x"\nrequires-python = "{requires}"\n')
        chosen = choose(tmp_path, env)
        assert chosen.confirmed and chosen.pip_wheel.endswith(".whl")
        return chosen, {line.split("\t")[0] for line in cache.read_text().splitlines()[1:]}

    chosen, run = run_for(">=3.10")
    assert (chosen.path, run) == (p313, {p313})
    chosen, run = run_for(">=3.10,<3.12")
    assert chosen.path == p311
    assert {p for p in run if p.startswith(str(PYENV))} == {p311}
    if system.startswith("/usr/bin/python3.11"):  # Debian's 3.11 might have been newer than 3.11.x
        assert run == {p311, system}


def test_a_python3_x_known_by_name_only_is_run_when_only_it_can_match(tmp_path: Path, env: dict[str, str]) -> None:
    """/usr/bin/python3.X says no micro version: a request that only it can meet still finds it."""
    system = os.path.realpath("/usr/bin/python3")
    if not os.path.basename(system).startswith("python3."):
        pytest.skip("no /usr/bin/python3.X")
    out = subprocess.run([system, "-I", "-S", "-c", probe.PROBE], capture_output=True, text=True, check=True)
    version = ".".join(map(str, json.loads(out.stdout)["version"]))
    (tmp_path / ".python-version").write_text(version + "\n")
    assert choose(tmp_path, env).path == system


def test_a_version_directory_whose_name_lies_is_found_out(tmp_path: Path, env: dict[str, str]) -> None:
    """The name is a guess: the chosen interpreter is run, and when it says otherwise the choice
    is made again with what it said."""
    p311 = pyenv_python("3.11")
    real = tuple(json.loads(subprocess.run([p311, "-I", "-S", "-c", probe.PROBE], capture_output=True,
                                           text=True, check=True).stdout)["version"])
    root = tmp_path / "pyenv"
    liar = root / "versions" / "3.99.0" / "bin" / "python3"
    liar.parent.mkdir(parents=True)
    liar.write_text(f'#!/bin/sh\nexec {p311} "$@"\n')
    liar.chmod(0o755)
    env.update(PYENV_ROOT=str(root), PATH="/nonexistent")
    project = tmp_path / "p"
    project.mkdir()
    (project / "pyproject.toml").write_text('[project]\nname = "x"\nrequires-python = ">=3.10"\n')
    chosen = choose(project, env)
    assert chosen.path == str(liar) and chosen.version == real
    (project / "pyproject.toml").write_text('[project]\nname = "x"\nrequires-python = ">=3.99"\n')
    (Path(env["AUTOVENV_DATA_DIR"]) / probe.CACHE_NAME).unlink()  # the name alone says 3.99.0
    with pytest.raises(NoInterpreter, match=r"Pythons found: 3\.11\."):
        choose(project, env)


def test_satisfies_request_reads_files_only(tmp_path: Path, env: dict[str, str]) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\nrequires-python = ">=3.12"\n')
    cfg = config.load(str(tmp_path), env)
    assert mismatch.satisfies_request("3.12.1", str(tmp_path), cfg) == ""
    assert "requires-python is >=3.12" in (mismatch.satisfies_request("3.11.2", str(tmp_path), cfg) or "")
    (tmp_path / ".python-version").write_text("3.11\n")
    cfg = config.load(str(tmp_path), env)
    assert mismatch.satisfies_request("3.11.2", str(tmp_path), cfg) == ""


def test_requires_python_answers_are_remembered_so_packaging_is_not_imported_again(tmp_path: Path) -> None:
    """packaging costs ~30 ms of start-up; the hook imports it only for unseen specifiers."""
    import subprocess

    project = tmp_path / "p"
    project.mkdir()
    (project / "pyproject.toml").write_text('[project]\nname = "p"\nrequires-python = ">=3.9"\n')
    code = (
        "import os, sys\n"
        "from autovenv.hook import config; from autovenv.creation import interpreters\n"
        "p = sys.argv[1]\n"
        "interp, _ = interpreters.choose(p, config.load(p, os.environ), os.environ)\n"
        "print(interp.version >= (3, 9), 'packaging' in sys.modules)\n"
    )
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "AUTOVENV_DATA_DIR": str(tmp_path / "data")}
    runs = [subprocess.run([sys.executable, "-c", code, str(project)], env=env, capture_output=True,
                           text=True, check=True).stdout.split() for _ in range(2)]
    assert runs[0] == ["True", "True"]
    assert runs[1] == ["True", "False"]


# The grammar of version names, as a regular expression; requests.py matches it by hand
# (no `re` on the creation path).
VERSION_NAME = (r"^(?:(?P<impl>cpython|python|pypy|graalpy)(?:[@-]|(?=[0-9])))?"
                r"(?P<version>[0-9]+(?:\.[0-9]+){0,2})[a-zA-Z0-9.+-]*$")


def _by_regex(text: str) -> tuple[str, tuple[int, ...]] | None:
    import re

    m = re.match(VERSION_NAME, text.strip(), re.IGNORECASE | re.ASCII)
    if not m:
        return None
    return (m.group("impl") or "").lower(), tuple(int(x) for x in m.group("version").split("."))


@pytest.mark.parametrize("text", [
    "3", "3.12", "3.12.1", "3.12.1.4", "3.13t", "3.12rc1", "3.", "cpython@3.12", "CPython-3.11", "pypy3.10",
    "python3.13", "graalpy3.10", "pypy", "cpython@x", ">=3.11", "3.11,<3.12", "~=3.10", "system",
    "/usr/bin/python3", "miniconda3-latest", "3.12 ", " 3.12", "3..12", "",
])
def test_version_names(text: str) -> None:
    assert requests.version_name(text) == _by_regex(text)


@given(st.text(alphabet=st.sampled_from(list("0123456789.@-+~=<>, cpythongraalpyPYTHONabrc t")), max_size=16))
def test_version_names_generated(text: str) -> None:
    assert requests.version_name(text) == _by_regex(text)


def test_the_specifier_memo_stays_bounded(tmp_path: Path) -> None:
    """Its keys come from projects' requires-python: however many, the file keeps the newest."""
    env = {"HOME": str(tmp_path), "AUTOVENV_DATA_DIR": str(tmp_path / "data")}
    memo = tmp_path / "data" / specifiers.SPECIFIERS_NAME
    for i in range(specifiers.SPECIFIERS_KEPT + 50):
        spec = specifiers.specifier(f">=3.{i}", env)
        assert spec is not None and spec.contains("2.7") is False
    lines = memo.read_text().splitlines()[1:]
    assert len(lines) == specifiers.SPECIFIERS_KEPT
    assert lines[-1].startswith(f">=3.{specifiers.SPECIFIERS_KEPT + 49}\t")  # the newest kept
    long = ">=3.8," + ",".join(["!=3.9.1"] * 100)
    assert specifiers.specifier(long, env) is not None
    assert long not in memo.read_text()


@pytest.mark.parametrize("text", ["3.12", "3.12.1", "cpython@3.12", "pypy3.10", ">=3.11,<3.13", "system",
                                  "miniconda3-latest", "3.13t", "graalpy-24.1"])
def test_version_requests_are_not_path_like(text: str) -> None:
    assert not requests.path_like(text)


@pytest.mark.parametrize("text", ["/usr/bin/python3", "../x", "..", ".", "a/b", "a\\b", "~", "~/x", "~user",
                                  "3.12/../../x", "..3.12", "3.12\x00", "3.1\n2", "C:\\Python\\python.exe"])
def test_paths_are_path_like(text: str) -> None:
    assert requests.path_like(text)
