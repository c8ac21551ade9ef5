"""What the helper says to the user: messages shown once per shell, in printable, typable text."""

from __future__ import annotations

TYPE_CHECKING = False
from autovenv.hook.records import Record, dataclass, field


def printable(text: str) -> str:
    """Text safe to print on a terminal: control characters (escape sequences) made visible."""
    return "".join(
        ch if ch.isprintable() or ch == " " else f"\\x{ord(ch):02x}" if ord(ch) < 256 else f"\\u{ord(ch):04x}"
        for ch in text
    )


@dataclass
class Messages(Record):
    """Messages for stderr, each shown once per shell session (keyed)."""

    said: set[str]
    pending: list[str] = field(default_factory=list)
    new_keys: list[str] = field(default_factory=list)

    def said_elsewhere(self, key: str) -> None:
        """Remember `key` as said this session without saying it (another command did)."""
        if key not in self.said and key not in self.new_keys:
            self.new_keys.append(key)

    def once(self, key: str, text: str) -> None:
        if key in self.said or key in self.new_keys:
            return
        self.new_keys.append(key)
        self.pending.append("autovenv: " + printable(text))


def shell_word(path: str) -> str:
    """A path as a user would type it after a command (for messages only). Not shlex: it
    imports `re`, which would cost more than the rest of the helper."""
    plain = "@%+=:,./-_"
    if path and all(c.isascii() and (c.isalnum() or c in plain) for c in path):
        return path
    return "'" + path.replace("'", "'\\''") + "'"
