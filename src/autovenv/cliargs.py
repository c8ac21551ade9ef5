"""What the commands share: one clear line on failure, the shell, a directory's project and venv."""

from __future__ import annotations

import os
import sys

import click

from autovenv.hook import discover, shells
from autovenv.hook.messages import printable


def fail(message: str, code: int = 1) -> None:
    click.echo(f"autovenv: {printable(message)}", err=True)
    sys.exit(code)


def shell_or_detect(name: str | None) -> shells.Shell:
    from autovenv.hook.shells.pwsh import is_pwsh_process

    if not name and is_pwsh_process(os.getppid()):
        name = "pwsh"
    if not name:
        try:
            import shellingham

            name, _path = shellingham.detect_shell()
        except Exception:
            fail("could not detect your shell; name it, e.g. `autovenv hook bash`", 2)
    assert name
    try:
        return shells.get(name)
    except KeyError:
        fail(f"unknown shell {name!r}; supported: {', '.join(shells.names())}", 2)
        raise  # unreachable


def project_of(directory: str) -> str:
    """The project directory of `directory` (the one holding its venv, or that will)."""
    finding = discover.find(os.path.realpath(directory), os.environ)
    project = finding.holder or finding.project
    if not project:
        fail(f"{directory} is not inside a Python project (no venv, no project marker)")
    assert project
    return project


def venv_of(directory: str) -> str:
    """The venv that `allow`/`deny` act on: the project's venv (existing or future)."""
    finding = discover.find(os.path.realpath(directory), os.environ)
    if finding.venv is None:
        fail(f"{directory} is not inside a Python project (no venv, no project marker)")
    assert finding.venv
    return finding.venv
