"""Where pwsh is missing: CI fails, a user's checkout skips with how to install it."""

from __future__ import annotations

import pytest

from tests.shells.harness import require_shell


def test_missing_pwsh_skips_with_how_to_install(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"^pwsh is not installed \(.*install-pwsh\)$"):
        require_shell("pwsh")


def test_missing_pwsh_fails_in_ci(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must test with it"):
        require_shell("pwsh")
