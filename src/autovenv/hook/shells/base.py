"""What every shell adapter provides, and what is written once for all of them."""

from __future__ import annotations

from autovenv.hook import fs
from autovenv.hook.plan import Rehash, Set, Unset

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from autovenv.hook.plan import Change

PYTHON_PLACEHOLDER = "__AUTOVENV_PYTHON__"
HELPER_PLACEHOLDER = "__AUTOVENV_HELPER__"


def snippet_dir() -> str:
    """shell/ inside the installed package (wheel), else the repository's (editable install)."""
    package = fs.dirname(fs.dirname(fs.dirname(fs.abspath(__file__))))
    inside = fs.join(package, "shell")
    if fs.isdir(inside):
        return inside
    return fs.join(fs.dirname(fs.dirname(package)), "shell")


def helper_path() -> str:
    hook = fs.dirname(fs.dirname(fs.abspath(__file__)))
    return fs.join(hook, "helper.py")


class Shell:
    """One shell: its name, its snippet file, and how it quotes, sets and unsets."""

    name: str = ""
    aliases: tuple[str, ...] = ()
    snippet: str = ""

    def quote(self, value: str) -> str:
        raise NotImplementedError

    def set_env(self, name: str, value: str) -> str:
        raise NotImplementedError

    def unset_env(self, name: str) -> str:
        raise NotImplementedError

    def set_local(self, name: str, values: Sequence[str]) -> list[str]:
        """A list-valued variable of the snippet's own, not exported."""
        raise NotImplementedError

    def rehash(self) -> list[str]:
        return []

    def scope(self, directory: str) -> list[str]:
        """The statements that hand the snippet the directory the answer holds for."""
        return self.set_local("_autovenv_scope", [directory])

    def render(self, changes: Sequence[Change]) -> list[str]:
        lines: list[str] = []
        for change in changes:
            if isinstance(change, Set):
                lines.append(self.set_env(change.name, change.value))
            elif isinstance(change, Unset):
                lines.append(self.unset_env(change.name))
            elif isinstance(change, Rehash):
                lines += self.rehash()
        return lines

    def hook_text(self, python: str) -> str:
        """The snippet with autovenv's interpreter and helper filled in, quoted for this shell."""
        with open(fs.join(snippet_dir(), self.snippet), encoding="utf-8") as f:
            text = f.read()
        # Tab completion rides along in the same text, so it costs no process at start-up.
        completion = fs.join(snippet_dir(), "completion" + fs.splitext(self.snippet)[1])
        if fs.isfile(completion):
            with open(completion, encoding="utf-8") as f:
                text += f.read()
        return (text.replace(PYTHON_PLACEHOLDER, self.quote(python))
                .replace(HELPER_PLACEHOLDER, self.quote(helper_path())))
