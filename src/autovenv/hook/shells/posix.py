"""What bash and zsh share: POSIX single quotes, export and unset."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

from autovenv.hook.shells.base import Shell


class PosixShell(Shell):
    def quote(self, value: str) -> str:
        # Inside '...' nothing is special; a ' is closed, escaped and reopened.
        return "'" + value.replace("'", "'\\''") + "'"

    def set_env(self, name: str, value: str) -> str:
        return f"export {name}={self.quote(value)}"

    def unset_env(self, name: str) -> str:
        return f"unset {name}"

    def set_local(self, name: str, values: Sequence[str]) -> list[str]:
        return [f"{name}=({' '.join(self.quote(v) for v in values)})"]
