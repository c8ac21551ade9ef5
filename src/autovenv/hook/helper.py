"""The per-cd helper, run by the snippets as `python -I -S .../autovenv/hook/helper.py export SHELL`.

A script is compiled at every run (it has no .pyc), so this one stays a few lines: it loads
preload.py from its .pyc, without importlib's search of the standard library; preload.boot()
serves the rest from the bundle, and export.run answers."""

import sys

if __name__ == "__main__":
    here = __file__
    if not here.startswith("/") or "//" in here or "/./" in here or "/../" in here:
        import os  # not as the snippets pass it (or Windows): worked out by os

        here = os.path.abspath(here)
    spec = sys.modules["_frozen_importlib_external"].spec_from_file_location(
        "autovenv.hook.preload", here[: -len("helper.py")] + "preload.py")
    preload = sys.modules[spec.name] = sys.modules["_frozen_importlib"].module_from_spec(spec)
    spec.loader.exec_module(preload)
    preload.boot()
    from autovenv.hook.export import run

    run(sys.argv[1:])
