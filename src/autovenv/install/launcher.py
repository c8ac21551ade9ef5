"""The `autovenv` command install.sh writes: a sh script that serves `autovenv hook` without Python.

It replaces pip's generic console script, and starts Python lean for every other command.

`autovenv hook SHELL` runs in every new shell. pip's and uv's console scripts start the
interpreter with site-packages and import `re` first: half again a bare interpreter's start.
The script written here
- prints the hook text autovenv keeps in the user's cache (hookcache.py) with cat, when that
  text is newer than this script (which names the interpreter), the bundle (which changes with
  the code) and the shell's snippet files: no Python at a shell's start-up at all. This sh test
  is the kept text's only freshness test;
- otherwise runs `python -IS` (isolated, no site), with autovenv's own site-packages last on
  sys.path (behind the standard library, so nothing there can shadow a standard module);
  __main__ turns site-packages on for the commands that need them, and makes the hook text.
install.sh runs it after every install or upgrade:

    <env>/bin/python -I -m autovenv.install.launcher <env>/bin/autovenv

A `pip install --upgrade` done by hand puts the generic script back; it works, only slower.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys

from autovenv.hook.atomicfile import atomic_write

HEADER = """\
#!/bin/sh
# autovenv's command, written by autovenv.install.launcher: `autovenv hook SHELL` prints the hook text
# kept in the user's cache while it is newer than what it was made from (no Python at a
# shell's start-up); everything else starts Python without site-packages (see launcher.py).
"""
# The user's cache dir, as hookcache.cache_dir finds it: XDG_CACHE_HOME when absolute, else
# ~/.cache; nothing without an absolute HOME (the test below then fails, and Python answers).
CACHE_DIR = """\
    c=${XDG_CACHE_HOME-}
    case $c in /*) ;; *) case ${HOME-} in /*) c=${HOME%/}/.cache ;; *) c=/nonexistent ;; esac ;; esac
"""


def script_text(python: str, packages: str) -> str:
    """The launcher for `python`, whose site-packages directory is `packages`."""
    from autovenv.hook import shells
    from autovenv.install import hookcache

    q = shlex.quote
    cat = shutil.which("cat", path="/bin:/usr/bin") or "cat"
    kept = f"$c/autovenv/hook-{hookcache.install_key(python)}"
    lines = [HEADER, 'if [ "$#" = 2 ] && [ "$1" = hook ]; then\n', CACHE_DIR, "    case $2 in\n"]
    for name in shells.names():
        shell = shells.get(name)
        # The kept text's freshness: this is its only test (hookcache.py writes, doctor runs it).
        sources = ['"$0"', *(q(path) for path in hookcache.text_sources(shell))]
        newer = " && ".join(f'[ "$t" -nt {s} ]' for s in sources)
        lines.append(f"    {'|'.join((shell.name, *shell.aliases))})\n"
                     f"        t=\"{kept}/{shell.name}.txt\"\n"
                     f"        {newer} && exec {q(cat)} -- \"$t\" ;;\n")
    lines.append("    esac\nfi\n")
    code = (f"import sys; sys.argv[0] = 'autovenv'; sys.path.append({packages!r}); "
            "from autovenv.__main__ import main; main()")
    lines.append(f'exec {q(python)} -IS -c {q(code)} "$@"\n')
    return "".join(lines)


def write(target: str, python: str, packages: str) -> None:
    """Write the launcher over `target` in one step (a new file renamed over it)."""
    atomic_write(target, script_text(python, packages).encode("utf-8", "surrogateescape"), 0o755, exact=True)


def is_launcher(text: str, python: str) -> bool:
    """Does this script's start say it is our launcher for `python`? (autovenv doctor)"""
    return text.startswith(HEADER) and f"exec {shlex.quote(python)} -IS -c " in text


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -I -m autovenv.install.launcher PATH-OF-THE-AUTOVENV-SCRIPT", file=sys.stderr)
        return 2
    packages = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    try:
        write(argv[0], sys.executable, packages)
    except OSError as e:
        print(f"autovenv: could not write {argv[0]}: {e.strerror}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
