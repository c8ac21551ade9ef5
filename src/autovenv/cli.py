"""The command line. The only module that knows click; the hook path never imports it."""

from __future__ import annotations

import json
import os
import sys

import click

from autovenv import __version__
from autovenv.hook import discover, shells, venvs
from autovenv.hook.errors import AutovenvError
from autovenv.hook.messages import printable


def _fail(message: str, code: int = 1) -> None:
    click.echo(f"autovenv: {printable(message)}", err=True)
    sys.exit(code)


def _shell_or_detect(name: str | None) -> shells.Shell:
    from autovenv.hook.shells.pwsh import is_pwsh_process

    if not name and is_pwsh_process(os.getppid()):
        name = "pwsh"
    if not name:
        try:
            import shellingham

            name, _path = shellingham.detect_shell()
        except Exception:
            _fail("could not detect your shell; name it, e.g. `autovenv hook bash`", 2)
    assert name
    try:
        return shells.get(name)
    except KeyError:
        _fail(f"unknown shell {name!r}; supported: {', '.join(shells.names())}", 2)
        raise  # unreachable


def _shell_word(path: str) -> str:
    from autovenv.hook.messages import shell_word

    return shell_word(path)


def _project_of(directory: str) -> str:
    """The project directory of `directory` (the one holding its venv, or that will)."""
    finding = discover.find(os.path.realpath(directory), os.environ)
    project = finding.holder or finding.project
    if not project:
        _fail(f"{directory} is not inside a Python project (no venv, no project marker)")
    assert project
    return project


def _venv_of(directory: str) -> str:
    """The venv that `allow`/`deny` act on: the project's venv (existing or future)."""
    finding = discover.find(os.path.realpath(directory), os.environ)
    if finding.venv is None:
        _fail(f"{directory} is not inside a Python project (no venv, no project marker)")
    assert finding.venv
    return finding.venv


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="autovenv")
def main() -> None:
    """Activate a project's venv on cd; restore the shell exactly on leaving."""


@main.command()
@click.argument("shell", required=False)
def hook(shell: str | None) -> None:
    """Print the hook snippet for SHELL (detected when omitted)."""
    from autovenv.hook.export import write
    from autovenv.install.hookcache import hook_text

    adapter = _shell_or_detect(shell)
    write(sys.stdout, hook_text(adapter, sys.executable))


@main.command(name="export")
@click.argument("shell")
def export_cmd(shell: str) -> None:
    """The per-cd helper the snippets call (prints shell statements)."""
    from autovenv.hook.export import main as export_main

    sys.exit(export_main(["export", shell]))


@main.command()
@click.argument("directory", required=False, default=".", type=click.Path(file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def status(directory: str, as_json: bool) -> None:
    """Explain the decision for DIRECTORY: project, venv, trust, and why."""
    from autovenv.status import describe, report

    if not os.path.isdir(directory):
        _fail(f"{directory} is not a directory", 2)
    info = report(directory, os.environ)
    if as_json:
        click.echo(json.dumps(info, indent=2))
    else:
        click.echo(describe(info))


@main.command()
@click.argument("directory", required=False, default=".", type=click.Path(file_okay=False))
def allow(directory: str) -> None:
    """Trust the venv of the project at DIRECTORY (default: here), and let autovenv sync it."""
    from autovenv.hook.trust import TrustStore
    from autovenv.sync import consent

    venv = _venv_of(directory)
    project = _project_of(directory)
    consent.give(project, os.environ)  # allow also says: this project may be synced
    if not venvs.is_venv_dir(venv):
        click.echo(f"autovenv: there is no venv at {printable(venv)} yet; {printable(project)} "
                   "may be synced once it is made", err=True)
        return
    TrustStore(os.environ).allow(venv)
    click.echo(f"autovenv: allowed {printable(venv)} (and syncing {printable(project)})", err=True)


@main.command()
@click.argument("directory", required=False, default=".", type=click.Path(file_okay=False))
def deny(directory: str) -> None:
    """Never activate the venv of the project at DIRECTORY, even after it is recreated."""
    from autovenv.hook.trust import TrustStore
    from autovenv.sync import consent

    venv = _venv_of(directory)
    TrustStore(os.environ).deny(venv)
    consent.withdraw(_project_of(directory), os.environ)
    click.echo(f"autovenv: denied {printable(venv)}; it will not be activated", err=True)


@main.command()
@click.argument("shell", required=False)
@click.option("--dry-run", is_flag=True, help="Print the change; write nothing.")
@click.option("--remove", is_flag=True,
              help="Take the hook line out again (of every rc file when SHELL is omitted).")
def init(shell: str | None, dry_run: bool, remove: bool) -> None:
    """Add the hook line to SHELL's rc file, once (detected when omitted)."""
    from autovenv.install import rcfiles

    if remove and not shell:
        names = rcfiles.shells_with_block(os.environ)
        if not names:
            click.echo("autovenv: no rc file holds the autovenv hook line; nothing to remove")
    else:
        names = [_shell_or_detect(shell).name]
    for name in names:
        try:
            edit = (rcfiles.plan_remove if remove else rcfiles.plan_add)(name, os.environ)
            if not edit.changed:
                where = "not in" if remove else "already in"
                click.echo(f"autovenv: the hook line is {where} {printable(edit.path)}; no change")
            elif dry_run:
                verb = "would remove from" if remove else "would write to"
                click.echo(f"autovenv: {verb} {printable(edit.path)}:")
                for line in _block_diff(edit):
                    click.echo(printable(line))
            else:
                backup = rcfiles.apply(edit)
                if remove:
                    verb = "removed the hook line from"
                elif rcfiles.find_block(edit.before or ""):
                    verb = "updated the hook line in"
                else:
                    verb = "added the hook line to"
                click.echo(f"autovenv: {verb} {printable(edit.path)}"
                           + (f" (backup: {printable(backup)})" if backup else ""))
        except rcfiles.RcError as e:
            _fail(str(e), 2 if "shell" in str(e) else 1)
        if not remove and not dry_run:
            click.echo(f"autovenv: open a new {name} to use it, or run now: {printable(edit.line)}")


def _block_diff(edit) -> list[str]:  # type: ignore[no-untyped-def]
    """The change as a unified diff with one line of context, without the file header."""
    import difflib

    return list(difflib.unified_diff((edit.before or "").splitlines(), edit.after.splitlines(),
                                     n=1, lineterm=""))[2:]


@main.command()
@click.option("--shell", "shell", help="Check for this shell instead of the detected one.")
def doctor(shell: str | None) -> None:
    """Check the install: hook line, hook loaded, interpreter, uv, trust store, this directory."""
    from autovenv.doctor import FAIL, format_check, run_checks

    name = _shell_or_detect(shell).name if shell else None
    checks = run_checks(os.environ, name)
    for check in checks:
        click.echo(printable(format_check(check)))
    if any(c.status == FAIL for c in checks):
        sys.exit(1)



def _make_venv(directory: str, replace: bool) -> None:
    """`create` and `recreate`: progress on stderr (when a terminal), one clear line on failure."""
    from autovenv.creation import create
    from autovenv.hook import config

    if not os.path.isdir(directory):
        _fail(f"{directory} is not a directory", 2)
    finding = discover.find(os.path.realpath(directory), os.environ)
    if finding.rule == 3 or not finding.venv:
        _fail(f"{directory} is not inside a Python project (no venv, no project marker)")
    assert finding.venv
    project = finding.project or finding.holder
    assert project
    if finding.rule == 1 and not replace:
        click.echo(f"autovenv: {printable(finding.venv)} already exists "
                   "(autovenv recreate makes it again)", err=True)
        return
    cfg = config.load(project, os.environ)
    for problem in cfg.problems:
        click.echo(f"autovenv: {printable(problem)}", err=True)
    progress = create.Progress(sys.stderr, os.environ, always=True)
    result = create.make(project, finding.venv, os.environ, cfg, progress, replace=finding.rule == 1)
    if result is None:
        click.echo(f"autovenv: {printable(finding.venv)} was made meanwhile by another process", err=True)
    for note in (*result.notes, *result.skipped) if result else ():
        click.echo(f"autovenv: {printable(note)}", err=True)
    from autovenv.sync import consent, syncstate

    if result is None or not result.trusted:
        return
    if consent.reason(project, os.environ):
        # A consented project: the venv comes with its requirements.
        code = _sync_now(project, finding.venv, cfg)
        if code:
            sys.exit(code)
    elif any(os.path.isfile(os.path.join(project, n)) for n in syncstate.INPUTS):
        click.echo("autovenv: to install the project's dependencies (this runs its build): "
                   f"autovenv sync {printable(_shell_word(project))}", err=True)


@main.command(name="create")
@click.argument("directory", required=False, default=".", type=click.Path(file_okay=False))
def create_cmd(directory: str) -> None:
    """Make the venv of the project at DIRECTORY now (default: here)."""
    _make_venv(directory, replace=False)


@main.command()
@click.argument("directory", required=False, default=".", type=click.Path(file_okay=False))
def recreate(directory: str) -> None:
    """Make the venv of the project at DIRECTORY again, with the Python it asks for now (and sync
    it again, when you consented to syncing it)."""
    _make_venv(directory, replace=True)


@main.command(name="sync")
@click.argument("directory", required=False, default=".", type=click.Path(file_okay=False))
@click.option("--due", is_flag=True, hidden=True,
              help="The hook's automatic sync: only a consented project, only when out of date.")
def sync_cmd(directory: str, due: bool) -> None:
    """Install the project's dependencies into its venv now, with the project's own tool
    (making the venv first if needed); from then on autovenv may sync it on cd."""
    from autovenv.creation import create
    from autovenv.hook import config
    from autovenv.hook.trust import TrustStore
    from autovenv.sync import consent

    if not os.path.isdir(directory):
        _fail(f"{directory} is not a directory", 2)
    if due:
        sys.exit(_sync_if_due(directory))
    finding = discover.find(os.path.realpath(directory), os.environ)
    project = finding.holder or finding.project
    if finding.rule == 3 or not finding.venv or not project:
        _fail(f"{directory} is not inside a Python project (no venv, no project marker)")
    assert finding.venv and project
    consent.give(project, os.environ)
    cfg = config.load(project, os.environ)
    for problem in cfg.problems:
        click.echo(f"autovenv: {printable(problem)}", err=True)
    venv = finding.venv
    if finding.rule == 2:
        progress = create.Progress(sys.stderr, os.environ, always=True)
        result = create.make(project, venv, os.environ, cfg, progress)
        for note in result.notes if result else ():
            click.echo(f"autovenv: {printable(note)}", err=True)
    verdict = TrustStore(os.environ).verdict(venv)
    if not verdict.trusted:
        _fail(f"not syncing {venv}: {verdict.reason}; autovenv only installs into a venv it would "
              f"activate (autovenv allow {project}, or autovenv recreate {project})")
    health = venvs.check_health(venv)
    if health.problem:
        _fail(f"not syncing {venv}: {health.problem} (fix: {health.fix})")
    sys.exit(_sync_now(project, venv, cfg))


def _sync_if_due(directory: str) -> int:
    """`sync --due`, which bash, zsh and fish run when the helper says a sync is due: the same
    conditions again (the helper's answer may be a moment old), nothing recorded as consent,
    and nothing said when there is nothing to do."""
    from autovenv.hook import config
    from autovenv.hook.trust import TrustStore
    from autovenv.sync import consent

    finding = discover.find(os.path.realpath(directory), os.environ)
    project = finding.holder
    if finding.rule != 1 or not finding.venv or not project or not consent.reason(project, os.environ):
        return 0
    cfg = config.load(project, os.environ)
    venv = os.path.realpath(finding.venv)
    if cfg.sync != "auto" or not TrustStore(os.environ).verdict(venv).trusted:
        return 0
    if venvs.check_health(venv).problem:  # only into a venv autovenv would activate
        return 0
    return _sync_now(project, venv, cfg, only_if_due=True)


def _sync_now(project: str, venv: str, cfg, only_if_due: bool = False) -> int:  # type: ignore[no-untyped-def]
    """Run the sync, the installer's output streaming; its exit status."""
    from autovenv.sync import installer as sync

    try:
        outcome = sync.run(project, venv, os.environ, cfg, sync.stderr_bytes(), only_if_due)
    except sync.SyncError as e:
        _fail(str(e))
        raise  # unreachable
    if outcome.message:
        log = f" (log: {outcome.log})" if outcome.code and outcome.log else ""
        click.echo(f"autovenv: {printable(outcome.message)}{printable(log)}", err=True)
    return outcome.code


def run() -> None:
    try:
        # Fixed names: run as `python -m autovenv` (the snippets do) click would guess otherwise.
        main(prog_name="autovenv", complete_var="_AUTOVENV_COMPLETE", standalone_mode=True)
    except AutovenvError as e:
        _fail(str(e))
    except OSError as e:
        _fail(f"{e.strerror or e}: {e.filename}" if e.filename else str(e))
