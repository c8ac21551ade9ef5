"""PowerShell's text, checked by real pwsh (non-interactive, many values per process).

- quote(): every literal the snippet and the rc line hold (autovenv's interpreter, helper and
  command paths) evaluates in pwsh to exactly the value quoted, and runs nothing;
- the answer: records of data the snippet applies without evaluating them (_autovenv_apply);
  every value comes back exactly, in the environment and in the snippet's own lists;
- the snippet's grammar: every command it calls by name is module-qualified or its own
  (a static check, kept because a user's alias named like a cmdlet would run otherwise).
The interactive behaviour is in tests/shells/test_pwsh_*.py.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
import tree_sitter
import tree_sitter_powershell

from autovenv.hook import plan, shells
from autovenv.hook.shells import pwsh as pwsh_adapter
from tests.shells.harness import require_shell
from tests.test_quoting import HOSTILE

PARSER = tree_sitter.Parser(tree_sitter.Language(tree_sitter_powershell.language()))
# PowerShell's tokenizer (CharExtensions.IsSingleQuote) takes each of these as a single quote.
QUOTES = "'\u2018\u2019\u201a\u201b"
PWSH_HOSTILE = HOSTILE + [
    "\u2018", "\u2019", "\u201a", "\u201b", "a\u2019\u2019b", "\u2019'", "'\u2019", "it\u2019s",
    "`$x`", "$env:PATH", "@(1)", "& calc", "C:\\Program Files\\x", "a\r\nb", "#comment", "<#x#>",
    "\u201c\u201d\u201e double", "\u2013dash", "--%", "--% $(touch canary)", "[ab]*?", "-lead",
    "$(touch canary)@(1)", "\x1f", "E", "U", "L", "0", "1",
]

adapter = shells.get("pwsh")


def random_values(seed: int, count: int) -> list[str]:
    """Seeded values built mostly from PowerShell's special characters."""
    rng = random.Random(seed)
    alphabet = QUOTES + "\"`$@()[]{}*?;&|<>#%-\\/ \t\n\r\x1f\u201c\u201d\u00e9\u65e5\U0001f40d" + "abc"
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24))) for _ in range(count)]


def run_pwsh(script: str, tmp_path: Path) -> subprocess.CompletedProcess:
    path = tmp_path / "test.ps1"
    path.write_text(script, encoding="utf-8")
    done = subprocess.run([require_shell("pwsh"), "-NoLogo", "-NoProfile", "-NonInteractive", "-File",
                           str(path)], capture_output=True, cwd=tmp_path, timeout=120,
                          env={"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp_path),
                               "LANG": "C.UTF-8", "TERM": "dumb"})
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    assert not (tmp_path / "canary").exists()
    return done


def test_names():
    assert adapter.name == "pwsh"
    assert shells.get("powershell").name == "pwsh"
    assert shells.get("pwsh.exe").name == "pwsh"
    assert shells.get("PowerShell.exe").name == "pwsh"


def test_quote_evaluates_to_the_value_in_pwsh(tmp_path):
    values = PWSH_HOSTILE + random_values(17, 300)
    out = tmp_path / "values.json"
    lines = ["$values = [System.Collections.Generic.List[string]]::new()"]
    lines += [f"$values.Add({adapter.quote(v)})" for v in values]
    lines.append(f"[IO.File]::WriteAllText('{out}', (ConvertTo-Json -InputObject $values.ToArray() -Compress))")
    run_pwsh("\n".join(lines) + "\n", tmp_path)
    assert json.loads(out.read_text(encoding="utf-8")) == values


def decode_records(text: str) -> list[list[str]]:
    """The answer's records as the snippet reads them (fields between NULs)."""
    fields = text.split("\0")
    records, i = [], 0
    arity = {"E": 2, "U": 1}
    while i < len(fields):
        op = fields[i]
        if op in arity:
            records.append(fields[i:i + 1 + arity[op]])
            i += 1 + arity[op]
        elif op == "L":
            n = int(fields[i + 2])
            records.append(fields[i:i + 3 + n])
            i += 3 + n
        else:
            assert op in ("", "\n"), repr(op)
            i += 1
    return records


@pytest.mark.parametrize("value", PWSH_HOSTILE)
def test_records_keep_every_value(value):
    lines = adapter.render([plan.Set("VIRTUAL_ENV_PROMPT", value), plan.Unset("PYTHONHOME"), plan.Rehash()])
    lines += adapter.set_local("_autovenv_watch", [value, "", value + "'"])
    lines += adapter.set_local("_autovenv_globs", [])
    text = "".join(line + "\n" for line in lines)  # as export.answer_text joins them
    assert decode_records(text) == [["E", "VIRTUAL_ENV_PROMPT", value], ["U", "PYTHONHOME"],
                                    ["L", "_autovenv_watch", "3", value, "", value + "'"],
                                    ["L", "_autovenv_globs", "0"]]


def test_a_nul_is_refused():
    with pytest.raises(ValueError):
        adapter.set_env("X", "a\0b")


def test_the_snippet_applies_answers_as_data(tmp_path):
    """The snippet's own _autovenv_apply, in real pwsh: hostile values land exactly in the
    environment and in the lists; nothing runs; names outside the snippet's are not set."""
    values = PWSH_HOSTILE[1:] + random_values(23, 200)  # [0] is "" : an empty value is kept too
    changes: list[plan.Change] = [plan.Set(f"AV_T{i}", v) for i, v in enumerate(values)]
    changes += [plan.Set("AV_EMPTY", ""), plan.Unset("AV_GONE")]
    lines = adapter.render(changes)
    lines += adapter.set_local("_autovenv_probes", values)
    lines += adapter.set_local("_autovenv_watch_present", ["/present", values[3]])
    lines += adapter.set_local("_autovenv_watch_absent", ["/absent"])
    lines += adapter.set_local("evil", ["x"])
    answer = tmp_path / "answer"
    answer.write_bytes("".join(line + "\n" for line in lines).encode("utf-8"))
    out = tmp_path / "out.json"
    snippet = adapter.hook_text(sys.executable)
    script = snippet + f"""
$env:AV_GONE = 'here'
$global:evil = 'untouched'
_autovenv_apply ([IO.File]::ReadAllText('{answer}'))
$envs = @(for ($i = 0; $i -lt {len(values)}; $i++) {{ [Environment]::GetEnvironmentVariable("AV_T$i") }})
$result = [ordered]@{{
    env = $envs; probes = $global:_autovenv_probes; evil = $global:evil
    empty = [Environment]::GetEnvironmentVariable('AV_EMPTY'); gone = $null -eq $env:AV_GONE
    present = $global:_autovenv_watch_present; absent = $global:_autovenv_watch_absent
}}
[IO.File]::WriteAllText('{out}', (ConvertTo-Json -InputObject $result -Compress))
"""
    run_pwsh(script, tmp_path)
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["env"] == values
    assert result["probes"] == values
    assert result["empty"] == "" and result["gone"] is True
    assert result["evil"] == "untouched"
    assert result["present"] == ["/present", values[3]] and result["absent"] == ["/absent"]


# --- The snippet's grammar (static) ----------------------------------------------------------


def parse(text: str) -> tree_sitter.Node:
    return PARSER.parse(text.encode("utf-8")).root_node


def nodes(node: tree_sitter.Node, kind: str) -> list[tree_sitter.Node]:
    out = [node] if node.type == kind else []
    for child in node.children:
        out += nodes(child, kind)
    return out


def test_snippet_calls_nothing_a_user_can_alias():
    """Every cmdlet is module-qualified; the only bare commands are the snippet's own."""
    root = parse(adapter.hook_text(sys.executable))
    names = {n.child_by_field_name("command_name").text.decode() for n in nodes(root, "command")
             if n.child_by_field_name("command_name") is not None}
    # `& $variable` calls what the variable holds: no lookup by name.
    bare = {n for n in names if "\\" not in n and not n.startswith("$")}
    own = {"_autovenv_in_scope", "_autovenv_watch_changed", "_autovenv_run", "_autovenv_hook",
           "_autovenv_apply", "_autovenv_prompt_prefix", "_autovenv_complete", "_autovenv_realpath",
           "_autovenv_redirect_changed"}
    assert bare <= own, bare
    qualified = {n for n in names - bare if not n.startswith("$")}
    assert qualified and all(n.startswith("Microsoft.PowerShell.") for n in qualified), qualified


def test_record_helper_is_the_adapters():
    assert pwsh_adapter.record("E", "A", "b") == "\0E\0A\0b\0"
