"""zsh: POSIX quoting (posix.py), `rehash` to forget command locations."""

from __future__ import annotations

from autovenv.hook.shells.posix import PosixShell


class Zsh(PosixShell):
    name = "zsh"
    snippet = "autovenv.zsh"

    def rehash(self) -> list[str]:
        return ["rehash 2>/dev/null || :"]
