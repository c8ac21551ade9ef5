"""The everyday subset of TOML, parsed without tomllib.

Creating a venv reads pyproject.toml, and importing tomllib (re, datetime, typing: ~10 ms)
costs about what `uv venv` itself takes. parse() returns exactly what tomllib.loads() returns,
or raises Unsupported: for whatever lies outside the subset (multi-line strings, floats, dates,
non-decimal integers, tables defined in an unusual order, ...) and for anything invalid. The
caller then asks tomllib, which knows all of TOML and words the errors (file, line, column).
tests/test_leantoml.py checks that the two agree.
"""

from __future__ import annotations

from autovenv.hook.leanstrings import Unsupported, basic_string, literal_string

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

__all__ = ["Unsupported", "parse"]


_BARE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
# Control characters are invalid anywhere in TOML, except tab, and newline between lines.
_CONTROL = tuple(chr(c) for c in (*range(9), *range(11, 32), 127))
_AFTER_SCALAR = frozenset(" \t\n#,]}")  # what may follow an integer or a boolean
_MAX_DEPTH = 32
_MAX_DIGITS = 64

# How a table came to be, for TOML's rule that a table is defined once. Only the plain cases
# are handled here; any other redefinition goes to tomllib.
_IMPLICIT = "implicit"  # made by a header's prefix: [a] for [a.b]; may still be defined
_HEADER = "header"  # defined by its own [header] (or [[header]])
_DOTTED = "dotted"  # made by a dotted key (a.b = 1), open to more keys from the same place


def parse(text: str) -> dict[str, Any]:
    """The document as tomllib.loads(text) gives it; Unsupported when unsure."""
    if "\r" in text:
        text = text.replace("\r\n", "\n")  # the subset has no multi-line strings to keep \r in
        if "\r" in text:
            raise Unsupported
    for char in _CONTROL:
        if char in text:
            raise Unsupported
    return _Parser(text).document()


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.pos = 0
        self.root: dict[str, Any] = {}
        # id of each table made here -> (how, where: section number or inline-table tag).
        # Inline tables are absent: they are closed once written.
        self.kinds: dict[int, tuple[str, object]] = {id(self.root): (_HEADER, 0)}
        self.arrays_of_tables: set[int] = set()
        self.section = 0
        self.inline_tables = 0

    def document(self) -> dict[str, Any]:
        text, end = self.text, len(self.text)
        table = self.root
        while True:
            self.skip_spaces()
            if self.pos >= end:
                return self.root
            char = text[self.pos]
            if char == "\n":
                self.pos += 1
                continue
            if char == "#":
                self.skip_comment()
                continue
            if char == "[":
                table = self.header()
            else:
                self.key_value(table, self.section, 0)
            self.end_of_line()

    def skip_spaces(self) -> None:
        text, pos, end = self.text, self.pos, len(self.text)
        while pos < end and text[pos] in " \t":
            pos += 1
        self.pos = pos

    def skip_comment(self) -> None:
        newline = self.text.find("\n", self.pos)
        self.pos = len(self.text) if newline < 0 else newline

    def skip_blank(self) -> None:
        """Spaces, newlines and comments (inside arrays)."""
        text, end = self.text, len(self.text)
        while self.pos < end:
            char = text[self.pos]
            if char in " \t\n":
                self.pos += 1
            elif char == "#":
                self.skip_comment()
            else:
                return

    def end_of_line(self) -> None:
        self.skip_spaces()
        if self.text.startswith("#", self.pos):
            self.skip_comment()
        if self.pos < len(self.text):
            if self.text[self.pos] != "\n":
                raise Unsupported
            self.pos += 1

    def header(self) -> dict[str, Any]:
        many = self.text.startswith("[[", self.pos)
        self.pos += 2 if many else 1
        keys = self.key()
        close = "]]" if many else "]"
        if not self.text.startswith(close, self.pos):
            raise Unsupported
        self.pos += len(close)
        self.section += 1
        table = self.root
        for key in keys[:-1]:
            table = self.open_prefix(table, key)
        last = keys[-1]
        if many:
            if last not in table:
                array = table[last] = []
                self.arrays_of_tables.add(id(array))
            else:
                array = table[last]
                if id(array) not in self.arrays_of_tables:
                    raise Unsupported
            new: dict[str, Any] = {}
            array.append(new)
            self.kinds[id(new)] = (_HEADER, self.section)
            return new
        if last not in table:
            new = table[last] = {}
            self.kinds[id(new)] = (_HEADER, self.section)
            return new
        existing = table[last]
        if not isinstance(existing, dict) or self.kinds.get(id(existing), ("",))[0] != _IMPLICIT:
            raise Unsupported
        self.kinds[id(existing)] = (_HEADER, self.section)
        return existing

    def open_prefix(self, table: dict[str, Any], key: str) -> dict[str, Any]:
        """The table `key` of a header's prefix ([a.b] names a), made when missing."""
        if key not in table:
            new = table[key] = {}
            self.kinds[id(new)] = (_IMPLICIT, self.section)
            return new
        value = table[key]
        if isinstance(value, list) and id(value) in self.arrays_of_tables:
            return value[-1]  # type: ignore[no-any-return]
        if isinstance(value, dict) and self.kinds.get(id(value), ("",))[0] in (_IMPLICIT, _HEADER):
            return value
        raise Unsupported

    def key_value(self, table: dict[str, Any], where: object, depth: int) -> None:
        keys = self.key()
        if not self.text.startswith("=", self.pos):
            raise Unsupported
        self.pos += 1
        self.skip_spaces()
        value = self.value(depth)
        for key in keys[:-1]:
            if key not in table:
                new = table[key] = {}
                self.kinds[id(new)] = (_DOTTED, where)
                table = new
                continue
            inner = table[key]
            if not isinstance(inner, dict) or self.kinds.get(id(inner)) != (_DOTTED, where):
                raise Unsupported
            table = inner
        if keys[-1] in table:
            raise Unsupported
        table[keys[-1]] = value

    def key(self) -> list[str]:
        """A key, possibly dotted, and the spaces after it."""
        keys = []
        while True:
            self.skip_spaces()
            keys.append(self.key_part())
            self.skip_spaces()
            if not self.text.startswith(".", self.pos):
                return keys
            self.pos += 1

    def key_part(self) -> str:
        text, start, end = self.text, self.pos, len(self.text)
        char = text[start:start + 1]
        if char == '"':
            return self.string(basic_string)
        if char == "'":
            return self.string(literal_string)
        pos = start
        while pos < end and text[pos] in _BARE:
            pos += 1
        if pos == start:
            raise Unsupported
        self.pos = pos
        return text[start:pos]

    def value(self, depth: int) -> Any:
        text, pos = self.text, self.pos
        char = text[pos:pos + 1]
        if char == '"':
            if text.startswith('"""', pos):
                raise Unsupported
            return self.string(basic_string)
        if char == "'":
            if text.startswith("'''", pos):
                raise Unsupported
            return self.string(literal_string)
        if char == "[":
            return self.array(depth + 1)
        if char == "{":
            return self.inline_table(depth + 1)
        for word, meaning in (("true", True), ("false", False)):
            if text.startswith(word, pos):
                self.pos += len(word)
                self.scalar_ends()
                return meaning
        return self.integer()

    def string(self, read: Callable[[str, int], tuple[str, int]]) -> str:
        value, self.pos = read(self.text, self.pos)
        return value

    def scalar_ends(self) -> None:
        if self.pos < len(self.text) and self.text[self.pos] not in _AFTER_SCALAR:
            raise Unsupported  # 1.5, 1e3, 0x1f, 1979-05-27, 12:30, true_x ...

    def integer(self) -> int:
        text, start, end = self.text, self.pos, len(self.text)
        pos = start
        if pos < end and text[pos] in "+-":
            pos += 1
        digits = pos
        if text.startswith("0", pos):
            pos += 1  # a zero stands alone: 0x.., 0o.., 0b.. and 007 are for tomllib
        else:
            after_digit = False
            while pos < end:
                char = text[pos]
                if "0" <= char <= "9":
                    after_digit = True
                elif char == "_" and after_digit:
                    after_digit = False
                else:
                    break
                pos += 1
            if pos == digits or not after_digit or pos - digits > _MAX_DIGITS:
                raise Unsupported
        self.pos = pos
        self.scalar_ends()
        return int(text[start:pos].replace("_", ""))

    def array(self, depth: int) -> list[Any]:
        if depth > _MAX_DEPTH:
            raise Unsupported
        self.pos += 1
        items: list[Any] = []
        while True:
            self.skip_blank()
            if self.text.startswith("]", self.pos):
                self.pos += 1
                return items
            items.append(self.value(depth))
            self.skip_blank()
            char = self.text[self.pos:self.pos + 1]
            self.pos += 1
            if char == "]":
                return items
            if char != ",":
                raise Unsupported

    def inline_table(self, depth: int) -> dict[str, Any]:
        if depth > _MAX_DEPTH:
            raise Unsupported
        self.pos += 1
        self.inline_tables += 1
        where = ("inline", self.inline_tables)
        table: dict[str, Any] = {}
        self.skip_spaces()
        if self.text.startswith("}", self.pos):
            self.pos += 1
            return table
        while True:
            self.key_value(table, where, depth)
            self.skip_spaces()
            char = self.text[self.pos:self.pos + 1]
            self.pos += 1
            if char == "}":
                return table
            if char != ",":
                raise Unsupported  # a newline, or a trailing comma (TOML 1.0 has none)
