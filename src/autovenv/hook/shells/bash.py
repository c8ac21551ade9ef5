"""bash: POSIX quoting and the shared snippet (posix.py), `hash -r` to forget command locations."""

from __future__ import annotations

from autovenv.hook.shells.posix import PosixShell


class Bash(PosixShell):
    name = "bash"
    completion = "completion.bash"

    def rehash(self) -> list[str]:
        # `hash -r` fails when hashing is off (set +h); that must not trip `set -e`.
        return ["hash -r 2>/dev/null || :"]
