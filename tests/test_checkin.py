"""The daily pain check-in end to end over the emulator: sent at its time by the dispatcher with
eleven score buttons, a tap kept for the day asked about (a second tap changes it), the
check-in logged as answered, the week's trend in the reply, and refusals for someone else's
check-in and for data this bot never made."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import ALICE, BOB, MONDAY_0700_UTC, BotHarness
from test_bot import buttons_of, rows, text_of

from reminder_bot.callbacks import ForgetConfirm, PainScore, encode
from reminder_bot.emulator import User
from reminder_bot.presets import builtin_presets_dir, load_presets
from reminder_bot.schedule import CHECKIN, HABITS, SUMMARY, At, Off
from reminder_bot.store import ActionOutcome, Store

ANA = User(id=1003, first_name="Ana", language_code="es")
MONDAY = MONDAY_0700_UTC.date()  # 23 Nov 2026


def at_20_berlin(day: date) -> datetime:
    return datetime.combine(day, time(19, 0), UTC)  # 20:00 in Berlin (UTC+1 in winter)


def message_id(call: dict[str, Any]) -> int:
    return int(call["response"]["result"]["message_id"])


async def register(bot: BotHarness, user: User = ALICE) -> None:
    """/start, then only the check-in on, at 20:00 daily (as /checkin on sets it)."""
    await bot.send("/start", user)
    store, now = bot.services.store, bot.clock.now()
    for habit in (*HABITS, SUMMARY):
        await store.set_rule(user.id, habit, Off(), now)
    await store.set_rule(user.id, CHECKIN, At((time(20, 0),), frozenset(range(7))), now)
    bot.services.dispatcher.kick()
    await bot.handled()


async def checkin_on(bot: BotHarness, day: date, user: User = ALICE) -> dict[str, Any]:
    """The check-in the dispatcher sends at 20:00 on ``day``, once it is logged as sent."""
    await bot.set_time(at_20_berlin(day))
    [call] = await bot.wait_calls("sendMessage", chat_id=user.id)
    await bot.settle()
    return call


async def tap(
    bot: BotHarness, checkin: dict[str, Any], score: int, user: User = ALICE
) -> tuple[str, dict[str, Any], dict[str, Any]]:
    """Tap ``score``: (the press's answer, the check-in's edit, the reply with the trend)."""
    await bot.mark()
    data = encode(PainScore(int(buttons_of(checkin)[0]["callback_data"].split(":")[2]), score))
    await bot.client.press_button(user, message_id(checkin), data=data, force=True)
    toast = await bot.reply(None, "answerCallbackQuery")
    edit = await bot.reply(user.id, "editMessageText")
    return toast["params"]["text"], edit, await bot.reply(user.id)


def scores(bot: BotHarness, user: User = ALICE) -> list[tuple[str, int]]:
    return rows(bot, "select day, pain from checkins where user_id = ? order by day", user.id)


async def test_the_check_in_comes_at_its_time_and_a_tap_is_kept(bot: BotHarness) -> None:
    await register(bot)
    checkin = await checkin_on(bot, MONDAY)
    assert "How is your back today?" in text_of(checkin)
    assert "0 = no pain, 10 = the worst" in text_of(checkin)
    assert [b["text"] for b in buttons_of(checkin)] == [str(n) for n in range(11)]
    toast, edit, trend = await tap(bot, checkin, 4)
    assert toast == "Thank you. Noted: 4/10"
    assert "Your answer for Mon 23 Nov: 4/10" in text_of(edit) and not buttons_of(edit)
    assert text_of(trend) == "Back pain, last 7 days: 1 check-in, average 4/10."
    assert scores(bot) == [("2026-11-23", 4)]
    assert rows(bot, "select status from deliveries where habit = 'checkin'") == [("done",)]
    # A second tap the same day changes the day's score; it never adds a second one.
    _toast, edit, _trend = await tap(bot, checkin, 6)
    assert "6/10 (changed from 4)" in text_of(edit)
    assert scores(bot) == [("2026-11-23", 6)]


async def test_a_tap_after_midnight_counts_for_the_day_asked(bot: BotHarness) -> None:
    await register(bot)
    checkin = await checkin_on(bot, MONDAY)
    await bot.set_time(at_20_berlin(MONDAY) + timedelta(hours=4, minutes=30))  # 00:30 Tuesday
    _toast, edit, _trend = await tap(bot, checkin, 3)
    assert "Mon 23 Nov" in text_of(edit)
    assert scores(bot) == [("2026-11-23", 3)]


async def test_a_week_of_rising_pain_suggests_a_gp_or_physiotherapist(bot: BotHarness) -> None:
    await register(bot)
    for offset, score in enumerate((3, 5, 7, 9)):
        _toast, _edit, trend = await tap(
            bot, await checkin_on(bot, MONDAY + timedelta(days=offset)), score
        )
    line, suggestion = text_of(trend).split("\n")
    assert line == "Back pain, last 7 days: 4 check-ins, average 6/10. Trend: getting worse."
    assert "GP or physiotherapist" in suggestion and "/redflags" in suggestion
    assert len(scores(bot)) == 4


async def test_a_tap_on_someone_elses_check_in_is_refused(bot: BotHarness) -> None:
    await register(bot)
    bobs = await bot.send("/start", BOB)
    checkin = await checkin_on(bot, MONDAY)
    await bot.mark()
    # Bob forges Alice's check-in data under a message of his own.
    data = buttons_of(checkin)[5]["callback_data"]
    await bot.client.press_button(BOB, message_id(bobs), data=data, chat_id=BOB.id, force=True)
    toast = await bot.reply(None, "answerCallbackQuery")
    assert "isn't yours" in toast["params"]["text"]
    await bot.no_calls("editMessageText")
    assert rows(bot, "select count(*) from checkins") == [(0,)]
    assert rows(bot, "select status from deliveries where habit = 'checkin'") == [("sent",)]


@pytest.mark.parametrize("data", ["1:c:1:11", "1:c:0:5", "1:c:x:3", "1:c:1:05", "1:c:1"])
async def test_junk_data_is_out_of_date(bot: BotHarness, data: str) -> None:
    await register(bot)
    checkin = await checkin_on(bot, MONDAY)
    await bot.mark()
    await bot.client.press_button(ALICE, message_id(checkin), data=data, force=True)
    toast = await bot.reply(None, "answerCallbackQuery")
    assert toast["params"]["text"] == "This button is no longer valid."
    assert rows(bot, "select count(*) from checkins") == [(0,)]


async def test_a_score_naming_a_nudge_is_closed(bot: BotHarness) -> None:
    """Forged data naming a delivery that is not a check-in (a nudge) changes nothing."""
    await register(bot)
    await bot.services.store.set_rule(
        ALICE.id, "move", At((time(19, 0),), frozenset(range(7))), bot.clock.now()
    )
    bot.services.dispatcher.kick()
    await bot.set_time(datetime.combine(MONDAY, time(18, 0), UTC))  # 19:00 in Berlin
    await bot.wait_calls("sendMessage", chat_id=ALICE.id)
    checkin = await checkin_on(bot, MONDAY)
    [(nudge_id,)] = rows(bot, "select id from deliveries where habit = 'move'")
    await bot.mark()
    data = encode(PainScore(nudge_id, 5))
    await bot.client.press_button(ALICE, message_id(checkin), data=data, force=True)
    toast = await bot.reply(None, "answerCallbackQuery")
    assert "closed" in toast["params"]["text"]
    assert rows(bot, "select count(*) from checkins") == [(0,)]
    assert rows(bot, "select status from deliveries where habit = 'move'") == [("sent",)]


async def test_spanish_and_forget(bot: BotHarness) -> None:
    await register(bot, ANA)
    checkin = await checkin_on(bot, MONDAY, ANA)
    assert "¿Qué tal tu espalda hoy?" in text_of(checkin)
    toast, edit, trend = await tap(bot, checkin, 2, ANA)
    assert toast == "Gracias. Anotado: 2/10"
    assert "2/10" in text_of(edit)
    assert text_of(trend) == "Dolor de espalda, últimos 7 días: 1 registro, media 2/10."
    ask = await bot.send("/forget", ANA)
    await bot.mark()
    await bot.client.press_button(ANA, message_id(ask), data=encode(ForgetConfirm.YES))
    await bot.reply(ANA.id, "editMessageText")
    assert rows(bot, "select count(*) from checkins") == [(0,)]


# ----- the store's side, on a real SQLite file -----------------------------------------------


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = Store(tmp_path / "store.sqlite3", {"move": ["a"]}, rng=random.Random(1))
    preset = load_presets(builtin_presets_dir())["desk-worker"]
    now = MONDAY_0700_UTC
    await opened.start_user(ALICE.id, ALICE.id, "A", "en", "Europe/Berlin", preset, now)
    await opened.set_rule(ALICE.id, CHECKIN, At((time(20, 0),), frozenset(range(7))), now)
    yield opened
    opened.close()


async def sent_checkin(store: Store) -> int:
    """Monday's check-in, claimed and logged as sent (as message 77)."""
    slot = at_20_berlin(MONDAY)
    claim = await store.claim(slot, limit=10, catch_up=timedelta(minutes=30))
    [delivery_id] = [d.id for d in claim.deliveries if d.habit == CHECKIN]
    await store.mark_sent(delivery_id, 77, slot, resent=False, error=None)
    return delivery_id


@pytest.mark.parametrize(
    ("after", "chat", "message", "outcome"),
    [
        (timedelta(hours=1), ALICE.id, 77, ActionOutcome.RECORDED),
        (timedelta(days=7), ALICE.id, None, ActionOutcome.RECORDED),  # a week: still open
        (timedelta(days=7, seconds=1), ALICE.id, 77, ActionOutcome.CLOSED),
        (timedelta(hours=1), BOB.id, 77, ActionOutcome.NOT_YOURS),  # another chat
        (timedelta(hours=1), ALICE.id, 78, ActionOutcome.CLOSED),  # not the message sent
    ],
)
async def test_which_taps_count(
    store: Store, after: timedelta, chat: int, message: int | None, outcome: ActionOutcome
) -> None:
    delivery_id = await sent_checkin(store)
    now = at_20_berlin(MONDAY) + after
    result = await store.record_checkin(delivery_id, ALICE.id, chat, 5, now, message_id=message)
    assert result.outcome is outcome
    recorded = outcome is ActionOutcome.RECORDED
    assert await store.pain_scores(ALICE.id, MONDAY) == ({MONDAY: 5} if recorded else {})


async def test_a_check_in_not_yet_sent_and_someone_elses_are_refused(store: Store) -> None:
    slot = at_20_berlin(MONDAY)
    claim = await store.claim(slot, limit=10, catch_up=timedelta(minutes=30))
    [delivery_id] = [d.id for d in claim.deliveries if d.habit == CHECKIN]
    queued = await store.record_checkin(delivery_id, ALICE.id, ALICE.id, 5, slot)
    assert queued.outcome is ActionOutcome.CLOSED
    theirs = await store.record_checkin(delivery_id, BOB.id, None, 5, slot)
    assert theirs.outcome is ActionOutcome.NOT_YOURS
    assert await store.pain_scores(ALICE.id, MONDAY - timedelta(days=30)) == {}
