"""reminder-bot: daily nudges to move, stretch, drink water and check posture, over Telegram."""

__version__ = "0.1.0"

import os as _os

# Opt in now to PTB 23's behaviour (durations as timedelta) instead of a warning per 429.
_os.environ.setdefault("PTB_TIMEDELTA", "1")


def _sqlite_utils_without_numpy() -> None:
    """Import sqlite-utils with numpy held back. sqlite-utils imports numpy whenever it is
    installed (to store numpy values, which the bot never has), and matplotlib installs it for
    the charts: ~20 MB and ~0.1 s of every start for nothing. The first chart imports numpy as
    usual; a process that already has numpy is left as it is."""
    import sys

    if "sqlite_utils" in sys.modules or "numpy" in sys.modules:
        return
    sys.modules["numpy"] = None  # type: ignore[assignment]  # makes `import numpy` fail
    try:
        import sqlite_utils  # noqa: F401
    finally:
        del sys.modules["numpy"]


_sqlite_utils_without_numpy()
