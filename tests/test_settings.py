"""/settings end to end: the real bot over real HTTP against the emulator, used by taps only.

A tap reads the menu message as the emulator holds it now (after every edit), finds the button
by its label, presses it, waits until the bot handled the press, and returns the press's one
answer and the edits it caused."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from conftest import ALICE, BOB, MONDAY_0700_UTC, BotHarness

from reminder_bot.callbacks import Screen, Settings, decode, encode
from reminder_bot.emulator import User


def rows(bot: BotHarness, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(bot.database) as conn:
        return conn.execute(sql, params).fetchall()


def rule_of(bot: BotHarness, habit: str, user: User = ALICE) -> str:
    found = rows(bot, "select rule from schedules where user_id = ? and habit = ?", user.id, habit)
    return str(found[0][0])


def labels(message: dict[str, Any]) -> list[str]:
    markup = message.get("reply_markup") or {}
    return [button["text"] for row in markup.get("inline_keyboard", []) for button in row]


def data_of(message: dict[str, Any], label: str) -> str:
    """The callback data of the button labelled ``label`` (exactly, or else the one button
    whose label contains it)."""
    buttons = [b for row in message["reply_markup"]["inline_keyboard"] for b in row]
    exact = [b for b in buttons if b["text"] == label]
    found = exact or [b for b in buttons if label in b["text"]]
    assert len(found) == 1, f"{label!r} among {[b['text'] for b in buttons]}"
    return str(found[0]["callback_data"])


@dataclass
class Press:
    answer: dict[str, Any]  # the answerCallbackQuery call's params
    edits: list[dict[str, Any]]  # editMessageText calls
    sent: list[dict[str, Any]]  # sendMessage calls

    @property
    def text(self) -> str:
        return str(self.edits[-1]["params"]["text"]) if self.edits else ""


async def message(bot: BotHarness, message_id: int, chat_id: int = ALICE.id) -> dict[str, Any]:
    found = [m for m in await bot.client.messages(chat_id) if m["message_id"] == message_id]
    assert found, f"no message {message_id}"
    return found[0]


async def press(
    bot: BotHarness, message_id: int, data: str, user: User = ALICE, chat_id: int | None = None
) -> Press:
    """Press a button by its data; exactly one answer must come."""
    await bot.mark()
    await bot.client.press_button(user, message_id, data=data, chat_id=chat_id, force=True)
    await bot.handled()
    answers = await bot.client.calls(bot.seq, "answerCallbackQuery")
    assert len(answers) == 1 and answers[0]["status"] == 200, answers
    target = chat_id or user.id
    edits = await bot.client.calls(bot.seq, "editMessageText", target)
    assert all(edit["status"] == 200 for edit in edits), edits
    sent = await bot.client.calls(bot.seq, "sendMessage", target)
    return Press(answers[0]["params"], edits, sent)


async def tap(bot: BotHarness, message_id: int, label: str) -> Press:
    """Alice taps the button labelled ``label`` on the message as it is now."""
    return await press(bot, message_id, data_of(await message(bot, message_id), label))


async def open_settings(bot: BotHarness) -> int:
    """/start, then the ⚙️ Settings button under its reply: the menu's message id."""
    start = await bot.send("/start")
    opened = await tap(bot, start["response"]["result"]["message_id"], "⚙️ Settings")
    assert len(opened.sent) == 1
    return int(opened.sent[0]["response"]["result"]["message_id"])


# ----- taps only: a custom schedule for every habit, quiet hours and a pause ---------------------


async def test_taps_only_from_start_to_a_custom_week(bot: BotHarness) -> None:
    menu = await open_settings(bot)
    assert "Settings" in (await message(bot, menu))["text"]

    await tap(bot, menu, "💧 Hydrate")
    await tap(bot, menu, "⏱ Every")
    changed = await tap(bot, menu, "30 min")
    assert changed.answer["text"] == "Saved."
    # The note says the habit's next nudge, in Berlin time.
    assert "Next 💧 Hydrate nudge: today 09:00" in changed.text
    await tap(bot, menu, "🌅 From")
    await tap(bot, menu, "08:00")
    await tap(bot, menu, "🌇 Until")
    await tap(bot, menu, "20:00")
    await tap(bot, menu, "📅 Days")
    await tap(bot, menu, "Every day")
    await tap(bot, menu, "Sun")
    assert rule_of(bot, "hydrate") == "every 30m from 08:00 to 20:00 on mon-sat"
    await tap(bot, menu, "⬅️ Back")
    await tap(bot, menu, "⬅️ Back")

    await tap(bot, menu, "🚶 Move")
    await tap(bot, menu, "⏱ Every")
    await tap(bot, menu, "1 h")
    await tap(bot, menu, "🌅 From")
    await tap(bot, menu, "10:00")
    assert rule_of(bot, "move") == "every 1h from 10:00 to 17:30 on weekdays"
    await tap(bot, menu, "⬅️ Back")

    await tap(bot, menu, "🪑 Posture")
    await tap(bot, menu, "🕛 Fixed times")
    await tap(bot, menu, "10:00")
    changed = await tap(bot, menu, "15:00")
    assert "Next 🪑 Posture nudge: today 10:00" in changed.text
    await tap(bot, menu, "⬅️ Back")
    await tap(bot, menu, "📅 Days")
    await tap(bot, menu, "Sat")
    assert rule_of(bot, "posture") == "at 10:00,15:00 on mon-sat"
    await tap(bot, menu, "⬅️ Back")
    await tap(bot, menu, "⬅️ Back")

    await tap(bot, menu, "🤸 Stretch")
    off = await tap(bot, menu, "⏹ Turn off")
    assert rule_of(bot, "stretch") == "off"
    assert "▶️ Turn on" in labels(await message(bot, menu))
    assert "Stretch: off" in off.text
    await tap(bot, menu, "⬅️ Back")

    await tap(bot, menu, "🌙 Quiet hours")
    await tap(bot, menu, "🌙 From")
    await tap(bot, menu, "22:00")
    await tap(bot, menu, "☀️ Until")
    quiet = await tap(bot, menu, "06:00")
    assert "Quiet hours set: 22:00-06:00" in quiet.text
    await tap(bot, menu, "⬅️ Back")

    await tap(bot, menu, "⏸ Pause")
    paused = await tap(bot, menu, "2 hours")
    assert "Paused until today 10:00" in paused.text
    await tap(bot, menu, "⬅️ Back")

    assert rows(bot, "select quiet, paused_until from users") == [
        ("22:00-06:00", int((MONDAY_0700_UTC + timedelta(hours=2)).timestamp()))
    ]
    home = (await message(bot, menu))["text"]
    assert "every 30 minutes from 08:00 to 20:00" in home
    assert "Quiet hours: 22:00-06:00" in home and "Paused until today 10:00" in home
    # Every press was answered; the menu stayed one message.
    answers = await bot.client.callback_answers()
    assert answers and all(query["answered"] for query in answers.values())
    # /start, its reply and the menu: nothing else was sent.
    assert len(await bot.client.messages(ALICE.id)) == 3


async def test_turning_a_habit_on_restores_its_preset_rule(bot: BotHarness) -> None:
    menu = await open_settings(bot)
    await tap(bot, menu, "🤸 Stretch")
    await tap(bot, menu, "⏹ Turn off")
    await tap(bot, menu, "▶️ Turn on")
    assert rule_of(bot, "stretch") == "at 12:30 daily"


async def test_the_typed_command_is_shown_for_other_times(bot: BotHarness) -> None:
    menu = await open_settings(bot)
    await tap(bot, menu, "🤸 Stretch")
    await tap(bot, menu, "🕛 Fixed times")
    shown = await tap(bot, menu, "Other times")
    assert "<code>/schedule stretch at 12:30 daily</code>" in shown.text
    assert "⬅️ Back" in labels(await message(bot, menu))


async def test_time_zone_and_preset_from_the_menu(bot: BotHarness) -> None:
    menu = await open_settings(bot)
    await tap(bot, menu, "🌍 Time zone")
    zone = await tap(bot, menu, "Asia/Tokyo")
    assert "Time zone set to <b>Asia/Tokyo</b>" in zone.text
    assert rows(bot, "select timezone from users") == [("Asia/Tokyo",)]
    await tap(bot, menu, "⬅️ Back")
    await tap(bot, menu, "📋 Preset")
    applied = await tap(bot, menu, "gentle")
    assert "Preset <b>gentle</b> applied" in applied.text
    assert rule_of(bot, "hydrate") == "at 10:00,14:00 daily"


async def test_resume_from_the_pause_screen(bot: BotHarness) -> None:
    menu = await open_settings(bot)
    await tap(bot, menu, "⏸ Pause")
    await tap(bot, menu, "1 week")
    resumed = await tap(bot, menu, "▶️ Resume now")
    assert "Nudges are back on" in resumed.text and "today 09:00" in resumed.text
    assert rows(bot, "select paused_until from users") == [(None,)]


async def test_close_removes_the_buttons(bot: BotHarness) -> None:
    menu = await open_settings(bot)
    await tap(bot, menu, "✖️ Close")
    assert labels(await message(bot, menu)) == []


# ----- presses that change nothing, old menus, other chats --------------------------------------


async def test_a_press_that_changes_nothing_sends_no_edit(bot: BotHarness) -> None:
    menu = await open_settings(bot)
    await tap(bot, menu, "🚶 Move")
    await tap(bot, menu, "📅 Days")
    first = await tap(bot, menu, "Weekdays")  # desk-worker's move is on weekdays already
    assert first.answer["text"].startswith("No change")
    assert "Next 🚶 Move nudge: today 09:00" in first.text
    again = await tap(bot, menu, "Weekdays")
    assert again.edits == [] and again.answer["text"].startswith("No change")
    back = await tap(bot, menu, "⬅️ Back")
    assert back.answer.get("text") is None and back.edits
    assert rule_of(bot, "move") == "every 45m from 09:00 to 17:30 on weekdays"


async def test_a_refused_change_is_answered_with_why(bot: BotHarness) -> None:
    menu = await open_settings(bot)
    await tap(bot, menu, "🚶 Move")
    await tap(bot, menu, "📅 Days")
    await tap(bot, menu, "Weekends")
    await tap(bot, menu, "Sat")
    refused = await tap(bot, menu, "Sun")
    assert refused.answer["text"] == "Keep at least one day, or turn the habit off."
    assert refused.answer["show_alert"] is True
    assert rule_of(bot, "move") == "every 45m from 09:00 to 17:30 on sun"
    await tap(bot, menu, "⬅️ Back")
    await tap(bot, menu, "🌅 From")
    same = await tap(bot, menu, "17:00")
    assert same.answer["text"] == "Saved."
    refused = await press(bot, menu, encode(Settings(Screen.SET_END, "move:17")))
    assert "must differ" in refused.answer["text"]
    assert rule_of(bot, "move") == "every 45m from 17:00 to 17:30 on sun"


async def test_a_press_on_an_old_menu_is_answered_with_a_fresh_one(bot: BotHarness) -> None:
    old = await open_settings(bot)
    new = await open_settings(bot)
    await tap(bot, old, "🚶 Move")
    await tap(bot, old, "🌅 From")  # the hour picker of an "every" rule
    await tap(bot, new, "🚶 Move")
    await tap(bot, new, "🕛 Fixed times")
    await tap(bot, new, "12:00")
    assert rule_of(bot, "move") == "at 12:00 on weekdays"
    stale = await tap(bot, old, "07:00")
    assert "out of date" in stale.answer["text"]
    assert rule_of(bot, "move") == "at 12:00 on weekdays"
    # The old message now shows the habit as it is.
    assert "at 12:00" in stale.text and "🕛 Fixed times" in labels(await message(bot, old))


async def test_an_old_menu_acts_on_the_current_settings(bot: BotHarness) -> None:
    old = await open_settings(bot)
    new = await open_settings(bot)
    await tap(bot, old, "🚶 Move")
    await tap(bot, old, "📅 Days")
    await tap(bot, new, "🚶 Move")
    await tap(bot, new, "📅 Days")
    await tap(bot, new, "Weekends")
    # The old screen still offers "remove Tuesday"; Tuesday is already gone: nothing changes,
    # and the old screen is redrawn as things are.
    pressed = await tap(bot, old, "Tue")
    assert pressed.answer["text"].startswith("No change")
    assert rule_of(bot, "move") == "every 45m from 09:00 to 17:30 on weekends"
    assert "✅ Weekends" in labels(await message(bot, old))


async def test_a_menu_survives_a_restart(bot: BotHarness) -> None:
    menu = await open_settings(bot)
    await tap(bot, menu, "🚶 Move")
    await bot.restart()
    await tap(bot, menu, "⏱ Every")
    await tap(bot, menu, "2 h")
    assert rule_of(bot, "move") == "every 2h from 09:00 to 17:30 on weekdays"


@pytest.mark.parametrize("registered", [True, False])
async def test_a_press_from_another_chat_changes_nothing(
    bot: BotHarness, registered: bool
) -> None:
    menu = await open_settings(bot)
    if registered:
        await bot.send("/start", BOB)
    before = rows(bot, "select * from schedules order by user_id, habit")
    data = encode(Settings(Screen.HABIT_OFF, "move"))
    pressed = await press(bot, menu, data, user=BOB, chat_id=ALICE.id)
    assert pressed.answer["text"] == "This menu isn't yours."
    assert pressed.edits == []
    assert rows(bot, "select * from schedules order by user_id, habit") == before


async def test_a_forged_press_is_answered_and_changes_nothing(bot: BotHarness) -> None:
    menu = await open_settings(bot)
    before = rows(bot, "select * from schedules")
    for data in ("1:s:e:move:3", "1:s:hb:dance", "1:s:z:Mars/Olympus", "1:s:p:forever"):
        pressed = await press(bot, menu, data)
        assert pressed.answer["text"] == "This button is no longer valid."
    assert rows(bot, "select * from schedules") == before


async def test_settings_before_start_asks_for_start(bot: BotHarness) -> None:
    reply = await bot.send("/settings")
    assert "/start" in reply["params"]["text"]


async def test_settings_is_in_the_command_menu(bot: BotHarness) -> None:
    menu = await bot.client.calls(0, "setMyCommands")
    commands = {c["command"]: c["description"] for c in menu[-1]["params"]["commands"]}
    assert "settings" in commands


async def test_every_button_of_every_screen_decodes(bot: BotHarness) -> None:
    menu = await open_settings(bot)
    for label in ("💧 Hydrate", "⏱ Every", "⬅️ Back", "📅 Days", "⬅️ Back", "🕛 Fixed times"):
        await tap(bot, menu, label)
        buttons = (await message(bot, menu))["reply_markup"]["inline_keyboard"]
        for row in buttons:
            for button in row:
                assert isinstance(decode(button["callback_data"]), Settings)


# ----- typed commands and the menu share one path ------------------------------------------------


async def test_a_typed_change_says_the_habits_next_nudge(bot: BotHarness) -> None:
    await bot.send("/start")
    reply = await bot.send("/schedule stretch at 12:30,18:00 on weekdays")
    assert reply["params"]["text"].startswith("✅ 🤸 Stretch: at 12:30 and 18:00")
    assert "Next 🤸 Stretch nudge: today 12:30" in reply["params"]["text"]
    due = rows(bot, "select next_due from schedules where habit = 'stretch'")[0][0]
    assert datetime.fromtimestamp(due, UTC) == datetime(2026, 11, 23, 11, 30, tzinfo=UTC)


async def test_language_by_taps_redraws_the_menu_and_every_later_reply(bot: BotHarness) -> None:
    menu = await open_settings(bot)
    await tap(bot, menu, "🗣 Language")
    switched = await tap(bot, menu, "Español")
    assert "Configuración" in switched.text and "Hidratación" in switched.text, switched.text
    assert rows(bot, "select chosen_language from users") == [("es",)]
    assert "Movimiento" in str((await bot.send("/schedule"))["params"]["text"])
    await tap(bot, menu, "🗣")
    back = await tap(bot, menu, "English")
    assert "Settings" in back.text


LUCIA = User(id=1003, first_name="Lucía", language_code="es")


async def tap_data(bot: BotHarness, menu: int, screen: Screen, arg: str = "") -> Press:
    """Lucía taps the button that says ``Settings(screen, arg)``: it must be on the message."""
    data = encode(Settings(screen, arg))
    shown = await message(bot, menu, LUCIA.id)
    assert data in [b["callback_data"] for row in shown["reply_markup"]["inline_keyboard"]
                    for b in row], (data, labels(shown))  # fmt: skip
    return await press(bot, menu, data, LUCIA)


async def back_home(bot: BotHarness, menu: int) -> None:
    """Tap Back (the last button of every screen but the main one) until the main menu."""
    for _ in range(4):
        shown = await message(bot, menu, LUCIA.id)
        data = [
            b["callback_data"] for row in shown["reply_markup"]["inline_keyboard"] for b in row
        ]
        if encode(Settings(Screen.CLOSE)) in data:
            return
        await press(bot, menu, data[-1], LUCIA)
    raise AssertionError("Back never led to the main menu")


async def test_taps_only_in_spanish(bot: BotHarness) -> None:
    start = await bot.send("/start", LUCIA)
    opened = await press(
        bot, start["response"]["result"]["message_id"], encode(Settings(Screen.OPEN)), LUCIA
    )
    menu = int(opened.sent[0]["response"]["result"]["message_id"])
    assert "Configuración" in (await message(bot, menu, LUCIA.id))["text"]
    for habit in ("hydrate", "move", "posture"):
        await tap_data(bot, menu, Screen.HABIT, habit)
        await tap_data(bot, menu, Screen.EVERY, habit)
        changed = await tap_data(bot, menu, Screen.SET_EVERY, f"{habit}:60")
        assert changed.answer["text"] == "Guardado." and "Próximo" in changed.text, changed.text
        await back_home(bot, menu)
    await tap_data(bot, menu, Screen.HABIT, "stretch")
    await tap_data(bot, menu, Screen.TIMES, "stretch")
    await tap_data(bot, menu, Screen.SET_TIME, "stretch:1700:1")
    await back_home(bot, menu)
    await tap_data(bot, menu, Screen.QUIET)
    await tap_data(bot, menu, Screen.QUIET_START)
    quiet = await tap_data(bot, menu, Screen.SET_QUIET_START, "22")
    assert "silencio" in quiet.text, quiet.text
    await back_home(bot, menu)
    await tap_data(bot, menu, Screen.PAUSE)
    paused = await tap_data(bot, menu, Screen.PAUSE_FOR, "1d")
    assert "Pausa" in paused.text or "pausa" in paused.text, paused.text
    stored = dict(rows(bot, "select habit, rule from schedules where user_id = ?", LUCIA.id))
    assert stored["hydrate"].startswith("every 1h") and stored["move"].startswith("every 1h")
    assert stored["posture"].startswith("every 1h") and "17:00" in stored["stretch"]
    assert rows(bot, "select quiet from users where id = ?", LUCIA.id)[0][0].startswith("22:00")
