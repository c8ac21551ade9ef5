"""What a new shell needs from autovenv, kept where it is found without starting Python.

A new shell runs `autovenv hook SHELL`, then needs the helper's answer for its directory before
its first prompt: one interpreter start or two, in every new terminal (issue 5). Both are kept
in the package's __pycache__, beside the bundle (preload.py). That makes them exactly as
trusted as helper.py, which the snippet runs anyway, and they go when the package does:

- hook.SHELL.txt, the hook text. The launcher (launcher.py) prints it with cat when it is newer
  than the launcher, the bundle and the snippet files; otherwise Python makes it (and this file
  writes it again).
- seeds-STAMP/SHELL/<directory>, a first answer. When a new shell's first prompt asks the
  helper (_AUTOVENV_SEED=1), the helper leaves its answer here; the next new shell opened in
  that directory applies it instead of asking, but only if every variable the answer depends
  on has the same value (export.SEED_KEY), the files it was read from are older than it, and
  it still holds (scope and watched paths, checked as at every prompt). STAMP is the bundle's,
  so a change to the code that writes answers leaves the old ones unused.
"""

from __future__ import annotations

from autovenv import fs, preload

TYPE_CHECKING = False
if TYPE_CHECKING:
    from autovenv.shells.base import Shell

MAX_NAME_BYTES = 200  # a file name per directory; longer ones have no seed


def cache_dir() -> str:
    return fs.dirname(preload.bundle_path())


def text_path(shell_name: str) -> str:
    return fs.join(cache_dir(), f"hook.{shell_name}.txt")


def text_sources(shell: Shell) -> list[str]:
    """What the kept hook text is made from, besides the launcher (which names the
    interpreter): the bundle, which changes with the code, and the shell's snippet files."""
    from autovenv.shells.base import snippet_dir

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


def seeds_dir(shell_name: str) -> str:
    """Where this code's first answers for `shell_name` go; '' when there is no fresh bundle
    (read-only package, or a source changed since: the bundle, and so the stamp, will change)."""
    stamp = preload.stamp()
    return fs.join(cache_dir(), f"seeds-{stamp}", shell_name) if stamp else ""


def seed_name(directory: str) -> str | None:
    """The seed's file name for `directory`, as the snippets spell it with builtins."""
    name = directory.replace("%", "%25").replace("/", "%2F")
    return name if len(fs.fsencode(name)) <= MAX_NAME_BYTES else None


def _write(path: str, text: str, mode: int) -> None:
    """Replace `path` in one step; a cache that cannot be written only costs time."""
    from autovenv import fsops

    try:
        fsops.makedirs(fs.dirname(path))
        tmp = f"{path}.{fsops.getpid()}.tmp"
        fsops.write_file(tmp, text.encode("utf-8", "surrogateescape"), mode)
        fsops.replace(tmp, path)
    except OSError:
        pass


def keep_text(shell_name: str, text: str) -> None:
    """Keep the hook text for the launcher (only while the bundle is fresh: the text names the
    seeds of this stamp); seeds of older stamps go."""
    current = seeds_dir(shell_name)
    if not current:
        return
    path = text_path(shell_name)
    _write(path, text, 0o644)  # every user of this install may read it
    try:  # the launcher wants it newer than the bundle, which may be a moment old (one clock tick)
        bundle = fs.stat(preload.bundle_path()).st_mtime_ns
        if fs.stat(path).st_mtime_ns <= bundle:
            from autovenv import fsops

            fsops.utime(path, ns=(bundle + 1, bundle + 1))
    except OSError:
        pass
    keep = fs.basename(fs.dirname(current))
    try:
        old = [n for n in fs.listdir(cache_dir()) if n.startswith("seeds-") and n != keep]
    except OSError:
        return
    if old:
        import shutil

        for name in old:
            shutil.rmtree(fs.join(cache_dir(), name), ignore_errors=True)


def keep_seed(shell_name: str, directory: str, text: str) -> None:
    seeds, name = seeds_dir(shell_name), seed_name(directory)
    if seeds and name:
        _write(fs.join(seeds, name), text, 0o600)  # one user's environment


if __name__ == "__main__":  # install.sh: the bundle made anew, then every shell's hook text from it
    import sys

    from autovenv import shells
    from autovenv.export import static_text

    preload.rebuild()  # the seeds are named after a fresh bundle
    preload.load()
    for shell_name in shells.names():
        static_text(shells.get(shell_name), sys.executable)
    sys.exit(0 if preload.stamp() else 1)
