"""Read a TOML file, turning parse errors into a ConfigError that names file and line.

Most files are read with leantoml (no import cost); the rest, and every invalid file, with
tomllib (tomli before 3.11), whose messages give the line and column. A creation reads the
project's pyproject.toml twice (discovery looks for a uv workspace, then the config): the
second read of the same bytes reuses the first parse.
"""

from __future__ import annotations

import sys

from autovenv import leantoml
from autovenv.errors import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

# bytes of a file -> its parse; results are shared, so callers must not modify them.
_parsed: dict[bytes, dict[str, Any]] = {}
_MEMO_SIZE = 8


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
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        raise ConfigError(f"cannot read {path}: {e.strerror}") from None
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
    if len(_parsed) >= _MEMO_SIZE:
        _parsed.clear()
    _parsed[data] = parsed
    return parsed
