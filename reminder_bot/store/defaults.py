"""The rules of the scheduled messages that are not nudges, as every new user gets them: the
weekly summary on (Sunday 18:00 local), the pain check-in off until asked for (then 20:00)."""

from __future__ import annotations

from datetime import time

from reminder_bot.schedule import ALL_DAYS, At

SUMMARY_DEFAULT = At((time(18, 0),), frozenset({6}))
CHECKIN_DEFAULT = At((time(20, 0),), ALL_DAYS)
