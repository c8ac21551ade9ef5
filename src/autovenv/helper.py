"""Entry point of the per-cd helper, run by the snippets as
`python -I -S /path/to/autovenv/helper.py export SHELL`: no site-packages, stdlib only."""

import sys

if __name__ == "__main__":
    import gc

    gc.disable()  # the process lives for milliseconds: collecting cycles is wasted work
    # -I keeps this file's directory off sys.path; our package's parent goes last, behind
    # the stdlib, so nothing beside it can shadow a standard module.
    parent = __file__.rsplit("/", 2)[0]
    clean = not any(bit in __file__ for bit in ("//", "/./", "/../"))
    if sys.platform != "win32" and parent.startswith("/") and clean:
        sys.path.append(parent)  # the snippets pass a clean absolute path: no `os` needed
    else:
        import os

        sys.path.append(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from autovenv.export import main
    from autovenv.fs import exit_now

    exit_now(main(sys.argv[1:]))
