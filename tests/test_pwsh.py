"""PowerShell: not installable on CI's Linux, so its text is checked with PowerShell's grammar.

The snippet and every statement the helper emits for pwsh must parse with no ERROR or MISSING
node, and every string literal must decode - by PowerShell's own tokenizer rules, not the
grammar's - to exactly the value that was quoted.
"""

from __future__ import annotations

import sys

import pytest
import tree_sitter
import tree_sitter_powershell
from hypothesis import given, settings
from hypothesis import strategies as st

from autovenv import plan, shells
from tests.test_quoting import HOSTILE

PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_powershell.language()))
# PowerShell's tokenizer (CharExtensions.IsSingleQuote) takes each of these as a single quote.
QUOTES = "'\u2018\u2019\u201a\u201b"
PWSH_HOSTILE = HOSTILE + [
    "\u2018", "\u2019", "\u201a", "\u201b", "a\u2019\u2019b", "\u2019'", "'\u2019", "it\u2019s",
    "`$x`", "$env:PATH", "@(1)", "& calc", "C:\\Program Files\\x", "a\r\nb", "#comment", "<#x#>",
    "\u201c\u201d\u201e double", "\u2013dash",
]

adapter = shells.get("pwsh")


def parse(text: str) -> tree_sitter.Node:
    return PARSER.parse(text.encode("utf-8")).root_node


def problems(node: tree_sitter.Node) -> list[str]:
    """Every ERROR or MISSING node, with its text."""
    found = []
    if node.is_error or node.is_missing:
        found.append(f"{node.type} at {node.start_point}: {node.text!r}")
    for child in node.children:
        found += problems(child)
    return found


def nodes(node: tree_sitter.Node, kind: str) -> list[tree_sitter.Node]:
    out = [node] if node.type == kind else []
    for child in node.children:
        out += nodes(child, kind)
    return out


def decode(token: str) -> str:
    """A '...' token's value by PowerShell's rules (Tokenizer.ScanStringLiteral): any single
    quote ends it unless the next character is one too, and then that next one is kept."""
    assert token[0] in QUOTES, token
    out, i = [], 1
    while True:
        assert i < len(token), f"unterminated: {token!r}"
        c = token[i]
        if c in QUOTES:
            if i + 1 < len(token) and token[i + 1] in QUOTES:
                out.append(token[i + 1])
                i += 2
                continue
            break
        out.append(c)
        i += 1
    assert i == len(token) - 1, f"the string ends before its token does: {token!r}"
    return "".join(out)


def literals(text: str) -> list[str]:
    """The decoded values of the string literals in `text`, which must parse cleanly."""
    root = parse(text)
    assert problems(root) == [], text
    return [decode(n.text.decode("utf-8")) for n in nodes(root, "string_literal")]


def test_names():
    assert adapter.name == "pwsh"
    assert shells.get("powershell").name == "pwsh"
    assert shells.get("pwsh.exe").name == "pwsh"
    assert shells.get("PowerShell.exe").name == "pwsh"


@pytest.mark.parametrize("value", PWSH_HOSTILE)
def test_quote_decodes_to_the_value(value):
    assert decode(adapter.quote(value)) == value


@pytest.mark.parametrize("value", PWSH_HOSTILE)
def test_set_env_is_one_assignment_of_one_literal(value):
    line = adapter.set_env("VIRTUAL_ENV_PROMPT", value)
    root = parse(line)
    assert problems(root) == []
    assert [n.text for n in nodes(root, "variable")] == [b"$env:VIRTUAL_ENV_PROMPT"]
    assert len(nodes(root, "assignment_expression")) == 1
    assert literals(line) == [value]
    # Nothing in a '...' string is expanded: no subexpression, no command, no second statement.
    for kind in ("sub_expression", "command", "expandable_string_literal"):
        assert nodes(root, kind) == [], kind


@pytest.mark.parametrize("value", PWSH_HOSTILE)
def test_set_local_is_an_array_of_literals(value):
    values = [value, "plain", value + "'"]
    (line,) = adapter.set_local("_autovenv_watch", values)
    assert line.startswith("$global:_autovenv_watch = @(")
    root = parse(line)
    assert [n.text for n in nodes(root, "variable")] == [b"$global:_autovenv_watch"]
    assert literals(line) == values


def test_set_local_empty_and_single():
    assert adapter.set_local("_autovenv_globs", []) == ["$global:_autovenv_globs = @()"]
    assert literals(adapter.set_local("_autovenv_scope", [""])[0]) == [""]


def test_unset_is_a_qualified_literal_path_removal():
    line = adapter.unset_env("PYTHONHOME")
    root = parse(line)
    assert problems(root) == []
    (command,) = nodes(root, "command")
    name = command.child_by_field_name("command_name")
    assert name is not None and name.text == b"Microsoft.PowerShell.Management\\Remove-Item"
    assert b"-LiteralPath Env:PYTHONHOME" in command.text


@settings(max_examples=300, deadline=None)
@given(values=st.lists(st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                                      blacklist_characters="\0"), max_size=30),
                       max_size=4))
def test_rendered_output_parses_and_every_value_survives(values):
    """A whole answer as the helper prints it: every change kind plus the snippet's state."""
    name = values[0] if values else "x"
    changes = [
        plan.Set("PATH", name + ";" + "C:\\Windows"),
        plan.Set("VIRTUAL_ENV", name),
        plan.Unset("PYTHONHOME"),
        plan.Set("AUTOVENV_OLD_VIRTUAL_ENV_PROMPT", "+" + name),
        plan.Rehash(),
    ]
    lines = adapter.render(changes)
    lines += adapter.set_local("_autovenv_probes", values)
    lines += adapter.set_local("_autovenv_said", ["\x1f".join(values)])
    text = "".join(line + "\n" for line in lines)
    assert literals(text) == [name + ";C:\\Windows", name, "+" + name, *values, "\x1f".join(values)]
    assert len(nodes(parse(text), "command")) == 1  # the Remove-Item, nothing else runs


@pytest.mark.parametrize("python", [sys.executable, "C:\\Users\\O'Brien\u2019s\\p y\\python.exe"])
def test_snippet_parses_with_the_interpreter_filled_in(python):
    text = adapter.hook_text(python)
    assert "__AUTOVENV_" not in text
    assert "\r\n" not in text
    root = parse(text)
    assert problems(root) == []
    verbatim = [n.text.decode() for n in nodes(root, "string_literal") if n.text[:1] == b"'"]
    assert python in [decode(t) for t in verbatim]


def test_snippet_calls_nothing_a_user_can_alias():
    """Every cmdlet is module-qualified; the only bare commands are the snippet's own."""
    root = parse(adapter.hook_text(sys.executable))
    names = {n.child_by_field_name("command_name").text.decode() for n in nodes(root, "command")
             if n.child_by_field_name("command_name") is not None}
    # `& $variable` calls what the variable holds: no lookup by name.
    bare = {n for n in names if "\\" not in n and not n.startswith("$")}
    own = {"_autovenv_in_scope", "_autovenv_watch_changed", "_autovenv_run", "_autovenv_hook"}
    assert bare <= own, bare
    qualified = {n for n in names - bare if not n.startswith("$")}
    assert qualified and all(n.startswith("Microsoft.PowerShell.") for n in qualified), qualified
