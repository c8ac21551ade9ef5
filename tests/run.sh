#!/bin/sh
# The one command that runs autovenv's tests: makes a dev venv in .dev/venv (once),
# installs autovenv editable with its test extras, then runs pytest with any arguments given.
set -eu
cd "$(dirname "$0")/.."
venv=.dev/venv
if [ ! -x "$venv/bin/python" ]; then
    py=""
    # A real interpreter (not a pyenv shim, not inside a venv) that has venv + ensurepip.
    for cand in /usr/bin/python3 "$(command -v python3 2>/dev/null || true)"; do
        [ -n "$cand" ] && [ -x "$cand" ] || continue
        real=$("$cand" -I -c 'import sys, venv, ensurepip; assert sys.version_info >= (3, 9); print(sys.executable if sys.prefix == sys.base_prefix else "")' 2>/dev/null) || continue
        [ -n "$real" ] && { py=$real; break; }
    done
    [ -n "$py" ] || { echo "tests/run.sh: need a Python >= 3.9 with the venv module (Debian: apt-get install python3-venv)" >&2; exit 2; }
    "$py" -m venv "$venv"
fi
"$venv/bin/python" -m pip install -q --disable-pip-version-check -e '.[test]'
exec "$venv/bin/python" -m pytest "$@"
