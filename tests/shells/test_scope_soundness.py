"""The snippet skips the helper when the last answer's scope still holds. That shortcut must
never give a different answer than asking afresh: walk a tree of projects in a real shell,
changing the tree on the way, and after every step compare the active venv with what a fresh
`autovenv status` says for that directory."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

from autovenv.hook.trust import TrustStore
from tests.conftest import make_venv

TREE = {
    "a/pyproject.toml": "", "a/.venv": "venv", "a/b/c/pyproject.toml": "", "a/b/d/.venv": "venv",
    "a/b/d/e/f/": "", "a/b/req/requirements.txt": "", "x/requirements.txt": "",
    "x/y/pyproject.toml": "", "x/y/z/": "",
    "w/pyproject.toml": '[tool.uv.workspace]\nmembers = ["m/*"]\n', "w/.venv": "venv",
    "w/m/one/pyproject.toml": "", "w/m/one/src/": "", "plain/deep/er/": "",
    "u/pyproject.toml": "", "u/.venv": "untrusted", "u/sub/": "",
    "envs/r": "venv-no-allow", "r/.venv": "redirect:../envs/r", "r/in/": "",
}


def build(root: Path, store: TrustStore) -> list[str]:
    for rel, what in TREE.items():
        path = root / rel
        if rel.endswith("/"):
            path.mkdir(parents=True, exist_ok=True)
        elif what.startswith("venv") or what == "untrusted":
            path.parent.mkdir(parents=True, exist_ok=True)
            make_venv(path)
            if what == "venv":
                store.allow(str(path))
        elif what.startswith("redirect:"):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(what.split(":", 1)[1])
            store.allow(str(root / "envs/r"))
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(what)
    dirs = sorted({str(p.relative_to(root)) for p in root.rglob("*") if p.is_dir()
                   and ".venv" not in p.parts and "envs" not in p.parts})
    return ["."] + dirs


def expected_venv(directory: Path, env: dict[str, str]) -> str | None:
    r = subprocess.run([sys.executable, "-I", "-m", "autovenv", "status", "--json", str(directory)],
                       capture_output=True, text=True, env=env)
    info = json.loads(r.stdout)
    # The venv's real path is what is activated (a redirect names it as written).
    return os.path.realpath(info["venv"]) if info["will_activate"] else None


def test_scope_shortcut_agrees_with_a_fresh_answer(tmp_path, open_shell, shell_name):
    root = tmp_path / "root"
    root.mkdir()
    store = TrustStore({"AUTOVENV_DATA_DIR": str(tmp_path / "autovenv-data")})
    dirs = build(root, store)
    s = open_shell(shell_name)
    status_env = {**s.env, "PATH": "/usr/bin:/bin"}
    rng = random.Random(1234)
    mutations = {
        12: lambda: (make_venv(root / "x/y/.venv"), store.allow(str(root / "x/y/.venv"))),
        24: lambda: (root / "plain/deep/pyproject.toml").write_text(""),
        30: lambda: store.deny(str(root / "a/.venv")),
        36: lambda: (make_venv(root / "plain/deep/.venv"), store.allow(str(root / "plain/deep/.venv"))),
        42: lambda: store.allow(str(root / "a/.venv")),
    }
    for step in range(50):
        if step in mutations:
            mutations[step]()
        target = root / rng.choice(dirs)
        s.run(f"cd {target}")
        got = s.environ().get("VIRTUAL_ENV")
        want = expected_venv(target, status_env)
        assert got == want, f"step {step}: in {target.relative_to(root)} active {got}, fresh answer {want}"
