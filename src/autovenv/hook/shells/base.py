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
    snippet: str = ""  # in shell/: the hook's source (bash and zsh share one, posix.py)
    completion: str = ""  # in shell/: tab completion, when the shell has it

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

    def source_files(self) -> list[str]:
        """The files in shell/ the hook text is made from: the snippet, then tab completion
        (when the shell has it), which rides along in the same text so it costs no process at
        start-up. The kept hook text's freshness is keyed on them (install/hookcache.py)."""
        names = [self.snippet, self.completion] if self.completion else [self.snippet]
        return [fs.join(snippet_dir(), name) for name in names]

    def snippet_text(self, source: str) -> str:
        """The snippet for this shell from its source file's text (as it is, unless a shell
        shares its source with another)."""
        return source

    def hook_text(self, python: str) -> str:
        """The snippet with autovenv's interpreter and helper filled in, quoted for this shell."""
        parts = []
        for path in self.source_files():
            with open(path, encoding="utf-8") as f:
                parts.append(f.read())
        text = self.snippet_text(parts[0]) + "".join(parts[1:])
        return (text.replace(PYTHON_PLACEHOLDER, self.quote(python))
                .replace(HELPER_PLACEHOLDER, self.quote(helper_path())))
