"""The command line: the `autovenv` group and its commands but create, recreate and sync.

click is known here, in cliargs.py and in venvcommands.py only; the hook path never imports them.
"""

from __future__ import annotations

import json
import os
import sys

import click

from autovenv import __version__, venvcommands
from autovenv.cliargs import fail, project_of, shell_or_detect, venv_of
from autovenv.hook import venvs
from autovenv.hook.errors import AutovenvError
from autovenv.hook.messages import printable


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

    adapter = shell_or_detect(shell)
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
        fail(f"{directory} is not a directory", 2)
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

    venv = venv_of(directory)
    project = project_of(directory)
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

    venv = venv_of(directory)
    TrustStore(os.environ).deny(venv)
    consent.withdraw(project_of(directory), os.environ)
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
        names = [shell_or_detect(shell).name]
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
            fail(str(e), 2 if "shell" in str(e) else 1)
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

    name = shell_or_detect(shell).name if shell else None
    checks = run_checks(os.environ, name)
    for check in checks:
        click.echo(printable(format_check(check)))
    if any(c.status == FAIL for c in checks):
        sys.exit(1)


for command in (venvcommands.create_cmd, venvcommands.recreate, venvcommands.sync_cmd):
    main.add_command(command)


def run() -> None:
    try:
        # Fixed names: run as `python -m autovenv` (the snippets do) click would guess otherwise.
        main(prog_name="autovenv", complete_var="_AUTOVENV_COMPLETE", standalone_mode=True)
    except AutovenvError as e:
        fail(str(e))
    except OSError as e:
        fail(f"{e.strerror or e}: {e.filename}" if e.filename else str(e))
