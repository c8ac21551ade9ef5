"""The per-cd path: what the snippets' helper runs at a boundary `cd`. Standard library only.

helper.py is the entry point; export.py decides and writes the answer; discover, venvs, trust,
plan and scope are the steps of that decision; shells/ speaks each shell's language.
Beneath them: paths and fs reach the file system without os; messages says things once;
config, tomlfile, leantoml and leanstrings read settings; preload serves these modules from one
file that bundlewrite writes.
"""
