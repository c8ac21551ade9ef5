from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Callable

import pytest

from tests.shells.harness import SHELLS, ShellSession


@pytest.fixture(params=SHELLS)
def shell_name(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def open_shell(tmp_path: Path) -> Iterator[Callable[..., ShellSession]]:
    sessions: list[ShellSession] = []

    def opener(shell: str, **kwargs: object) -> ShellSession:
        s = ShellSession(shell, tmp_path, **kwargs)  # type: ignore[arg-type]
        sessions.append(s)
        return s

    yield opener
    for s in sessions:
        s.close()
