"""Running the programs that build a venv (`uv venv`, `python -m venv`): found, started,
waited for.

A backend is started at once and waited for later, so that autovenv's own work runs beside
it (on another core) rather than after it. It is started with os.posix_spawn (vfork + exec)
instead of subprocess, whose imports (selectors, threading, signal and enum) cost a large
part of what `uv venv` itself takes. It always runs from a working directory outside the project and with the
project's Python variables cleared, so nothing in the project is imported.
"""

from __future__ import annotations

import _signal as signals  # signal's functions without its enums: enum costs more than a venv
import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from autovenv.creation.progress import Progress

from autovenv.hook import fs, locations

TMP_TAG = ".autovenv-tmp-"


def clean_env(env: Mapping[str, str]) -> dict[str, str]:
    """The environment for running an interpreter or uv: no venv, no Python/uv overrides."""
    drop = ("VIRTUAL_ENV", "CONDA_PREFIX", "PYTHONHOME", "PYTHONPATH", "PYTHONSTARTUP",
            "PYTHONSAFEPATH", "UV_PYTHON", "UV_PROJECT_ENVIRONMENT", "__PYVENV_LAUNCHER__")
    return {k: v for k, v in env.items() if k not in drop}


def find_program(name: str, env: Mapping[str, str], project: str | None) -> str | None:
    """`name` (uv, poetry, pdm) on PATH, never one inside the project (a cloned repo could ship
    its own), nor one another user could change (fs.not_safe_to_run): the next one on PATH is
    used instead."""
    inside = project.rstrip(fs.sep) + fs.sep if project else None
    for directory in env.get("PATH", "").split(fs.pathsep):
        if not directory or not fs.isabs(directory):
            continue
        if inside and (directory + fs.sep).startswith(inside):
            continue
        path = fs.join(directory, name)
        if fs.isfile(path) and os.access(path, os.X_OK) and not fs.not_safe_to_run(path):
            return path
    return None


def build_dir(venv: str) -> str:
    """Where this process builds `venv` before renaming it into place: beside it (the same
    filesystem), named so that a later creation knows it for a leftover (create.remove_leftovers)."""
    return f"{venv}{TMP_TAG}{os.getpid()}"


def command(uv: str | None, python: str, project: str, target: str) -> tuple[list[str], str]:
    """The backend's argv for a venv of `python` at target (uv when given, else the venv
    module), prompted with the project's name; and what to call it in messages. Every value
    made from a name or path is glued to its option (`--prompt=-x`) or follows `--`, so none
    can be read as an option."""
    from autovenv.hook.venvs import default_prompt

    prompt = default_prompt(project)
    if uv:
        return [uv, "venv", f"--python={python}", f"--prompt={prompt}", "--no-config", "--no-project",
                "--offline", "--no-python-downloads", "--quiet", "--", target], "uv venv"
    if prompt == "--":  # argparse takes `--prompt=--` for no value at all (and writes "[]")
        prompt = "venv"
    return ([python, "-I", "-m", "venv", "--without-pip", f"--prompt={prompt}", "--", target],
            f"{python} -m venv")


def run(argv: list[str], env: Mapping[str, str], what: str, progress: Progress | None = None) -> None:
    """Run a backend to its end; CreateError with its last line on failure."""
    Backend(argv, env, what).wait(progress)


class Backend:
    """A backend process. Output is stdout and stderr together (the last 64 KiB); stdin is
    /dev/null. posix_spawn has no working-directory option, so this process steps into the
    data dir for the moment of the spawn."""

    def __init__(self, argv: list[str], env: Mapping[str, str], what: str):
        self.what = what
        self.pid = 0
        cwd = locations.data_dir(env)  # anywhere but the project: nothing there gets imported
        self.read_fd, write_fd = os.pipe()  # both close-on-exec; the child gets dup2'd copies
        try:
            actions = [(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
                       (os.POSIX_SPAWN_DUP2, write_fd, 1), (os.POSIX_SPAWN_DUP2, write_fd, 2)]
            try:
                here = os.open(".", os.O_RDONLY)
            except OSError:  # an unreadable directory: later steps use absolute paths only
                here = -1
            try:
                try:
                    os.chdir(cwd)
                except FileNotFoundError:  # the first run on this machine
                    os.makedirs(cwd, exist_ok=True)
                    os.chdir(cwd)
                # Python ignores SIGPIPE; the backend gets the default back, as with subprocess.
                self.pid = os.posix_spawn(argv[0], argv, clean_env(env), file_actions=actions,
                                             setsigdef=(signals.SIGPIPE, signals.SIGXFSZ))
            finally:
                if here >= 0:
                    os.fchdir(here)
                    os.close(here)
        except BaseException:
            os.close(self.read_fd)
            raise
        finally:
            os.close(write_fd)

    def wait(self, progress: Progress | None = None) -> None:
        """Until it exits; CreateError with its last line when it failed."""
        code, output = self._wait(progress)
        if code != 0:
            detail = output.decode("utf-8", "replace").strip().splitlines()
            tail = detail[-1] if detail else f"exit status {code}"
            from autovenv.hook.errors import CreateError  # not before: the backend starts first

            raise CreateError(f"{self.what} failed: {_explain(tail)}")

    def _wait(self, progress: Progress | None) -> tuple[int, bytes]:
        output = b""
        try:
            while True:
                limit = progress.wait_limit() if progress else None
                if limit is not None:
                    import select

                    if not select.select([self.read_fd], [], [], limit)[0]:
                        progress.tick()  # type: ignore[union-attr]
                        continue
                data = os.read(self.read_fd, 65536)
                if not data:
                    break
                output = (output + data)[-65536:]
            _, status = os.waitpid(self.pid, 0)
            self.pid = 0  # reaped: its number may be another process's from now on
        except BaseException:  # Ctrl-C: the backend goes too, before the caller cleans up
            self.kill()
            raise
        finally:
            self._close()
        return os.waitstatus_to_exitcode(status), output

    def _close(self) -> None:
        if self.read_fd >= 0:
            os.close(self.read_fd)
            self.read_fd = -1

    def kill(self) -> None:
        """Stop it and wait for it to be gone (it may be writing the temporary venv)."""
        if self.pid:
            try:
                os.kill(self.pid, signals.SIGKILL)
                os.waitpid(self.pid, 0)
            except OSError:  # already reaped
                pass
            self.pid = 0
        self._close()


def _explain(text: str) -> str:
    lowered = text.lower()
    if "no space left" in lowered:
        return "the disk is full (" + text + ")"
    if "read-only file system" in lowered or "permission denied" in lowered:
        return "the directory is not writable (" + text + ")"
    return text
