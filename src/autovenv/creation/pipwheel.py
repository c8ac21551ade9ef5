"""pip in a new venv, offline, from the creating interpreter's own bundled wheel.

The wheel is unpacked once into autovenv's data dir and hard-linked into each venv (what uv
does with its cache); ensurepip instead runs pip to install pip, many times slower.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

import os

from autovenv.hook import fs, locations, venvs
from autovenv.hook.errors import CreateError


def _unpacked_wheel(wheel: str, env: Mapping[str, str]) -> str:
    """The wheel's files, unpacked once under the data dir (keyed by the wheel's identity)."""
    st = fs.stat(wheel)
    key = f"{st.st_size}-{st.st_mtime_ns}"
    dest = fs.join(locations.data_dir(env), "wheels", f"{fs.basename(wheel)[:-4]}-{key}")
    if fs.isdir(dest):
        return dest
    import shutil
    import zipfile

    tmp = f"{dest}.{os.getpid()}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    with zipfile.ZipFile(wheel) as archive:
        for member in archive.namelist():
            parts = member.replace("\\", "/").split("/")
            if member.startswith("/") or ".." in parts:
                raise CreateError(f"the pip wheel {wheel} holds an unsafe path {member!r}")
        archive.extractall(tmp)
    try:
        os.rename(tmp, dest)
    except OSError:  # another process unpacked it first
        shutil.rmtree(tmp, ignore_errors=True)
    return dest


def _link_tree(source: str, target: str) -> None:
    link = True
    for root, _dirs, files in os.walk(source):
        rel = os.path.relpath(root, source)
        out = fs.normpath(fs.join(target, rel))
        os.makedirs(out, exist_ok=True)
        for name in files:
            src, dst = fs.join(root, name), fs.join(out, name)
            if link:
                try:
                    os.link(src, dst)
                    continue
                except OSError:
                    link = False  # another filesystem, or no hard links: copy from now on
            import shutil

            shutil.copyfile(src, dst)


def _shebang(python: str) -> str:
    import shlex

    if " " not in python and len(python) < 120 and "\n" not in python:
        return f"#!{python}\n"
    # Long or spaced paths: exec through sh, as pip and distlib do.
    return f"#!/bin/sh\n'''exec' {shlex.quote(python)} \"$0\" \"$@\"\n' '''\n"


def install_pip(
    tmp_venv: str, final_venv: str, wheel: str, version: tuple[int, ...], env: Mapping[str, str]
) -> str:
    """pip into the venv being built at tmp_venv; its version. Scripts name final_venv."""
    lib = fs.join(tmp_venv, "lib")
    site = [p for p in (fs.join(lib, n, "site-packages") for n in sorted(fs.entries(lib)))
            if fs.isdir(p)]
    if not site:
        raise CreateError(f"the new venv has no site-packages directory ({tmp_venv}/lib/*/site-packages)")
    unpacked = _unpacked_wheel(wheel, env)
    _link_tree(unpacked, site[0])
    info = [d for d in fs.listdir(unpacked) if d.endswith(".dist-info")][0]
    pip_version = info[len("pip-"): -len(".dist-info")]
    script = _shebang(venvs.python_path(final_venv)) + (
        "import re\nimport sys\nfrom pip._internal.cli.main import main\n"
        "if __name__ == '__main__':\n"
        "    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n"
        "    sys.exit(main())\n"
    )
    names = ["pip", "pip3", f"pip{version[0]}.{version[1]}"]
    bin_dir = venvs.bin_dir(tmp_venv)
    for name in names:
        path = fs.join(bin_dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(script)
        os.chmod(path, 0o755)
    # RECORD and INSTALLER are rewritten, not appended to: they are hard links to the cache.
    record = fs.join(site[0], info, "RECORD")
    with open(record, encoding="utf-8") as f:
        lines = f.read()
    os.remove(record)

    rel_bin = os.path.relpath(bin_dir, site[0])
    extra = "".join(f"{fs.join(rel_bin, n)},,\n" for n in names) + f"{info}/INSTALLER,,\n"
    with open(record, "w", encoding="utf-8") as f:
        f.write(lines.rstrip("\n") + "\n" + extra)
    installer = fs.join(site[0], info, "INSTALLER")
    if fs.exists(installer):
        os.remove(installer)
    with open(installer, "w", encoding="utf-8") as f:
        f.write("autovenv\n")
    return pip_version
