"""Does an existing venv's Python still match what its project asks for? Files only, nothing run."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

from autovenv.creation.requests import names, version_name
from autovenv.creation.specifiers import satisfies, specifier
from autovenv.hook import config, venvs


def hints(venv: str, project: str, env: Mapping[str, str]) -> list[str]:
    """One-line hints about an existing venv: Python no longer what the project asks for.
    (Whether it is in sync with the project's requirements: syncstate.py.)"""
    out: list[str] = []
    cfg = config.load(project, env)
    version = venvs.python_version(venv)
    if version:
        why = satisfies_request(version, project, cfg)
        if why:
            out.append(f"{venv} has Python {version} but {why}; autovenv recreate fixes it")
    return out


def satisfies_request(version: str, project: str | None, cfg) -> str | None:  # type: ignore[no-untyped-def]
    """Why a venv of Python `version` does not match what the project asks for ('' = it does,
    None = cannot tell). Only files are read; nothing is run."""
    try:
        numbers = tuple(int(x) for x in version.split(".")[:3])
    except ValueError:
        return None
    text = cfg.python_version
    if text:
        ok = names(text, "cpython", numbers)
        return None if ok is None else ("" if ok else f".python-version asks for {text}")
    if cfg.python and cfg.project_python and version_name(cfg.python) is not None:
        ok = names(cfg.python, "cpython", numbers)
        return "" if ok else f"[tool.autovenv] python asks for {cfg.python}"
    if cfg.requires_python:
        spec = specifier(cfg.requires_python)
        if spec is not None:
            return "" if satisfies(spec, numbers) else f"requires-python is {cfg.requires_python}"
    return ""
