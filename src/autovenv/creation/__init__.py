"""Making a project's venv: the right Python, the backend, the lock. Loaded only for rule 2
(a project without a venv), or by `autovenv create`/`recreate`."""
