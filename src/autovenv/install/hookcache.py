"""The hook text a new shell needs from autovenv, kept where it is found without starting Python.

A new shell runs `autovenv hook SHELL` (issue 5): hook.SHELL.txt, kept in the package's
__pycache__ beside the bundle (preload.py), is what the launcher (launcher.py) prints with cat
when it is newer than the launcher, the bundle and the snippet files; otherwise Python makes
it (and this file writes it again). Kept there, it is exactly as trusted as helper.py, which
the snippet runs anyway, and it goes when the package does.

It holds no answer for any directory. First answers were once kept here too, for new shells
opened where one had been opened before; a shell cannot make the helper's checks (owner,
permissions, identity of the venv) with builtins, so a kept answer skipped them (issue 12):
a new shell's first prompt now asks the helper.
"""

from __future__ import annotations

from autovenv.hook import fs, preload

TYPE_CHECKING = False
if TYPE_CHECKING:
    from autovenv.hook.shells.base import Shell

def cache_dir() -> str:
    return fs.dirname(preload.bundle_path())


def text_path(shell_name: str) -> str:
    return fs.join(cache_dir(), f"hook.{shell_name}.txt")


def text_sources(shell: Shell) -> list[str]:
    """What the kept hook text is made from, besides the launcher (which names the
    interpreter): the bundle, which changes with the code, and the shell's snippet files."""
    from autovenv.hook.shells.base import snippet_dir

    sources = [preload.bundle_path(), fs.join(snippet_dir(), shell.snippet)]
    completion = fs.join(snippet_dir(), "completion" + fs.splitext(shell.snippet)[1])
    if fs.isfile(completion):
        sources.append(completion)
    return sources


def text_is_fresh(shell: Shell, launcher: str) -> bool:
    """Would `launcher` print the kept text? (its own test: newer than each source)"""
    try:
        kept = fs.stat(text_path(shell.name)).st_mtime_ns
        return all(fs.stat(path).st_mtime_ns < kept for path in [launcher, *text_sources(shell)])
    except OSError:
        return False


def _write(path: str, text: str, mode: int) -> None:
    """Replace `path` in one step; a cache that cannot be written only costs time."""
    from autovenv.creation.atomicfile import atomic_write

    try:
        atomic_write(path, text.encode("utf-8", "surrogateescape"), mode)
    except OSError:
        pass


def keep_text(shell_name: str, text: str) -> None:
    """Keep the hook text for the launcher, only while the bundle is fresh (a stale one will
    be made anew, and the text with it); first answers older versions kept go."""
    if not preload.stamp():
        return
    path = text_path(shell_name)
    _write(path, text, 0o644)  # every user of this install may read it
    try:  # the launcher wants it newer than the bundle, which may be a moment old (one clock tick)
        bundle = fs.stat(preload.bundle_path()).st_mtime_ns
        if fs.stat(path).st_mtime_ns <= bundle:
            import os

            os.utime(path, ns=(bundle + 1, bundle + 1))
    except OSError:
        pass
    old = [n for n in fs.entries(cache_dir()) if n.startswith("seeds-")]
    if old:
        import shutil

        for name in old:
            shutil.rmtree(fs.join(cache_dir(), name), ignore_errors=True)


def hook_text(shell: Shell, python: str) -> str:
    """The snippet as `autovenv hook` prints it, kept for the launcher too. It carries no
    answer: a new shell's first prompt asks the helper, which makes every check (an answer
    made earlier, or kept, would skip them: issue 12)."""
    text = shell.hook_text(python)
    keep_text(shell.name, text)
    return text


if __name__ == "__main__":  # install.sh: the bundle made anew, then every shell's hook text from it
    import sys

    from autovenv.hook import bundlewrite, shells

    bundlewrite.rebuild()  # the kept text is kept only beside a fresh bundle
    preload.load()
    for shell_name in shells.names():
        hook_text(shells.get(shell_name), sys.executable)
    sys.exit(0 if preload.stamp() else 1)
