"""Read a TOML file, turning parse errors into a ConfigError that names file and line."""

from __future__ import annotations

import sys
from typing import Any

from autovenv.errors import ConfigError


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
    toml = _toml_module()
    try:
        with open(path, "rb") as f:
            return toml.load(f)  # type: ignore[no-any-return]
    except toml.TOMLDecodeError as e:
        # The decoder's message already says "(at line N, column M)".
        raise ConfigError(f"{path} is not valid TOML: {e}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path} is not valid TOML: it is not UTF-8 text") from None
    except OSError as e:
        raise ConfigError(f"cannot read {path}: {e.strerror}") from None
