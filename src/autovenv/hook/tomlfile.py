"""Read a TOML file, turning parse errors into a ConfigError that names file and line.

Most files are read with leantoml (no import cost); the rest, and every invalid file, with
tomllib (tomli before 3.11), whose messages give the line and column. A creation reads the
project's pyproject.toml twice (discovery looks for a uv workspace, then the config): the
second read of the same bytes reuses the first parse.
A file that is not a regular file, is bigger than MAX_BYTES or nests deeper than the parser
can follow is a ConfigError like any malformed file: its settings are ignored.
"""

from __future__ import annotations

import sys

from autovenv.hook import fs, leantoml
from autovenv.hook.errors import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# bytes of a file -> its parse; results are shared, so callers must not modify them.
_parsed: dict[bytes, dict[str, Any]] = {}
_MEMO_SIZE = 8
MAX_BYTES = fs.TOML_MAX_BYTES


def _toml_module() -> Any:
    if sys.version_info >= (3, 11):
        import tomllib

        return tomllib
    # The hook runs with -S; tomli lives in site-packages, so make them importable first.
    from autovenv.runtime import enable_site_packages

    enable_site_packages()
    import tomli

    return tomli


def read_toml(path: str) -> dict[str, Any]:
    """The parsed file; ConfigError when it cannot be read or parsed."""
    return parse_toml(read_bytes(path), path)


def read_bytes(path: str) -> bytes:
    """A TOML file's bytes (up to MAX_BYTES, of a regular file); ConfigError otherwise."""
    try:
        return fs.read_regular(path, MAX_BYTES)
    except fs.NotAFile as e:
        raise ConfigError(str(e)) from None
    except OSError as e:
        raise ConfigError(f"cannot read {path}: {e.strerror}") from None


def parse_toml(data: bytes, path: str) -> dict[str, Any]:
    """The document in `data` (read from `path`, named in errors); ConfigError when invalid."""
    known = _parsed.get(data)
    if known is not None:
        return known
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{path} is not valid TOML: it is not UTF-8 text") from None
    try:
        parsed = leantoml.parse(text)
    except leantoml.Unsupported:
        toml = _toml_module()
        try:
            parsed = toml.loads(text)
        except toml.TOMLDecodeError as e:
            # The decoder's message already says "(at line N, column M)".
            raise ConfigError(f"{path} is not valid TOML: {e}") from None
        except RecursionError:  # tomllib recurses once per level of [[[...]]] or {a={...}}
            raise ConfigError(f"{path} is not read: its arrays or tables nest too deeply") from None
    if len(_parsed) >= _MEMO_SIZE:
        _parsed.clear()
    _parsed[data] = parsed
    return parsed
