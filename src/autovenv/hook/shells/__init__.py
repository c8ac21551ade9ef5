"""One adapter per shell; `get(name)` finds one by name or alias.

Adapters are imported on demand: the per-cd helper needs exactly one, and every import costs
start-up time on each directory change.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from autovenv.hook.shells.base import Shell

# shell name or alias -> (module in this package, class)
_REGISTRY: dict[str, tuple[str, str]] = {
    "bash": ("bash", "Bash"),
    "zsh": ("zsh", "Zsh"),
    "fish": ("fish", "Fish"),
    "pwsh": ("pwsh", "Pwsh"),
    "powershell": ("pwsh", "Pwsh"),
    "elvish": ("elvish", "Elvish"),
}
_ALIASES = {"powershell"}


def names() -> list[str]:
    return [name for name in _REGISTRY if name not in _ALIASES]


def _canonical(name: str) -> str:
    wanted = name.lower()
    return wanted[:-4] if wanted.endswith(".exe") else wanted


def known(name: str) -> bool:
    """Whether get(name) finds an adapter (without loading it)."""
    return _canonical(name) in _REGISTRY


def get(name: str) -> Shell:
    """The adapter for `name` (e.g. "bash", "pwsh"); KeyError when unknown."""
    module_name, class_name = _REGISTRY[_canonical(name)]
    module = __import__(f"autovenv.hook.shells.{module_name}", fromlist=[class_name])
    cls: type[Shell] = getattr(module, class_name)
    return cls()


def __getattr__(name: str) -> object:
    """`Shell`, loaded when asked for: the helper needs it only with an adapter, which it
    loads after its decision (or while a backend runs)."""
    if name == "Shell":
        from autovenv.hook.shells.base import Shell

        return Shell
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Shell", "get", "known", "names"]
