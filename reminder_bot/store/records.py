"""The values the store hands out: plain frozen dataclasses built from rows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from enum import Enum
from functools import lru_cache
from typing import Any

from reminder_bot.clock import from_epoch
from reminder_bot.parsing import parse_quiet, parse_rule, zone_from_name
from reminder_bot.schedule import QuietHours
from reminder_bot.status import DeliveryStatus

# Users share a handful of rule texts, zones and quiet ranges: parse each once.
cached_rule = lru_cache(maxsize=4096)(parse_rule)
cached_quiet = lru_cache(maxsize=1024)(parse_quiet)
cached_zone = lru_cache(maxsize=1024)(zone_from_name)


@dataclass(frozen=True)
class User:
    id: int
    chat_id: int
    first_name: str
    language: str
    timezone: str
    quiet: QuietHours | None
    paused_until: datetime | None
    active: bool
    preset: str | None
    # The adaptive move timer as the user set it; None: as their preset has it.
    adaptive_move: bool | None = None

    @property
    def zone(self) -> tzinfo:
        return cached_zone(self.timezone)


@dataclass(frozen=True)
class ScheduleRow:
    habit: str
    rule_text: str
    next_due: datetime | None
    # This habit's own pause (the safety gate's 7 days of no stretch), besides the user's.
    paused_until: datetime | None = None


@dataclass(frozen=True)
class Delivery:
    id: int
    user_id: int
    chat_id: int
    habit: str
    slot: datetime
    nudge_id: str | None
    status: DeliveryStatus
    message_id: int | None
    snooze_due: datetime | None
    language: str = "en"
    timezone: str = "UTC"
    quiet: QuietHours | None = None

    @property
    def zone(self) -> tzinfo:
        return cached_zone(self.timezone)


class ActionOutcome(Enum):
    """What became of a button press on a nudge."""

    RECORDED = "recorded"
    NOT_YOURS = "not yours"  # another user's nudge, or a nudge sent to another chat
    CLOSED = "closed"  # already answered, or no longer on screen
    SNOOZE_QUIET = "snooze into quiet hours"  # refused: it would come back in quiet hours
    SNOOZE_PAUSED = "snooze into a pause"  # refused: it would come back while paused


@dataclass(frozen=True)
class ActionResult:
    outcome: ActionOutcome
    delivery: Delivery | None = None
    rescheduled: bool = False  # Done restarted the habit's interval (adaptive move timer)


def optional_time(epoch: int | None) -> datetime | None:
    return from_epoch(epoch) if epoch else None


def user_from_row(row: Mapping[str, Any]) -> User:
    return User(
        id=row["id"],
        chat_id=row["chat_id"],
        first_name=row["first_name"] or "",
        language=row["language"] or "en",
        timezone=row["timezone"],
        quiet=cached_quiet(row["quiet"]) if row["quiet"] else None,
        paused_until=optional_time(row["paused_until"]),
        active=bool(row["active"]),
        preset=row["preset"],
        adaptive_move=None if row.get("adaptive_move") is None else bool(row["adaptive_move"]),
    )


def delivery_from_row(row: Mapping[str, Any]) -> Delivery:
    return Delivery(
        id=row["id"],
        user_id=row["user_id"],
        chat_id=row["chat_id"],
        habit=row["habit"],
        slot=from_epoch(row["slot"]),
        nudge_id=row["nudge_id"],
        status=DeliveryStatus(row["status"]),
        message_id=row["message_id"],
        snooze_due=optional_time(row["snooze_due"]),
        language=row.get("language") or "en",
        timezone=row.get("timezone") or "UTC",
        quiet=cached_quiet(row["quiet"]) if row.get("quiet") else None,
    )
