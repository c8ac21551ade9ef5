"""What the hook does about a venv's requirements when the shell enters its project.

Called by export.decide for a venv it is about to activate (trusted, healthy), so autovenv
never installs into a venv it would not activate. In sync: nothing but a few stats, and the
prompt is told what to compare (`newer`: the sync record, then the inputs; the shell's `-nt`
test notices a `git pull` at the next prompt without a process).

Otherwise, with the user's consent and `sync = "auto"`, it is synced before the prompt returns.
bash, zsh and fish run `autovenv sync --due` themselves, right after activating, in the
foreground: Ctrl-C then stops the installer and the shell goes on (inside the helper's command
substitution it would cut the prompt's function short, before the answer is evaluated); then
they ask the helper again with _AUTOVENV_SYNC_TRIED=1. For other shells the helper syncs.
Without consent, or with `sync = "hint"`: one hint per shell session. A failed or interrupted
sync is said once and not retried until an input changes or the user runs `autovenv sync` (the
record keeps the inputs the attempt saw).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from autovenv.hook.messages import Messages
    from autovenv.sync import syncstate

    # What on_entry says: for the prompt, the sync record then the inputs that must not become
    # newer than it, and the "0path" inputs whose appearance matters; and the project the
    # shell should run `autovenv sync --due` for now ('' when none). A plain tuple: a record
    # class costs a boundary cd more than the rest of this module (hence no dataclass here).
    Decision = tuple[tuple[str, ...], tuple[str, ...], str]

from autovenv.hook import fs, locations
from autovenv.hook.insync import INPUTS, may_say_auto

NOTHING: Decision = ((), (), "")


def on_entry(project: str, venv: str, env: Mapping[str, str], messages: Messages,
             just_made: bool = False, foreground: bool = False) -> Decision:
    """Sync or hint, for a venv insync.check found something to do or say about.
    `foreground`: the shell runs a due sync itself (Ctrl-C then reaches the installer and not
    the helper, and the venv is active while it runs); otherwise it runs here, before the
    answer."""
    tried = env.get("_AUTOVENV_SYNC_TRIED") == "1"  # the shell has just run the sync
    record = locations.sync_record(env, project)
    state: syncstate.State | None = None
    if fs.lexists(record):  # else never synced: the usual case for a venv filled by hand
        from autovenv.sync import syncstate

        state = syncstate.state(project, venv, env)
        if state.state == syncstate.IN_SYNC:  # rewritten with the same bytes (a checkout)
            return _watch(state)
        if state.state == syncstate.LAST_FAILED:
            _said_failure(state, venv, messages, quietly=tried)  # `sync --due` has said it
            return _watch(state)
    if _user_mode(env) == "auto" and not tried:
        from autovenv.sync.consent import reason

        if reason(project, env):
            if foreground:
                return (), (), project
            return _watch(_sync(project, venv, env, messages))
    # One hint per shell session for each state the venv falls out of sync from (the record of
    # the last sync tells them apart: after `autovenv sync`, the next change is news again).
    key = f"sync-hint:{venv}:{_attempt(record)}"
    if key in messages.said:  # said in this session: the prompt has nothing more to watch for
        return NOTHING
    if state is not None and state.changed:
        messages.once(key, f"{venv} is out of date ({state.changed}); " + _how(project, env))
    elif any(fs.isfile(fs.join(project, n)) for n in INPUTS):
        if just_made:
            messages.once(key, f"{venv} has none of the project's dependencies yet; " + _how(project, env))
        else:  # a venv filled by hand is left in peace, unless an input changed after that
            from autovenv.hook import venvs

            newer = venvs.changed_since_sync(venv, project)
            if newer:
                messages.once(key, f"{', '.join(newer)} changed after the last install into {venv}; "
                              + _how(project, env))
    return NOTHING


def _user_mode(env: Mapping[str, str]) -> str:
    """The user config's `sync` ("hint" unless it says "auto"), parsed only when it may say so."""
    if not may_say_auto(env):
        return "hint"
    from autovenv.hook import config

    return config.load(None, env).sync


def _how(project: str, env: Mapping[str, str]) -> str:
    from autovenv.hook.messages import shell_word
    from autovenv.sync.consent import reason

    how = f"to sync it: autovenv sync {shell_word(project)} (this runs the project's build)"
    if reason(project, env):  # consented, but sync = "hint" (or it was just tried)
        how = 'sync = "auto" in your config does it on cd; ' + how
    return how


def _watch(state: syncstate.State) -> Decision:
    if state.changed or not state.present or not fs.lexists(state.record):
        return NOTHING
    return (state.record, *state.present), tuple("0" + p for p in state.absent), ""


def _attempt(record: str) -> str:
    """Which sync the record is of (its mtime is when that sync started); 'never' when none."""
    try:
        return str(fs.stat(record).st_mtime_ns)
    except OSError:
        return "never"


def _said_failure(state: syncstate.State, venv: str, messages: Messages, quietly: bool = False) -> None:
    """One message per attempt (`quietly`: it has been said; only remember that)."""
    key = f"sync-failed:{venv}:{_attempt(state.record)}"
    if quietly:
        messages.said_elsewhere(key)
    elif state.interrupted:
        messages.once(key, f"the last sync of {venv} was interrupted; autovenv sync finishes it")
    else:
        messages.once(key, f"{state.message} (log: {state.log}); autovenv sync tries again")


def _sync(project: str, venv: str, env: Mapping[str, str], messages: Messages) -> syncstate.State:
    """Sync now, the installer's output on the terminal; the state afterwards."""
    from autovenv.hook import config
    from autovenv.sync import installer as sync
    from autovenv.sync import syncstate

    settings = config.load(project, env)
    try:
        outcome = sync.run(project, venv, env, settings, sync.stderr_bytes(), only_if_due=True)
    except sync.SyncError as e:
        messages.once("sync-error:" + venv + str(e), f"{e} (autovenv sync tries again)")
    except KeyboardInterrupt:  # outside the installer's run (waiting for the lock)
        messages.once("sync-interrupted:" + venv,
                      f"syncing {venv} was interrupted; autovenv sync finishes it")
        return syncstate.State(syncstate.OUT_OF_DATE, "interrupted")
    else:
        if outcome.code and outcome.message:
            state = syncstate.state(project, venv, env)
            _said_failure(state, venv, messages)
            return state
    return syncstate.state(project, venv, env)
