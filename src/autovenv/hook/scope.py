"""How far an answer holds, so the snippet can skip the helper with file tests alone.

An answer made for directory D holds for every directory at or below `directory`, as long as
no name in `probes` (or `globs`) exists in a directory between the new $PWD and `directory`
(that directory itself excluded), none of those directories is a symbolic link, and every
path in `watch` still exists (prefix "1") or still does not ("0"), no path in `newer` after the
first is newer than the first (the record of the project's last sync), and every path in `same`
after the first still names the same file as the first (the venv's real path, which is what
was checked and activated: a .venv symlink or a redirect's target retargeted by a `git pull`
no longer does), and the redirect file in `redirect`, if any, is a regular file that still
holds exactly the text it held. The snippet checks exactly that with builtins (bash/zsh `-ef`,
which compares device and inode; `read`); anything else makes it ask the helper again.
"""

from __future__ import annotations

from autovenv.hook import fs

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
from autovenv.hook import discover
from autovenv.hook.records import Record, dataclass

SEP = "\x1f"


@dataclass(frozen=True)
class Scope(Record):
    directory: str = ""  # '' = holds nowhere: ask at every change of directory
    probes: tuple[str, ...] = ()
    globs: tuple[str, ...] = ()
    watch: tuple[str, ...] = ()
    same: tuple[str, ...] = ()  # (real path, paths that must still name it...) or ()
    # (the project's sync record, its inputs...) or (): an input newer than the record (`-nt`)
    # changed after the last sync (a `git pull`), so the helper must look again (autosync.py).
    newer: tuple[str, ...] = ()
    redirect: tuple[str, ...] = ()  # (redirect file, the text it holds) or ()

    def signature(self) -> str:
        return SEP.join((self.directory, *self.probes, "", *self.globs, "", *self.watch, "",
                         *self.same, "", *self.newer, "", *self.redirect))

    def with_sync(self, newer: tuple[str, ...], absent: tuple[str, ...]) -> Scope:
        """This scope, also watching the project's sync inputs."""
        return Scope(self.directory, self.probes, self.globs, self.watch + absent, self.same, newer,
                     self.redirect)


EVERYWHERE = Scope(directory="/")


def watched(paths: Iterable[str]) -> tuple[str, ...]:
    """Each path with its present existence: what the snippet compares against at a prompt."""
    return tuple(("1" if fs.lexists(p) else "0") + p for p in paths)


def shell_saw(env: Mapping[str, str], path: str) -> bool:
    """Did the answer this shell holds (_AUTOVENV_ANSWER, a signature) see `path` exist?"""
    return (SEP + "1" + path) in (SEP + env.get("_AUTOVENV_ANSWER", ""))


def _venv_probes(env: Mapping[str, str]) -> tuple[str, ...]:
    # ".venv" itself (directory or redirect file); other names only when they are venvs.
    return tuple(
        ".venv" if name == ".venv" else fs.join(name, "pyvenv.cfg")
        for name in discover.venv_names(env)
    )


def _venv_watch(directory: str, env: Mapping[str, str]) -> list[str]:
    paths = [fs.join(directory, ".venv")]
    paths += [fs.join(directory, n, "pyvenv.cfg") for n in discover.venv_names(env)]
    return paths


def for_finding(
    finding: discover.Finding, env: Mapping[str, str], trust_records: Iterable[str] = (),
    real: str = "",
) -> Scope:
    """The scope of this finding's answer; `real`: the venv's real path, for rule 1."""
    venv_probes = _venv_probes(env)
    if finding.rule == 1:
        assert finding.holder and finding.venv
        real = real or fs.realpath(finding.venv)
        watch = [fs.join(real, "pyvenv.cfg"), *trust_records]
        if finding.redirect:
            watch.append(finding.redirect)
        # The path the venv was found by (a .venv symlink, a redirect's target) must go on
        # naming the venv that was checked.
        same = (real, finding.venv) if finding.venv != real else ()
        # The redirect's text too: edited in place, its file stays the same file.
        redirect = (finding.redirect, finding.redirect_text) if finding.redirect else ()
        scope = Scope(finding.holder, venv_probes, (), watched(watch), same, redirect=redirect)
    elif finding.rule == 2:
        assert finding.marker and finding.project
        member = fs.dirname(finding.marker)
        probes = venv_probes + discover.STRONG_MARKERS
        globs: tuple[str, ...] = ()
        if finding.marker_strength == "weak":
            probes += discover.WEAK_MARKER_FILES
            globs = (discover.WEAK_MARKER_PREFIX + "*" + discover.WEAK_MARKER_SUFFIX,)
        paths = _venv_watch(member, env)
        if finding.project != member:
            paths += _venv_watch(finding.project, env)
        scope = Scope(member, probes, globs, watched(dict.fromkeys(paths)))
    else:
        probes = venv_probes + discover.STRONG_MARKERS + discover.WEAK_MARKER_FILES
        globs = (discover.WEAK_MARKER_PREFIX + "*" + discover.WEAK_MARKER_SUFFIX,)
        scope = Scope(finding.top, probes, globs, watched(_venv_watch(finding.start, env)))
    return _within_ceilings(scope, finding.start, env)


def _within_ceilings(scope: Scope, start: str, env: Mapping[str, str]) -> Scope:
    """A ceiling below the scope's directory would cut the walk short: narrow the scope."""

    def below(ceiling: str, directory: str) -> bool:
        return ceiling.startswith(directory.rstrip("/") + "/")

    stops = discover.ceilings(env)
    if not any(below(c, scope.directory) for c in stops):
        return scope
    if any(below(c, start) for c in stops) or start in stops:
        return Scope()
    return Scope(start, scope.probes, scope.globs, scope.watch, scope.same, scope.newer,
                 scope.redirect)
