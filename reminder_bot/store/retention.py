"""Bounded data: delivery-log rows past the retention period roll up into daily counts.

The delivery log keeps one row per slot for ``REMINDER_BOT_RETENTION_DAYS`` (default 90). A row
past that whose status is final (``delivery_rules.rolls_up``) is counted into ``daily_counts``
(user, habit, the user's calendar day, status) and deleted in the same transaction, so a crash
at any point neither loses a slot nor counts one twice, and a second run finds nothing to do.
The work goes in batches of a few thousand rows, one hop to the writer thread each: a claim or
a button press that arrives meanwhile waits for one batch, not for the whole roll-up.

``daily_totals`` reads a user's totals per habit and day from both places in one query, so
statistics never need to know where the retention line fell. Rows of a user no longer stored
are deleted uncounted: the counts are kept for the user's statistics and nobody else's.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING

from reminder_bot.clock import from_epoch, to_epoch
from reminder_bot.delivery_rules import retained_since, rolls_up
from reminder_bot.status import DeliveryStatus
from reminder_bot.store.records import cached_zone, optional_time
from reminder_bot.store.sql import Sql

if TYPE_CHECKING:
    from reminder_bot.store import Store

log = logging.getLogger(__name__)

# Rows per transaction: a batch of this size holds the writer thread for tens of milliseconds
# (bench/bench_retention.py, docs/performance.md), the delay a claim or a press can meet.
DEFAULT_BATCH = 1000
# A calendar day anywhere on Earth lies inside the UTC day widened by this on both sides.
_DAY_MARGIN = timedelta(days=1)

_PAST_RETENTION = (
    "select d.id, d.user_id, d.habit, d.slot, d.status, d.snooze_due, u.timezone "
    "from deliveries d left join users u on u.id = d.user_id "
    "where d.slot < ? and (d.slot, d.id) > (?, ?) order by d.slot, d.id limit ?"
)
_ADD_COUNTS = (
    "insert into daily_counts (user_id, habit, day, status, count) values (?, ?, ?, ?, ?) "
    "on conflict (user_id, habit, day, status) do update set count = count + excluded.count"
)
# The rolled-up days and the rows still in the log, side by side: (habit, day, slot, status, n)
# with exactly one of day and slot set.
_TOTALS = (
    "select habit, day, null, status, count from daily_counts "
    "where user_id = ? and day >= ? and day <= ? "
    "union all "
    "select habit, null, slot, status, 1 from deliveries "
    "where user_id = ? and slot >= ? and slot < ?"
)

Key = tuple[int, int]  # (slot, id): where a roll-up continues


@dataclass(frozen=True)
class RollUp:
    """What a roll-up (or one batch of it) did with the rows past retention."""

    counted: int = 0  # counted into daily_counts and deleted
    dropped: int = 0  # rows of users no longer stored, deleted uncounted
    kept: int = 0  # not final yet (unconfirmed, or a snooze to come): left for a later run
    batches: int = 0
    after: Key | None = None  # the last row a batch read, when more may follow

    def __add__(self, other: RollUp) -> RollUp:
        return RollUp(
            self.counted + other.counted,
            self.dropped + other.dropped,
            self.kept + other.kept,
            self.batches + other.batches,
            other.after,
        )


@lru_cache(maxsize=65536)
def local_day(timezone: str, slot: int) -> str:
    """The calendar day (``YYYY-MM-DD``) a slot fell on for someone in ``timezone``; the users of
    a zone share slot times (whole minutes of their rules), so most rows find it cached."""
    return datetime.fromtimestamp(slot, cached_zone(timezone)).date().isoformat()


def roll_up_batch(
    sql: Sql, now: datetime, retention: timedelta, after: Key | None, limit: int = DEFAULT_BATCH
) -> RollUp:
    """Roll up the next ``limit`` rows past retention (in slot order, after ``after``) in one
    transaction: count the final ones into ``daily_counts`` and delete them."""
    start = after or (-(2**63), -(2**63))
    with sql.db.atomic():
        rows = sql.conn.execute(
            _PAST_RETENTION, [to_epoch(retained_since(now, retention)), *start, limit]
        ).fetchall()
        counts: Counter[tuple[int, str, str, str]] = Counter()
        gone: list[tuple[int]] = []
        for row_id, user_id, habit, slot, status, snooze_due, timezone in rows:
            final = rolls_up(
                from_epoch(slot),
                DeliveryStatus(status),
                optional_time(snooze_due),
                now=now,
                retention=retention,
            )
            if final:
                gone.append((row_id,))
                if timezone is not None:
                    counts[(user_id, habit, local_day(timezone, slot), status)] += 1
        # In key order, each B-tree is walked once from left to right instead of at random.
        sql.conn.executemany(_ADD_COUNTS, [(*key, n) for key, n in sorted(counts.items())])
        sql.conn.executemany("delete from deliveries where id = ?", sorted(gone))
    counted = sum(counts.values())
    more = (rows[-1][3], rows[-1][0]) if len(rows) == limit else None
    return RollUp(counted, len(gone) - counted, len(rows) - len(gone), 1, more)


async def roll_up(
    store: Store, now: datetime, retention: timedelta, *, batch: int = DEFAULT_BATCH
) -> RollUp:
    """Roll up every row past retention at ``now``, one batch per hop to the writer thread.
    Run it daily at a quiet time and once at start-up; stopping it anywhere (a crash, a
    shutdown) is safe, and the next run carries on where the log stands."""
    total = RollUp()
    after: Key | None = None
    while True:
        done = await store.roll_up_batch(now, retention, after, batch)
        total += done
        if done.after is None:
            break
        after = done.after
    log.info(
        "roll-up: %d delivery rows counted into daily counts, %d of removed users dropped, "
        "%d not final kept, in %d batches",
        total.counted,
        total.dropped,
        total.kept,
        total.batches,
    )
    return total


def daily_totals(
    sql: Sql, user_id: int, since: date, until: date
) -> dict[tuple[str, date], dict[DeliveryStatus, int]]:
    """The user's slots per (habit, calendar day) from ``since`` to ``until`` (both included),
    by status: the daily counts of rolled-up days and the rows still in the log, read in one
    query. Rows still in the log fall on days of the user's time zone now; counted ones on the
    days of their zone when they were rolled up."""
    found = sql.conn.execute("select timezone from users where id = ?", [user_id]).fetchone()
    if found is None:
        return {}
    first, last = since.isoformat(), until.isoformat()
    low = datetime.combine(since, time(), UTC) - _DAY_MARGIN
    high = datetime.combine(until, time(), UTC) + timedelta(days=1) + _DAY_MARGIN
    rows = sql.conn.execute(
        _TOTALS, [user_id, first, last, user_id, to_epoch(low), to_epoch(high)]
    ).fetchall()
    totals: defaultdict[tuple[str, date], Counter[DeliveryStatus]] = defaultdict(Counter)
    for habit, day, slot, status, count in rows:
        day = day if day is not None else local_day(found[0], slot)
        if first <= day <= last:
            totals[(habit, date.fromisoformat(day))][DeliveryStatus(status)] += count
    return {key: dict(by_status) for key, by_status in sorted(totals.items())}
