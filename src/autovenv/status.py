"""`autovenv status`: the decision for a directory, and why, in words and as JSON."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from autovenv.hook import discover, plan, venvs
from autovenv.hook.errors import AutovenvError
from autovenv.hook.trust import TrustStore


def report(directory: str, env: Mapping[str, str]) -> dict[str, Any]:
    directory = os.path.realpath(directory)
    finding = discover.find(directory, env)
    info: dict[str, Any] = {
        "directory": directory,
        "rule": finding.rule,
        "reason": finding.reason,
        "project": finding.project or finding.holder,
        "marker": finding.marker,
        "venv": finding.venv,
        "venv_exists": finding.rule == 1,
        "redirect": finding.redirect,
        "python": None,
        "trusted": None,
        "trust_reason": None,
        "health": None,
        "active": False,
        "will_activate": False,
        "disabled": env.get("AUTOVENV_DISABLE", "") not in ("", "0"),
        "hand_activated": env.get("VIRTUAL_ENV") if plan.hand_activated(env) else None,
        "problems": list(finding.problems),
        "hints": [],
        "would_use": None,  # no venv yet: the Python a creation would use
        "skipped": [],  # interpreters that are never run, and why
        "sync": None,  # in sync / out of date / never synced / last sync failed / no venv yet
        "sync_detail": None,
        "sync_log": None,
        "sync_tool": None,
        "sync_mode": None,
        "consent": None,
        "consent_reason": None,
    }
    if finding.rule == 1 and finding.venv:
        verdict = TrustStore(env).verdict(finding.venv)
        health = venvs.check_health(finding.venv)
        info.update(
            python=venvs.python_version(finding.venv) or None,
            trusted=verdict.trusted,
            trust_reason=verdict.reason,
            health=health.problem or "ok",
            # activated at its real path (export.decide)
            active=plan.owns_active_venv(env) and env.get("VIRTUAL_ENV") == os.path.realpath(finding.venv),
            will_activate=verdict.trusted and not health.problem,
        )
        if finding.holder:  # Python no longer what the project asks for; stale dependencies
            from autovenv.creation.mismatch import hints

            info["hints"] = hints(finding.venv, finding.holder, env)
    project = finding.project or finding.holder
    if project and finding.venv:
        info.update(sync_report(project, finding.venv, finding.rule == 1, env))
    if project:  # a pyproject.toml or config file that cannot be read: creation would say so
        from autovenv.hook import config

        cfg = config.load(project, env)
        info["problems"] += [p for p in cfg.problems if p not in info["problems"]]
        if finding.rule == 2:
            _would_use(info, project, cfg, env)
    return info


def _would_use(info: dict[str, Any], project: str, cfg: Any, env: Mapping[str, str]) -> None:
    """The Python a creation would choose, or why none fits; and the candidates skipped."""
    from autovenv.creation import interpreters
    from autovenv.hook.errors import NoInterpreter

    try:
        interp, request = interpreters.choose(project, cfg, env, info["skipped"])
        info["would_use"] = f"Python {interp}, for {request.describe()}"
    except NoInterpreter as e:
        info["problems"].append(str(e))
def sync_report(project: str, venv: str, exists: bool, env: Mapping[str, str]) -> dict[str, Any]:
    """The sync half of `status`: the venv against the project's inputs, which tool would
    sync it, and whether autovenv may do so on its own (and why)."""
    from autovenv.hook import config
    from autovenv.sync import choice as sync
    from autovenv.sync import consent, syncstate

    cfg = config.load(project, env)
    why = consent.reason(project, env)
    out: dict[str, Any] = {"consent": bool(why), "consent_reason": why or (
        "you have not run autovenv sync or autovenv allow there, and it is not under a "
        "directory your config trusts"), "sync_mode": cfg.sync}
    try:
        plan = sync.choose(project, venv, env, cfg)
        out["sync_tool"] = plan.what if plan else "nothing to install"
    except AutovenvError as e:
        out["sync_tool"] = f"none: {e}"
    if not exists:
        out["sync"] = "no venv yet"
        return out
    state = syncstate.state(project, venv, env)
    out["sync"] = state.state
    if state.state == syncstate.OUT_OF_DATE:
        out["sync_detail"] = state.changed
    elif state.state == syncstate.LAST_FAILED:
        out["sync_detail"] = state.message
        out["sync_log"] = state.log
    return out


def describe(info: Mapping[str, Any]) -> str:
    lines = [f"directory: {info['directory']}"]
    if info["rule"] == 3:
        lines.append("project:   none")
    else:
        lines.append(f"project:   {info['project']}")
    lines.append(f"why:       rule {info['rule']}: {info['reason']}")
    if info["venv"]:
        if info["venv_exists"]:
            python = f" (Python {info['python']})" if info["python"] else ""
            lines.append(f"venv:      {info['venv']}{python}")
            lines.append(f"trusted:   {'yes' if info['trusted'] else 'no'}: {info['trust_reason']}")
            if info["health"] != "ok":
                lines.append(f"health:    {info['health']}")
            lines.append("active:    " + ("yes" if info["active"] else "no"))
            if not info["will_activate"]:
                lines.append("autovenv will not activate it" + (
                    f"; to trust it: autovenv allow {info['project']}" if not info["trusted"] else ""))
        else:
            lines.append(f"venv:      no venv yet (it would be {info['venv']})")
            if info.get("would_use"):
                lines.append(f"python:    {info['would_use']}")
    if info["sync"]:
        detail = f" ({info['sync_detail']})" if info["sync_detail"] else ""
        log = f"; log: {info['sync_log']}" if info["sync_log"] else ""
        lines.append(f"sync:      {info['sync']}{detail}{log}")
        lines.append(f"synced by: {info['sync_tool']}")
        lines.append(f"consent:   {'yes' if info['consent'] else 'no'}: {info['consent_reason']}")
        if info["consent"] and info["sync_mode"] == "auto":
            lines.append("           autovenv syncs it on cd when it is out of date (sync = \"auto\")")
        elif info["sync"] != "in sync":
            lines.append("           to sync it (this runs the project's build): "
                         f"autovenv sync {info['project']}")
    if info["disabled"]:
        lines.append("paused:    AUTOVENV_DISABLE is set")
    if info["hand_activated"]:
        lines.append(f"note:      {info['hand_activated']} was activated by hand; autovenv leaves it alone")
    for line in info.get("skipped", []):
        lines.append(f"skipped:   {line}")
    for hint in info.get("hints", []):
        lines.append(f"hint:      {hint}")
    for problem in info["problems"]:
        lines.append(f"problem:   {problem}")
    return "\n".join(lines)
