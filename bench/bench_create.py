"""How long `cd` into a new project takes until the venv is active, beside the raw backends.

    .dev/venv/bin/python bench/bench_create.py [--rounds 15] [--python /abs/python3.X]

Every figure comes from the same run, on the same interpreter. "autovenv" is one run of the
per-cd helper exactly as the shell hook starts it (`python -I -S helper.py export bash`) in a
project without a venv: choose the Python, create, trust, print the activation. The raw
backends run with the same environment (HOME, hence uv's cache; PATH). One warm-up round
first (autovenv's interpreter and pip-wheel caches are filled once per machine), except for
"first creation": an empty data dir each time, pyenv's versions in view, a project with a
requires-python (so every installed Python is a candidate), then the
cases take turns, round after round, so a noisy moment of the machine hits all of them.
Offline: nothing here downloads anything.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
HELPER = str(ROOT / "src" / "autovenv" / "hook" / "helper.py")
BASE_PATH = "/usr/local/bin:/usr/bin:/bin"
PYENV = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")


def pyenv_count() -> int:
    return len([d for d in (PYENV / "versions").glob("*") if d.is_dir()])


def default_python() -> str:
    for cand in sorted(Path(os.path.expanduser("~/.pyenv/versions")).glob("3.12.*/bin/python3.12")):
        return str(cand)
    return os.path.realpath("/usr/bin/python3")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--pip-rounds", type=int, default=3, help="rounds of the slow `python -m venv`")
    ap.add_argument("--python", default=default_python())
    args = ap.parse_args()
    python = os.path.realpath(args.python)
    uv = shutil.which("uv") or str(Path(sys.executable).parent / "uv")
    if not os.path.exists(uv):
        sys.exit("uv is needed: .dev/venv/bin/pip install uv")
    work = Path(tempfile.mkdtemp(prefix="autovenv-bench-"))
    uvbin = work / "uvbin"
    uvbin.mkdir()
    os.symlink(uv, uvbin / "uv")
    counter = iter(range(10**6))
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "check": True}

    def fresh() -> Path:
        p = work / f"p{next(counter)}"
        p.mkdir()
        (p / "pyproject.toml").write_text('[project]\nname = "x"\n')
        return p

    def env_for(backend: str, pip: bool) -> dict[str, str]:
        config = work / f"config-{pip}.toml"
        config.write_text(f"pip = {'true' if pip else 'false'}\n")
        # The benchmark's interpreter is the first python3 on PATH: autovenv's default choice.
        path = f"{Path(python).parent}:{BASE_PATH}"
        if backend == "uv":
            path = f"{uvbin}:{path}"
        return {"HOME": str(work / "home"), "PATH": path, "AUTOVENV_DATA_DIR": str(work / "data"),
                "AUTOVENV_CONFIG": str(config), "LANG": "C.UTF-8"}

    raw_env = {k: v for k, v in env_for("uv", False).items() if not k.startswith("AUTOVENV_")}

    def raw(argv: list[str]) -> Callable[[], None]:
        def run() -> None:
            subprocess.run([*argv, str(fresh() / ".venv")], cwd=work, env=raw_env, **quiet)
        return run

    def autovenv(backend: str, pip: bool, first: bool = False) -> Callable[[], None]:
        env = env_for(backend, pip)

        def run() -> None:
            p = fresh()
            if first:
                (p / "pyproject.toml").write_text('[project]\nname = "x"\nrequires-python = ">=3.8"\n')
                data = work / f"data-{p.name}"  # nothing known: every cache starts empty
                env.update(AUTOVENV_DATA_DIR=str(data), PYENV_ROOT=str(PYENV))
            out = subprocess.run([sys.executable, "-I", "-S", HELPER, "export", "bash"], cwd=p,
                                 env={**env, "PWD": str(p)}, capture_output=True, text=True, check=True)
            assert "VIRTUAL_ENV=" in out.stdout, out.stderr
        return run

    cases: dict[str, tuple[Callable[[], None], int]] = {
        "bare `python -I -S -c pass` (helper's)": (
            lambda: subprocess.run([sys.executable, "-I", "-S", "-c", "pass"], **quiet), args.rounds),
        "raw `uv venv`": (
            raw([uv, "venv", "-q", "--no-config", "--offline", "--python", python]), args.rounds),
        "raw `python -m venv --without-pip`": (
            raw([python, "-I", "-m", "venv", "--without-pip"]), args.rounds),
        "raw `python -m venv` (with pip)": (raw([python, "-I", "-m", "venv"]), args.pip_rounds),
        "autovenv, uv backend, pip": (autovenv("uv", True), args.rounds),
        "autovenv, uv backend, pip = false": (autovenv("uv", False), args.rounds),
        "autovenv, venv backend, pip": (autovenv("venv", True), args.rounds),
        "autovenv, venv backend, pip = false": (autovenv("venv", False), args.rounds),
        f"autovenv, first creation, {pyenv_count()} pyenv versions": (
            autovenv("venv", True, first=True), args.rounds),
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    try:
        for fn, _ in cases.values():  # warm-up: page cache, autovenv's caches
            if fn is not cases["raw `python -m venv` (with pip)"][0]:
                fn()
        for turn in range(max(rounds for _, rounds in cases.values())):
            for name, (fn, rounds) in cases.items():
                if turn < rounds:
                    start = time.perf_counter()
                    fn()
                    times[name].append(time.perf_counter() - start)
        results = {name: statistics.median(values) for name, values in times.items()}
    finally:
        shutil.rmtree(work, ignore_errors=True)

    print(f"Python {python}; helper on {sys.executable}; medians of {args.rounds} interleaved rounds "
          f"({args.pip_rounds} for venv with pip)\n")
    for name, seconds in results.items():
        print(f"  {name:42} {seconds * 1000:8.1f} ms")
    bare = results["bare `python -I -S -c pass` (helper's)"]
    print("\nTargets (issue 3):")
    for backend, raw in (("uv", "raw `uv venv`"), ("venv", "raw `python -m venv --without-pip`")):
        with_pip = results[f"autovenv, {backend} backend, pip"]
        without = results[f"autovenv, {backend} backend, pip = false"]
        budget = results[raw] + 1.3 * bare
        print(f"  {backend:4} with pip     {with_pip * 1000:7.1f} ms  <= 500 ms: "
              f"{'yes' if with_pip <= 0.5 else 'NO'}")
        print(f"  {backend:4} pip = false  {without * 1000:7.1f} ms  <= raw + 1.3 x bare = "
              f"{budget * 1000:.1f} ms: {'yes' if without <= budget else 'NO'} "
              f"(ratio to raw {without / results[raw]:.2f}x)")
    first = results[f"autovenv, first creation, {pyenv_count()} pyenv versions"]
    print(f"  first creation ({pyenv_count()} pyenv versions), venv, pip {first * 1000:7.1f} ms  <= 500 ms: "
          f"{'yes' if first <= 0.5 else 'NO'} (issue 13)")
    full = results["raw `python -m venv` (with pip)"]
    print(f"\n  `python -m venv` with pip / autovenv venv backend with pip: "
          f"{full / results['autovenv, venv backend, pip']:.0f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
