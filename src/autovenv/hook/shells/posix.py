"""What bash and zsh share: POSIX single quotes, export and unset, and one snippet source."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

from autovenv.hook.shells.base import Shell

TAG = "#@"


def dialect(source: str, shell: str) -> str:
    """shell/autovenv.sh for `shell` ("bash" or "zsh"): a line ending in "#@ SHELL" is kept
    for that shell only (without its tag), and so are the lines between a line that is only
    "#@ SHELL" and the next such line or "#@ end"; any other line starting "#@" is the
    source's own comment. What is left holds no tag."""
    tags = {f"{TAG} bash", f"{TAG} zsh"}
    keep = True
    out = []
    for line in source.splitlines(keepends=True):
        bare = line.rstrip("\n")
        if bare.startswith(TAG):
            if bare in tags or bare == f"{TAG} end":
                keep = bare in (f"{TAG} {shell}", f"{TAG} end")
            continue
        if not keep:
            continue
        code, tag, owner = bare.rpartition("  " + TAG + " ")
        if tag and owner in ("bash", "zsh"):
            if owner == shell:
                out.append(code.rstrip() + "\n")
            continue
        out.append(line)
    return "".join(out)


class PosixShell(Shell):
    snippet = "autovenv.sh"

    def snippet_text(self, source: str) -> str:
        return dialect(source, self.name)

    def quote(self, value: str) -> str:
        # Inside '...' nothing is special; a ' is closed, escaped and reopened.
        return "'" + value.replace("'", "'\\''") + "'"

    def set_env(self, name: str, value: str) -> str:
        return f"export {name}={self.quote(value)}"

    def unset_env(self, name: str) -> str:
        return f"unset {name}"

    def set_local(self, name: str, values: Sequence[str]) -> list[str]:
        return [f"{name}=({' '.join(self.quote(v) for v in values)})"]
