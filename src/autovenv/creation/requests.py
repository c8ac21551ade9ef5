"""What a project may ask for: a Python version by name (`3.12`, `cpython@3.12`), never a file.

Only the user's own config may name an interpreter by path; a project's path is refused with
one message (refused_request).
"""

from __future__ import annotations

TYPE_CHECKING = False
from autovenv.hook.errors import NoInterpreter
from autovenv.hook.records import Record, dataclass

IMPLEMENTATIONS = ("cpython", "python", "pypy", "graalpy")
SUFFIX_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.+-")


@dataclass(frozen=True)
class Request(Record):
    """What the project asked for, and where it said so (for messages)."""

    kind: str  # ".python-version", "[tool.autovenv] python", "requires-python", "default"
    text: str = ""
    source: str = ""

    def describe(self) -> str:
        if self.kind == "default":
            return "the first python3 on PATH"
        where = f" (in {self.source})" if self.source else ""
        if self.kind == "requires-python":
            return f"requires-python {self.text}{where}"
        return f"{self.kind} {self.text!r}{where}"


def path_like(text: str) -> bool:
    """Could this name a file rather than a version (`3.12`, `pypy3.10`, a pyenv version name)?
    Joined to a directory, a name with a separator or `..` reaches out of it, `~` means a home,
    and a control character is never part of a version."""
    return (any(c in text for c in "/\\") or ".." in text or text.startswith("~") or text == "."
            or any(ord(c) < 32 or ord(c) == 127 for c in text))


def version_name(spec: str) -> tuple[str, tuple[int, ...]] | None:
    """(implementation or '', version) for a version name: 3.12, 3.12.1, cpython@3.12,
    pypy3.10, python3.13, 3.13t; None for anything else (a specifier, a path, a pyenv name)."""
    text = spec.strip()
    lower = text.lower()
    implementation = ""
    for name in IMPLEMENTATIONS:
        if lower.startswith(name):
            rest = text[len(name):]
            if rest[:1] in ("@", "-"):
                rest = rest[1:]
            elif not rest[:1].isdecimal():
                return None
            implementation, text = name, rest
            break
    parts: list[int] = []
    pos = 0
    while len(parts) < 3:
        end = pos
        while end < len(text) and text[end].isdecimal():
            end += 1
        if end == pos:
            break
        parts.append(int(text[pos:end]))
        pos = end
        if len(parts) < 3 and text[pos:pos + 1] == "." and text[pos + 1:pos + 2].isdecimal():
            pos += 1
        else:
            break
    if not parts or any(c not in SUFFIX_CHARS for c in text[pos:]):
        return None
    return implementation, tuple(parts)


def names(spec: str, implementation: str, version: tuple[int, ...]) -> bool | None:
    """Does `3.12`, `3.12.1`, `cpython@3.12`, `pypy3.10` name this Python? None: not such a name."""
    name = version_name(spec)
    if name is None:
        return None
    impl, wanted = name
    if impl and impl not in ("python", implementation):
        return False
    if impl == "" and implementation != "cpython":
        return False
    return version[: len(wanted)] == wanted


def refused_request(text: str, kind: str, source: str, user_file: str) -> NoInterpreter:
    """The one message for a project file that names a file instead of a version."""
    if len(text) > 200:
        text = text[:200] + "..."
    return NoInterpreter(
        f"{source}: {kind} {text!r} is a path; a project may only ask for a Python version "
        f'("3.12", "cpython@3.12", "pypy3.10", a pyenv version name), so nothing was created. '
        f"An interpreter by path can be set in your own config ({user_file}): python = \"/path/python3\""
    )
