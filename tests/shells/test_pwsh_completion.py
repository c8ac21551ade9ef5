"""Tab completion in pwsh: registered with Register-ArgumentCompleter -Native, autovenv asked
only when Tab is pressed (click's protocol), checked with TabExpansion2 and a real Tab."""

from __future__ import annotations

import json

from tests.shells.test_process_counts import PYTHON, traced


def completions(s, line: str) -> list[str]:
    out = s.tmp / "completions.json"
    s.run(f"$r = TabExpansion2 -inputScript '{line}' -cursorColumn {len(line)}; "
          f"[IO.File]::WriteAllText('{out}', (ConvertTo-Json -Compress -InputObject "
          "@($r.CompletionMatches | ForEach-Object CompletionText)))")
    return json.loads(out.read_text())


def test_subcommands_options_and_paths(tmp_path, open_shell):
    (tmp_path / "somedir").mkdir()
    s = open_shell("pwsh", cwd=tmp_path)
    assert completions(s, "autovenv al") == ["allow"]
    assert {"allow", "create", "deny", "doctor", "hook", "init", "status"} <= set(completions(s, "autovenv "))
    assert completions(s, "autovenv init --dr") == ["--dry-run"]
    # A directory argument: PowerShell's own path completion.
    assert completions(s, "autovenv allow som") == ["./somedir"] or completions(s, "autovenv allow som") == ["somedir"]


def test_no_process_until_tab_then_one(tmp_path, open_shell):
    s = open_shell("pwsh")
    assert traced(s, "idle", ["$null"] * 5) == (0, [])
    spawned, programs = traced(s, "tab", ["$null = TabExpansion2 -inputScript 'autovenv al' -cursorColumn 11"])
    assert (spawned, programs) == (1, [PYTHON])


def test_a_real_tab_completes_at_the_prompt(tmp_path, open_shell):
    s = open_shell("pwsh")
    s.child.send("autovenv al\t")
    s._expect("allow", timeout=30)  # never typed: only completion writes it
    s.child.send("\x03")  # Ctrl+C: PSReadLine drops the line, a new prompt follows
    s._prompt(30)
    assert s.run("'still' + '-here'").count("still-here") == 1
