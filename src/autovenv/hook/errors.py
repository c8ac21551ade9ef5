"""Failures a user can cause or fix. cli.py and helper.py turn each into one clear line."""


class AutovenvError(Exception):
    """Base: the message is a complete sentence meant for the user."""


class ConfigError(AutovenvError):
    """A malformed pyproject.toml or config file (the message names the file and line)."""


class BrokenVenv(AutovenvError):
    """A .venv that is not a usable venv: no pyvenv.cfg, dangling link, bad redirect."""


class NoInterpreter(AutovenvError):
    """No installed Python satisfies the project's request."""


class CreateError(AutovenvError):
    """Creating the venv failed for a reason the user can fix (the message says which)."""
