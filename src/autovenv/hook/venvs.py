"""What a venv directory is: its pyvenv.cfg, its bin directory, its prompt, its health.

autovenv never runs a venv's interpreter to learn any of this (a .pth file in an untrusted
venv would run at start-up); everything comes from reading files.
"""

from __future__ import annotations

import sys

from autovenv.hook import fs

TYPE_CHECKING = False
if TYPE_CHECKING:
    from os import stat_result
from autovenv.hook.records import Record, dataclass

CFG_NAME = "pyvenv.cfg"
# A redirect file is tiny; anything bigger is not one.
MAX_REDIRECT_BYTES = 4096


def bin_dir(venv: str) -> str:
    return fs.join(venv, "Scripts" if sys.platform == "win32" else "bin")


def python_path(venv: str) -> str:
    return fs.join(bin_dir(venv), "python.exe" if sys.platform == "win32" else "python")


def is_venv_dir(path: str) -> bool:
    return fs.isfile(fs.join(path, CFG_NAME))


def read_cfg(venv: str) -> dict[str, str]:
    """pyvenv.cfg as a dict with lower-case keys; {} when unreadable."""
    cfg: dict[str, str] = {}
    for line in fs.read_small(fs.join(venv, CFG_NAME)).decode("utf-8", "replace").splitlines():
        key, sep, value = line.partition("=")
        if sep:
            cfg[key.strip().lower()] = value.strip()
    return cfg


def prompt_name(venv: str, project_dir: str) -> str:
    """What the venv's own activate script would put in VIRTUAL_ENV_PROMPT, without the
    characters that would act on the terminal or start a new line (clean_name)."""
    prompt = read_cfg(venv).get("prompt", "")
    if len(prompt) >= 2 and prompt[0] == prompt[-1] and prompt[0] in "'\"":
        prompt = prompt[1:-1]
    return clean_name(prompt) or default_prompt(project_dir)


def default_prompt(project_dir: str) -> str:
    """The project directory's name, cleaned, as a venv's prompt ('venv' when nothing is left)."""
    return clean_name(fs.basename(project_dir.rstrip(fs.sep)) or project_dir) or "venv"


def clean_name(text: str) -> str:
    """A name (a directory's, a venv's prompt) as it may be written into a file or a prompt:
    without control characters (escape sequences, newlines, which would start a new line in
    pyvenv.cfg), nor the other characters Python does not print (line separators, which
    str.splitlines breaks on, and direction overrides); a space stays."""
    if text.isprintable():
        return text
    return "".join(c for c in text if c.isprintable() or c == " ")


def python_version(venv: str) -> str:
    """The venv's Python version as recorded in pyvenv.cfg ('' when unknown)."""
    cfg = read_cfg(venv)
    return cfg.get("version_info") or cfg.get("version") or ""


def follow_redirect(redirect_file: str) -> tuple[str, str]:
    """The venv a `.venv` file points at (PEP 832 draft), joined to the file's directory as
    written (the OS resolves it, not a lexical normpath: that is what the shell's identity
    test sees too), and the file's whole text (the prompt's watch compares it). BrokenVenv
    when it is not one; the target is never followed further (a target that is itself a
    redirect is not a directory, so an error)."""
    from autovenv.hook.errors import BrokenVenv  # here, not at the top: redirects are rare

    # A regular file, read without blocking and up to a bound (fs.read_regular).
    try:
        raw = fs.read_regular(redirect_file, MAX_REDIRECT_BYTES)
    except fs.NotAFile as e:
        raise BrokenVenv(f"the .venv redirect file {e}") from None
    except OSError as e:
        raise BrokenVenv(f"cannot read the .venv redirect file {redirect_file}: {e.strerror}") from None
    lines = [ln.strip() for ln in raw.split(b"\n") if ln.strip()]
    if len(lines) != 1 or b"\0" in lines[0]:
        raise BrokenVenv(f"the .venv file {redirect_file} does not hold exactly one path")
    try:
        text = fs.fsdecode(lines[0])
    except UnicodeDecodeError:
        raise BrokenVenv(f"the .venv file {redirect_file} does not hold a valid path") from None
    target = fs.join(fs.dirname(redirect_file), text)
    # /proc and /dev name different things for each process (/proc/self/cwd is the reader's
    # directory): a venv is never there.
    if any(fs.normpath(p).startswith(("/proc/", "/dev/")) for p in (target, fs.realpath(target))):
        raise BrokenVenv(f"the .venv file {redirect_file} points into /proc or /dev")
    if not fs.isdir(target):
        raise BrokenVenv(f"the .venv file {redirect_file} points to a missing directory")
    if not is_venv_dir(target):
        raise BrokenVenv(f"the .venv file {redirect_file} points to a directory that is not a venv")
    return target, fs.fsdecode(raw)


def path_entry_problem(real_venv: str) -> str:
    """Why the bin directory of the venv at this real path cannot be one PATH entry ('' when
    it can): PATH must gain exactly one absolute entry, and a separator or a newline in it
    would add others (an empty one is the current directory)."""
    entry = bin_dir(real_venv)
    if not fs.isabs(entry):
        return f"its path {entry} is not absolute"
    if fs.pathsep in entry or "\n" in entry or "\r" in entry:
        return f"its path holds {fs.pathsep!r} or a line break, which PATH cannot hold as one entry"
    return ""


@dataclass(frozen=True)
class Health(Record):
    """Why a venv must not be activated even when trusted ('' = fine)."""

    problem: str = ""
    fix: str = ""


def check_health(venv: str, just_made: bool = False) -> Health:
    """Ownership, permissions, a path PATH cannot hold, a moved venv, a vanished interpreter,
    all of the venv's real path (what is activated). A venv this process `just_made` where it
    is has not moved (its scripts were written for this place)."""
    real = fs.realpath(venv)
    problem = path_entry_problem(real)
    if problem:
        return Health(problem, "move the project, or its venv, to a path without it")
    for path in (real, bin_dir(real), fs.join(real, CFG_NAME)):
        try:
            st = fs.stat(path)
        except OSError:
            continue
        problem = _foreign(st)
        if problem:
            return Health(f"{path} {problem}", "recreate it: autovenv recreate" if "user" in problem
                          else f"chmod go-w {path}")
    # Whoever can replace a directory above the venv can put another venv at its path, under
    # a shell that has it on PATH: only the user and root may.
    above = fs.dirname(real)
    while True:
        try:
            problem = _foreign(fs.stat(above))
        except OSError:
            problem = ""
        if problem:
            return Health(f"{above}, above it, {problem}, so the venv could be replaced",
                          "move the project to a directory only you can change")
        parent = fs.dirname(above)
        if parent == above:
            break
        above = parent
    if not fs.exists(python_path(real)):
        return Health("its Python interpreter is gone", "autovenv recreate")
    moved = "" if just_made else _moved_from(real)
    if moved:
        return Health(f"it was made at {moved} and has moved since", "autovenv recreate")
    return Health()


def _foreign(st: stat_result) -> str:
    """Why another user could change this file or directory ('' = only the user and root):
    its owner, or write permission for everyone, or for a group other than the user's own
    (a sticky directory, like /tmp, guards its entries)."""
    if sys.platform == "win32":  # no owners or modes to read there
        return ""
    from posix import getgid

    if st.st_uid not in (fs.getuid(), 0):
        return "belongs to another user"
    if fs.is_world_writable(st):
        return "is writable by every user"
    if st.st_mode & 0o020 and not st.st_mode & fs.S_ISVTX and st.st_gid not in (getgid(), 0):
        return "is writable by its group"
    return ""


def _moved_from(venv: str) -> str:
    """The path the venv was created at, when its activate script names another one.

    CPython writes the path raw inside "..."; uv and virtualenv shell-quote it. Either way
    the script holds the venv's own path when it has not moved.
    """
    text = fs.read_small(fs.join(bin_dir(venv), "activate"), 65536).decode("utf-8", "replace")
    candidates = {venv, fs.realpath(venv)}
    if any(c in text for c in candidates):
        return ""
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("export "):
            line = line[len("export "):]
        if line.startswith("VIRTUAL_ENV=") and "$(" not in line:
            value = _unquote_posix(line[len("VIRTUAL_ENV="):])
            # Made through a symlink (`uv venv ~/link/proj/.venv`), it names the same place.
            if value.startswith("/") and value not in candidates and fs.realpath(value) not in candidates:
                return value
    return ""


def _unquote_posix(word: str) -> str:
    """The value of one POSIX shell word made of '...', "..." and bare parts."""
    out, i = [], 0
    while i < len(word):
        ch = word[i]
        if ch == "'":
            end = word.find("'", i + 1)
            end = len(word) if end < 0 else end
            out.append(word[i + 1:end])
            i = end + 1
        elif ch == '"':
            i += 1
            while i < len(word) and word[i] != '"':
                if word[i] == "\\" and i + 1 < len(word) and word[i + 1] in '$`"\\':
                    i += 1
                out.append(word[i])
                i += 1
            i += 1
        elif ch == "\\" and i + 1 < len(word):
            out.append(word[i + 1])
            i += 2
        elif ch in " \t;#":
            break
        else:
            out.append(ch)
            i += 1
    return "".join(out)


# Files whose change may mean the venv's installed dependencies no longer match the project.
DEPENDENCY_FILES = ("pyproject.toml", "uv.lock", "setup.py", "setup.cfg", "Pipfile", "Pipfile.lock")


def _mtime(path: str) -> float:
    try:
        return fs.stat(path).st_mtime
    except OSError:
        return 0.0


def last_sync(venv: str) -> float:
    """When packages last changed in the venv: installs touch site-packages (and uv sync
    touches the venv's directory)."""
    stamps = [_mtime(fs.join(venv, CFG_NAME)), _mtime(venv)]
    lib = fs.join(venv, "lib")
    try:
        versions = fs.listdir(lib)
    except OSError:
        versions = []
    stamps += [_mtime(fs.join(lib, v, "site-packages")) for v in versions]
    return max(stamps)


def changed_since_sync(venv: str, project: str) -> list[str]:
    """Dependency files of `project` changed after `venv` last changed (stat + listdir only)."""
    synced = last_sync(venv)
    try:
        names = fs.listdir(project)
    except OSError:
        return []
    candidates = [n for n in names if n in DEPENDENCY_FILES
                  or (n.startswith("requirements") and n.endswith(".txt"))]
    return sorted(n for n in candidates if _mtime(fs.join(project, n)) > synced)
