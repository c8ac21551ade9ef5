"""Replace the generic `autovenv` console script with one that starts Python lean.

pip's and uv's console scripts start the interpreter with site-packages and import `re`
before calling autovenv; for `autovenv hook SHELL`, which every new shell runs, that is half
again the cost of a bare interpreter (issue 5). The script written here starts with `-IS`
(isolated, no site), puts autovenv's own site-packages last on sys.path (behind the standard
library, so nothing there can shadow a standard module), and lets __main__ turn site-packages
on for the commands that need them. install.sh runs it after every install or upgrade:

    <env>/bin/python -I -m autovenv.launcher <env>/bin/autovenv

A `pip install --upgrade` done by hand puts the generic script back; it works, only slower.
"""

from __future__ import annotations

import os
import sys

# Linux reads at most 127 bytes of a #! line on older kernels, and splits it at whitespace.
MAX_SHEBANG = 127

TEMPLATE = """\
#!{python} -IS
# autovenv's command, written by autovenv.launcher: no site-packages at start-up, so that
# `autovenv hook` costs about one bare interpreter start; other commands turn them on.
import sys
sys.path.append({packages!r})
from autovenv.__main__ import main
main()
"""


def script_text(python: str, packages: str) -> str | None:
    """The launcher for `python`, or None when its path cannot go on a #! line."""
    shebang = f"#!{python} -IS"
    if len(shebang.encode("utf-8", "surrogateescape")) > MAX_SHEBANG or any(c.isspace() for c in python):
        return None
    return TEMPLATE.format(python=python, packages=packages)


def write(target: str, python: str, packages: str) -> bool:
    """Write the launcher over `target` in one step (a new file renamed over it)."""
    text = script_text(python, packages)
    if text is None:
        return False
    tmp = f"{target}.autovenv-tmp-{os.getpid()}"
    try:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o755)
        os.replace(tmp, target)
    except BaseException:
        if os.path.lexists(tmp):
            os.remove(tmp)
        raise
    return True


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -I -m autovenv.launcher PATH-OF-THE-AUTOVENV-SCRIPT", file=sys.stderr)
        return 2
    packages = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        written = write(argv[0], sys.executable, packages)
    except OSError as e:
        print(f"autovenv: could not write {argv[0]}: {e.strerror}", file=sys.stderr)
        return 1
    if not written:
        print(f"autovenv: kept the generic {argv[0]}: the path of {sys.executable} cannot go on "
              "a #! line (spaces, or too long)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
