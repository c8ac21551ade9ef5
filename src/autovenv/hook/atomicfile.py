"""Write a whole file at once: a temporary file beside it, renamed over it.

A reader (another shell's helper) sees the old file or the new one, never half of one.
"""

from __future__ import annotations

import os


def atomic_write(path: str, data: bytes, mode: int = 0o644, exact: bool = False) -> None:
    """Make `path` hold `data` (its directory made if needed); OSError when it cannot. The file
    gets `mode` less the umask, or with `exact` `mode` itself (a file's mode kept, a script's)."""
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            if exact:
                os.fchmod(f.fileno(), mode)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.remove(tmp)
        except OSError:
            pass
        raise
