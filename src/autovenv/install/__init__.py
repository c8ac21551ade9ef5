"""Putting autovenv in a shell: rc files, the sh launcher, the hook text kept for it."""
