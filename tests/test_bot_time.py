"""End to end over the emulator: daylight-saving days, restarts with the same database and
downtime. The bot's clock is moved by hand; every slot is checked in the delivery log."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from conftest import ALICE, MONDAY_0700_UTC, BotHarness


def rows(bot: BotHarness, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(bot.database) as conn:
        return conn.execute(sql, params).fetchall()


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def slots(bot: BotHarness, habit: str, status: str = "sent") -> list[datetime]:
    found = rows(
        bot,
        "select slot from deliveries where habit = ? and status = ? order by slot",
        habit,
        status,
    )
    return [datetime.fromtimestamp(s, UTC) for (s,) in found]


async def visit(bot: BotHarness, *instants: datetime) -> None:
    """Move the clock through each instant and let the dispatcher act at each."""
    for instant in instants:
        await bot.set_time(instant)
        await bot.settle()


async def only_stretch_at(bot: BotHarness, rule: str, zone: str) -> None:
    await bot.send("/start")
    await bot.send(f"/timezone {zone}")
    await bot.send("/quiet off")
    for habit in ("hydrate", "move", "posture"):
        await bot.send(f"/schedule {habit} off")
    await bot.send(f"/schedule stretch {rule}")


@pytest.mark.parametrize(
    ("zone", "day_before", "expected"),
    [
        # Spring forward: 02:30 does not exist; it is delivered at 03:00 local, not skipped.
        (
            "Europe/Berlin",
            utc(2027, 3, 27, 12),
            [utc(2027, 3, 27, 1, 30), utc(2027, 3, 28, 1, 0), utc(2027, 3, 29, 0, 30)],
        ),
        (
            "America/New_York",
            utc(2027, 3, 13, 12),
            [utc(2027, 3, 14, 7, 0), utc(2027, 3, 15, 6, 30)],
        ),
        # Fall back: 02:30 happens twice; it is delivered once, at its first occurrence.
        (
            "Europe/Berlin",
            utc(2027, 10, 30, 12),
            [utc(2027, 10, 31, 0, 30), utc(2027, 11, 1, 1, 30)],
        ),
        (
            "Australia/Sydney",
            utc(2027, 4, 3, 0),
            [utc(2027, 4, 3, 15, 30), utc(2027, 4, 4, 16, 30)],
        ),
    ],
)
async def test_dst_days_deliver_each_local_slot_once(
    bot: BotHarness, zone: str, day_before: datetime, expected: list[datetime]
) -> None:
    await only_stretch_at(bot, "at 02:30 daily", zone)
    await visit(bot, day_before)  # the old slot from registration is logged as missed
    # Walk every 30 minutes through the two days after: each slot fires once, when due.
    steps = [day_before + timedelta(minutes=30 * i) for i in range(1, 4 * 24 + 1)]
    await visit(bot, *steps)
    got = [s for s in slots(bot, "stretch") if s > day_before]
    assert got == [e for e in expected if e > day_before and e <= steps[-1]]
    # No two deliveries ever share a local wall-clock slot.
    assert len(set(got)) == len(got)


async def test_restart_keeps_everything_and_repeats_nothing(bot: BotHarness) -> None:
    await bot.send("/start")
    await bot.send("/schedule stretch at 09:00 daily")
    await visit(bot, MONDAY_0700_UTC + timedelta(hours=1))
    assert len(await bot.wait_calls("sendMessage", chat_id=ALICE.id, count=3)) == 3
    before = rows(bot, "select user_id, habit, slot, status from deliveries order by id")
    schedules = rows(bot, "select * from schedules order by habit")
    await bot.restart()
    await bot.mark()
    await bot.settle()
    await bot.no_calls("sendMessage", ALICE.id)
    assert rows(bot, "select user_id, habit, slot, status from deliveries order by id") == before
    assert rows(bot, "select * from schedules order by habit") == schedules
    # The next slot after the restart arrives exactly once (move at 09:45 local).
    await visit(bot, MONDAY_0700_UTC + timedelta(hours=1, minutes=45))
    calls = await bot.wait_calls("sendMessage", chat_id=ALICE.id, count=1)
    assert len(calls) == 1
    assert slots(bot, "move") == [utc(2026, 11, 23, 8, 0), utc(2026, 11, 23, 8, 45)]
    assert "Welcome back" in (await bot.send("/start"))["params"]["text"]


async def test_short_downtime_catches_up_once_per_habit(bot: BotHarness) -> None:
    await bot.send("/start")
    await bot.stop()
    # Down from 08:00 to 10:20 local: move was due at 09:00, 09:45 and 10:30 would be next;
    # hydrate at 09:00; posture at 10:00 (20 minutes ago).
    bot.clock.set(MONDAY_0700_UTC + timedelta(hours=2, minutes=20))
    await bot.mark()
    await bot.start()
    await bot.settle()
    await bot.wait_calls("sendMessage", chat_id=ALICE.id, count=1)
    await bot.handled()  # a positive barrier: all that was due is sent and logged
    assert len(await bot.client.calls(bot.seq, "sendMessage", ALICE.id)) == 1
    assert slots(bot, "posture") == [utc(2026, 11, 23, 9, 0)]
    assert slots(bot, "move") == [] and slots(bot, "hydrate") == []
    assert slots(bot, "move", "missed") == [utc(2026, 11, 23, 8, 0)]
    assert slots(bot, "hydrate", "missed") == [utc(2026, 11, 23, 8, 0)]


async def test_long_downtime_sends_no_flood(bot: BotHarness) -> None:
    await bot.send("/start")
    await bot.stop()
    bot.clock.set(utc(2026, 11, 26, 13, 50))  # three days later, 14:50 local
    await bot.mark()
    await bot.start()
    await bot.settle()
    calls = await bot.client.calls(bot.seq, "sendMessage", ALICE.id)
    # At most one per habit, and only slots under 30 minutes old: move at 14:15? no (35 min),
    # hydrate 13:30+90=15:00 not yet; posture 14:00 (50 min): nothing qualifies.
    assert len(calls) <= 4
    for habit in ("hydrate", "move", "posture", "stretch"):
        assert len(slots(bot, habit)) <= 1
    sent_slots = [s for h in ("hydrate", "move", "posture", "stretch") for s in slots(bot, h)]
    assert all(utc(2026, 11, 26, 13, 50) - s <= timedelta(minutes=30) for s in sent_slots)


async def test_catch_up_never_lands_in_quiet_hours(bot: BotHarness) -> None:
    await bot.send("/start")
    await bot.send("/schedule stretch at 21:20 daily")
    await bot.stop()
    bot.clock.set(utc(2026, 11, 23, 20, 35))  # 21:35 local: slot 15 min old, quiet since 21:30
    await bot.mark()
    await bot.start()
    await bot.settle()
    await bot.no_calls("sendMessage", ALICE.id)
    assert slots(bot, "stretch", "quiet") == [utc(2026, 11, 23, 20, 20)]
