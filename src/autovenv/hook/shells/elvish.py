"""elvish (0.19+): '...' quoting, `set-env`/`unset-env`, the answer's lists as `var` lines."""

from __future__ import annotations

from autovenv.hook.shells.base import Shell

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence


class Elvish(Shell):
    name = "elvish"
    snippet = "autovenv.elv"

    def quote(self, value: str) -> str:
        # In elvish's '...' nothing is special but ', written ''.
        return "'" + value.replace("'", "''") + "'"

    def set_env(self, name: str, value: str) -> str:
        return f"set-env {name} {self.quote(value)}"

    def unset_env(self, name: str) -> str:
        return f"unset-env {name}"

    def set_local(self, name: str, values: Sequence[str]) -> list[str]:
        # The snippet evaluates the answer in a namespace of its own and reads these back.
        return [f"var {name} = [{' '.join(self.quote(v) for v in values)}]"]
