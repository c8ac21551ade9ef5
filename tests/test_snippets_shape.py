"""The five hooks have one shape (issue 13): the same functions in the same order, the same
section headers, the same decision state; bash and zsh are printed from one source.

A structural check of the hook text `autovenv hook SHELL` prints; no shell runs here (the tests
in tests/shells/ run them).
"""

from __future__ import annotations

import os
import re
import sys

import pytest

from autovenv.hook import shells
from autovenv.hook.shells.posix import dialect

SHARED = ["_autovenv_hook", "_autovenv_in_scope", "_autovenv_watch_changed", "_autovenv_run",
          "_autovenv_prompt_prefix", "autovenv"]
HEADERS = ["# --- Hook: ", "# --- In-scope test: ", "# --- Watch test: ", "# --- Run the helper ",
           "# --- Prompt prefix, ", "# --- autovenv's own commands ", "# --- Install the hook once"]
# The hook's own decision state (export.answer_text describes the answer's variables).
STATE = ["_autovenv_pwd", "_autovenv_seen", "_autovenv_failed"]
GONE = ["_autovenv_stale", "_autovenv_key", "_autovenv_sync_prompt", "_autovenv_split_watch",
        "_autovenv_sync_now", "_autovenv_watch "]
DEFINITION = {
    "bash": r"^(\w+)\(\) \{",
    "zsh": r"^(\w+)\(\) \{",
    "fish": r"^\s*function (\w+)",
    "elvish": r"^(?:set (\w+)~ = \{|fn (\w+) )",
    "pwsh": r"^function global:(\w+)",
}


def hook_text(shell: str) -> str:
    return shells.get(shell).hook_text(sys.executable)


def definitions(shell: str, text: str) -> list[tuple[str, int]]:
    """(function name, offset) of each definition, in the order of the text."""
    found = []
    for m in re.finditer(DEFINITION[shell], text, re.MULTILINE):
        found.append((next(g for g in m.groups() if g), m.start()))
    return found


def test_every_shell_is_checked():
    assert sorted(shells.names()) == sorted(DEFINITION)


@pytest.mark.parametrize("shell", sorted(DEFINITION))
def test_the_shared_functions_come_in_one_order(shell):
    text = hook_text(shell)
    names = [name for name, _ in definitions(shell, text)]
    firsts = [name for i, name in enumerate(names) if name in SHARED and name not in names[:i]]
    assert firsts == SHARED


@pytest.mark.parametrize("shell", sorted(DEFINITION))
def test_the_sections_have_the_same_headers_in_the_same_order(shell):
    text = hook_text(shell)
    offsets = [text.find("\n" + header) for header in HEADERS]
    assert -1 not in offsets, [h for h, o in zip(HEADERS, offsets) if o == -1]
    assert offsets == sorted(offsets)


@pytest.mark.parametrize("shell", sorted(DEFINITION))
def test_a_helper_of_its_own_follows_the_function_that_calls_it(shell):
    """A function a shell needs beyond the shared ones stands after the shared function that
    calls it (before the next one), up to the install section."""
    text = hook_text(shell)
    install = text.index("\n# --- Install the hook once")
    owner = ""
    starts = {}
    for name, offset in definitions(shell, text):
        if offset > install:
            break
        if name in SHARED:
            owner = name
            starts.setdefault(name, offset)
            continue
        body = text[starts[owner]:offset]
        assert re.search(rf"\b{name}\b", body.split("\n", 1)[1]), f"{name} is not called by {owner}"


@pytest.mark.parametrize("shell", sorted(DEFINITION))
def test_the_decision_state_is_the_same(shell):
    text = hook_text(shell)
    for name in STATE:
        assert name in text
    for name in GONE:
        assert name not in text


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_bash_and_zsh_are_printed_from_one_source_with_no_tag_left(shell):
    assert shells.get("bash").snippet == shells.get("zsh").snippet
    text = hook_text(shell)
    assert "#@" not in text
    assert "__AUTOVENV_" not in text
    other = {"bash": "zsh", "zsh": "bash"}[shell]
    assert "export \"$_autovenv_shell\"" in text and f"_autovenv_shell={shell}\n" in text
    assert f"_autovenv_shell={other}" not in text


@pytest.mark.parametrize("shell", sorted(DEFINITION))
def test_the_kept_hook_text_is_keyed_on_every_file_it_is_made_from(shell):
    """The launcher serves a kept hook text while it is newer than these (install/hookcache.py):
    the shared source for bash and zsh, and the completion file that rides along."""
    from autovenv.install import hookcache

    adapter = shells.get(shell)
    sources = hookcache.text_sources(adapter)
    names = [source.rsplit("/", 1)[1] for source in sources[1:]]
    assert names[0] == {"bash": "autovenv.sh", "zsh": "autovenv.sh"}.get(shell, adapter.snippet)
    assert all(os.path.isfile(source) for source in sources[1:])
    if shell != "elvish":  # elvish has no completion file
        assert len(names) == 2 and names[1].startswith("completion.")


def test_dialect_keeps_each_shells_lines():
    source = ("#@ the source's own comment\n"
              "both\n"
              "bash line  #@ bash\n"
              "zsh line  #@ zsh\n"
              "#@ bash\n"
              "bash block\n"
              "#@ zsh\n"
              "zsh block\n"
              "#@ end\n"
              "both again\n")
    assert dialect(source, "bash") == "both\nbash line\nbash block\nboth again\n"
    assert dialect(source, "zsh") == "both\nzsh line\nzsh block\nboth again\n"
