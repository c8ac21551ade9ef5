"""PowerShell (pwsh 7 and Windows PowerShell 5.1)."""

from __future__ import annotations

from autovenv.shells.base import Shell

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

# PowerShell's tokenizer takes all of these as a single quote, each ending a '...' string;
# inside one, any of them is escaped by doubling it (the second is kept).
_SINGLE_QUOTES = "'\u2018\u2019\u201a\u201b"


class Pwsh(Shell):
    name = "pwsh"
    aliases = ("powershell",)
    snippet = "autovenv.ps1"

    def quote(self, value: str) -> str:
        # In '...' nothing expands: no $, no backtick escapes; only the quotes themselves.
        for q in _SINGLE_QUOTES:
            value = value.replace(q, q + q)
        return "'" + value + "'"

    def set_env(self, name: str, value: str) -> str:
        return f"$env:{name} = {self.quote(value)}"

    def unset_env(self, name: str) -> str:
        # Module-qualified, so a user's alias or function named Remove-Item is never called.
        return (f"Microsoft.PowerShell.Management\\Remove-Item -LiteralPath Env:{name}"
                " -ErrorAction Ignore")

    def set_local(self, name: str, values: Sequence[str]) -> list[str]:
        return [f"$global:{name} = @({','.join(self.quote(v) for v in values)})"]
