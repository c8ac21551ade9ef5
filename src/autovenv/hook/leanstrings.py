"""TOML's one-line strings for leantoml: basic (escapes decoded) and literal, and where each ends."""

from __future__ import annotations

_HEX = frozenset("0123456789abcdefABCDEF")
_ESCAPES = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


class Unsupported(Exception):
    """Not in leantoml's subset, or not valid TOML: ask tomllib."""


def basic_string(text: str, start: int) -> tuple[str, int]:
    """The basic string (escapes decoded) whose opening quote is at `start`, and where it ends."""
    pos = start + 1
    parts = []
    while True:
        quote = text.find('"', pos)
        if quote < 0:
            raise Unsupported
        backslash = text.find("\\", pos, quote)
        stop = quote if backslash < 0 else backslash
        chunk = text[pos:stop]
        if "\n" in chunk:
            raise Unsupported
        parts.append(chunk)
        if backslash < 0:
            return "".join(parts), quote + 1
        escape = text[backslash + 1:backslash + 2]
        if escape in _ESCAPES:
            parts.append(_ESCAPES[escape])
            pos = backslash + 2
            continue
        size = 4 if escape == "u" else 8 if escape == "U" else 0
        digits = text[backslash + 2:backslash + 2 + size]
        if not size or len(digits) != size or not all(d in _HEX for d in digits):
            raise Unsupported
        code = int(digits, 16)
        if 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
            raise Unsupported
        parts.append(chr(code))
        pos = backslash + 2 + size


def literal_string(text: str, start: int) -> tuple[str, int]:
    """The literal string whose opening quote is at `start`, as written, and where it ends."""
    quote = text.find("'", start + 1)
    if quote < 0 or "\n" in text[start + 1:quote]:
        raise Unsupported
    return text[start + 1:quote], quote + 1
