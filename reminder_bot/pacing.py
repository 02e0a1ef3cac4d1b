"""The global pace as a sliding window: at most ``limit`` grants in any ``window`` seconds.

A fixed interval (``next = max(next, now) + 1/rate``) loses every moment a timer fires late:
each late wake-up pushes all later grants back, so the achieved rate sits a few percent under
the cap. The window instead remembers the last ``limit`` grants and allows the next one as soon
as the oldest of them is ``window`` seconds old, so a late grant is followed by an early one
(the lateness is carried as credit) and yet no window of that length ever holds more than
``limit``: the cap is used whole and never exceeded. The credit is bounded by the window rule
itself: after an idle second the pace allows ``limit`` grants at once, never more.
"""

from __future__ import annotations

import math
import random
from collections import deque


class WindowPace:
    """At most ``limit`` grants in any ``window`` seconds: the whole messages in one second at
    ``rate`` >= 1 (30 in any 1 s at 30/s; 7 at 7.5/s, as 8 would exceed the cap in some second),
    one in any ``1 / rate`` seconds below 1/s. Times are the caller's monotonic seconds."""

    def __init__(
        self, rate: float, *, margin: float = 0.0, steady_at: float | None = None
    ) -> None:
        if rate <= 0:
            raise ValueError(f"the rate must be positive, not {rate}")
        self.limit = max(1, math.floor(rate + 1e-9))
        # ``margin`` widens the window, for jitter between here and the receiver's clock.
        self.window = (1.0 if rate >= 1 else 1.0 / rate) + margin
        self._grants: deque[float] = deque(maxlen=self.limit)
        if steady_at is not None:
            # As if the last window had been granted at an even pace up to ``steady_at``: a
            # process restarted within a second of a crash cannot know what its predecessor
            # sent, so it starts at the pace, without a burst of credit on top of it.
            step = self.window / self.limit
            self._grants.extend(
                steady_at - self.window + step * (i + 1) for i in range(self.limit)
            )

    def free_at(self) -> float:
        """The earliest instant the next grant may take (minus infinity: any time)."""
        if len(self._grants) < self.limit:
            return -math.inf
        return self._grants[0] + self.window

    def grant(self, now: float) -> None:
        """Record a grant at ``now``; the caller checked ``now >= free_at()``."""
        self._grants.append(now)


def backoff(attempt: int, *, base: float = 0.5, cap: float = 30.0, rng: random.Random) -> float:
    """Capped exponential backoff with full jitter (attempt 1, 2, ...) before a retry."""
    return rng.uniform(0, min(cap, base * 2 ** (attempt - 1)))
