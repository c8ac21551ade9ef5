"""The pure core: (environment, decision) -> ordered list of changes. No I/O.

Activation does what a venv's activate script does; the values it replaces are saved in
exported AUTOVENV_* variables, so deactivation - in this shell or in a subshell that
inherited them - restores exactly, and removes only the PATH entry it added.
"""

from __future__ import annotations

from autovenv.hook import fs

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
from autovenv.hook.records import Record, dataclass

# Exported state: which venv autovenv activated and the PATH entry it added.
STATE_VENV = "AUTOVENV_VENV"
STATE_PATH_ENTRY = "AUTOVENV_PATH_ENTRY"
# Variables activation replaces; the previous value of each lives in AUTOVENV_OLD_<NAME>,
# as "+value" when it was set and "-" when it was not.
SAVED = ("VIRTUAL_ENV_PROMPT", "PYTHONHOME", "UV_PROJECT_ENVIRONMENT")
OLD_PREFIX = "AUTOVENV_OLD_"


@dataclass(frozen=True)
class Set(Record):
    name: str
    value: str


@dataclass(frozen=True)
class Unset(Record):
    name: str


@dataclass(frozen=True)
class Rehash(Record):
    """Forget the shell's cached command locations (PATH changed)."""


TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Union

    Change = Union[Set, Unset, Rehash]


@dataclass(frozen=True)
class Activate(Record):
    venv: str
    bin_dir: str
    prompt: str
    uv_project_environment: str | None = None  # set when uv would otherwise pick another venv


@dataclass(frozen=True)
class Deactivate(Record):
    """Undo whatever autovenv activated (nothing when it activated nothing)."""


if TYPE_CHECKING:
    Decision = Union[Activate, Deactivate]


def owns_active_venv(env: Mapping[str, str]) -> bool:
    """True when the active venv (if any) is the one autovenv activated."""
    return bool(env.get(STATE_VENV)) and env.get("VIRTUAL_ENV") == env.get(STATE_VENV)


def hand_activated(env: Mapping[str, str]) -> bool:
    """A venv is active that autovenv did not activate."""
    return bool(env.get("VIRTUAL_ENV")) and not owns_active_venv(env)


def deactivated(env: Mapping[str, str]) -> dict[str, str]:
    """The environment with autovenv's activation undone."""
    out = dict(env)
    entry = out.pop(STATE_PATH_ENTRY, "")
    venv = out.pop(STATE_VENV, "")
    if entry and "PATH" in out:
        parts = out["PATH"].split(fs.pathsep)
        if entry in parts:
            parts.remove(entry)  # the first occurrence: the one activation put in front
            out["PATH"] = fs.pathsep.join(parts)
    ours = bool(venv) and out.get("VIRTUAL_ENV") == venv
    if ours:
        del out["VIRTUAL_ENV"]
    for name in SAVED:
        old = out.pop(OLD_PREFIX + name, None)
        # A venv activated by hand on top of ours now owns these; leave them to it.
        if old is None or (out.get("VIRTUAL_ENV") and not ours):
            continue
        if old.startswith("+"):
            out[name] = old[1:]
        else:
            out.pop(name, None)
    return out


def activated(env: Mapping[str, str], act: Activate) -> dict[str, str]:
    """The environment after activating `act.venv` (env must have no autovenv venv active)."""
    out = dict(env)
    new_values: dict[str, str | None] = {
        "VIRTUAL_ENV_PROMPT": act.prompt,
        "PYTHONHOME": None,
        "UV_PROJECT_ENVIRONMENT": act.uv_project_environment,
    }
    for name in SAVED:
        if name == "UV_PROJECT_ENVIRONMENT" and act.uv_project_environment is None:
            continue
        old = out.get(name)
        out[OLD_PREFIX + name] = "-" if old is None else "+" + old
        value = new_values[name]
        if value is None:
            out.pop(name, None)
        else:
            out[name] = value
    path = out.get("PATH", "")
    out["PATH"] = act.bin_dir + (fs.pathsep + path if path else "")
    out["VIRTUAL_ENV"] = act.venv
    out[STATE_VENV] = act.venv
    out[STATE_PATH_ENTRY] = act.bin_dir
    return out


def target_environment(env: Mapping[str, str], decision: Decision) -> dict[str, str]:
    if hand_activated(env):
        # Leave the user's venv alone; only clean up state autovenv left behind.
        return deactivated(env) if env.get(STATE_VENV) else dict(env)
    if isinstance(decision, Activate) and env.get(STATE_VENV) == decision.venv and owns_active_venv(env):
        current_entry = env.get(STATE_PATH_ENTRY, "")
        if current_entry in env.get("PATH", "").split(fs.pathsep):
            return dict(env)  # already active; keep the user's PATH as they have it now
    base = deactivated(env)
    if isinstance(decision, Activate):
        return activated(base, decision)
    return base


# Order of output: PATH first, the venv's variables, then autovenv's own state.
_ORDER = ("PATH", "VIRTUAL_ENV", "VIRTUAL_ENV_PROMPT", "PYTHONHOME", "UV_PROJECT_ENVIRONMENT")


def _sort_key(name: str) -> tuple[int, str]:
    return (_ORDER.index(name), "") if name in _ORDER else (len(_ORDER), name)


def changes(env: Mapping[str, str], decision: Decision) -> list[Change]:
    """The ordered changes that turn `env` into the environment `decision` asks for."""
    target = target_environment(env, decision)
    names = sorted(set(env) | set(target), key=_sort_key)
    out: list[Change] = []
    for name in names:
        if name not in target:
            out.append(Unset(name))
        elif env.get(name) != target[name]:
            out.append(Set(name, target[name]))
    if any(isinstance(c, (Set, Unset)) and c.name == "PATH" for c in out):
        out.append(Rehash())
    return out
