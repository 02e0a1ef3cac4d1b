"""reminder-bot: daily nudges to move, stretch, drink water and check posture, over Telegram."""

__version__ = "0.1.0"

import os as _os

# Opt in now to PTB 23's behaviour (durations as timedelta) instead of a warning per 429.
_os.environ.setdefault("PTB_TIMEDELTA", "1")
