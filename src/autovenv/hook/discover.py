"""Find the project and venv of a directory, by the three rules of DESIGN.md.

1. The nearest directory holding a venv: that venv.
2. Else the nearest strong marker (lifted to its uv workspace root), else the nearest weak one;
   its venv will be <project>/.venv.
3. Else no project.
Only stat() and small reads on the hot path; TOML is parsed only for rule 2.
"""

from __future__ import annotations

from autovenv.hook import fs

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
from autovenv.hook import venvs
from autovenv.hook.records import Record, dataclass, field

STRONG_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", "Pipfile")
WEAK_MARKER_FILES = (".python-version",)
WEAK_MARKER_PREFIX, WEAK_MARKER_SUFFIX = "requirements", ".txt"
REDIRECT_NAME = ".venv"


def venv_names(env: Mapping[str, str]) -> tuple[str, ...]:
    """Directory names that hold a project's venv; a relative UV_PROJECT_ENVIRONMENT adds one."""
    extra = env.get("UV_PROJECT_ENVIRONMENT", "")
    if extra and not fs.isabs(extra) and extra not in (".venv", "venv"):
        return (fs.normpath(extra), ".venv", "venv")
    return (".venv", "venv")


def ceilings(env: Mapping[str, str]) -> frozenset[str]:
    return frozenset(
        fs.normpath(p) for p in env.get("AUTOVENV_CEILING_DIRS", "").split(":") if p
    )


@dataclass(frozen=True)
class Finding(Record):
    """The answer for one directory, with the reasons a user can read in `status`."""

    start: str
    rule: int  # 1, 2 or 3
    venv: str | None = None  # rule 1: the venv; rule 2: where it will be made
    holder: str | None = None  # rule 1: the directory holding the venv (or its redirect)
    redirect: str | None = None  # rule 1: the .venv redirect file that pointed to the venv
    redirect_text: str = ""  # rule 1: what that file held
    project: str | None = None  # rule 2: the project root (after workspace lifting)
    marker: str | None = None  # rule 2: the marker file that decided
    marker_strength: str = ""  # "strong" or "weak"
    workspace_root: str | None = None  # rule 2: set when lifted to a uv workspace
    top: str = "/"  # the highest directory searched
    problems: tuple[str, ...] = ()  # broken .venv, unreadable directory, bad TOML...

    @property
    def reason(self) -> str:
        if self.rule == 1:
            via = f" (via the redirect file {self.redirect})" if self.redirect else ""
            return f"nearest directory holding a venv is {self.holder}{via}"
        if self.rule == 2:
            why = f"nearest {self.marker_strength} marker is {self.marker}"
            if self.workspace_root:
                why += f", a member of the uv workspace at {self.workspace_root}"
            return why
        return "no venv and no project marker between here and " + self.top


@dataclass
class _Walk(Record):
    problems: list[str] = field(default_factory=list)
    searched: list[str] = field(default_factory=list)
    strong: str | None = None  # path of the nearest strong marker file


def _venv_in(directory: str, names: tuple[str, ...], walk: _Walk) -> tuple[str, str, str] | None:
    """(venv, redirect file or '', its text) for a valid venv held by `directory`, else None."""
    for name in names:
        candidate = fs.join(directory, name)
        try:
            fs.lstat(candidate)
        except FileNotFoundError:
            continue
        except OSError as e:
            walk.problems.append(f"cannot read {candidate}: {e.strerror}")
            continue
        if fs.isdir(candidate):
            if venvs.is_venv_dir(candidate):
                return candidate, "", ""
            walk.problems.append(
                f"{candidate} is not a venv (no pyvenv.cfg); remove it or run autovenv recreate"
            )
        elif name == REDIRECT_NAME and fs.isfile(candidate):
            from autovenv.hook.errors import BrokenVenv  # here: most projects have no redirect

            try:
                target, text = venvs.follow_redirect(candidate)
                return target, candidate, text
            except BrokenVenv as e:
                walk.problems.append(str(e))
        elif fs.islink(candidate) and not fs.exists(candidate):
            walk.problems.append(f"{candidate} is a dangling symbolic link")
        elif name == REDIRECT_NAME and fs.exists(candidate):
            # A FIFO, a socket, a device: never opened (a FIFO would block the prompt).
            walk.problems.append(f"{candidate} is neither a venv nor a redirect file")
    return None


def _weak_marker_in(directory: str) -> str | None:
    for name in WEAK_MARKER_FILES:
        if fs.isfile(fs.join(directory, name)):
            return fs.join(directory, name)
    try:
        # Sorted after the filter: a directory like /tmp holds thousands of names.
        names = sorted(name for name in fs.listdir(directory)
                       if name.startswith(WEAK_MARKER_PREFIX) and name.endswith(WEAK_MARKER_SUFFIX))
    except OSError:
        return None
    return fs.join(directory, names[0]) if names else None


def find(start: str, env: Mapping[str, str]) -> Finding:
    """The Finding for directory `start` (absolute)."""
    start = fs.normpath(start)
    names = venv_names(env)
    stops = ceilings(env)
    walk = _Walk()
    directory = start
    top = start
    while directory not in stops:
        top = directory
        walk.searched.append(directory)
        found = _venv_in(directory, names, walk)
        if found:
            venv, redirect, text = found
            return Finding(
                start=start, rule=1, venv=venv, holder=directory, redirect=redirect or None,
                redirect_text=text, top=top, problems=tuple(walk.problems),
            )
        if walk.strong is None:
            prefix = directory if directory.endswith(fs.sep) else directory + fs.sep  # fs.join, inline
            for marker in STRONG_MARKERS:
                if fs.exists(prefix + marker):
                    walk.strong = prefix + marker
                    break
        parent = fs.dirname(directory)
        if parent == directory:
            break
        directory = parent
    if not walk.searched:
        return Finding(start=start, rule=3, top=start, problems=tuple(walk.problems))
    if walk.strong:
        member = fs.dirname(walk.strong)
        root = _workspace_root(member, walk) if walk.strong.endswith("pyproject.toml") else None
        project = root or member
        return Finding(
            start=start, rule=2, venv=fs.join(project, ".venv"), project=project,
            marker=walk.strong, marker_strength="strong", workspace_root=root, top=top,
            problems=tuple(walk.problems),
        )
    for directory in walk.searched:
        weak = _weak_marker_in(directory)
        if weak:
            project = fs.dirname(weak)
            return Finding(
                start=start, rule=2, venv=fs.join(project, ".venv"), project=project,
                marker=weak, marker_strength="weak", top=top, problems=tuple(walk.problems),
            )
    return Finding(start=start, rule=3, top=top, problems=tuple(walk.problems))


def _workspace_root(member: str, walk: _Walk) -> str | None:
    """The uv workspace root that `member` belongs to (not itself), or None."""
    # Only an ancestor's pyproject.toml can make `member` a member: without one, no TOML is
    # read here (a new project's cd reads its pyproject once, for the config).
    candidates = []
    directory = fs.dirname(member)
    while directory in walk.searched:
        if fs.isfile(fs.join(directory, "pyproject.toml")):
            candidates.append(directory)
        parent = fs.dirname(directory)
        if parent == directory:
            break
        directory = parent
    if not candidates:
        return None
    from autovenv.hook.errors import ConfigError
    from autovenv.hook.tomlfile import read_toml

    try:
        own = read_toml(fs.join(member, "pyproject.toml"))
    except ConfigError as e:
        walk.problems.append(str(e))
        return None
    if _uv_workspace(own) is not None:
        return None  # it is a workspace root itself
    for directory in candidates:
        try:
            workspace = _uv_workspace(read_toml(fs.join(directory, "pyproject.toml")))
        except ConfigError as e:
            walk.problems.append(str(e))
            workspace = None
        if workspace is not None and _is_member(directory, workspace, member):
            return directory
    return None


def _uv_workspace(pyproject: dict) -> dict | None:
    tool = pyproject.get("tool")
    uv = tool.get("uv") if isinstance(tool, dict) else None
    workspace = uv.get("workspace") if isinstance(uv, dict) else None
    return workspace if isinstance(workspace, dict) else None


def _is_member(root: str, workspace: dict, member: str) -> bool:
    import glob

    def matches(key: str) -> bool:
        patterns = workspace.get(key, [])
        if not isinstance(patterns, list):
            return False
        for pattern in patterns:
            if not isinstance(pattern, str):
                continue
            hits = glob.glob(fs.join(glob.escape(root), pattern))
            if any(fs.normpath(h) == member for h in hits):
                return True
        return False

    return matches("members") and not matches("exclude")
