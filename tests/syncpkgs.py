"""Tiny packages for the sync tests, built here without network or build tools.

`wheel()` writes a pure-Python wheel (a zip with its dist-info) into a find-links directory;
`project()` writes a project whose build backend is a small file inside it (PEP 517
`backend-path`), so uv and pip build and install it offline, editable or not, and a test can
make that build fail on purpose. Every installed module records its version, so a test can ask
the venv's own Python what got installed.
"""

from __future__ import annotations

import base64
import hashlib
import zipfile
from pathlib import Path

BACKEND = "_tinybackend"

# The build backend a project ships (standard library only). It reads its settings from
# tinybuild.txt beside it: name, version, dependencies, and whether to fail.
BACKEND_SOURCE = r'''
import base64, hashlib, os, time, zipfile

def _settings():
    here = os.path.dirname(os.path.abspath(__file__))
    values = {}
    with open(os.path.join(here, "tinybuild.txt")) as f:
        for line in f:
            key, _, value = line.strip().partition("=")
            values[key] = value
    if values.get("started"):  # tells a test that the build runs now
        open(values["started"], "w").close()
    if values.get("sleep"):
        time.sleep(float(values["sleep"]))
    if values.get("fail"):
        raise SystemExit("tinybuild: this build fails on purpose: " + values["fail"])
    return here, values

def _record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"

def _wheel(directory, editable):
    here, s = _settings()
    name, version = s["name"], s["version"]
    deps = [d for d in s.get("deps", "").split(";") if d]
    dist = f"{name}-{version}.dist-info"
    meta = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    meta += "".join(f"Requires-Dist: {d}\n" for d in deps)
    files = {f"{dist}/METADATA": meta.encode(),
             f"{dist}/WHEEL": b"Wheel-Version: 1.0\nGenerator: tinybuild\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
    if editable:
        files[f"_{name}_editable.pth"] = (os.path.join(here, "src") + "\n").encode()
    else:
        with open(os.path.join(here, "src", name, "__init__.py"), "rb") as f:
            files[f"{name}/__init__.py"] = f.read()
    wheel_name = f"{name}-{version}-py3-none-any.whl"
    record = [_record_line(n, d) for n, d in files.items()] + [f"{dist}/RECORD,,"]
    with zipfile.ZipFile(os.path.join(directory, wheel_name), "w") as z:
        for n, d in files.items():
            z.writestr(n, d)
        z.writestr(f"{dist}/RECORD", "\n".join(record) + "\n")
    return wheel_name

def get_requires_for_build_wheel(config_settings=None):
    return []

get_requires_for_build_editable = get_requires_for_build_wheel

def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _wheel(wheel_directory, False)

def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    return _wheel(wheel_directory, True)

def build_sdist(sdist_directory, config_settings=None):
    raise SystemExit("tinybuild: no sdists")
'''


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def wheel(dists: Path, name: str, version: str, deps: tuple[str, ...] = ()) -> Path:
    """A pure-Python wheel of module `name` (VERSION = version) in the find-links dir `dists`."""
    dists.mkdir(parents=True, exist_ok=True)
    dist = f"{name}-{version}.dist-info"
    meta = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    meta += "".join(f"Requires-Dist: {d}\n" for d in deps)
    files = {
        f"{name}/__init__.py": f"VERSION = {version!r}\n".encode(),
        f"{dist}/METADATA": meta.encode(),
        f"{dist}/WHEEL": b"Wheel-Version: 1.0\nGenerator: syncpkgs\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = [_record_line(n, d) for n, d in files.items()] + [f"{dist}/RECORD,,"]
    path = dists / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as z:
        for n, d in files.items():
            z.writestr(n, d)
        z.writestr(f"{dist}/RECORD", "\n".join(record) + "\n")
    return path


def project(root: Path, name: str, deps: tuple[str, ...] = (), dev: tuple[str, ...] = (),
            uv_index: Path | None = None, fail: str = "", version: str = "0.1.0",
            sleep: float = 0, started: Path | None = None) -> Path:
    """A project with [project] metadata, a src/ package and its own build backend. `dev`: a
    PEP 735 dev group. `uv_index`: a find-links dir uv uses for this project (no index)."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "src" / name).mkdir(parents=True, exist_ok=True)
    (root / "src" / name / "__init__.py").write_text(f"VERSION = {version!r}\n")
    (root / f"{BACKEND}.py").write_text(BACKEND_SOURCE)
    settings = f"name={name}\nversion={version}\ndeps={';'.join(deps)}\n"
    settings += f"fail={fail}\n" if fail else ""
    settings += f"sleep={sleep}\n" if sleep else ""
    settings += f"started={started}\n" if started else ""
    (root / "tinybuild.txt").write_text(settings)
    quoted = ", ".join(f'"{d}"' for d in deps)
    text = (f'[project]\nname = "{name}"\nversion = "{version}"\ndependencies = [{quoted}]\n'
            'requires-python = ">=3.8"\n\n'
            f'[build-system]\nrequires = []\nbuild-backend = "{BACKEND}"\nbackend-path = ["."]\n')
    if dev:
        text += "\n[dependency-groups]\ndev = [" + ", ".join(f'"{d}"' for d in dev) + "]\n"
    if uv_index is not None:
        text += f'\n[tool.uv]\nno-index = true\nfind-links = ["{uv_index}"]\n'
    (root / "pyproject.toml").write_text(text)
    (root / ".gitignore").write_text("__pycache__/\n")
    return root


def requirements(path: Path, dists: Path, *reqs: str) -> Path:
    """A requirements file that installs from the find-links dir alone (pip and uv read the
    options in it)."""
    path.write_text(f"--no-index\n--find-links {dists}\n" + "".join(r + "\n" for r in reqs))
    return path
