"""The bot's sense of time. Only this module reads the real clock; everything else is handed a
``Clock`` so tests can move time by hand and the demo can run a day in minutes."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware (UTC)."""
        ...

    def seconds_until(self, when: datetime) -> float:
        """Real seconds to wait until the bot's clock shows ``when`` (0 if already past)."""
        ...


class SystemClock:
    """Wall-clock time."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def seconds_until(self, when: datetime) -> float:
        return max(0.0, (when - self.now()).total_seconds())


class ScaledClock:
    """Runs ``speed`` times faster than real time from ``start`` (default: now); for demos."""

    def __init__(self, speed: float, start: datetime | None = None) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.speed = speed
        self._start = start or datetime.now(UTC)
        self._origin = time.monotonic()

    def now(self) -> datetime:
        elapsed = (time.monotonic() - self._origin) * self.speed
        return self._start + timedelta(seconds=elapsed)

    def seconds_until(self, when: datetime) -> float:
        return max(0.0, (when - self.now()).total_seconds() / self.speed)


class ManualClock:
    """Time that moves only when a test says so; listeners (the dispatcher) hear every move."""

    # A wake-up far in the future is never reached in a test; the listener is what wakes things.
    FAR_FUTURE_SECONDS = 3600.0

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start.astimezone(UTC)
        self._listeners: list[Callable[[], None]] = []

    def now(self) -> datetime:
        return self._now

    def seconds_until(self, when: datetime) -> float:
        return 0.0 if when <= self._now else self.FAR_FUTURE_SECONDS

    def subscribe(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def set(self, when: datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = when.astimezone(UTC)
        for listener in list(self._listeners):
            listener()

    def advance(self, delta: timedelta) -> None:
        self.set(self._now + delta)


def from_epoch(seconds: int | float) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def to_epoch(when: datetime) -> int:
    return int(when.timestamp())
