"""/summary, /checkin, /resume <habit> and what /schedule shows of them, end to end over the
emulator: each form typed, bad input answered with an example and nothing changed, Spanish, and
a habit's own pause (the safety gate's on stretch) shown and lifted."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
import test_store as store_test
from conftest import ALICE, MONDAY_0700_UTC, BotHarness
from test_bot import buttons_of, nudges_at, rows, start, text_of
from test_bot import press as press_nudge
from test_settings import message, open_settings, press, tap
from test_snooze import NINE, only_move
from test_store import sent_nudge

from reminder_bot.clock import to_epoch
from reminder_bot.delivery_rules import SNOOZE
from reminder_bot.emulator import User
from reminder_bot.status import DeliveryStatus as S
from reminder_bot.store import Store

ALICE_ES = User(id=ALICE.id, first_name="Alice", language_code="es")
# Friday 27 Nov 2026 17:30 in Berlin.
FRIDAY_1730 = MONDAY_0700_UTC + timedelta(days=4, hours=9, minutes=30)


def rule_of(bot: BotHarness, kind: str) -> str | None:
    found = rows(bot, "select rule from schedules where user_id = ? and habit = ?", ALICE.id, kind)
    return found[0][0] if found else None


async def said(bot: BotHarness, text: str, user: User = ALICE) -> str:
    return text_of(await bot.send(text, user))


async def test_summary_shows_itself_and_how_to_change_it(bot: BotHarness) -> None:
    await start(bot)
    shown = await said(bot, "/summary")
    assert "📬 Weekly summary: Sunday at 18:00" in shown
    assert "Next: Sun 29 Nov 18:00." in shown
    assert "<code>/summary fri 17:30</code>" in shown and "<code>/summary off</code>" in shown


async def test_every_form_of_summary(bot: BotHarness) -> None:
    await start(bot)
    reply = await said(bot, "/summary fri 17:30")
    assert reply.startswith("✅ 📬 Weekly summary: Friday at 17:30\nNext: Fri 27 Nov 17:30.")
    assert rule_of(bot, "summary") == "at 17:30 on fri"
    await bot.send("/summary 19:00")  # a time alone keeps the day
    assert rule_of(bot, "summary") == "at 19:00 on fri"
    await bot.send("/summary Saturday")  # a day alone keeps the time
    assert rule_of(bot, "summary") == "at 19:00 on sat"
    assert "Weekly summary: off" in await said(bot, "/summary off")
    assert rule_of(bot, "summary") == "off"
    await bot.send("/summary on")  # never sent yet: the default
    assert rule_of(bot, "summary") == "at 18:00 on sun"
    await bot.send("/summary miércoles 08:15")
    assert rule_of(bot, "summary") == "at 08:15 on wed"


async def test_summary_on_comes_back_at_the_day_and_time_it_was_last_sent(bot: BotHarness) -> None:
    await start(bot)
    await bot.send("/summary fri 17:30")
    with sqlite3.connect(bot.database) as conn:
        conn.execute(
            "insert into deliveries (user_id, chat_id, habit, slot, status, queued_at)"
            " values (?, ?, 'summary', ?, 'sent', ?)",
            [ALICE.id, ALICE.id, to_epoch(FRIDAY_1730), to_epoch(FRIDAY_1730)],
        )
    await bot.send("/summary off")
    await bot.send("/summary on")
    assert rule_of(bot, "summary") == "at 17:30 on fri"


async def test_bad_summary_and_checkin_say_what_and_change_nothing(bot: BotHarness) -> None:
    await start(bot)
    table = [
        ("/summary someday 17:30", "'someday' is not one day of the week", "/summary fri 17:30"),
        ("/summary weekdays 17:30", "'weekdays' is not one day of the week", "/summary fri 17:30"),
        ("/summary fri 25:00", "'25:00' is not a time", "/summary fri 17:30"),
        ("/summary fri 17:30 now", "Give a day and a time, or on or off", "/summary fri 17:30"),
        ("/checkin maybe", "'maybe' is not a time", "/checkin on 21:15"),
        ("/checkin on 7pm", "'7pm' is not a time", "/checkin on 21:15"),
        ("/checkin on 20:00 daily", "Give on, off or a time such as 21:15", "/checkin on 21:15"),
    ]
    for typed, what, example in table:
        reply = await said(bot, typed)
        assert reply.startswith("⚠️ " + what), reply
        assert f"For example: <code>{example}</code>" in reply, reply
    assert rule_of(bot, "summary") == "at 18:00 on sun"
    assert rule_of(bot, "checkin") is None


async def test_every_form_of_checkin(bot: BotHarness) -> None:
    await start(bot)
    shown = await said(bot, "/checkin")
    assert "🩺 Pain check-in: off" in shown and "<code>/checkin on</code>" in shown
    reply = await said(bot, "/checkin on")
    assert reply.startswith("✅ 🩺 Pain check-in: every day at 20:00\nNext: today 20:00.")
    assert "0 (none) to 10 (worst): one tap" in reply and "/stats" in reply
    assert rule_of(bot, "checkin") == "at 20:00 daily"
    await bot.send("/checkin 21:15")
    assert rule_of(bot, "checkin") == "at 21:15 daily"
    await bot.send("/checkin on 07:05")
    assert rule_of(bot, "checkin") == "at 07:05 daily"
    await bot.send("/quiet 21:00-07:00")
    reply = await said(bot, "/checkin 22:30")
    assert "⚠️ That time is in your quiet hours (21:00-07:00), so it would never come" in reply
    reply = await said(bot, "/checkin off")
    assert reply == "✅ 🩺 Pain check-in: off"
    assert rule_of(bot, "checkin") == "off"


async def test_summary_and_checkin_in_spanish(bot: BotHarness) -> None:
    await start(bot, ALICE_ES)
    shown = await said(bot, "/summary", ALICE_ES)
    assert "Resumen semanal: domingo a las 18:00" in shown
    reply = await said(bot, "/summary vie 17:30", ALICE_ES)
    assert "Resumen semanal: viernes a las 17:30" in reply
    assert rule_of(bot, "summary") == "at 17:30 on fri"
    bad = await said(bot, "/summary algún 17:30", ALICE_ES)
    assert "'algún' no es un día de la semana" in bad
    assert "Por ejemplo: <code>/summary fri 17:30</code>" in bad
    reply = await said(bot, "/checkin on", ALICE_ES)
    assert "Registro del dolor: cada día a las 20:00" in reply
    assert "un toque" in reply


# ----- a habit's own pause -----------------------------------------------------------------------


async def test_a_stretch_pause_is_shown_and_lifted_by_command_or_button(bot: BotHarness) -> None:
    await start(bot)
    store = bot.services.store
    until = MONDAY_0700_UTC + timedelta(days=7)
    await store.set_habit_pause(ALICE.id, "stretch", until, MONDAY_0700_UTC)
    schedule = await bot.send("/schedule")
    assert "⏸ paused until Mon 30 Nov 08:00 (resume: /resume stretch or the button)" in text_of(
        schedule
    )
    assert "📬 Weekly summary: Sunday at 18:00" in text_of(schedule)
    assert "🩺 Pain check-in: off" in text_of(schedule)
    [resume] = buttons_of(schedule)
    assert resume["text"] == "▶️ Resume 🤸 Stretch"
    pressed = await press(
        bot, schedule["response"]["result"]["message_id"], resume["callback_data"]
    )
    assert pressed.answer["text"] == "Saved."
    assert pressed.text.startswith(
        "▶️ 🤸 Stretch nudges are back on.\nNext 🤸 Stretch nudge: today"
    )
    assert rows(bot, "select paused_until from schedules where habit = 'stretch'") == [(None,)]
    assert "has no pause of its own" in await said(bot, "/resume stretch")
    await store.set_habit_pause(ALICE.id, "stretching", until, MONDAY_0700_UTC)  # no such row
    await store.set_habit_pause(ALICE.id, "stretch", until, MONDAY_0700_UTC)
    resumed = await said(bot, "/resume")  # the user's pause only: this one stays, and says so
    assert "⏸ 🤸 Stretch paused until Mon 30 Nov 08:00. /resume stretch ends it." in resumed
    assert (await said(bot, "/resume stretching")).startswith("▶️ 🤸 Stretch nudges are back on.")
    assert rows(bot, "select paused_until from schedules where habit = 'stretch'") == [(None,)]
    bad = await said(bot, "/resume strech")
    assert "Unknown habit 'strech'" in bad and "<code>/resume stretch</code>" in bad


# ----- the settings menu -------------------------------------------------------------------------


async def test_summary_and_checkin_by_taps(bot: BotHarness) -> None:
    menu = await open_settings(bot)
    progress = await tap(bot, menu, "📈 Progress & check-ins")
    assert "📬 Weekly summary: Sunday at 18:00" in progress.text
    assert "🩺 Pain check-in: off" in progress.text
    await tap(bot, menu, "📬 Weekly summary")
    friday = await tap(bot, menu, "Fri")
    assert friday.answer["text"] == "Saved."
    assert friday.text.startswith("✅ 📬 Weekly summary: Friday at 18:00\nNext: Fri 27 Nov 18:00.")
    assert rule_of(bot, "summary") == "at 18:00 on fri"
    await tap(bot, menu, "🕕 At 18:00")
    await tap(bot, menu, "17:00")
    assert rule_of(bot, "summary") == "at 17:00 on fri"
    await tap(bot, menu, "⏹ Turn off")
    assert rule_of(bot, "summary") == "off"
    await tap(bot, menu, "▶️ Turn on")
    assert rule_of(bot, "summary") == "at 18:00 on sun"
    await tap(bot, menu, "⬅️ Back")
    await tap(bot, menu, "🩺 Pain check-in")
    on = await tap(bot, menu, "▶️ Turn on")
    assert "one tap" in on.text and rule_of(bot, "checkin") == "at 20:00 daily"
    await tap(bot, menu, "🕗 At 20:00")
    await tap(bot, menu, "21:00")
    assert rule_of(bot, "checkin") == "at 21:00 daily"
    await tap(bot, menu, "⏹ Turn off")
    assert rule_of(bot, "checkin") == "off"


async def test_the_adaptive_move_timer_by_taps_changes_what_done_does(bot: BotHarness) -> None:
    await only_move(bot)  # desk-worker: the timer is on by default
    menu = await open_settings(bot)
    progress = await tap(bot, menu, "📈 Progress & check-ins")
    assert "↻ Adaptive move timer: on (your preset's default)" in progress.text
    off = await tap(bot, menu, "↻ Adaptive move timer: turn off")
    assert "Adaptive move timer: off (your choice)" in off.text
    assert rows(bot, "select adaptive_move from users") == [(0,)]
    assert "Done restarts" not in await said(bot, "/schedule")
    nudge = (await nudges_at(bot, NINE, 1))[0]
    await bot.set_time(NINE + timedelta(minutes=10))
    await press_nudge(bot, nudge, "Done")
    await bot.reply(ALICE.id, "editMessageText")
    await nudges_at(bot, NINE + timedelta(minutes=45), 1)  # the grid, not 09:55
    await tap(bot, menu, "↩️ Timer as my preset has it")
    assert rows(bot, "select adaptive_move from users") == [(None,)]
    labels = [
        b["text"]
        for row in (await message(bot, menu))["reply_markup"]["inline_keyboard"]
        for b in row
    ]
    assert "↻ Adaptive move timer: turn off" in labels


async def test_a_stretch_pause_in_the_menu_resumes_with_one_tap(bot: BotHarness) -> None:
    menu = await open_settings(bot)
    until = MONDAY_0700_UTC + timedelta(days=7)
    await bot.services.store.set_habit_pause(ALICE.id, "stretch", until, MONDAY_0700_UTC)
    habit = await tap(bot, menu, "🤸 Stretch")  # the habit screen reads the pause
    assert "⏸ 🤸 Stretch paused until Mon 30 Nov 08:00." in habit.text
    back = await tap(bot, menu, "⬅️ Back")
    assert "⏸ 🤸 Stretch paused until Mon 30 Nov 08:00." in back.text
    resumed = await tap(bot, menu, "▶️ Resume 🤸 Stretch")
    assert resumed.answer["text"] == "Saved."
    assert rows(bot, "select paused_until from schedules where habit = 'stretch'") == [(None,)]
    assert "paused" not in resumed.text


# ----- the store ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("presets", "own", "restarts"),
    [
        (frozenset({"desk-worker"}), None, True),
        (frozenset({"desk-worker"}), False, False),
        (frozenset(), True, True),
        (frozenset(), None, False),
    ],
)
async def test_the_users_own_choice_of_the_adaptive_timer_wins(
    tmp_path: Path, presets: frozenset[str], own: bool | None, restarts: bool
) -> None:
    store = Store(tmp_path / "a.sqlite3", {"move": ["a"]}, adaptive_presets=presets)
    try:
        delivery_id = await sent_nudge(store)
        user = await store.set_adaptive_move(store_test.ALICE, own, store_test.NOW)
        assert user.adaptive_move is own
        pressed = store_test.NOW + timedelta(minutes=7)
        result = await store.record_action(
            delivery_id, store_test.ALICE, store_test.ALICE, S.DONE, pressed, SNOOZE
        )
        assert result.rescheduled is restarts
        moved = (await store.schedules(store_test.ALICE))["move"].next_due
        assert moved == store_test.NOW + timedelta(minutes=37 if restarts else 30)
        assert await store.last_slots(store_test.ALICE, ("move", "summary")) == {
            "move": store_test.NOW
        }
    finally:
        store.close()
