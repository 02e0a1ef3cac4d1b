"""How many nudges the sender keeps in flight, and the HTTP pool that carries them.

Each nudge in flight is a possible duplicate if the process dies (its row is ``sending``), so
the sender keeps only as many in flight as the global pace needs at the measured round trip,
under a hard ceiling.
"""

from __future__ import annotations

import itertools
import math
from collections import deque

import httpx

# The ceiling on nudges in flight, as a round-trip time: never more than one second of the
# global pace is in flight (30 nudges at Telegram's 30/s), so a crash can repeat at most that
# many. Telegram answers in tens to hundreds of milliseconds, so the full pace is kept at any
# normal latency (up to 0.5 s, as the slots allow twice the shortest round trip); a slower
# answer means Telegram is struggling, and then the sender slows down rather than put more
# possible duplicates in flight. Without it the bound would follow the measured latency without
# limit (connect, write and read each get the full HTTP timeout: 10 s by default).
MAX_HOLD_IN_FLIGHT = 1.0  # seconds
ROUND_TRIPS = 64  # the recent round trips the estimate looks at

# httpcore scans its whole pool on every request and every answer, and for each idle connection
# polls the socket and counts the pool again: with dozens of connections kept alive after a
# moment of high concurrency that was ~40% of the bot's CPU in a 300/s burst (docs/
# performance.md). So only a few idle connections are kept, more than the nudges in flight
# need at Telegram's latency; more are still opened when more calls run at once.
KEEPALIVE_CONNECTIONS = 8

# A nudge in flight this many times the shortest round trip (and at least STRAGGLER_MIN) is a
# straggler: Telegram is slow with that one request (a timeout may be on its way). It keeps its
# place under the ceiling but gives up its slot, so one hung request does not hold up every
# other nudge for the whole HTTP timeout (with one slot against a fast server it did: 10% of
# failing sends cut the pace to 5% of the cap, docs/performance.md).
STRAGGLER_FACTOR = 4
STRAGGLER_MIN = 0.25  # seconds


def connection_limits(pool_size: int = 256) -> httpx.Limits:
    """The bot's HTTP pool: ``pool_size`` connections at most (PTB's default), few idle."""
    return httpx.Limits(max_connections=pool_size, max_keepalive_connections=KEEPALIVE_CONNECTIONS)


def max_nudge_slots(global_rate: float) -> int:
    """The hard ceiling on nudges in flight at ``global_rate`` messages/s, whatever the
    measured latency: one second of the pace (30 at Telegram's 30/s), and at least one."""
    return max(1, math.ceil(global_rate * MAX_HOLD_IN_FLIGHT))


class RoundTrips:
    """The nudge slots the pace needs: twice the pace times the shortest recent round trip.

    The shortest, not the mean: when the bot's own loop is busy, every round trip it measures
    includes the wait for the loop, and that wait grows with the calls in flight, so sizing by
    the mean fed on itself (at 300/s on two cores it put hundreds in flight, each one making the
    pool's scans dearer). Twice, because Telegram's round trips spread above their minimum.
    One slot until the first answer: a bot restarting after a crash starts with a backlog due
    at once, and the pace's credit would grant a whole second of it before anything is
    measured; the first round trip sizes the slots (at Telegram's ~100 ms, from the second
    nudge on).
    """

    def __init__(self, global_rate: float) -> None:
        self.rate = global_rate
        self.ceiling = max_nudge_slots(global_rate)
        self.shortest = 0.0  # nothing measured yet: one slot
        self._recent: deque[float] = deque(maxlen=ROUND_TRIPS)

    def add(self, seconds: float) -> None:
        """One nudge's HTTP round trip (without its delivery-log mark)."""
        self._recent.append(seconds)
        self.shortest = min(self._recent)

    def slots(self) -> int:
        """Nudges that may be in flight at once: at least one, at most ``ceiling``."""
        return self.slots_at(self.shortest)

    def straggler_after(self) -> float:
        """How long a nudge may be in flight before it stops holding a slot."""
        return max(STRAGGLER_MIN, STRAGGLER_FACTOR * self.shortest)

    def slots_at(self, round_trip: float) -> int:
        """The slots for a shortest round trip of ``round_trip`` seconds."""
        return max(1, min(math.ceil(round_trip * self.rate * 2), self.ceiling))


class Flights:
    """The nudges in flight, each by the instant it started (the caller's monotonic seconds),
    and when another may start: fewer than the slots are young, and fewer than the ceiling
    are in flight at all."""

    def __init__(self, trips: RoundTrips) -> None:
        self._trips = trips
        self._started: dict[int, float] = {}  # in start order: a flight starts at "now"
        self._ids = itertools.count()

    def __len__(self) -> int:
        return len(self._started)

    def start(self, now: float) -> int:
        """Record a nudge starting; the id to ``end`` it with."""
        flight = next(self._ids)
        self._started[flight] = now
        return flight

    def end(self, flight: int) -> None:
        self._started.pop(flight, None)

    def free_at(self, now: float) -> float | None:
        """When another nudge may start: ``now`` or earlier if it may now, the instant enough
        young flights turn stragglers, or None if only an answer frees one (the ceiling)."""
        if len(self._started) >= self._trips.ceiling:
            return None
        young_for = self._trips.straggler_after()
        young = [t for t in self._started.values() if t > now - young_for]
        slots = self._trips.slots()
        if len(young) < slots:
            return now
        return young[len(young) - slots] + young_for
