"""install.sh end to end, in a temporary HOME: install from this checkout, open new interactive
shells the way a terminal does (they read their own rc files), use the hook and completion,
run the installer again, uninstall. One real install per module (pip is slow); the tests run
in file order and the uninstall comes last.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from autovenv.install.launcher import is_launcher
from tests.conftest import make_venv
from tests.shells.harness import BASE_PATH, require_shell, require_tool

REPO = Path(__file__).resolve().parent.parent
INSTALL_SH = REPO / "install.sh"
BEGIN = "# >>> autovenv >>>"

# What the user had before: autovenv must give these back byte for byte.
ORIGINAL_RC = {
    ".bashrc": b"PS1='PROMPT> '\nalias ll='ls -l'\n",
    # No final newline, and compinit before the hook line (the usual order).
    ".zshrc": b"PS1='PROMPT> '\nautoload -Uz compinit && compinit -u",
    ".config/fish/config.fish": b"function fish_prompt; printf 'PROMPT> '; end\n",
    # CRLF line ends and no final newline, as a profile written on Windows may be.
    ".config/powershell/Microsoft.PowerShell_profile.ps1": b"function prompt { 'PROMPT> ' }\r\n# mine",
}


def real_pip_cache() -> str:
    # The test HOME is empty: point pip at the user's cache, or each run downloads everything.
    return os.environ.get("PIP_CACHE_DIR") or os.path.expanduser("~/.cache/pip")


def network_settings() -> dict[str, str]:
    # How this machine reaches the package index (proxies, index mirrors, certificates).
    keep = ("PIP_", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy",
            "no_proxy", "SSL_CERT_", "REQUESTS_CA_BUNDLE")
    return {k: v for k, v in os.environ.items() if k.startswith(keep)}


def base_env(home: Path) -> dict[str, str]:
    return {
        **network_settings(),
        "HOME": str(home),
        "PATH": f"{home}/.local/bin:{BASE_PATH}",
        "TERM": "dumb",
        "LANG": "C.UTF-8",
        "SHELL": "/bin/bash",
        "XDG_DATA_HOME": str(home / "xdg-data"),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "PIP_CACHE_DIR": real_pip_cache(),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }


def install(env: dict[str, str], *args: str, script: Path = INSTALL_SH,
            cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["sh", str(script), *args], env=env, capture_output=True, text=True,
                          cwd=str(cwd or env["HOME"]), timeout=600)


class Installed:
    def __init__(self, home: Path, env: dict[str, str], first: subprocess.CompletedProcess[str]):
        self.home, self.env, self.first = home, env, first
        self.link = home / ".local" / "bin" / "autovenv"
        self.env_dir = home / "xdg-data" / "autovenv" / "venv"

    def autovenv(self, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(self.link), *args], env=self.env, capture_output=True,
                              text=True, cwd=str(cwd or self.home))


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installed]:
    home = tmp_path_factory.mktemp("install") / "home"
    for name, data in ORIGINAL_RC.items():
        (home / name).parent.mkdir(parents=True, exist_ok=True)
        (home / name).write_bytes(data)
    env = base_env(home)
    first = install(env, "--shell", "bash")
    assert first.returncode == 0, first.stdout + first.stderr
    inst = Installed(home, env, first)
    for shell in ("zsh", "fish", "pwsh"):
        done = inst.autovenv("init", shell)
        assert done.returncode == 0, done.stderr
    yield inst


class Terminal:
    """An interactive shell started as a terminal starts it: no options, so it reads its rc."""

    def __init__(self, shell: str, env: dict[str, str], cwd: Path, trace: Path | None = None):
        path = require_shell(shell)
        argv = [path]
        if trace:  # every program the shell and its children start, into `trace`
            argv = [require_tool("strace"), "-f", "-qq", "-e", "trace=execve", "-o", str(trace), path]
        self.child = pexpect.spawn(argv[0], argv[1:], env=env, cwd=str(cwd), encoding="utf-8",
                                   codec_errors="replace", timeout=30, dimensions=(50, 300))
        self.child.expect("PROMPT> ")
        self.transcript = self.child.before
        self.n = 0

    def run(self, command: str) -> str:
        self.n += 1
        # The sentinel is printed by printf from pieces, so the typed command never matches it.
        self.child.sendline(f"{command}; printf '%s_%s\\n' __AV_done {self.n}")
        self.child.expect(f"__AV_done_{self.n}")
        out = self.child.before
        self.child.expect("PROMPT> ")
        self.transcript += out + self.child.before
        return out

    def close(self) -> None:
        self.child.sendline("exit")
        try:
            self.child.expect(pexpect.EOF, timeout=5)
        except pexpect.TIMEOUT:
            self.child.terminate(force=True)


@pytest.fixture
def project(installed: Installed, tmp_path: Path) -> Path:
    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / "pyproject.toml").write_text("[project]\nname = 'proj'\n")
    make_venv(proj / ".venv")
    done = installed.autovenv("allow", str(proj))
    assert done.returncode == 0, done.stderr
    return proj


def test_installed_from_the_checkout(installed: Installed) -> None:
    out = installed.first.stdout
    assert f"installing autovenv from the checkout {REPO}" in out
    assert installed.link.is_symlink()
    assert os.readlink(installed.link) == str(installed.env_dir / "bin" / "autovenv")
    # The lean launcher, not pip's generic console script (issue 5: `autovenv hook` speed).
    command = (installed.env_dir / "bin" / "autovenv").read_text()
    assert is_launcher(command, f"{installed.env_dir}/bin/python"), command
    # A real interpreter, never a pyenv shim.
    base = (installed.env_dir / "pyvenv.cfg").read_text()
    assert "shims" not in base
    assert installed.autovenv("--version").stdout.startswith("autovenv, version ")
    # ~/.local/bin is on this PATH, so the rc lines are the contract's own.
    assert 'eval "$(autovenv hook bash)"' in (installed.home / ".bashrc").read_text()
    assert "open a new bash" in out


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_a_new_shell_has_a_working_hook(installed: Installed, project: Path, shell: str) -> None:
    term = Terminal(shell, installed.env, installed.home)
    try:
        term.run(f"cd {project}")
        out = term.run("printf '%s\\n' \"VE=[$VIRTUAL_ENV]\"")
        assert f"VE=[{project}/.venv]" in out, term.transcript
        term.run("cd /")
        assert "VE=[]" in term.run("printf '%s\\n' \"VE=[$VIRTUAL_ENV]\""), term.transcript
        assert "hook failed" not in term.transcript
    finally:
        term.close()


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_a_new_shell_in_a_project_starts_python_once(installed: Installed, project: Path,
                                                     shell: str) -> None:
    """`autovenv hook` is the kept text (cat, issue 5), and the first prompt asks the helper
    once: no answer is kept from an earlier shell, as it would skip the helper's checks of
    owner, permissions and identity (issue 12)."""
    Terminal(shell, installed.env, project).close()  # an earlier shell here leaves nothing
    log = project.parent / f"programs.{shell}"
    term = Terminal(shell, installed.env, project, trace=log)
    try:
        out = term.run("printf '%s\\n' \"VE=[$VIRTUAL_ENV]\"")
    finally:
        term.close()
    assert f"VE=[{project}/.venv]" in out, term.transcript
    started = [line.split('"')[1] for line in log.read_text().splitlines() if "execve(" in line]
    # The shell, the launcher, cat and the helper once. (fish may also start its own tools,
    # such as its man page completion generator, on a first start in a new HOME.)
    assert str(installed.link) in started and shutil.which("cat", path="/bin:/usr/bin") in started
    assert len([p for p in started if p.startswith(str(installed.env_dir))]) == 1, started
    assert "hook failed" not in term.transcript


def test_a_new_pwsh_has_a_working_hook_doctor_and_completion(installed: Installed, project: Path,
                                                             tmp_path: Path) -> None:
    from tests.shells.harness import ShellSession

    env = {**installed.env, "AUTOVENV_DATA_DIR": str(installed.home / "xdg-data" / "autovenv")}
    s = ShellSession("pwsh", tmp_path, env=env, own_profile=True, cwd=installed.home)
    try:
        s.run(f"cd '{project}'")
        assert s.environ()["VIRTUAL_ENV"] == str(project / ".venv"), s.transcript[-2000:]
        out = s.run("autovenv doctor; 'doctor-exit=' + $LASTEXITCODE")
        assert "doctor-exit=0" in out and "ok    the hook is loaded in this shell" in out, out
        s.child.send("autovenv al\t")
        s._expect("allow", timeout=30)
        s.child.send("\x03")  # Ctrl+C: the line is dropped
        s._prompt(30)
        s.run("cd /")
        assert "VIRTUAL_ENV" not in s.environ()
        assert "hook failed" not in s.transcript
    finally:
        s.close()


def test_doctor_is_healthy_in_a_new_shell(installed: Installed) -> None:
    term = Terminal("bash", installed.env, installed.home)
    try:
        out = term.run("autovenv doctor; printf 'doctor-exit=%s\\n' $?")
    finally:
        term.close()
    assert "doctor-exit=0" in out, out
    assert "ok    the hook is loaded in this shell" in out
    assert "is the lean launcher" in out  # install.sh's launcher, not pip's generic script
    assert "ok    new bash shells read the kept hook text" in out
    assert 'ok    hook line in' in out and "FAIL" not in out


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_tab_completes_subcommands(installed: Installed, shell: str) -> None:
    term = Terminal(shell, {**installed.env, "TERM": "xterm"}, installed.home)
    try:
        term.child.send("autovenv al\t")
        term.child.expect("allow", timeout=15)  # "allow" is never typed: only completion writes it
        term.child.send("\x15")  # kill the line
        if shell == "bash":
            assert "_autovenv_complete autovenv" in term.run("complete -p autovenv")
    finally:
        term.close()


def test_zsh_completion_registers_when_compinit_runs_after_the_hook(installed: Installed) -> None:
    zdot = installed.home / "zdot-late-compinit"
    zdot.mkdir(exist_ok=True)
    (zdot / ".zshrc").write_text("PS1='PROMPT> '\neval \"$(autovenv hook zsh)\"\n"
                                 "autoload -Uz compinit && compinit -u\n")
    term = Terminal("zsh", {**installed.env, "ZDOTDIR": str(zdot), "TERM": "xterm"},
                    installed.home)
    try:
        term.child.send("autovenv recr\t")
        term.child.expect("recreate", timeout=15)
        term.child.send("\x15")
    finally:
        term.close()


def test_fish_completion(installed: Installed) -> None:
    term = Terminal("fish", installed.env, installed.home)
    try:
        out = term.run("complete -C 'autovenv init --dr'")
    finally:
        term.close()
    assert "--dry-run\tPrint the change" in out


def test_second_run_upgrades_in_place_with_one_rc_line(installed: Installed) -> None:
    again = install(installed.env, "--shell", "bash")
    assert again.returncode == 0, again.stdout + again.stderr
    assert "upgrading the environment" in again.stdout
    assert "already in" in again.stdout
    assert (installed.home / ".bashrc").read_text().count(BEGIN) == 1
    assert installed.autovenv("--version").returncode == 0


def test_uninstall_restores_rc_files_byte_for_byte(installed: Installed, project: Path) -> None:
    trust = installed.home / "xdg-data" / "autovenv" / "trust"
    assert trust.is_dir()
    done = install(installed.env, "--uninstall")
    assert done.returncode == 0, done.stdout + done.stderr
    for name, data in ORIGINAL_RC.items():
        assert (installed.home / name).read_bytes() == data, name
    assert not installed.link.exists() and not installed.link.is_symlink()
    assert not installed.env_dir.exists()
    assert not (installed.home / ".cache" / "autovenv").exists()  # the kept hook texts went
    assert trust.is_dir() and "kept the trust data" in done.stdout
    purged = install(installed.env, "--uninstall", "--purge")
    assert purged.returncode == 0, purged.stderr
    assert not (installed.home / "xdg-data" / "autovenv").exists()


# --- Failures: a clear message, a non-zero exit, nothing left behind -------------------------

def fresh_home(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    home = tmp_path / "home"
    home.mkdir()
    return home, base_env(home)


def leftovers(home: Path) -> list[str]:
    return sorted(str(p.relative_to(home)) for p in home.rglob("*")
                  if not str(p.relative_to(home)).startswith(".rustup"))


def test_offline_from_pypi(tmp_path: Path) -> None:
    # A copy outside a checkout installs from the package index, which is unreachable here.
    elsewhere = tmp_path / "dl"
    elsewhere.mkdir()
    shutil.copy(INSTALL_SH, elsewhere / "install.sh")
    home, env = fresh_home(tmp_path)
    env.update(PIP_INDEX_URL="http://127.0.0.1:9/", PIP_RETRIES="0", PIP_CACHE_DIR=str(tmp_path / "c"))
    for local_source in ("PIP_FIND_LINKS", "PIP_EXTRA_INDEX_URL"):
        env.pop(local_source, None)
    done = install(env, script=elsewhere / "install.sh")
    assert done.returncode == 1
    assert "installing autovenv-hook from the package index" in done.stdout
    assert "offline, or the package index is unreachable" in done.stderr
    assert leftovers(home) == []


def test_no_suitable_python(tmp_path: Path) -> None:
    home, env = fresh_home(tmp_path)
    done = install(env, "--python", str(tmp_path / "nope"))
    assert done.returncode == 1
    assert "no Python >= 3.9 found" in done.stderr and "nope (not an executable file)" in done.stderr
    assert leftovers(home) == []


def test_python_without_venv_names_the_package(tmp_path: Path) -> None:
    # A real interpreter whose ensurepip is missing, as on Debian without python3-venv.
    fake = tmp_path / "python3"
    fake.write_text('#!/bin/sh\nexec /usr/bin/python3 -I -c "import sys; '
                    "sys.modules['ensurepip'] = None; exec(sys.argv[1])\" \"$3\"\n")
    fake.chmod(0o755)
    home, env = fresh_home(tmp_path)
    done = install(env, "--python", str(fake))
    assert done.returncode == 1
    assert "has no venv module" in done.stderr and "apt install python3-venv" in done.stderr
    assert leftovers(home) == []


def test_unwritable_target(tmp_path: Path) -> None:
    home, env = fresh_home(tmp_path)
    (tmp_path / "file").write_text("")
    env["XDG_DATA_HOME"] = str(tmp_path / "file" / "data")  # under a file: cannot be made
    done = install(env)
    assert done.returncode == 1 and "cannot write to" in done.stderr
    assert leftovers(home) == []


def test_someone_elses_autovenv_in_local_bin_is_not_replaced(tmp_path: Path) -> None:
    home, env = fresh_home(tmp_path)
    (home / ".local" / "bin").mkdir(parents=True)
    (home / ".local" / "bin" / "autovenv").write_text("#!/bin/sh\necho other\n")
    done = install(env)
    assert done.returncode == 1 and "is not autovenv's link" in done.stderr
    assert leftovers(home) == [".local", ".local/bin", ".local/bin/autovenv"]


@pytest.mark.parametrize("args, code, text", [
    (["--help"], 0, "usage: sh install.sh"),
    (["--bogus"], 2, "unknown option: --bogus"),
    (["--purge"], 2, "--purge goes with --uninstall"),
    (["--shell"], 2, "--shell needs a shell name"),
])
def test_options(tmp_path: Path, args: list[str], code: int, text: str) -> None:
    home, env = fresh_home(tmp_path)
    done = install(env, *args)
    assert done.returncode == code and text in done.stdout + done.stderr
    assert leftovers(home) == []
