"""Finding the project of a directory: the three rules, ceilings, workspaces, redirects."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from autovenv.hook import discover
from tests.conftest import make_venv


def fake_venv(path: Path) -> Path:
    """A directory that discovery treats as a venv (only pyvenv.cfg matters to it)."""
    path.mkdir(parents=True)
    (path / "pyvenv.cfg").write_text("home = /usr/bin\n")
    return path


def find(path: Path, **env: str) -> discover.Finding:
    return discover.find(str(path), env)


def test_rule1_nearest_venv_even_below_a_subproject(tmp_path):
    fake_venv(tmp_path / "p" / ".venv")
    sub = tmp_path / "p" / "sub"
    sub.mkdir()
    (sub / "pyproject.toml").write_text("")
    f = find(sub)
    assert (f.rule, f.venv, f.holder) == (1, str(tmp_path / "p" / ".venv"), str(tmp_path / "p"))


def test_rule1_plain_venv_dir_name(tmp_path):
    fake_venv(tmp_path / "venv")
    assert find(tmp_path).venv == str(tmp_path / "venv")


def test_dot_venv_preferred_over_venv(tmp_path):
    fake_venv(tmp_path / "venv")
    fake_venv(tmp_path / ".venv")
    assert find(tmp_path).venv == str(tmp_path / ".venv")


def test_relative_uv_project_environment_names_another(tmp_path):
    fake_venv(tmp_path / ".uvenv")
    assert find(tmp_path, UV_PROJECT_ENVIRONMENT=".uvenv").venv == str(tmp_path / ".uvenv")
    assert find(tmp_path).rule == 3


def test_rule2_strong_beats_nearer_weak(tmp_path):
    (tmp_path / "pyproject.toml").write_text("")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "requirements-docs.txt").write_text("")
    f = find(docs)
    assert (f.rule, f.project, f.marker_strength) == (2, str(tmp_path), "strong")
    assert f.venv == str(tmp_path / ".venv")


def test_rule2_weak_marker_when_no_strong(tmp_path):
    (tmp_path / "requirements.txt").write_text("")
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    f = find(sub)
    assert (f.rule, f.project, f.marker_strength) == (2, str(tmp_path), "weak")


@pytest.mark.parametrize("marker", discover.STRONG_MARKERS)
def test_each_strong_marker(tmp_path, marker):
    (tmp_path / marker).write_text("")
    assert find(tmp_path).marker == str(tmp_path / marker)


def test_rule3_nothing(tmp_path):
    f = find(tmp_path)
    assert f.rule == 3 and f.venv is None


def test_ceiling_is_not_searched(tmp_path):
    fake_venv(tmp_path / ".venv")
    sub = tmp_path / "sub"
    sub.mkdir()
    assert find(sub).rule == 1
    assert find(sub, AUTOVENV_CEILING_DIRS=f"/nonexistent:{tmp_path}").rule == 3
    assert find(tmp_path, AUTOVENV_CEILING_DIRS=str(tmp_path)).rule == 3


def test_uv_workspace_member_lifted_to_root(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname="root"\n[tool.uv.workspace]\nmembers = ["packages/*"]\nexclude = ["packages/skip"]\n')
    member = tmp_path / "packages" / "one"
    member.mkdir(parents=True)
    (member / "pyproject.toml").write_text('[project]\nname="one"\n')
    skipped = tmp_path / "packages" / "skip"
    skipped.mkdir()
    (skipped / "pyproject.toml").write_text('[project]\nname="skip"\n')
    f = find(member / "src" if (member / "src").mkdir() is None else member)
    assert (f.project, f.workspace_root, f.venv) == (str(tmp_path), str(tmp_path), str(tmp_path / ".venv"))
    assert find(skipped).project == str(skipped)


def test_workspace_member_with_own_venv_keeps_it(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.uv.workspace]\nmembers = ["m"]\n')
    fake_venv(tmp_path / "m" / ".venv")
    assert find(tmp_path / "m").venv == str(tmp_path / "m" / ".venv")


def test_malformed_pyproject_is_reported_with_file_and_line(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.uv.workspace]\nmembers = ["a"]\n')
    member = tmp_path / "a"
    member.mkdir()
    (member / "pyproject.toml").write_text("[project\nname = 1\n")
    f = find(member)
    assert f.rule == 2 and f.project == str(member)
    assert any(str(member / "pyproject.toml") in p and "line 1" in p for p in f.problems)


def test_redirect_file_relative_and_absolute(tmp_path):
    target = fake_venv(tmp_path / "envs" / "p")
    proj = tmp_path / "p"
    proj.mkdir()
    (proj / ".venv").write_text("../envs/p\n")
    f = find(proj)
    # The target as written, joined to the redirect's directory: the OS resolves it (export
    # activates its real path), as the shell's identity test does.
    assert (f.rule, f.venv, f.redirect) == (1, str(proj / "../envs/p"), str(proj / ".venv"))
    assert os.path.realpath(f.venv) == str(target)
    (proj / ".venv").write_text(str(target))
    assert find(proj).venv == str(target)


@pytest.mark.parametrize("content", [
    "../missing", "../not-a-venv", "/etc", "../envs/p\n../envs/p\n", "", "x" * 5000, "../chain",
    "../loop", "../loop/x", "/proc/self/cwd/../../envs/p", "../../../../../../../proc/self/cwd",
    "/dev/fd/0", "../fifo", "../envs/p\0", "\n\n",
])
def test_bad_redirects_are_reported_not_followed(tmp_path, content):
    fake_venv(tmp_path / "envs" / "p")
    (tmp_path / "not-a-venv").mkdir()
    (tmp_path / "chain").write_text("envs/p")  # a redirect to a redirect is not followed
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    os.mkfifo(tmp_path / "fifo")
    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / ".venv").write_text(content)
    (proj / "pyproject.toml").write_text("")
    f = find(proj)
    assert f.rule == 2
    assert any(".venv" in p for p in f.problems)


def test_dangling_symlink_and_dir_without_cfg_reported(tmp_path):
    a = tmp_path / "a"
    a.mkdir()
    (a / ".venv").symlink_to(tmp_path / "nowhere")
    b = tmp_path / "b"
    (b / ".venv").mkdir(parents=True)
    assert any("dangling" in p for p in find(a).problems)
    fb = find(b)
    assert fb.rule == 3 and any("no pyvenv.cfg" in p for p in fb.problems)


def test_unreadable_directory_as_other_user_reports(tmp_path):
    """Run discovery as an unprivileged user when we are root, so permissions bite."""
    if os.geteuid() != 0:
        pytest.skip("needs root to switch user")
    import subprocess
    import sys

    locked = tmp_path / "locked"
    inner = locked / "inner"
    inner.mkdir(parents=True)
    tmp_path.chmod(0o755)
    Path(tmp_path.parent).chmod(0o755)
    locked.chmod(0o711)  # traversable, not listable/readable: stat of names inside still works
    code = ("import sys; sys.path.insert(0, sys.argv[2]); from autovenv.hook import discover; "
            "f = discover.find(sys.argv[1], {}); print(f.rule)")
    src = str(Path(discover.__file__).parent.parent.parent)
    r = subprocess.run([sys.executable, "-I", "-S", "-c", code, str(inner), src],
                       capture_output=True, text=True, user="nobody")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "3"


def test_real_venv_made_by_a_real_tool(tmp_path):
    venv = make_venv(tmp_path / ".venv")
    assert find(tmp_path).venv == str(venv)


@pytest.mark.parametrize("kind", ["fifo", "link to a fifo", "socket"])
def test_a_venv_name_that_is_no_file_is_reported_never_opened(tmp_path, kind):
    """A FIFO opened for reading would block the prompt until a writer came."""
    import signal
    import socket

    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / "pyproject.toml").write_text("")
    if kind == "fifo":
        os.mkfifo(proj / ".venv")
    elif kind == "socket":
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(proj / ".venv"))
    else:
        os.mkfifo(tmp_path / "fifo")
        (proj / ".venv").symlink_to(tmp_path / "fifo")
    signal.alarm(5)  # a blocked open fails the test instead of hanging it
    try:
        f = find(proj)
    finally:
        signal.alarm(0)
    assert f.rule == 2
    assert any(".venv is neither a venv nor a redirect file" in p for p in f.problems)


def test_a_redirect_reached_through_a_link_to_proc_names_a_real_path(tmp_path, monkeypatch):
    """A symlink inside the project to /proc/self/cwd: the redirect is followed as the OS
    resolves it, and export activates that real path, never the /proc one."""
    target = fake_venv(tmp_path / "envs" / "p")
    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / "l").symlink_to("/proc/self/cwd")
    (proj / ".venv").write_text("l/envs/p")
    monkeypatch.chdir(tmp_path)
    f = find(proj)
    assert f.rule == 1 and os.path.realpath(f.venv) == str(target)
