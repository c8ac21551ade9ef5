"""Progress lines on stderr while a venv is made: only on a terminal, and only once it is slow."""

from __future__ import annotations

import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import IO

PROGRESS_AFTER = 0.3  # "takes longer than a moment"


class Progress:
    """Lines on stderr, only when it is a terminal; the first one only if creation is slow.

    No timer thread: the line is due PROGRESS_AFTER seconds after start(), and whoever is
    waiting (for the backend, between steps) calls tick() to say it once it is due."""

    def __init__(self, stream: IO[str] | None, env: Mapping[str, str], always: bool = False):
        self.stream = stream if stream is not None and _isatty(stream) else None
        self.color = self.stream is not None and not env.get("NO_COLOR") and env.get("TERM") != "dumb"
        self.always = always  # `autovenv create`: say what is happening at once
        self._due = 0.0
        self._pending = ""

    def _write(self, text: str) -> None:
        if self.stream is None:
            return
        if self.color:
            text = f"\033[2m{text}\033[0m"
        self.stream.write("autovenv: " + text + "\n")
        self.stream.flush()

    def start(self, text: str) -> None:
        if self.stream is None:
            return
        if self.always:
            self._write(text + " ...")
        else:
            self._pending, self._due = text + " ...", time.monotonic() + PROGRESS_AFTER

    def wait_limit(self) -> float | None:
        """Seconds until the start line is due; None when there is nothing to say."""
        return max(0.0, self._due - time.monotonic()) if self._pending else None

    def tick(self) -> None:
        if self._pending and time.monotonic() >= self._due:
            text, self._pending = self._pending, ""
            self._write(text)

    def done(self, text: str) -> None:
        self._pending = ""
        self._write(text)

    def note(self, text: str) -> None:
        self._write(text)


def _isatty(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
