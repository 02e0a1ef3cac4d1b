"""Snooze lengths and the adaptive move timer, end to end over the emulator: a nudge offers
10 min, 30 min and 1 h; a snoozed nudge comes back once, never into quiet hours; Done on a move
nudge restarts its interval on presets with ``adaptive_move`` and keeps the grid elsewhere."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from conftest import ALICE, MONDAY_0700_UTC, BotHarness
from test_bot import buttons_of, nudges_at, press, rows, start, text_of

from reminder_bot.delivery_rules import SNOOZE_CHOICES
from reminder_bot.emulator import User
from reminder_bot.handlers.nudge_buttons import snooze_refusal
from reminder_bot.parsing import parse_quiet
from reminder_bot.store import ActionOutcome
from reminder_bot.store import User as StoredUser

NINE = MONDAY_0700_UTC + timedelta(hours=1)  # 09:00 in Berlin, desk-worker's first move


async def only_move(bot: BotHarness) -> None:
    await start(bot)
    for habit in ("hydrate", "posture", "stretch"):
        await bot.send(f"/schedule {habit} off")


async def test_snooze_30_minutes_comes_back_once_without_snooze(bot: BotHarness) -> None:
    await only_move(bot)
    nudge = (await nudges_at(bot, NINE, 1))[0]
    markup = nudge["params"]["reply_markup"]["inline_keyboard"]
    assert [[b["text"] for b in row] for row in markup] == [
        ["✅ Done", "⏭ Skip"],
        ["⏰ 10 min", "⏰ 30 min", "⏰ 1 h"],
    ]
    await press(bot, nudge, "30 min")
    answer = await bot.reply(None, "answerCallbackQuery")
    assert answer["params"]["text"] == "I'll remind you again at 09:30."
    assert "Snoozed until 09:30" in text_of(await bot.reply(ALICE.id, "editMessageText"))
    await bot.set_time(NINE + timedelta(minutes=29))
    await bot.settle()
    await bot.no_calls("sendMessage", ALICE.id)
    resent = (await nudges_at(bot, NINE + timedelta(minutes=30), 1))[0]
    assert "Snoozed reminder" in text_of(resent)
    assert [b["text"][2:] for b in buttons_of(resent)] == ["Done", "Skip"]
    await bot.set_time(NINE + timedelta(minutes=44))
    await bot.settle()
    await bot.no_calls("sendMessage", ALICE.id)
    assert rows(bot, "select status from deliveries") == [("resent",)]


async def test_a_snooze_into_quiet_hours_is_refused_with_a_way_out(bot: BotHarness) -> None:
    await only_move(bot)
    await bot.send("/quiet 09:45-12:00")
    nudge = (await nudges_at(bot, NINE, 1))[0]
    await press(bot, nudge, "1 h")
    answer = await bot.reply(None, "answerCallbackQuery")
    assert answer["params"]["show_alert"] is True
    assert "quiet hours (09:45-12:00)" in answer["params"]["text"]
    assert "shorter snooze" in answer["params"]["text"]
    await bot.no_calls("editMessageText")  # the buttons stay, to pick again
    assert rows(bot, "select status, snooze_due from deliveries") == [("sent", None)]
    await press(bot, nudge, "30 min")
    assert "Snoozed until 09:30" in text_of(await bot.reply(ALICE.id, "editMessageText"))


async def test_the_snooze_choices_in_spanish(bot: BotHarness) -> None:
    await only_move(bot)
    alice_in_spanish = User(id=ALICE.id, first_name="Alice", language_code="es")
    assert "/schedule" in text_of(await bot.send("/help", alice_in_spanish))
    nudge = (await nudges_at(bot, NINE, 1))[0]
    assert [b["text"] for b in buttons_of(nudge)] == [
        "✅ Hecho",
        "⏭ Omitir",
        "⏰ 10 min",
        "⏰ 30 min",
        "⏰ 1 h",
    ]
    await press(bot, nudge, "1 h", alice_in_spanish)
    answer = await bot.reply(None, "answerCallbackQuery")
    assert answer["params"]["text"] == "Te lo recordaré de nuevo a las 10:00."


async def test_done_on_move_restarts_the_interval_on_desk_worker(bot: BotHarness) -> None:
    await only_move(bot)
    schedule = text_of(await bot.send("/schedule"))
    assert "Done restarts the interval" in schedule
    nudge = (await nudges_at(bot, NINE, 1))[0]
    await bot.set_time(NINE + timedelta(minutes=10))
    await press(bot, nudge, "Done")
    assert "Done at 09:10" in text_of(await bot.reply(ALICE.id, "editMessageText"))
    # Not the old slot at 09:45: 45 minutes from the press.
    await bot.set_time(NINE + timedelta(minutes=54))
    await bot.settle()
    await bot.no_calls("sendMessage", ALICE.id)
    await nudges_at(bot, NINE + timedelta(minutes=55), 1)
    slots = rows(bot, "select strftime('%H:%M', slot, 'unixepoch') from deliveries order by slot")
    assert slots == [("08:00",), ("08:55",)]  # UTC


async def test_a_preset_without_it_keeps_the_fixed_grid(bot: BotHarness) -> None:
    await start(bot)
    await bot.send("/preset gentle")  # move every 2h from 10:00 to 16:00 on weekdays
    for habit in ("hydrate", "posture", "stretch"):
        await bot.send(f"/schedule {habit} off")
    assert "Done restarts" not in text_of(await bot.send("/schedule"))
    ten = NINE + timedelta(hours=1)
    nudge = (await nudges_at(bot, ten, 1))[0]
    await bot.set_time(ten + timedelta(minutes=10))
    await press(bot, nudge, "Done")
    await bot.reply(ALICE.id, "editMessageText")
    await nudges_at(bot, ten + timedelta(hours=2), 1)  # 12:00, the grid
    assert rows(bot, "select status from deliveries order by slot") == [("done",), ("sent",)]


NOON = datetime(2026, 11, 23, 11, 0, tzinfo=UTC)  # 12:00 in Berlin


def berlin_user(quiet: str | None, paused_until: datetime | None = None) -> StoredUser:
    return StoredUser(
        id=1, chat_id=1, first_name="A", language="en", timezone="Europe/Berlin",
        quiet=parse_quiet(quiet) if quiet else None, paused_until=paused_until, active=True,
        preset="desk-worker",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("outcome", "user", "snooze", "words"),
    [
        (ActionOutcome.SNOOZE_QUIET, berlin_user("12:30-14:00"), timedelta(hours=1),
         ["quiet hours (12:30-14:00)", "Pick a shorter snooze"]),
        # Nothing shorter than the shortest: only Done or Skip.
        (ActionOutcome.SNOOZE_QUIET, berlin_user("12:05-14:00"), timedelta(minutes=10),
         ["quiet hours (12:05-14:00)", "Press Done or Skip."]),
        (ActionOutcome.SNOOZE_PAUSED, berlin_user(None, NOON + timedelta(hours=3)),
         timedelta(minutes=30), ["paused until today 15:00", "Press Done or Skip."]),
    ],
)  # fmt: skip
def test_a_refused_snooze_says_why_and_what_to_do(
    outcome: ActionOutcome, user: StoredUser, snooze: timedelta, words: list[str]
) -> None:
    text = snooze_refusal(outcome, user, NOON, snooze)
    assert len(text) <= 200  # answerCallbackQuery's limit
    for word in words:
        assert word in text, text
    if snooze == SNOOZE_CHOICES[0]:
        assert "shorter" not in text
