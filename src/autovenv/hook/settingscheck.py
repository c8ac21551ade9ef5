"""Say that a settings file is malformed also when the project already has its venv.

Creating a venv reads the settings (config.load) and reports their problems; a project that
has its venv would never read them. This runs on every boundary cd into such a project, so it
costs a stat or two: the user config is parsed once per shell session and version of the file
(a key in the session's said list remembers it), the project's pyproject.toml only when its
bytes mention autovenv (or hold a \\u escape, which could spell it in a quoted key).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from autovenv.hook.messages import Messages

from autovenv.hook import fs, locations

_MENTIONS = (b"autovenv", b"\\u", b"\\U")


def report(project: str, env: Mapping[str, str], messages: Messages) -> None:
    """Each problem of the user config and of the project's [tool.autovenv], once."""
    found: list[str] = []
    user_file = locations.config_file(env)
    key = f"checked:{user_file}:{fs.file_key(user_file)}"
    if fs.lexists(user_file) and key not in messages.said and key not in messages.new_keys:
        from autovenv.hook.config import settings_problems

        messages.new_keys.append(key)  # said nothing, but remembered for the session
        found += settings_problems(None, env, None)
    pyproject = fs.join(project, "pyproject.toml")
    try:
        data = fs.read_regular(pyproject, fs.TOML_MAX_BYTES)
    except fs.NotAFile as e:
        found.append(f"{e}; its settings are ignored")
        data = b""
    except OSError:  # none (the usual case), or unreadable: like none
        data = b""
    if any(word in data for word in _MENTIONS):
        from autovenv.hook.config import settings_problems

        found += settings_problems(project, env, data)
    for problem in found:
        messages.once("problem:" + problem, problem)
