"""How often one person may make the bot answer (REMINDER_BOT_USER_RATE): a sliding one-minute
window per user, decided from values with ``now`` passed in. Nudges never pass through it."""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta
from enum import StrEnum

WINDOW = timedelta(minutes=1)
# Users remembered at once; past this, those with nothing left in their window are forgotten,
# so a crowd of one-off senders cannot grow the table without bound.
MAX_TRACKED = 10_000


class Verdict(StrEnum):
    ALLOW = "allow"  # handle it as usual
    WARN = "warn"  # the first one past the limit: say once to slow down
    DROP = "drop"  # past the limit and already told: stay silent


class UserRateLimit:
    """At most ``per_window`` handled updates per user in any ``window``. Past it, one WARN and
    then DROP until the oldest handled update leaves the window; dropped ones don't count, so a
    flood never extends its own silence beyond the window."""

    def __init__(self, per_window: int, window: timedelta = WINDOW) -> None:
        if per_window < 1:
            raise ValueError("per_window must be at least 1")
        self.per_window = per_window
        self.window = window
        self._handled: dict[int, deque[datetime]] = {}
        self._warned: set[int] = set()

    def check(self, user_id: int, now: datetime) -> Verdict:
        """Count this update if it may be handled, and say what to do with it."""
        times = self._handled.get(user_id)
        if times is None:
            self._forget_idle(now)
            times = self._handled[user_id] = deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        if len(times) < self.per_window:
            times.append(now)
            self._warned.discard(user_id)
            return Verdict.ALLOW
        if user_id in self._warned:
            return Verdict.DROP
        self._warned.add(user_id)
        return Verdict.WARN

    def tracked(self) -> int:
        return len(self._handled)

    def _forget_idle(self, now: datetime) -> None:
        if len(self._handled) < MAX_TRACKED:
            return
        idle = [user for user, times in self._handled.items() if times[-1] <= now - self.window]
        for user in idle:
            del self._handled[user]
            self._warned.discard(user)
