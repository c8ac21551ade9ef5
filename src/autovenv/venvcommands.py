"""The commands that make or fill a project's venv: create, recreate and sync."""

from __future__ import annotations

import os
import sys

import click

from autovenv.cliargs import fail
from autovenv.hook import discover, venvs
from autovenv.hook.messages import printable, shell_word


def _make_venv(directory: str, replace: bool) -> None:
    """`create` and `recreate`: progress on stderr (when a terminal), one clear line on failure."""
    from autovenv.creation import create
    from autovenv.hook import config

    if not os.path.isdir(directory):
        fail(f"{directory} is not a directory", 2)
    finding = discover.find(os.path.realpath(directory), os.environ)
    if finding.rule == 3 or not finding.venv:
        fail(f"{directory} is not inside a Python project (no venv, no project marker)")
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
                   f"autovenv sync {printable(shell_word(project))}", err=True)


@click.command(name="create")
@click.argument("directory", required=False, default=".", type=click.Path(file_okay=False))
def create_cmd(directory: str) -> None:
    """Make the venv of the project at DIRECTORY now (default: here)."""
    _make_venv(directory, replace=False)


@click.command()
@click.argument("directory", required=False, default=".", type=click.Path(file_okay=False))
def recreate(directory: str) -> None:
    """Make the venv of the project at DIRECTORY again, with the Python it asks for now (and sync
    it again, when you consented to syncing it)."""
    _make_venv(directory, replace=True)


@click.command(name="sync")
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
        fail(f"{directory} is not a directory", 2)
    if due:
        sys.exit(_sync_if_due(directory))
    finding = discover.find(os.path.realpath(directory), os.environ)
    project = finding.holder or finding.project
    if finding.rule == 3 or not finding.venv or not project:
        fail(f"{directory} is not inside a Python project (no venv, no project marker)")
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
        fail(f"not syncing {venv}: {verdict.reason}; autovenv only installs into a venv it would "
              f"activate (autovenv allow {project}, or autovenv recreate {project})")
    health = venvs.check_health(venv)
    if health.problem:
        fail(f"not syncing {venv}: {health.problem} (fix: {health.fix})")
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
        fail(str(e))
        raise  # unreachable
    if outcome.message:
        log = f" (log: {outcome.log})" if outcome.code and outcome.log else ""
        click.echo(f"autovenv: {printable(outcome.message)}{printable(log)}", err=True)
    return outcome.code
