from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

from autovenv.shells.base import Shell


class Fish(Shell):
    name = "fish"
    snippet = "autovenv.fish"
    seeds_first_answer = True

    def quote(self, value: str) -> str:
        # In fish's '...' only \ and ' are special.
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"

    def set_env(self, name: str, value: str) -> str:
        if name == "PATH":  # fish keeps PATH as a list
            return "set -gx PATH " + " ".join(self.quote(p) for p in value.split(":"))
        return f"set -gx {name} {self.quote(value)}"

    def unset_env(self, name: str) -> str:
        return f"set -eg {name}"

    def set_local(self, name: str, values: Sequence[str]) -> list[str]:
        return [" ".join([f"set -g {name}", *(self.quote(v) for v in values)])]
