"""The daily pain check-in's answers, on the writer thread: a tap records the score for the day
the check-in asked about (the local date of its slot, so a tap after midnight still counts for
that day), a second tap the same day replaces it, and the check-in is logged as answered."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from reminder_bot.clock import to_epoch
from reminder_bot.schedule import CHECKIN
from reminder_bot.status import ANSWERABLE, DeliveryStatus
from reminder_bot.store.records import ActionOutcome, delivery_from_row

if TYPE_CHECKING:
    from reminder_bot.store.sql import Sql

# How long a check-in takes taps: a week, the trend's window. An older one is closed.
OPEN_FOR = timedelta(days=7)
# A check-in still takes a tap once answered: the new score replaces the day's.
_TAKES_TAP = (*ANSWERABLE, DeliveryStatus.DONE)


@dataclass(frozen=True)
class CheckinResult:
    """What became of a tap: the day it counts for, the score it replaced (None: the first
    that day), and the user's scores since a week before that day, for the trend."""

    outcome: ActionOutcome
    day: date | None = None
    replaced: int | None = None
    scores: dict[date, int] = field(default_factory=dict)


def record_checkin(
    sql: Sql,
    delivery_id: int,
    user_id: int,
    chat_id: int | None,
    score: int,
    now: datetime,
    *,
    message_id: int | None = None,
) -> CheckinResult:
    """Record ``score`` if check-in ``delivery_id`` is this user's, in this chat and message,
    and still open; mark it done."""
    if not 0 <= score <= 10:
        raise ValueError(f"a pain score is 0-10, not {score}")
    with sql.db.atomic():
        rows = list(sql.db.query("select * from deliveries where id = ?", [delivery_id]))
        if not rows:  # rolled up, or forgotten
            return CheckinResult(ActionOutcome.CLOSED)
        delivery = delivery_from_row(rows[0])
        if delivery.user_id != user_id or (chat_id is not None and delivery.chat_id != chat_id):
            return CheckinResult(ActionOutcome.NOT_YOURS)
        sent_as = delivery.message_id
        if delivery.habit != CHECKIN or (message_id and sent_as and sent_as != message_id):
            return CheckinResult(ActionOutcome.CLOSED)
        if delivery.status not in _TAKES_TAP or now - delivery.slot > OPEN_FOR:
            return CheckinResult(ActionOutcome.CLOSED)
        user = sql.get_user(user_id)
        day = delivery.slot.astimezone(user.zone if user else UTC).date()
        replaced = _score(sql, user_id, day)
        sql.conn.execute(
            "insert into checkins (user_id, day, pain, at) values (?, ?, ?, ?) "
            "on conflict (user_id, day) do update set pain = excluded.pain, at = excluded.at",
            [user_id, day.isoformat(), score, to_epoch(now)],
        )
        if delivery.status is not DeliveryStatus.DONE:
            sql.conn.execute(
                "update deliveries set status = ?, acted_at = ? where id = ?",
                [DeliveryStatus.DONE, to_epoch(now), delivery_id],
            )
        scores = pain_scores(sql, user_id, day - OPEN_FOR)
        return CheckinResult(ActionOutcome.RECORDED, day, replaced, scores)


def _score(sql: Sql, user_id: int, day: date) -> int | None:
    row = sql.conn.execute(
        "select pain from checkins where user_id = ? and day = ?", [user_id, day.isoformat()]
    ).fetchone()
    return None if row is None else int(row[0])


def pain_scores(sql: Sql, user_id: int, since: date) -> dict[date, int]:
    """The user's scores by local day, from ``since`` on (inclusive), oldest first."""
    rows = sql.conn.execute(
        "select day, pain from checkins where user_id = ? and day >= ? order by day",
        [user_id, since.isoformat()],
    )
    return {date.fromisoformat(day): int(pain) for day, pain in rows}
