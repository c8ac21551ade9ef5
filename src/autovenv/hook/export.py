"""The per-cd helper: read the environment and the directory, print statements for the shell.

Runs as `python -I -S .../autovenv/hook/helper.py export SHELL` from the snippets, so it imports the
standard library only. Statements go to stdout, messages for the user to stderr. The snippet
passes back what it holds (`_AUTOVENV_ANSWER`) and which messages it has shown
(`_AUTOVENV_SAID`), so the helper stays silent when nothing changed and says each thing once.
"""

from __future__ import annotations

import sys

from autovenv.hook import fs

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import TextIO
from autovenv.hook import discover, plan, scope, shells, venvs
from autovenv.hook.messages import Messages, printable, shell_word
from autovenv.hook.records import Record, dataclass

SAID_SEP = "\x1f"


def disabled(env: Mapping[str, str]) -> bool:
    return env.get("AUTOVENV_DISABLE", "") not in ("", "0")


@dataclass(frozen=True)
class Answer(Record):
    decision: plan.Decision
    scope: scope.Scope
    sync_dir: str = ""  # the shell runs `autovenv sync --due` for this project (autosync.py)


# Shells whose snippet runs a due sync itself, in the foreground (autosync.py says why).
FOREGROUND_SYNC = ("bash", "zsh", "fish")


def current_directory(env: Mapping[str, str], messages: Messages) -> str:
    """The shell's directory, physical; the nearest existing ancestor when it was deleted."""
    pwd = env.get("PWD") or ""
    if not fs.isabs(pwd):
        try:
            pwd = fs.getcwd()
        except OSError:
            pwd = "/"
    if fs.isdir(pwd):
        return fs.realpath(pwd)
    existing = pwd
    while not fs.isdir(existing):
        existing = fs.dirname(existing)
    messages.once("gone:" + pwd, f"the current directory {pwd} no longer exists; using {existing}")
    return fs.realpath(existing)


def decide(env: Mapping[str, str], messages: Messages, foreground_sync: bool = False) -> Answer:
    """What the shell should hold here. `foreground_sync`: the shell runs a due sync itself."""
    if disabled(env):
        return Answer(plan.Deactivate(), scope.EVERYWHERE)
    if plan.hand_activated(env):
        venv = env.get("VIRTUAL_ENV", "")
        messages.once("hand:" + venv, f"leaving {venv} alone: it was activated by hand")
        return Answer(plan.Deactivate(), scope.EVERYWHERE)
    directory = current_directory(env, messages)
    finding = discover.find(directory, env)
    for problem in finding.problems:
        messages.once("problem:" + problem, problem)
    made = ""
    if finding.rule == 2:
        # A venv made where PATH cannot hold its bin directory could never be activated.
        problem = venvs.path_entry_problem(fs.realpath(finding.venv or ""))
        if problem:
            messages.once("path:" + (finding.venv or ""), f"not making {finding.venv}: {problem}")
            return Answer(plan.Deactivate(), scope.for_finding(finding, env))
        # A project without a venv: make one (config create = "auto"); rule 1 when it worked.
        # Imported here: a plain prompt never needs the creation code.
        from autovenv.creation import create

        finding, made = create.on_entry(finding, env, messages)
    if finding.rule != 1:
        return Answer(plan.Deactivate(), scope.for_finding(finding, env))
    assert finding.venv and finding.holder
    if not made:  # a malformed config is said once per shell, venv or not (creating said it)
        from autovenv.hook import settingscheck

        settingscheck.report(finding.holder, env, messages)
    # Imported here: leaving a project (the other boundary cd) never needs the trust store.
    from autovenv.hook.trust import ALLOW, DENY, TRUSTED, TrustStore

    store = TrustStore(env)
    # Activate exactly what was checked: trust is recorded for the venv's real path, so that
    # path, resolved once here, is what is checked and what PATH and VIRTUAL_ENV get (the path
    # as found may be a symlink or a redirect that names something else by the next command).
    real = store.realpath(finding.venv)
    problem = venvs.path_entry_problem(real)
    if problem:  # said before trust: allowing it would not help
        messages.once("path:" + real, f"not activating {real}: {problem}")
        return Answer(plan.Deactivate(), scope.for_finding(finding, env, (), real))
    # A venv this run has just made and recorded needs no second look at its record, and
    # nothing can have changed after its (first) sync.
    just_made = made == finding.venv
    verdict = TRUSTED if just_made else store.verdict(real)
    # allow and deny each remove the other's record, so the prompt watches one: the deny record
    # of a denied venv, else the allow record (it vanishes on deny, appears on allow).
    record = store.record_path(DENY if verdict.denied else ALLOW, real)
    where = scope.for_finding(finding, env, (record,), real)
    if not verdict.trusted:
        if not verdict.denied:
            messages.once(
                "untrusted:" + real,
                f"not activating {real}: {verdict.reason}. "
                f"To trust it: autovenv allow {shell_word(finding.holder)}",
            )
        return Answer(plan.Deactivate(), where)
    health = venvs.check_health(real, just_made)
    if not health.problem and store.realpath(real) != real:  # replaced while being checked
        health = venvs.Health("its path changed while it was checked", "cd into it again")
    if health.problem:
        messages.once(
            "unhealthy:" + real,
            f"not activating {real}: {health.problem} (fix: {health.fix})",
        )
        return Answer(plan.Deactivate(), where)
    # Its requirements: in sync (a read and a few stats), else synced now or hinted at.
    from autovenv.hook import insync

    quiet = insync.check(finding.holder, real, env, just_made)
    if quiet is not None:
        return Answer(activation(finding, env, real), where.with_sync(*quiet) if quiet[0] else where)
    from autovenv.sync import autosync

    newer, absent, sync_dir = autosync.on_entry(finding.holder, real, env, messages, just_made,
                                                 foreground_sync)
    if newer or absent:
        where = where.with_sync(newer, absent)
    return Answer(activation(finding, env, real), where, sync_dir)


def activation(finding: discover.Finding, env: Mapping[str, str], real: str) -> plan.Activate:
    """Activate the venv at its real path `real` (checked: see decide)."""
    assert finding.venv and finding.holder
    # uv run/uv pip use <project>/.venv (or UV_PROJECT_ENVIRONMENT); when autovenv picked
    # another venv, point uv at it too, so uv agrees and does not warn about VIRTUAL_ENV
    # (uv compares the two as files: a .venv symlink to this venv is the same one).
    default = fs.join(finding.holder, env.get("UV_PROJECT_ENVIRONMENT") or ".venv")
    uv_env: str | None = None
    if fs.realpath(default) != real:
        uv_env = real
    return plan.Activate(
        venv=real,
        bin_dir=venvs.bin_dir(real),
        prompt=venvs.prompt_name(real, finding.holder),
        uv_project_environment=uv_env,
    )


def render(env: Mapping[str, str], shell: shells.Shell, messages: Messages) -> str:
    return answer_text(env, shell, messages)[0]


def answer_text(env: Mapping[str, str], shell: shells.Shell, messages: Messages,
                answer: Answer | None = None) -> tuple[str, scope.Scope]:
    """The answer: what the helper prints on stdout for `shell`, and the scope it holds for
    (of `answer`, decided here when not given). This is the one description of the format;
    every snippet (shell/autovenv.*) reads it the same way.

    The snippet runs `python -I -S helper.py export SHELL` once per question, with three
    variables in the helper's environment only: _AUTOVENV_ANSWER (the `_autovenv_answer` it
    holds), _AUTOVENV_SAID (its `_autovenv_said`) and _AUTOVENV_SYNC_TRIED ("1" right after
    the snippet ran a due sync itself). Exit 0: evaluate stdout (pwsh applies it as data,
    hook/shells/pwsh.py), which is empty when nothing changed; any other exit: evaluate
    nothing, forget the scope, warn once, and keep the helper's stderr (its messages, each
    said once per shell) quiet until it succeeds again.

    stdout is statements, one a line, quoted by the shell's adapter, in this order:

    1. The environment changes (plan.changes): set/unset of VIRTUAL_ENV, PATH, the AUTOVENV_*
       state variables..., and a rehash where the shell caches command locations.
    2. The snippet's own variables, not exported, each a list (`set_local`), all of them in
       every non-empty answer, so an answer replaces the whole state:
       - _autovenv_scope: the directory the answer holds at and below ('' = nowhere: ask at
         every change of directory; '/' = everywhere). fish also gets _autovenv_scope_re, the
         same test as one regex (shells/fish.py).
       - _autovenv_probes, _autovenv_globs: names (glob patterns) that must not exist in a
         directory between $PWD and the scope, that directory excluded; nor may one of those
         directories be a symbolic link. Either would change what discover finds.
       - _autovenv_watch_present, _autovenv_watch_absent: paths whose existence the answer
         depends on: those that exist now (a dangling link counts) must go on existing, the
         others must go on not existing.
       - _autovenv_real, _autovenv_same: the venv's real path (what was checked and put on
         PATH) and the paths that must go on naming the same file (`-ef`: device and inode),
         such as a .venv symbolic link or a redirect's target; both empty outside a venv.
       - _autovenv_synced, _autovenv_inputs: the record of the project's last sync and its
         inputs (lock, requirements, pyproject.toml); an input newer than the record (`-nt`)
         means a `git pull` changed them. Both empty when not watched.
       - _autovenv_sync_dir: a project whose due sync the snippet runs itself, in the
         foreground, before asking again (bash, zsh, fish: sync/autosync.py); else empty.
       - _autovenv_redirect: (redirect file, the text it held) or empty: the answer holds while
         that file is a regular file holding exactly that text.
       - _autovenv_answer: the scope's signature, passed back as _AUTOVENV_ANSWER: an answer
         that would change nothing is then not printed at all.
       - _autovenv_said: the messages said so far (keys joined by \x1f), passed back as
         _AUTOVENV_SAID so each is said once per shell.

    At a prompt the snippet asks again only when $PWD left the scope (or a probe, glob or link
    appeared on the way down), a watch entry changed, AUTOVENV_DISABLE or VIRTUAL_ENV changed,
    or an `autovenv` command ran; everything else it tests with builtins (scope.py says how
    the scope is made).
    """
    if answer is None:
        answer = decide(env, messages)
    changes = plan.changes(env, answer.decision)
    signature = answer.scope.signature()
    if (not changes and not messages.new_keys and signature == env.get("_AUTOVENV_ANSWER")
            and not answer.sync_dir):
        return "", answer.scope
    said = [k for k in env.get("_AUTOVENV_SAID", "").split(SAID_SEP) if k] + messages.new_keys
    lines = shell.render(changes)
    lines += shell.scope(answer.scope.directory)
    lines += shell.set_local("_autovenv_probes", answer.scope.probes)
    lines += shell.set_local("_autovenv_globs", answer.scope.globs)
    lines += shell.set_local("_autovenv_watch_present", [w[1:] for w in answer.scope.watch if w[0] == "1"])
    lines += shell.set_local("_autovenv_watch_absent", [w[1:] for w in answer.scope.watch if w[0] == "0"])
    lines += shell.set_local("_autovenv_real", answer.scope.same[:1])
    lines += shell.set_local("_autovenv_same", answer.scope.same[1:])
    lines += shell.set_local("_autovenv_synced", answer.scope.newer[:1])
    lines += shell.set_local("_autovenv_inputs", answer.scope.newer[1:])
    lines += shell.set_local("_autovenv_sync_dir", [answer.sync_dir] if answer.sync_dir else [])
    lines += shell.set_local("_autovenv_redirect", answer.scope.redirect)
    lines += shell.set_local("_autovenv_answer", [signature])
    lines += shell.set_local("_autovenv_said", [SAID_SEP.join(said)])
    return "".join(line + "\n" for line in lines), answer.scope


def write(stream: TextIO, text: str) -> None:
    """`text` to a standard stream in UTF-8, a name's undecodable bytes as they were."""
    stream.buffer.write(text.encode("utf-8", "surrogateescape"))
    stream.buffer.flush()


def main(argv: list[str]) -> int:
    """`export SHELL`: exit 0 with statements, 2 for a usage error, 1 for our own bug."""
    if len(argv) != 2 or argv[0] != "export":
        write(sys.stderr, "usage: helper.py export SHELL\n")
        return 2
    if not shells.known(argv[1]):
        known = ", ".join(shells.names())
        write(sys.stderr, f"autovenv: unknown shell {printable(argv[1])!r}; known: {known}\n")
        return 2
    try:
        env = fs.environ()
        messages = Messages(said=set(env.get("_AUTOVENV_SAID", "").split(SAID_SEP)))
        answer = decide(env, messages, argv[1] in FOREGROUND_SYNC)
        shell = shells.get(argv[1])
        out, _ = answer_text(env, shell, messages, answer)
    except Exception as e:  # our own bug: one line, and the snippet keeps the shell working
        what = f"{type(e).__name__}: {printable(str(e))}"
        write(sys.stderr, f"autovenv: internal error ({what}); please report it\n")
        return 1
    try:
        if messages.pending:
            write(sys.stderr, "".join(m + "\n" for m in messages.pending))
        write(sys.stdout, out)
    except OSError as e:  # stdout closed or unwritable (a full disk): say so, no traceback
        return cannot_write(e)
    return 0


def run(argv: list[str]) -> None:
    """helper.py's main: answer, then exit at once (os._exit: there is nothing to clean up)."""
    status = main(argv)
    from autovenv.hook import preload

    if preload.outdated():  # after the answer, so a stale bundle costs this one run only
        from autovenv.hook import bundlewrite

        bundlewrite.rebuild()
    fs.exit_now(status)


def cannot_write(error: OSError) -> int:
    try:
        write(sys.stderr, f"autovenv: cannot write its answer ({error.strerror or error})\n")
    except OSError:
        pass
    return 1
