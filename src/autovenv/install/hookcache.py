"""The hook text a new shell needs, kept in the user's cache dir for the launcher to print with cat.

A new shell runs `autovenv hook SHELL` (issue 5). The launcher (launcher.py) prints the kept
text, ${XDG_CACHE_HOME:-~/.cache}/autovenv/hook-KEY/SHELL.txt, with cat when it is newer than
the launcher, the bundle and the shell's snippet files; that sh test is the only freshness test
(doctor runs the launcher to see what it does). Otherwise the launcher starts Python, which
makes the text, and this module keeps it again. KEY names the interpreter the launcher runs,
so two installations of autovenv never serve each other's text. Kept per user (0600 in a 0700
directory), as it is run by every new shell of that user; never in site-packages.

It holds no answer for any directory: a shell cannot make the helper's checks (owner,
permissions, identity of the venv) with builtins, so a kept answer would skip them (issue 12);
a new shell's first prompt asks the helper.
"""

from __future__ import annotations

import sys
import zlib

from autovenv.hook import fs, preload

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from autovenv.hook.shells.base import Shell


def install_key(python: str) -> str:
    """A short name for the installation whose launcher runs `python`."""
    return f"{zlib.crc32(python.encode('utf-8', 'surrogateescape')):08x}"


def cache_dir(env: Mapping[str, str] | None = None, python: str | None = None) -> str | None:
    """This installation's kept texts; None without an absolute HOME or XDG_CACHE_HOME (the
    launcher's sh computes the same directory, and finds nothing there)."""
    env = fs.environ() if env is None else env
    base = env.get("XDG_CACHE_HOME", "")
    if not base.startswith("/"):
        home = env.get("HOME", "")
        if not home.startswith("/"):
            return None
        base = home.rstrip("/") + "/.cache"
    return f"{base}/autovenv/hook-{install_key(python or sys.executable)}"


def text_path(shell_name: str, env: Mapping[str, str] | None = None) -> str | None:
    directory = cache_dir(env)
    return None if directory is None else f"{directory}/{shell_name}.txt"


def text_sources(shell: Shell) -> list[str]:
    """What the kept hook text is made from, besides the launcher (which names the
    interpreter): the bundle, which changes with the code, and the shell's files in shell/."""
    return [preload.bundle_path(), *shell.source_files()]


def _write_private(path: str, text: str) -> None:
    """Replace `path` in one step, readable by its owner only, in directories only they enter."""
    import os  # only when the text is made (a new shell whose kept text was stale)

    from autovenv.hook.atomicfile import atomic_write

    for directory in (os.path.dirname(os.path.dirname(path)), os.path.dirname(path)):
        os.makedirs(directory, mode=0o700, exist_ok=True)  # autovenv/ and hook-KEY/
    atomic_write(path, text.encode("utf-8", "surrogateescape"), 0o600)


def keep_text(shell_name: str, text: str) -> None:
    """Keep the hook text for the launcher, only while the bundle is fresh (a stale one will
    be made anew, and the text with it). A cache that cannot be written only costs time."""
    path = text_path(shell_name)
    if path is None or not preload.stamp():
        return
    try:
        _write_private(path, text)
        # The launcher wants it newer than the bundle, which may be a moment old (one clock tick).
        bundle = fs.stat(preload.bundle_path()).st_mtime_ns
        if fs.stat(path).st_mtime_ns <= bundle:
            import os

            os.utime(path, ns=(bundle + 1, bundle + 1))
    except OSError:
        pass


def hook_text(shell: Shell, python: str) -> str:
    """The snippet as `autovenv hook` prints it, kept for the launcher too. It carries no
    answer: a new shell's first prompt asks the helper, which makes every check (an answer
    made earlier, or kept, would skip them: issue 12)."""
    text = shell.hook_text(python)
    keep_text(shell.name, text)
    return text


if __name__ == "__main__":  # install.sh: the bundle made anew, then every shell's hook text from it
    from autovenv.hook import bundlewrite, shells

    bundlewrite.rebuild()  # the kept text is kept only beside a fresh bundle
    preload.load()
    for name in shells.names():
        hook_text(shells.get(name), sys.executable)
    sys.exit(0 if preload.stamp() else 1)
