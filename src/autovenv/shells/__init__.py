"""One adapter per shell; `get(name)` finds one by name or alias."""

from __future__ import annotations

from autovenv.shells.base import Shell
from autovenv.shells.bash import Bash
from autovenv.shells.elvish import Elvish
from autovenv.shells.fish import Fish
from autovenv.shells.pwsh import Pwsh
from autovenv.shells.zsh import Zsh

_ALL: tuple[type[Shell], ...] = (Bash, Zsh, Fish, Pwsh, Elvish)


def names() -> list[str]:
    return [cls.name for cls in _ALL]


def get(name: str) -> Shell:
    """The adapter for `name` (e.g. "bash", "pwsh"); KeyError when unknown."""
    wanted = name.lower()
    if wanted.endswith(".exe"):
        wanted = wanted[:-4]
    for cls in _ALL:
        if wanted == cls.name or wanted in cls.aliases:
            return cls()
    raise KeyError(name)


__all__ = ["Shell", "get", "names"]
