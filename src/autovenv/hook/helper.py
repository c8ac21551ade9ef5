"""The per-cd helper, run by the snippets as `python -I -S .../autovenv/hook/helper.py export SHELL`:
no site-packages, standard library only. Compiled at every run (a script has no .pyc): short."""

import gc
import sys


def _load(name: str, path: str, package_dir: "str | None" = None):  # type: ignore[no-untyped-def]
    """Import module `name` from its file (its .pyc as importlib keeps it), without the
    search: importlib would first list every standard library directory, where it never is."""
    spec = sys.modules["_frozen_importlib_external"].spec_from_file_location(
        name, path, submodule_search_locations=[package_dir] if package_dir else None)
    module = sys.modules[name] = sys.modules["_frozen_importlib"].module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


if __name__ == "__main__":
    gc.disable()  # the process lives for milliseconds: collecting cycles is wasted work
    # -I keeps this file's directory off sys.path; our package's parent goes last, behind the
    # stdlib, so nothing beside it can shadow a standard module. The snippets pass a clean
    # absolute path; anything else is worked out with os.
    here = __file__
    if here.startswith("/") and "//" not in here and "/./" not in here and "/../" not in here:
        sys.path.append(here.rsplit("/", 3)[0])
        package_dir = here.rsplit("/", 2)[0]
        for name, path in (("autovenv", package_dir), ("autovenv.hook", package_dir + "/hook")):
            package = sys.modules[name] = type(sys)(name)
            package.__path__ = [path]
        hook = package
        preload = hook.preload = _load("autovenv.hook.preload", package_dir + "/hook/preload.py")
    else:
        import os

        sys.path.append(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(here)))))
        from autovenv.hook import preload

    preload.load()
    from autovenv.hook.export import main
    from autovenv.hook.fs import exit_now

    status = main(sys.argv[1:])
    if preload.outdated():  # after the answer, so a stale bundle costs this one run only
        from autovenv.hook import bundlewrite

        bundlewrite.rebuild()
    exit_now(status)
