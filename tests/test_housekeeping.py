"""The retention roll-up as the running bot schedules it: its job is on the JobQueue, and a run
at the bot's own time rolls the old rows of the log into daily counts that /forget removes."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from typing import Any

from conftest import ALICE, MONDAY_0700_UTC, BotHarness

from reminder_bot.housekeeping import FIRST_RUN, INTERVAL


def rows(bot: BotHarness, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(bot.database) as conn:
        return conn.execute(sql).fetchall()


async def test_old_rows_roll_up_into_daily_counts(bot: BotHarness) -> None:
    jobs = bot.application.job_queue.get_jobs_by_name("retention-roll-up")
    assert [job.trigger.interval for job in jobs] == [INTERVAL]
    assert FIRST_RUN <= timedelta(minutes=5)

    await bot.send("/start")
    # 08:00 in Berlin: the 09:00 nudges of the preset go out, then nobody answers them.
    await bot.set_time(MONDAY_0700_UTC + timedelta(hours=1))
    await bot.wait_calls("sendMessage", chat_id=ALICE.id, count=2)
    await bot.settle()
    # A season later (the default retention is 90 days) the first day's rows roll up.
    await bot.set_time(MONDAY_0700_UTC + timedelta(days=100, hours=1))
    await bot.wait_calls("sendMessage", chat_id=ALICE.id, count=2)
    await bot.settle()
    day_two = int(MONDAY_0700_UTC.timestamp()) + 86400
    first_day = rows(bot, f"select habit, status from deliveries where slot < {day_two}")
    assert ("move", "sent") in first_day and ("hydrate", "sent") in first_day
    await bot.services.housekeeping.run_now()
    counted = rows(bot, "select habit, day, status, count from daily_counts")
    assert sorted(first_day) == sorted(
        (habit, status)
        for habit, day, status, count in counted
        for _ in range(count)
        if day == "2026-11-23"
    )
    # The week's summary, missed while the bot was down, is past retention too.
    assert [row for row in counted if row[1] != "2026-11-23"] == [
        ("summary", "2026-11-29", "missed", 1)
    ]
    assert rows(bot, f"select count(*) from deliveries where slot < {day_two}") == [(0,)]
    assert rows(bot, "select count(*) from deliveries") != [(0,)]  # the recent ones stay

    # /forget removes the counts with everything else.
    await bot.send("/forget")
    await bot.client.press_button(
        ALICE,
        (await bot.client.messages(ALICE.id))[-1]["message_id"],
        text="🗑 Yes, delete everything",
    )
    await bot.handled()
    assert rows(bot, "select count(*) from daily_counts") == [(0,)]
