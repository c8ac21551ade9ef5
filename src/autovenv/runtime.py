"""Facts about the process autovenv itself runs in."""

from __future__ import annotations

import sys


def enable_site_packages() -> None:
    """Make site-packages importable when the hook started with -S (kept lean on purpose).

    Only the slow paths (creating a venv, reading TOML before 3.11) need it.
    """
    if "site" in sys.modules and not sys.flags.no_site:
        return
    import site

    site.main()
