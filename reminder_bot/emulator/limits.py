"""Telegram's message rate limits, as token buckets.

Only messages count (sendMessage, sendPhoto, sendDocument, forward and copy), not chat actions.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from .errors import too_many


def _limit(default: float, meaning: str) -> Any:
    return field(default=default, metadata={"help": meaning})


@dataclass
class Limits:
    """Token-bucket limits. A rate of 0 disables that limit.

    Telegram asks for at most 1 message/s per chat, 20/min per group and about 30/s overall; it
    tolerates short bursts without publishing their size, so the emulator allows
    ``per_chat_burst`` (3) back-to-back messages to one chat, ``group_burst`` (20) to a group,
    ``global_burst`` (30) overall.
    """

    per_chat_rate: float = _limit(1.0, "messages per second to one chat, 0 for no limit")
    per_chat_burst: float = _limit(3.0, "messages that may go back-to-back to one chat")
    group_per_minute: float = _limit(20.0, "messages per minute to one group, 0 for no limit")
    group_burst: float = _limit(20.0, "messages that may go back-to-back to one group")
    global_rate: float = _limit(30.0, "messages per second overall, 0 for no limit")
    global_burst: float = _limit(30.0, "messages that may go back-to-back overall")

    def as_dict(self) -> dict[str, float]:
        """The limits by name."""
        return asdict(self)

    @classmethod
    def names(cls) -> list[str]:
        """The limits' names, as keyword arguments and control API fields."""
        return [f.name for f in fields(cls)]

    @classmethod
    def meaning(cls, name: str) -> str:
        """What a limit means, for --help."""
        return str(cls.__dataclass_fields__[name].metadata["help"])


@dataclass
class _Bucket:
    rate: float  # tokens per second; 0 = unlimited
    burst: float
    tokens: float
    stamp: float

    @classmethod
    def full(cls, rate: float, burst: float, now: float) -> _Bucket:
        size = max(burst, 1.0)
        return cls(rate, size, size, now)

    def wait_time(self, now: float) -> float:
        """Seconds until one token is available (0 if available now); refills first."""
        if self.rate <= 0:
            return 0.0
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            return 0.0
        return (1.0 - self.tokens) / self.rate

    def take(self) -> None:
        if self.rate > 0:
            self.tokens -= 1.0


class RateLimiter:
    """The global bucket plus one per chat and one per group, created on first use."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self._restart()

    def _restart(self) -> None:
        lim = self.limits
        self._global = _Bucket.full(lim.global_rate, lim.global_burst, time.monotonic())
        self._chats: dict[int, _Bucket] = {}
        self._groups: dict[int, _Bucket] = {}

    def configure(self, **values: float) -> Limits:
        """Change some limits (by name); every bucket starts full again."""
        for key, value in values.items():
            if key not in Limits.names():
                raise ValueError(f"unknown limit {key!r}")
            setattr(self.limits, key, float(value))
        self._restart()
        return self.limits

    def take(self, chat_id: int, is_group: bool) -> None:
        """Count one message to a chat, or raise a 429 ApiError if a limit is reached."""
        now = time.monotonic()
        lim = self.limits
        buckets = [
            self._global,
            _bucket(self._chats, chat_id, lim.per_chat_rate, lim.per_chat_burst, now),
        ]
        if is_group:
            rate = lim.group_per_minute / 60.0
            buckets.append(_bucket(self._groups, chat_id, rate, lim.group_burst, now))
        wait = max(b.wait_time(now) for b in buckets)
        if wait > 0:
            raise too_many(max(1, math.ceil(wait)))
        for b in buckets:
            b.take()


def _bucket(
    table: dict[int, _Bucket], chat_id: int, rate: float, burst: float, now: float
) -> _Bucket:
    """A chat's bucket, full when first used."""
    found = table.get(chat_id)
    if found is None:
        found = table[chat_id] = _Bucket.full(rate, burst, now)
    return found
