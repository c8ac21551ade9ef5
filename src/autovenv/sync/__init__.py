"""Keeping a venv in sync with the project's requirements: consent, the project's own
installer, and the record of the last sync."""
