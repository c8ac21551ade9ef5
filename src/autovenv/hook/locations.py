"""Where autovenv keeps its files, per platform (computed without click: the hook never imports it)."""

from __future__ import annotations

import sys

from autovenv.hook import fs

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping


def _user_dir(env: Mapping[str, str], windows: tuple[str, str], xdg: tuple[str, str]) -> str:
    """<the platform's per-user directory of this kind>/autovenv."""
    home = env.get("HOME") or fs.expanduser("~")
    if sys.platform == "win32":
        base = env.get(windows[0]) or fs.join(home, "AppData", windows[1])
    elif sys.platform == "darwin":
        base = fs.join(home, "Library", "Application Support")
    else:
        base = env.get(xdg[0]) or fs.join(home, xdg[1])
    return fs.join(base, "autovenv")


def data_dir(env: Mapping[str, str]) -> str:
    """Trust records, caches, locks (AUTOVENV_DATA_DIR overrides)."""
    override = env.get("AUTOVENV_DATA_DIR")
    if override:
        return fs.abspath(override)
    return _user_dir(env, ("LOCALAPPDATA", "Local"), ("XDG_DATA_HOME", fs.join(".local", "share")))


ALLOW, DENY = "allow", "deny"  # the kinds of trust record


def trust_dir(env: Mapping[str, str]) -> str:
    """Trust records: trust/allow/<name> and trust/deny/<name>, named by fs.flat_name of
    the venv's real path (trust.py)."""
    return fs.join(data_dir(env), "trust")


def trust_record(root: str, kind: str, real_venv: str) -> str:
    """The `kind` ("allow" or "deny") record of a venv under trust_dir `root`."""
    return fs.join(root, kind, fs.flat_name(real_venv))


def failure_record(env: Mapping[str, str], real_project: str) -> str:
    """Where the last failed creation in a project is remembered (failures.py)."""
    return fs.join(data_dir(env), "failed", fs.flat_name(real_project))


def consent_record(env: Mapping[str, str], real_project: str) -> str:
    """Present when the user consented to syncing this project (consent.py)."""
    return fs.join(data_dir(env), "consent", fs.flat_name(real_project))


def sync_record(env: Mapping[str, str], real_project: str) -> str:
    """The last sync of a project: its result and the inputs it saw (syncstate.py). Its mtime
    is when that sync started, which the prompt compares the inputs with (`-nt`)."""
    return fs.join(data_dir(env), "synced", fs.flat_name(real_project))


def sync_log(env: Mapping[str, str], real_project: str) -> str:
    """The installer's output of the last sync of a project."""
    return fs.join(data_dir(env), "sync-logs", fs.flat_name(real_project))


def lock_file(env: Mapping[str, str], real_project: str) -> str:
    """The project's creation lock (locks.py)."""
    return fs.join(data_dir(env), "locks", fs.flat_name(real_project) + ".lock")


def config_file(env: Mapping[str, str]) -> str:
    """The user config file, where click.get_app_dir("autovenv") would put it (AUTOVENV_CONFIG
    overrides)."""
    override = env.get("AUTOVENV_CONFIG")
    if override:
        return fs.abspath(fs.expanduser(override))
    return fs.join(_user_dir(env, ("APPDATA", "Roaming"), ("XDG_CONFIG_HOME", ".config")), "config.toml")
