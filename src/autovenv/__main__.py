"""`python -m autovenv` and the `autovenv` console script.

`autovenv hook SHELL` runs in every new shell (`eval "$(autovenv hook zsh)"`), so it is served
here with the standard library only; importing click would cost more than the interpreter's
own start-up (issue 5). Everything else, and every error, goes through cli.py.
"""

import sys


def main() -> None:
    args = sys.argv[1:]
    if len(args) == 2 and args[0] == "hook":
        import gc

        gc.disable()  # this process lives for milliseconds: collecting cycles is wasted work
        from autovenv.hook import preload

        preload.load()
        from autovenv.hook import shells

        try:
            shell = shells.get(args[1])
        except KeyError:
            pass  # cli.py says what is wrong
        else:
            from autovenv.hook import fs
            from autovenv.hook.export import cannot_write, write
            from autovenv.install.hookcache import hook_text

            try:
                write(sys.stdout, hook_text(shell, sys.executable))
            except OSError as e:
                fs.exit_now(cannot_write(e))
            if preload.outdated():  # after the text, so a stale bundle costs this one run only
                from autovenv.hook import bundlewrite

                bundlewrite.rebuild()
            fs.exit_now(0)
    # Started lean (the launcher's -IS): click lives in site-packages.
    from autovenv.runtime import enable_site_packages

    enable_site_packages()
    from autovenv.cli import run

    run()


if __name__ == "__main__":
    main()
