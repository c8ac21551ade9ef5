"""Choose the installed Python a project asks for (the README's order), running as few as possible.

Candidates come from candidates.py, their versions from probe.py: names where reliable, a run
where not. Only the one chosen is run to confirm it (and to find its pip wheel), and a
`python3.X` known only by name when it could have beaten it; when a name misled, the choice is
made again with what the interpreter said. Never one that another user could change
(fs.not_safe_to_run); a project asks for versions only (requests.py).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

from autovenv.creation import candidates
from autovenv.creation.probe import Interpreter, Prober, from_name
from autovenv.creation.requests import Request, names, path_like, refused_request, version_name
from autovenv.creation.specifiers import satisfies, specifier
from autovenv.hook import fs
from autovenv.hook.errors import NoInterpreter


def _newest(interps: Iterable[Interpreter]) -> Interpreter | None:
    best = None
    for interp in interps:  # ties keep the first seen (PATH before pyenv before uv)
        if best is None or interp.version > best.version:
            best = interp
    return best


def _named(text: str, interp: Interpreter) -> bool | None:
    return names(text, interp.implementation, interp.version)


class Finder:
    """Candidates and their versions for one project, learnt lazily."""

    def __init__(self, env: Mapping[str, str], project: str | None):
        self.env = env
        self.project = project
        self.prober = Prober(env)
        self.real = candidates.Realpaths()
        self._all: list[Interpreter] | None = None
        self.skipped: dict[str, str] = {}  # candidate -> why it is never run

    def usable(self, path: str) -> bool:
        """May this discovered candidate run (to learn its version, to build a venv)?"""
        if path not in self.skipped:
            why = fs.not_safe_to_run(path)
            if not why:
                return True
            self.skipped[path] = why
        return False

    def skipped_lines(self) -> list[str]:
        return [f"{path} was skipped: {why}" for path, why in self.skipped.items()]

    def on_path(self) -> Iterator[str]:
        return candidates.on_path(self.env, self.project, None, self.real)

    def info(self, path: str) -> Interpreter | None:
        return self.prober.info([path], self.real).get(self.real(path))

    def all(self) -> list[Interpreter]:
        """Every usable candidate, with a version: cached, else named, else asked (3+ only)."""
        if self._all is None:
            paths = [
                p for p in [*self.on_path(), *candidates.installed(self.env)]
                if not candidates.inside(p, self.project, self.real) and self.usable(p)
            ]
            reals = list(dict.fromkeys(self.real(p) for p in paths))
            found: dict[str, Interpreter | None] = {}
            for path in reals:
                if not self.prober.knows(path):
                    found[path] = from_name(path, self.env)
            found.update(self.prober.info([p for p in reals if not found.get(p)], self.real))
            self._all = [i for i in (found.get(p) for p in reals) if i and i.version[0] >= 3]
        return self._all

    def confirm(self, interp: Interpreter) -> Interpreter | None:
        """The chosen interpreter as running it says (cached); what all() lists learns it too."""
        if interp.confirmed:
            return interp
        said = self.info(interp.path)
        if self._all is not None:
            others = [i for i in self._all if i is not interp]
            self._all = [said if i is interp else i for i in self._all] if said else others
        return said

    def confirm_rivals(self, chosen: Interpreter | None) -> bool:
        """Run the `python3.X` candidates known only by name that could have beaten `chosen`
        (a minor as new or newer; all when nothing was chosen); True when there were any.
        Every choice takes the newest match, so one of an older minor never could."""
        rivals = [i for i in self._all or () if i.partial
                  and (chosen is None or i.version[:2] >= chosen.version[:2])]
        if not rivals:
            return False
        said = self.prober.info([i.path for i in rivals], self.real)
        learnt = (said.get(i.path) if i in rivals else i for i in self._all or ())
        self._all = [i for i in learnt if i is not None and i.version[0] >= 3]
        return True

    def explicit_path(self, text: str) -> Interpreter | None:
        path = fs.expanduser(text)
        if not fs.isabs(path) or candidates.inside(path, self.project, self.real) or candidates.in_venv(path):
            return None
        return self.info(path)


def _from_pyenv_name(name: str, finder: Finder) -> Interpreter | None:
    """A request naming one of pyenv's version directories that is not a plain number
    (`miniconda3-latest`): only a name pyenv's versions directory lists, never a path."""
    versions = fs.join(candidates.pyenv_root(finder.env), "versions")
    if path_like(name) or name not in fs.entries(versions):
        return None
    exes = [p for p in candidates.executables_in(fs.join(versions, name, "bin"))
            if not candidates.in_venv(p) and not candidates.inside(p, finder.project, finder.real)]
    if not exes or not finder.usable(exes[0]):
        return None
    return finder.info(exes[0])


def _by_text(text: str, finder: Finder) -> Interpreter | None:
    """A version name (3.12, cpython@3.12, pypy3.10), a specifier (>=3.11), a pyenv version
    name, or (from the user's own config only: see _request) an absolute path."""
    if fs.isabs(fs.expanduser(text)):
        return finder.explicit_path(text)
    if text == "system":
        return _default(finder)
    if version_name(text) is not None:
        return _newest(i for i in finder.all() if _named(text, i)) or _from_pyenv_name(text, finder)
    spec = specifier(text, finder.env)
    if spec is not None:
        return _newest(i for i in finder.all() if satisfies(spec, i.version))
    return _from_pyenv_name(text, finder)


def _default(finder: Finder) -> Interpreter | None:
    """The first python3 on PATH that is not in a venv; else the newest found anywhere."""
    for path in finder.on_path():
        if fs.basename(path) == "python3" and finder.usable(path):
            interp = finder.info(path)
            if interp:
                return interp
    return _newest(finder.all())


def choose(project: str | None, cfg, env: Mapping[str, str],  # type: ignore[no-untyped-def]
           skipped: list[str] | None = None) -> tuple[Interpreter, Request]:
    """The interpreter for `project` in the README's order ("New projects get a venv");
    NoInterpreter when none fits.

    `cfg` is a config.Config. The user file's `python` is a default: it is used when the
    project says nothing, or when it satisfies the project's requires-python. `skipped`
    receives a line for each candidate that was never run, and why.
    """
    finder = Finder(env, project)
    try:
        while True:
            request, guess = _request(project, cfg, finder)
            interp = finder.confirm(guess) if guess else None
            if guess is not None and (interp is None or (interp.version, interp.implementation) != (
                    guess.version, guess.implementation)):
                continue  # its name misled us: choose again with what it said
            if not finder.confirm_rivals(interp):
                break
        if interp is None:
            seen = ", ".join(str(i) for i in sorted(finder.all(), key=lambda i: i.version, reverse=True))
            why = "".join(f"; {line}" for line in finder.skipped_lines())
            raise NoInterpreter(
                f"no installed Python matches {request.describe()}; nothing was created. "
                f"Pythons found: {seen or 'none'}{why}"
            )
    finally:
        if skipped is not None:
            skipped += finder.skipped_lines()
    return interp, request


def _request(project: str | None, cfg, finder: Finder) -> tuple[Request, Interpreter | None]:  # type: ignore[no-untyped-def]
    text, version_file = cfg.python_version, cfg.python_version_file
    if text:
        if path_like(text):
            raise refused_request(text, ".python-version", version_file, cfg.user_file)
        return Request(".python-version", text, version_file), _by_text(text, finder)
    if cfg.python and cfg.project_python:
        if path_like(cfg.python):
            raise refused_request(cfg.python, "[tool.autovenv] python", cfg.pyproject or "", cfg.user_file)
        request = Request("[tool.autovenv] python", cfg.python, cfg.pyproject or "")
        return request, _by_text(cfg.python, finder)
    if cfg.requires_python:
        request = Request("requires-python", cfg.requires_python, cfg.pyproject or "")
        spec = specifier(cfg.requires_python, finder.env)
        if spec is None:
            raise NoInterpreter(
                f"{cfg.pyproject}: requires-python {cfg.requires_python!r} is not a valid specifier"
            )
        if cfg.python:
            preferred = _by_text(cfg.python, finder)
            if preferred and satisfies(spec, preferred.version):
                return request, preferred
        return request, _newest(i for i in finder.all() if satisfies(spec, i.version))
    if cfg.python:
        return Request("python (user config)", cfg.python, cfg.user_file), _by_text(cfg.python, finder)
    return Request("default"), _default(finder)
