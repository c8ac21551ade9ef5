"""autovenv: activate a project's venv on cd and restore the shell exactly on leaving."""

__version__ = "0.1.0"
