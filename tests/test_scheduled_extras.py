"""The weekly summary and the check-in are schedule rows: the store claims them as it claims
nudges (on their own local time, never in quiet hours or a pause, each slot once), and a
habit's own pause (the safety gate's) holds that habit alone."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from reminder_bot.delivery_rules import SNOOZE
from reminder_bot.presets import builtin_presets_dir, load_presets
from reminder_bot.schedule import CHECKIN, EXTRAS, SUMMARY, At, QuietHours
from reminder_bot.status import DeliveryStatus
from reminder_bot.store import ActionOutcome, Store

MONDAY = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 09:00 in Berlin
SUNDAY_18 = datetime(2026, 11, 29, 17, 0, tzinfo=UTC)  # 18:00 in Berlin
CATCH_UP = timedelta(minutes=30)
ALICE = 1001


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = Store(tmp_path / "store.sqlite3", {"move": ["a"]}, rng=random.Random(1))
    preset = load_presets(builtin_presets_dir())["desk-worker"]
    await opened.start_user(ALICE, ALICE, "A", "en", "Europe/Berlin", preset, MONDAY)
    yield opened
    opened.close()


def rows(store: Store, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(store.path) as conn:
        return conn.execute(sql, params).fetchall()


async def summaries_claimed(store: Store, at: datetime) -> list[datetime]:
    claim = await store.claim(at, limit=100, catch_up=CATCH_UP)
    return [d.slot for d in claim.deliveries if d.habit == SUMMARY]


async def test_a_new_user_gets_the_weekly_summary_on_sunday_evening(store: Store) -> None:
    extras = await store.schedules(ALICE, EXTRAS)
    assert list(extras) == [SUMMARY]  # the check-in is off until asked for
    assert extras[SUMMARY].rule_text == "at 18:00 on sun"
    assert extras[SUMMARY].next_due == SUNDAY_18
    assert SUMMARY not in await store.schedules(ALICE)  # the habits' lists leave it out


async def test_the_summary_is_claimed_once_at_its_time(store: Store) -> None:
    assert await summaries_claimed(store, SUNDAY_18 - timedelta(seconds=1)) == []
    assert await summaries_claimed(store, SUNDAY_18) == [SUNDAY_18]
    assert await summaries_claimed(store, SUNDAY_18) == []
    assert (await store.schedules(ALICE, EXTRAS))[SUMMARY].next_due == SUNDAY_18 + timedelta(
        days=7
    )


@pytest.mark.parametrize(
    ("quiet", "pause_until", "next_due"),
    [
        (None, None, SUNDAY_18),
        # Quiet hours over 18:00: the summary waits for a Sunday 18:00 outside them, never
        # comes inside them.
        (QuietHours(time(17), time(19)), None, None),
        # A pause over Sunday evening: the next Sunday.
        (None, SUNDAY_18 + timedelta(hours=1), SUNDAY_18 + timedelta(days=7)),
    ],
)
async def test_the_summary_keeps_quiet_hours_and_pauses(
    store: Store, quiet: QuietHours | None, pause_until: datetime | None, next_due: datetime | None
) -> None:
    await store.set_quiet(ALICE, quiet, MONDAY)
    await store.set_pause(ALICE, pause_until, MONDAY)
    assert (await store.schedules(ALICE, EXTRAS))[SUMMARY].next_due == next_due


async def test_a_habits_own_pause_holds_that_habit_alone_until_resumed(store: Store) -> None:
    await store.set_rule(ALICE, CHECKIN, At((time(20),)), MONDAY)
    before = await store.schedules(ALICE)
    until = MONDAY + timedelta(days=7)
    await store.set_habit_pause(ALICE, "stretch", until, MONDAY)
    paused = await store.schedules(ALICE)
    assert paused["stretch"].paused_until == until
    assert paused["stretch"].next_due is not None and paused["stretch"].next_due >= until
    assert {h: r.next_due for h, r in paused.items() if h != "stretch"} == {
        h: r.next_due for h, r in before.items() if h != "stretch"
    }
    # A week of claims sends every habit but stretch.
    claimed: set[str] = set()
    for hour in range(0, 7 * 24, 1):
        claim = await store.claim(MONDAY + timedelta(hours=hour), limit=500, catch_up=CATCH_UP)
        claimed |= {d.habit for d in claim.deliveries}
    assert claimed == {"hydrate", "move", "posture", CHECKIN, SUMMARY}
    resumed = await store.set_habit_pause(ALICE, "stretch", None, MONDAY + timedelta(days=2))
    assert resumed.id == ALICE
    again = await store.schedules(ALICE)
    assert again["stretch"].paused_until is None
    assert again["stretch"].next_due is not None and again["stretch"].next_due < until


async def test_a_forged_nudge_press_on_a_summary_changes_nothing(store: Store) -> None:
    [slot] = await summaries_claimed(store, SUNDAY_18)
    [(summary_id,)] = rows(store, "select id from deliveries where habit = ?", SUMMARY)
    for action in (DeliveryStatus.DONE, DeliveryStatus.SNOOZED):
        result = await store.record_action(summary_id, ALICE, ALICE, action, slot, SNOOZE)
        assert result.outcome is ActionOutcome.CLOSED
    assert rows(store, "select status, snooze_due from deliveries where id = ?", summary_id) == [
        ("queued", None)
    ]


async def test_forget_takes_the_summary_and_checkins_too(store: Store) -> None:
    with sqlite3.connect(store.path) as conn:
        conn.execute("insert into checkins values (?, '2026-11-23', 4, 0)", [ALICE])
    await store.forget(ALICE)
    assert rows(store, "select count(*) from schedules") == [(0,)]
    assert rows(store, "select count(*) from checkins") == [(0,)]
