"""PowerShell 7 (pwsh): the answer as NUL-separated records the snippet applies as data.

The answer is data the snippet applies without evaluating it (shell/autovenv.ps1,
_autovenv_apply): records of NUL-separated fields, each record starting and ending with a NUL
so that the newline written after it never joins a field. No field can hold a NUL: neither
environment values nor paths can.
"""

from __future__ import annotations

from autovenv.hook.shells.base import Shell

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

# PowerShell's tokenizer takes all of these as a single quote, each ending a '...' string;
# inside one, any of them is escaped by doubling it (the second is kept).
_SINGLE_QUOTES = "'\u2018\u2019\u201a\u201b"


def record(*fields: str) -> str:
    for field in fields:
        if "\0" in field:
            raise ValueError("a NUL cannot be passed to PowerShell")
    return "\0" + "\0".join(fields) + "\0"


class Pwsh(Shell):
    name = "pwsh"
    aliases = ("powershell",)
    snippet = "autovenv.ps1"
    completion = "completion.ps1"

    def quote(self, value: str) -> str:
        """A PowerShell literal (the snippet's paths, rc lines): in '...' nothing expands,
        no $, no backtick escapes; only the quotes themselves."""
        for q in _SINGLE_QUOTES:
            value = value.replace(q, q + q)
        return "'" + value + "'"

    def set_env(self, name: str, value: str) -> str:
        return record("E", name, value)

    def unset_env(self, name: str) -> str:
        return record("U", name)

    def set_local(self, name: str, values: Sequence[str]) -> list[str]:
        return [record("L", name, str(len(values)), *values)]


def is_pwsh_process(pid: int) -> bool:
    """Is `pid` PowerShell run by the dotnet host (`dotnet [exec] …/pwsh.dll`, as a .NET tool
    without its own launcher is)? Its process is named dotnet, which shellingham does not know."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            argv = f.read().split(b"\0")
    except OSError:
        return False
    program = argv[0].rsplit(b"/", 1)[-1]
    return program in (b"dotnet", b"dotnet.exe") and any(a.lower().endswith(b"pwsh.dll") for a in argv[1:3])
