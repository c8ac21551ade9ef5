"""zsh: POSIX quoting and the shared snippet (posix.py), `rehash` to forget command locations."""

from __future__ import annotations

from autovenv.hook.shells.posix import PosixShell


class Zsh(PosixShell):
    name = "zsh"
    completion = "completion.zsh"

    def rehash(self) -> list[str]:
        return ["rehash 2>/dev/null || :"]
