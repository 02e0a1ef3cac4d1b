"""Bounded data on real SQLite files: delivery-log rows past retention roll up into daily counts
per user, habit, local day and status, in batches, each counted and deleted in one transaction;
nothing still in play rolls up, a crash between or inside batches loses and doubles nothing, and
``daily_totals`` reads the same totals before and after."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from reminder_bot.clock import to_epoch
from reminder_bot.delivery_rules import rolls_up
from reminder_bot.status import DeliveryStatus as S
from reminder_bot.store import Store
from reminder_bot.store.retention import RollUp, daily_totals, roll_up

NOW = datetime(2027, 3, 1, 3, 30, tzinfo=UTC)
RETENTION = timedelta(days=90)
CUTOFF = NOW - RETENTION
ALICE, BOB, CAROL = 1001, 1002, 1003
ZONES = {ALICE: "Europe/Berlin", BOB: "Pacific/Kiritimati", CAROL: "Pacific/Pago_Pago"}
Key = tuple[str, date]


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = Store(tmp_path / "bot.sqlite3")
    for user_id, zone in ZONES.items():
        add_user(opened, user_id, zone)
    yield opened
    opened.close()


def add_user(store: Store, user_id: int, zone: str) -> None:
    store._sql.conn.execute(
        "insert into users (id, chat_id, timezone, active, created_at, updated_at) "
        "values (?, ?, ?, 1, 0, 0)",
        [user_id, user_id, zone],
    )


def add_rows(store: Store, rows: list[tuple[int, str, datetime, S]], snooze: bool = False) -> None:
    """Delivery rows (user, habit, slot, status); a snoozed row with ``snooze`` still pending."""
    with store._sql.db.atomic():
        store._sql.conn.executemany(
            "insert into deliveries (user_id, chat_id, habit, slot, status, queued_at, "
            "snooze_due) values (?, ?, ?, ?, ?, ?, ?)",
            [
                (user, user, habit, to_epoch(slot), status, to_epoch(slot))
                + (to_epoch(slot) + 600 if snooze and status is S.SNOOZED else None,)
                for user, habit, slot, status in rows
            ],
        )


def table(store: Store, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(store.path) as conn:
        return conn.execute(sql).fetchall()


def counts(store: Store) -> list[tuple[Any, ...]]:
    return table(store, "select * from daily_counts order by user_id, habit, day, status")


def dump(store: Store) -> tuple[list[tuple[Any, ...]], ...]:
    return table(store, "select * from deliveries order by id"), counts(store)


def totals(store: Store, user_id: int, since: date, until: date) -> dict[Key, dict[S, int]]:
    return daily_totals(store._sql, user_id, since, until)


# ----- the rule ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "status", "snooze_pending", "expected"),
    [
        (RETENTION + timedelta(seconds=1), S.DONE, False, True),
        (RETENTION, S.DONE, False, False),  # exactly at the line: still kept as a row
        (RETENTION - timedelta(seconds=1), S.DONE, False, False),
        *[(RETENTION * 2, status, False, status not in (S.QUEUED, S.SENDING)) for status in S],
        (RETENTION * 2, S.SNOOZED, True, False),  # a resend still to come
    ],
)
def test_only_final_rows_past_retention_roll_up(
    age: timedelta, status: S, snooze_pending: bool, expected: bool
) -> None:
    snooze_due = NOW if snooze_pending else None
    assert rolls_up(NOW - age, status, snooze_due, now=NOW, retention=RETENTION) is expected


# ----- the roll-up -------------------------------------------------------------------------


async def test_rows_at_the_boundary(store: Store) -> None:
    second = timedelta(seconds=1)
    add_rows(store, [(ALICE, "move", CUTOFF + d, S.DONE) for d in (-second, 0 * second, second)])
    done = await roll_up(store, NOW, RETENTION)
    assert (done.counted, done.kept) == (1, 0)
    kept = table(store, "select slot from deliveries order by slot")
    assert kept == [(to_epoch(CUTOFF),), (to_epoch(CUTOFF + second),)]
    day = (CUTOFF - second).astimezone(ZoneInfo(ZONES[ALICE])).date().isoformat()
    assert counts(store) == [(ALICE, "move", day, "done", 1)]


async def test_every_final_status_is_counted_under_its_own_name(store: Store) -> None:
    slot = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
    add_rows(store, [(ALICE, "hydrate", slot + timedelta(minutes=i), s) for i, s in enumerate(S)])
    add_rows(store, [(ALICE, "move", slot, S.SNOOZED)], snooze=True)
    done = await roll_up(store, NOW, RETENTION)
    unsettled = {S.QUEUED, S.SENDING}
    assert (done.counted, done.kept) == (len(S) - len(unsettled), len(unsettled) + 1)
    counted = {row[3]: row[4] for row in counts(store)}
    assert counted == {status.value: 1 for status in S if status not in unsettled}
    left = table(store, "select habit, status from deliveries order by id")
    assert left == [("hydrate", "queued"), ("hydrate", "sending"), ("move", "snoozed")]


@pytest.mark.parametrize(
    ("zone", "slot", "day"),
    [
        ("Pacific/Kiritimati", "2026-06-01T10:30", "2026-06-02"),  # UTC+14: already tomorrow
        ("Pacific/Pago_Pago", "2026-06-01T10:30", "2026-05-31"),  # UTC-11: still yesterday
        ("Asia/Kathmandu", "2026-06-01T18:14", "2026-06-01"),  # 23:59 at +05:45
        ("Asia/Kathmandu", "2026-06-01T18:15", "2026-06-02"),  # midnight at +05:45
        ("UTC+05:30", "2026-06-01T18:30", "2026-06-02"),  # a fixed offset from /timezone
        ("Europe/Berlin", "2026-03-28T23:30", "2026-03-29"),  # 00:30 CET, the spring-forward day
        ("Europe/Berlin", "2026-10-24T22:30", "2026-10-25"),  # 00:30 CEST, the fall-back day
        ("America/New_York", "2026-11-02T04:30", "2026-11-01"),  # 23:30 EST after fall-back
    ],
)
async def test_each_row_counts_on_the_users_own_calendar_day(
    store: Store, zone: str, slot: str, day: str
) -> None:
    add_user(store, 2000, zone)
    add_rows(store, [(2000, "move", datetime.fromisoformat(slot).replace(tzinfo=UTC), S.DONE)])
    await roll_up(store, NOW, RETENTION)
    assert counts(store) == [(2000, "move", day, "done", 1)]


@pytest.mark.parametrize(("day", "hours"), [(date(2026, 3, 29), 23), (date(2026, 10, 25), 25)])
async def test_a_dst_day_holds_every_hour_it_had(store: Store, day: date, hours: int) -> None:
    """An hourly row for two UTC days around a Berlin DST day: that day holds 23 or 25."""
    start = datetime(day.year, day.month, day.day, tzinfo=UTC) - timedelta(days=1)
    add_rows(store, [(ALICE, "move", start + timedelta(hours=h), S.SENT) for h in range(72)])
    await roll_up(store, NOW, RETENTION)
    per_day = dict(table(store, "select day, count from daily_counts"))
    assert per_day[day.isoformat()] == hours
    assert sum(per_day.values()) == 72


async def test_rows_of_a_user_no_longer_stored_go_uncounted(store: Store) -> None:
    old = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
    add_rows(store, [(ALICE, "move", old, S.DONE), (4040, "move", old, S.DONE)])
    done = await roll_up(store, NOW, RETENTION)
    assert (done.counted, done.dropped) == (1, 1)
    assert table(store, "select count(*) from deliveries") == [(0,)]
    assert [row[0] for row in counts(store)] == [ALICE]
    assert table(store, "pragma foreign_key_check") == []


async def test_forget_deletes_the_users_daily_counts_too(store: Store) -> None:
    old = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
    add_rows(store, [(ALICE, "move", old, S.DONE), (BOB, "move", old, S.DONE)])
    await roll_up(store, NOW, RETENTION)
    assert await store.forget(ALICE) == 1 + 1  # the user and their one daily count
    assert [row[0] for row in counts(store)] == [BOB]


# ----- batches, idempotence, crashes -------------------------------------------------------


def lived(rng: random.Random, days: int = 120) -> Iterator[tuple[int, str, datetime, S]]:
    """A few months of delivery rows for the three users, every status in the mix."""
    statuses = [S.DONE] * 5 + [S.SENT] * 3 + [S.SKIPPED, S.RESENT, S.MISSED, S.QUIET, S.STALE]
    start = NOW - timedelta(days=days)
    for user in ZONES:
        for hour in range(0, days * 24, 5):
            for habit in ("hydrate", "move"):
                slot = start + timedelta(hours=hour, minutes=rng.choice((0, 30)))
                yield user, habit, slot, rng.choice(statuses)


@pytest.fixture
def lived_in(store: Store) -> Store:
    rows = list(lived(random.Random(7)))
    add_rows(store, rows[:-3])
    # Unsettled rows past retention stay; the fixture's last three are recent anyway.
    late = CUTOFF - timedelta(days=9)
    add_rows(
        store,
        [(u, h, late + timedelta(minutes=i), S.QUEUED) for i, (u, h, *_) in enumerate(rows[-3:])],
    )
    return store


def everything(store: Store) -> dict[int, dict[Key, dict[S, int]]]:
    since, until = date(2026, 1, 1), date(2027, 12, 31)
    return {user: totals(store, user, since, until) for user in ZONES}


@pytest.mark.parametrize("batch", [1, 7, 250, 5000])
async def test_batches_of_any_size_give_the_same_counts(lived_in: Store, batch: int) -> None:
    before = everything(lived_in)
    old = table(lived_in, f"select count(*) from deliveries where slot < {to_epoch(CUTOFF)}")[0][0]
    done = await roll_up(lived_in, NOW, RETENTION, batch=batch)
    assert done.counted + done.kept == old and done.kept == 3
    assert done.batches == old // batch + 1
    assert everything(lived_in) == before
    assert table(lived_in, "select sum(count) from daily_counts") == [(done.counted,)]


async def test_a_second_run_changes_nothing(lived_in: Store) -> None:
    await roll_up(lived_in, NOW, RETENTION, batch=100)
    after_first = dump(lived_in)
    again = await roll_up(lived_in, NOW, RETENTION, batch=100)
    assert (again.counted, again.dropped, again.kept) == (0, 0, 3)
    assert dump(lived_in) == after_first


class CrashingStore:
    """The store, but the hop after ``batches`` batches dies (a crash between transactions)."""

    def __init__(self, store: Store, batches: int) -> None:
        self.store, self.left = store, batches

    async def roll_up_batch(self, *args: Any) -> RollUp:
        if self.left == 0:
            raise RuntimeError("crash")
        self.left -= 1
        return await self.store.roll_up_batch(*args)


@pytest.mark.parametrize("crash_after", [0, 1, 5])
async def test_a_crash_between_batches_loses_nothing(lived_in: Store, crash_after: int) -> None:
    before = everything(lived_in)
    with pytest.raises(RuntimeError, match="crash"):
        await roll_up(CrashingStore(lived_in, crash_after), NOW, RETENTION, batch=50)  # type: ignore[arg-type]
    assert table(lived_in, "select sum(coalesce(count, 0)) from daily_counts") == [
        (crash_after * 50 or None,)
    ]
    assert everything(lived_in) == before
    await roll_up(lived_in, NOW, RETENTION, batch=50)
    assert everything(lived_in) == before


async def test_a_crash_inside_a_batch_rolls_the_whole_batch_back(lived_in: Store) -> None:
    """A delete that fails half-way through a batch (SQLite's own RAISE) undoes its counts."""
    before, rows_before = everything(lived_in), dump(lived_in)
    fifth = table(lived_in, "select id from deliveries order by slot, id limit 1 offset 4")[0][0]
    lived_in._sql.conn.execute(
        f"create trigger crash before delete on deliveries when old.id = {fifth} "
        "begin select raise(abort, 'disk gone'); end"
    )
    with pytest.raises(sqlite3.IntegrityError, match="disk gone"):
        await roll_up(lived_in, NOW, RETENTION, batch=10)
    assert dump(lived_in) == rows_before
    lived_in._sql.conn.execute("drop trigger crash")
    await roll_up(lived_in, NOW, RETENTION, batch=10)
    assert everything(lived_in) == before


# ----- daily_totals ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("since", "until"),
    [
        (date(2026, 10, 1), date(2027, 3, 1)),  # everything: rolled-up days and raw ones
        (date(2026, 11, 20), date(2026, 12, 10)),  # across the retention line
        (date(2026, 12, 1), date(2026, 12, 1)),  # the day the line falls in
        (date(2026, 11, 5), date(2026, 11, 7)),  # rolled-up days only
    ],
)
async def test_daily_totals_read_the_same_before_and_after(
    lived_in: Store, since: date, until: date
) -> None:
    before = {user: totals(lived_in, user, since, until) for user in ZONES}
    assert all(before.values())
    assert all(since <= day <= until for found in before.values() for _, day in found)
    await roll_up(lived_in, NOW, RETENTION, batch=500)
    assert counts(lived_in) and table(lived_in, "select count(*) from deliveries")[0][0]
    assert {user: totals(lived_in, user, since, until) for user in ZONES} == before


def test_daily_totals_of_an_unknown_user_are_empty(store: Store) -> None:
    assert totals(store, 999, date(2026, 1, 1), date(2026, 12, 31)) == {}


def test_daily_totals_count_raw_rows_on_local_days(store: Store) -> None:
    slot = datetime(2027, 2, 20, 10, 30, tzinfo=UTC)  # 00:30 on the 21st in Kiritimati
    add_rows(
        store, [(BOB, "move", slot, S.DONE), (BOB, "move", slot + timedelta(hours=1), S.SENT)]
    )
    assert totals(store, BOB, date(2027, 2, 21), date(2027, 2, 21)) == {
        ("move", date(2027, 2, 21)): {S.DONE: 1, S.SENT: 1}
    }
    assert totals(store, BOB, date(2027, 2, 20), date(2027, 2, 20)) == {}
