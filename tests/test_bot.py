"""End to end: the real bot over real HTTP against the emulator, used as a person would. The
bot's clock is moved by hand (no real waiting); SQLite is a file on disk."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from conftest import ALICE, BOB, MONDAY_0700_UTC, BotHarness
from test_store import CountingExecutor

from reminder_bot.callbacks import ForgetConfirm, PresetPick, TimeZonePick, encode
from reminder_bot.emulator import User


def rows(bot: BotHarness, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(bot.database) as conn:
        return conn.execute(sql, params).fetchall()


def text_of(call: dict[str, Any]) -> str:
    return str(call["params"]["text"])


def buttons_of(call: dict[str, Any]) -> list[dict[str, Any]]:
    markup = call["params"].get("reply_markup") or {}
    return [button for row in markup.get("inline_keyboard", []) for button in row]


async def start(bot: BotHarness, user: User = ALICE) -> dict[str, Any]:
    return await bot.send("/start", user)


async def nudges_at(bot: BotHarness, when: datetime, count: int, chat_id: int = ALICE.id):
    """The nudges sent at ``when``, once the bot has also logged them (not just sent them)."""
    await bot.set_time(when)
    calls = await bot.wait_calls("sendMessage", chat_id=chat_id, count=count)
    await bot.settle()
    return calls


# ----- /start, /help ---------------------------------------------------------------------------


async def test_start_registers_with_default_preset_and_says_what_next(bot: BotHarness) -> None:
    reply = await start(bot)
    text = text_of(reply)
    assert "Alice" in text
    assert "desk-worker" in text and "Europe/Berlin" in text
    # 08:00 in Berlin on a Monday: the first desk-worker nudges are at 09:00.
    assert "Next nudge" in text and "today 09:00" in text
    labels = [b["text"] for b in buttons_of(reply)]
    assert any("Time zone" in label for label in labels)
    assert any("presets" in label for label in labels)
    assert rows(bot, "select count(*) from schedules where user_id = ?", ALICE.id) == [
        (5,)
    ]  # four habits and the weekly summary


async def test_second_start_duplicates_nothing(bot: BotHarness) -> None:
    await start(bot)
    reply = await start(bot)
    assert "Welcome back" in text_of(reply)
    assert rows(bot, "select count(*) from users") == [(1,)]
    assert rows(bot, "select count(*) from schedules") == [
        (5,)
    ]  # four habits and the weekly summary


async def test_help_lists_every_command_and_the_menu_matches(bot: BotHarness) -> None:
    reply = await bot.send("/help")
    commands = (
        "start",
        "settings",
        "schedule",
        "preset",
        "timezone",
        "quiet",
        "pause",
        "resume",
        "summary",
        "checkin",
        "stats",
        "relief",
        "redflags",
        "stop",
        "export",
        "forget",
        "language",
        "help",
    )
    for command in commands:
        assert f"/{command}" in text_of(reply)
    menu = await bot.client.calls(0, "setMyCommands")
    assert menu and menu[-1]["status"] == 200
    assert [c["command"] for c in menu[-1]["params"]["commands"]] == list(commands)


async def test_commands_before_start_ask_for_start(bot: BotHarness) -> None:
    reply = await bot.send("/schedule")
    assert "/start" in text_of(reply)


# ----- /timezone ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argument", "zone"),
    [
        ("Europe/London", "Europe/London"),
        ("america/new_york", "America/New_York"),
        ("UTC+05:30", "UTC+05:30"),
        ("UTC", "UTC"),
    ],
)
async def test_timezone_set(bot: BotHarness, argument: str, zone: str) -> None:
    await start(bot)
    reply = await bot.send(f"/timezone {argument}")
    assert zone in text_of(reply)
    assert rows(bot, "select timezone from users where id = ?", ALICE.id) == [(zone,)]


async def test_timezone_keeps_local_times(bot: BotHarness) -> None:
    await start(bot)
    await bot.send("/schedule stretch at 12:30 daily")
    await bot.send("/timezone America/New_York")
    # 12:30 in New York on Monday 23 Nov 2026 is 17:30 UTC.
    due = rows(
        bot, "select next_due from schedules where user_id = ? and habit = 'stretch'", ALICE.id
    )
    assert datetime.fromtimestamp(due[0][0], UTC) == datetime(2026, 11, 23, 17, 30, tzinfo=UTC)


@pytest.mark.parametrize("bot", ["polling", "webhook"], indirect=True)
async def test_timezone_buttons(bot: BotHarness) -> None:
    await start(bot)
    menu = await bot.send("/timezone")
    tokyo = encode(TimeZonePick("Asia/Tokyo"))
    assert any(b["callback_data"] == tokyo for b in buttons_of(menu))
    await bot.mark()
    await bot.client.press_button(ALICE, menu["response"]["result"]["message_id"], data=tokyo)
    answer = await bot.reply(None, "answerCallbackQuery")
    assert answer["status"] == 200
    assert "Asia/Tokyo" in text_of(await bot.reply(ALICE.id))
    assert rows(bot, "select timezone from users") == [("Asia/Tokyo",)]


async def test_bad_timezone_changes_nothing(bot: BotHarness) -> None:
    await start(bot)
    reply = await bot.send("/timezone Europe/Berln")
    text = text_of(reply)
    assert "Europe/Berln" in text and "Europe/Berlin" in text
    assert "<code>/timezone" in text
    assert rows(bot, "select timezone from users") == [("Europe/Berlin",)]


# ----- /schedule ---------------------------------------------------------------------------------


async def test_schedule_shows_every_habit_with_next_due(bot: BotHarness) -> None:
    await start(bot)
    text = text_of(await bot.send("/schedule"))
    for label in ("Hydrate", "Move", "Posture", "Stretch"):
        assert label in text
    assert "next today 09:00" in text
    assert "Quiet hours: 21:30-07:30" in text


@pytest.mark.parametrize(
    ("command", "habit", "stored"),
    [
        (
            "/schedule move every 30m from 08:00 to 16:00 on mon-fri",
            "move",
            "every 30m from 08:00 to 16:00 on weekdays",
        ),
        ("/schedule water every 2h", "hydrate", "every 2h from 09:00 to 18:00 daily"),
        (
            "/schedule stretch at 07:15,19:00 on mon,wed,fri",
            "stretch",
            "at 07:15,19:00 on mon,wed,fri",
        ),
        ("/schedule posture off", "posture", "off"),
        (
            "/schedule break every 1h on weekends",
            "move",
            "every 1h from 09:00 to 18:00 on weekends",
        ),
    ],
)
async def test_schedule_changes_one_habit(
    bot: BotHarness, command: str, habit: str, stored: str
) -> None:
    await start(bot)
    reply = await bot.send(command)
    assert text_of(reply).startswith("✅")
    assert rows(bot, "select rule from schedules where habit = ?", habit) == [(stored,)]


@pytest.mark.parametrize(
    ("command", "complaint"),
    [
        ("/schedule fly every 1h", "unknown habit 'fly'"),
        ("/schedule move every 2m", "too often"),
        ("/schedule move every 1h on mo", "unknown day 'mo'"),
        ("/schedule move at 25:00", "'25:00' is not a time"),
        ("/schedule move", "give a rule"),
        ("/schedule move every 1h from 10:00 to 10:00", "empty"),
        ("/schedule move sometimes", "sometimes"),
    ],
)
async def test_bad_schedule_says_what_and_changes_nothing(
    bot: BotHarness, command: str, complaint: str
) -> None:
    await start(bot)
    before = rows(bot, "select habit, rule, next_due from schedules order by habit")
    text = text_of(await bot.send(command))
    assert complaint.lower() in text.lower()
    assert "For example: <code>/schedule " in text
    assert rows(bot, "select habit, rule, next_due from schedules order by habit") == before


# ----- /preset -----------------------------------------------------------------------------------


async def test_preset_lists_and_applies(bot: BotHarness) -> None:
    await start(bot)
    listing = await bot.send("/preset")
    for name in ("desk-worker", "standing-job", "gentle"):
        assert name in text_of(listing)
        assert any(b["callback_data"] == encode(PresetPick(name)) for b in buttons_of(listing))
    applied = await bot.send("/preset gentle")
    assert "gentle" in text_of(applied)
    assert rows(bot, "select preset from users") == [("gentle",)]


async def test_preset_button(bot: BotHarness) -> None:
    await start(bot)
    listing = await bot.send("/preset")
    await bot.mark()
    await bot.client.press_button(
        ALICE,
        listing["response"]["result"]["message_id"],
        data=encode(PresetPick("standing-job")),
    )
    assert "standing-job" in text_of(await bot.reply(ALICE.id))
    assert rows(bot, "select preset from users") == [("standing-job",)]


async def test_unknown_preset(bot: BotHarness) -> None:
    await start(bot)
    text = text_of(await bot.send("/preset lazy"))
    assert "lazy" in text and "gentle" in text and "<code>/preset desk-worker</code>" in text
    assert rows(bot, "select preset from users") == [("desk-worker",)]


# ----- quiet hours, pause, stop ------------------------------------------------------------------


async def test_quiet_hours_are_kept(bot: BotHarness) -> None:
    await start(bot)
    await bot.send("/schedule hydrate every 1h from 06:00 to 23:00 daily")
    reply = await bot.send("/quiet 20:00-10:00")
    assert "20:00-10:00" in text_of(reply)
    # The whole Monday: only 10:00..19:00 Berlin slots may arrive.
    for hour in range(8, 24):
        await bot.set_time(datetime(2026, 11, 23, hour, 0, tzinfo=UTC) - timedelta(hours=1))
        await bot.settle()
    sent = rows(bot, "select slot from deliveries where habit = 'hydrate' and status = 'sent'")
    local_hours = sorted(datetime.fromtimestamp(s, UTC).hour + 1 for (s,) in sent)
    assert local_hours == list(range(10, 20))


@pytest.mark.parametrize("argument", ["25:00-07:00", "22:00", "22:00-22:00", "soon"])
async def test_bad_quiet(bot: BotHarness, argument: str) -> None:
    await start(bot)
    text = text_of(await bot.send(f"/quiet {argument}"))
    assert "<code>/quiet 22:00-07:00</code>" in text
    assert rows(bot, "select quiet from users") == [("21:30-07:30",)]


async def test_pause_for_two_hours_then_resume(bot: BotHarness) -> None:
    await start(bot)
    reply = await bot.send("/pause 2h")
    assert "Paused until today 10:00" in text_of(reply)
    await bot.set_time(MONDAY_0700_UTC + timedelta(hours=1, minutes=50))
    await bot.settle()
    await bot.no_calls("sendMessage", ALICE.id)
    resumed = await bot.send("/resume")
    assert "back on" in text_of(resumed)
    assert "today 09:00" not in text_of(resumed)


async def test_pause_without_argument_waits_for_tomorrow(bot: BotHarness) -> None:
    await start(bot)
    text = text_of(await bot.send("/pause"))
    assert "tomorrow 09:00" in text


@pytest.mark.parametrize("argument", ["forever", "31d", "until 25:00", "0m"])
async def test_bad_pause(bot: BotHarness, argument: str) -> None:
    await start(bot)
    text = text_of(await bot.send(f"/pause {argument}"))
    assert "<code>/pause" in text
    assert rows(bot, "select paused_until from users") == [(None,)]


async def test_stop_silences_and_start_brings_back(bot: BotHarness) -> None:
    await start(bot)
    assert "Stopped" in text_of(await bot.send("/stop"))
    await bot.set_time(MONDAY_0700_UTC + timedelta(hours=3))
    await bot.settle()
    await bot.no_calls("sendMessage", ALICE.id)
    assert rows(bot, "select count(*) from schedules where next_due is not null") == [(0,)]
    await start(bot)
    assert rows(bot, "select count(*) from schedules where next_due is not null") == [
        (5,)
    ]  # with the weekly summary


async def test_forget_needs_confirmation_then_deletes_everything(bot: BotHarness) -> None:
    await start(bot)
    await nudges_at(bot, MONDAY_0700_UTC + timedelta(hours=1), 2)
    ask = await bot.send("/forget")
    message_id = ask["response"]["result"]["message_id"]
    await bot.mark()
    await bot.client.press_button(ALICE, message_id, data=encode(ForgetConfirm.NO))
    await bot.reply(ALICE.id, "editMessageText")
    assert rows(bot, "select count(*) from users") == [(1,)]
    ask = await bot.send("/forget")
    await bot.mark()
    await bot.client.press_button(
        ALICE, ask["response"]["result"]["message_id"], data=encode(ForgetConfirm.YES)
    )
    edit = await bot.reply(ALICE.id, "editMessageText")
    assert "deleted" in text_of(edit)
    for table in ("users", "schedules", "deliveries", "nudge_cycles"):
        assert rows(bot, f"select count(*) from {table}") == [(0,)], table


# ----- nudges and their buttons ------------------------------------------------------------------


async def test_nudges_arrive_at_their_due_time_with_buttons(bot: BotHarness) -> None:
    await start(bot)
    await bot.set_time(MONDAY_0700_UTC + timedelta(minutes=59))
    await bot.settle()
    await bot.no_calls("sendMessage", ALICE.id)
    calls = await nudges_at(bot, MONDAY_0700_UTC + timedelta(hours=1), 2)
    assert len({text_of(c) for c in calls}) == 2
    for call in calls:
        assert call["status"] == 200
        assert call["params"]["parse_mode"] == "HTML"
        shown = [b["text"][2:] for b in buttons_of(call)]
        assert shown == ["Done", "Skip", "10 min", "30 min", "1 h"]
        assert "General information, not medical advice." in text_of(call)
    sent = rows(bot, "select habit, status from deliveries order by habit")
    assert sent == [("hydrate", "sent"), ("move", "sent")]


async def press(bot: BotHarness, call: dict[str, Any], label: str, user: User = ALICE) -> None:
    data = next(b["callback_data"] for b in buttons_of(call) if label in b["text"])
    await bot.mark()
    await bot.client.press_button(user, call["response"]["result"]["message_id"], data=data)


async def test_done_is_acknowledged_and_recorded(bot: BotHarness) -> None:
    await start(bot)
    nudge = (await nudges_at(bot, MONDAY_0700_UTC + timedelta(hours=1), 2))[0]
    await press(bot, nudge, "Done")
    answer = await bot.reply(None, "answerCallbackQuery")
    assert answer["status"] == 200
    edit = await bot.reply(ALICE.id, "editMessageText")
    assert "Done at 09:00" in text_of(edit)
    assert not buttons_of(edit)
    assert ("done",) in rows(bot, "select status from deliveries")


async def test_a_button_press_costs_two_writer_hops(bot: BotHarness) -> None:
    await start(bot)
    nudge = (await nudges_at(bot, MONDAY_0700_UTC + timedelta(hours=1), 2))[0]
    store = bot.services.store
    await bot.services.dispatcher.settled(bot.clock.now())
    store._executor.shutdown()
    store._executor = CountingExecutor(max_workers=1)
    await press(bot, nudge, "Done")
    await bot.reply(ALICE.id, "editMessageText")
    # The user's language (one read), then the press checked and recorded (one transaction).
    assert store._executor.hops == 2


async def test_skip_is_recorded(bot: BotHarness) -> None:
    await start(bot)
    nudge = (await nudges_at(bot, MONDAY_0700_UTC + timedelta(hours=1), 2))[0]
    await press(bot, nudge, "Skip")
    assert "Skipped" in text_of(await bot.reply(ALICE.id, "editMessageText"))
    assert ("skipped",) in rows(bot, "select status from deliveries")


@pytest.mark.parametrize("bot", ["polling", "webhook"], indirect=True)
async def test_snooze_resends_once(bot: BotHarness) -> None:
    await start(bot)
    await bot.send("/schedule hydrate off")
    nudge = (await nudges_at(bot, MONDAY_0700_UTC + timedelta(hours=1), 1))[0]
    await press(bot, nudge, "10 min")
    assert "Snoozed until 09:10" in text_of(await bot.reply(ALICE.id, "editMessageText"))
    await bot.set_time(MONDAY_0700_UTC + timedelta(hours=1, minutes=9))
    await bot.settle()
    await bot.no_calls("sendMessage", ALICE.id)
    resent = (await nudges_at(bot, MONDAY_0700_UTC + timedelta(hours=1, minutes=10), 1))[0]
    assert "Snoozed reminder" in text_of(resent)
    assert [b["text"][2:] for b in buttons_of(resent)] == ["Done", "Skip"]
    await bot.set_time(MONDAY_0700_UTC + timedelta(hours=1, minutes=30))
    await bot.settle()
    await bot.no_calls("sendMessage", ALICE.id)
    await press(bot, resent, "Done")
    await bot.reply(ALICE.id, "editMessageText")
    assert rows(bot, "select status from deliveries where habit = 'move'") == [("done",)]


async def test_press_from_another_chat_changes_nothing(bot: BotHarness) -> None:
    await start(bot)
    await start(bot, BOB)
    nudge = (await nudges_at(bot, MONDAY_0700_UTC + timedelta(hours=1), 2))[0]
    data = buttons_of(nudge)[0]["callback_data"]
    await bot.mark()
    # Bob forges Alice's callback data in his own chat.
    await bot.client.press_button(
        BOB, nudge["response"]["result"]["message_id"], data=data, chat_id=BOB.id, force=True
    )
    answer = await bot.reply(None, "answerCallbackQuery")
    assert "isn't yours" in answer["params"]["text"]
    await bot.no_calls("editMessageText")
    assert rows(bot, "select status from deliveries where user_id = ? order by id", ALICE.id) == [
        ("sent",),
        ("sent",),
    ]


async def test_second_press_on_a_closed_nudge(bot: BotHarness) -> None:
    await start(bot)
    nudge = (await nudges_at(bot, MONDAY_0700_UTC + timedelta(hours=1), 2))[0]
    await press(bot, nudge, "Done")
    await bot.reply(ALICE.id, "editMessageText")
    await bot.mark()
    await bot.client.press_button(
        ALICE,
        nudge["response"]["result"]["message_id"],
        data=buttons_of(nudge)[2]["callback_data"],
        force=True,
    )
    answer = await bot.reply(None, "answerCallbackQuery")
    assert "already closed" in answer["params"]["text"]
    assert ("done",) in rows(bot, "select status from deliveries")


async def test_every_nudge_of_a_habit_before_a_repeat(bot: BotHarness) -> None:
    await start(bot)
    await bot.send("/schedule move every 5m from 00:00 to 23:55 daily")
    await bot.send("/schedule hydrate off")
    await bot.send("/quiet off")
    total = len(bot.services.content.nudges["move"])
    for step in range(1, 2 * total + 1):
        await bot.set_time(MONDAY_0700_UTC + timedelta(minutes=5 * step))
        await bot.settle()
    ids = [
        r[0]
        for r in rows(
            bot,
            "select nudge_id from deliveries where habit = 'move' "
            "and status = 'sent' order by slot",
        )
    ]
    assert len(ids) == 2 * total
    assert len(set(ids[:total])) == total and len(set(ids[total:])) == total
    assert all(a != b for a, b in zip(ids, ids[1:], strict=False))


async def only_habit(bot: BotHarness, habit: str, rule: str) -> None:
    for other in ("hydrate", "move", "posture", "stretch"):
        if other != habit:
            await bot.send(f"/schedule {other} off")
    await bot.send(f"/schedule {habit} {rule}")


async def test_stretch_slots_away_from_the_desk_suggest_an_activity(bot: BotHarness) -> None:
    await start(bot)
    await only_habit(bot, "stretch", "at 12:30,18:00 daily")
    content = bot.services.content
    # Berlin is UTC+1: Monday 12:30 (a desk stretch), Monday 18:00 and Saturday 12:30.
    slots = [timedelta(hours=4.5), timedelta(hours=10), timedelta(days=5, hours=4.5)]
    headings = []
    for slot in slots:
        (call,) = await nudges_at(bot, MONDAY_0700_UTC + slot, 1)
        headings.append(text_of(call).splitlines()[0])
    assert headings[0].startswith("<b>🧘 Stretch: ")
    assert all(h.startswith("<b>🚴 Activity idea: ") for h in headings[1:]), headings
    await bot.settle()
    sent = rows(bot, "select nudge_id from deliveries where status = 'sent' order by slot")
    kinds = [content.find_nudge(nudge_id).kind for (nudge_id,) in sent]
    assert kinds == ["stretch", "activity", "activity"]
    # Each set keeps its own shuffle bag.
    bags = rows(bot, "select habit, last from nudge_cycles order by habit")
    assert bags == [("activity", sent[2][0]), ("stretch", sent[0][0])]


async def test_standing_job_move_nudges_fit_standing_work(bot: BotHarness) -> None:
    await start(bot)
    await bot.send("/preset standing-job")
    await only_habit(bot, "move", "at 10:30,15:00 on weekdays")
    ids = {nudge.id for nudge in bot.services.content.nudges["move-standing"]}
    for hour in (9.5, 14):  # 10:30 and 15:00 in Berlin
        (call,) = await nudges_at(bot, MONDAY_0700_UTC.replace(hour=0) + timedelta(hours=hour), 1)
        assert text_of(call).startswith("<b>🔄 Change position</b>"), text_of(call)
        assert "stand up" not in text_of(call).lower()
    await bot.settle()
    sent = rows(bot, "select nudge_id from deliveries where habit = 'move' and status = 'sent'")
    assert len(sent) == 2 and {nudge_id for (nudge_id,) in sent} <= ids


async def test_blocked_user_is_marked_inactive(bot: BotHarness) -> None:
    await start(bot)
    # No my_chat_member update this time: the bot learns it from the 403 of the next nudge.
    await bot.client.block(ALICE.id, notify=False)
    calls = await nudges_at(bot, MONDAY_0700_UTC + timedelta(hours=1), 1)
    assert calls[0]["status"] == 403
    await bot.settle()
    assert rows(bot, "select active, inactive_reason from users") == [(0, "blocked")]
    await bot.set_time(MONDAY_0700_UTC + timedelta(hours=5))
    await bot.settle()
    assert len(await bot.client.calls(0, "sendMessage", ALICE.id)) <= 3  # /start + two blocked
    await bot.client.unblock(ALICE.id)
    assert "Welcome back" in text_of(await start(bot))
    assert rows(bot, "select active from users") == [(1,)]


# ----- relief and red flags ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "number"),
    [
        ("Europe/Berlin", "112"),
        ("Europe/London", "999"),
        ("America/New_York", "911"),
        ("Australia/Sydney", "000"),
        ("Pacific/Auckland", "111"),
        ("Asia/Tokyo", "your local emergency number"),
        ("Antarctica/South_Pole", "your local emergency number"),
    ],
)
async def test_redflags_use_the_users_emergency_number(
    bot: BotHarness, zone: str, number: str
) -> None:
    await start(bot)
    await bot.send(f"/timezone {zone}")
    text = text_of(await bot.send("/redflags"))
    first_tier = text.split("\n\n")[0:3]
    assert number in "\n".join(first_tier) or number in text[: text.find("same-day") + 1]
    assert text.index(number) < text.lower().index("same-day")
    # NHS 111 is named only where the time zone maps to the UK.
    assert ("111 in the UK" in text) == (zone == "Europe/London")
    assert "not medical advice" in text.splitlines()[-1].lower()


async def test_relief_works_before_start(bot: BotHarness) -> None:
    text = text_of(await bot.send("/relief"))
    assert "/redflags" in text
    assert "heat" in text.lower()
    assert "serious accident" in text and "worse at night" in text
    # the bot's default zone (Europe/Berlin): 112, and no UK helpline
    assert "call 112" in text and "111" not in text
    assert "not medical advice" in text.splitlines()[-1].lower()


# ----- other input -------------------------------------------------------------------------------


async def test_unknown_command_and_plain_text(bot: BotHarness) -> None:
    assert "/help" in text_of(await bot.send("/dance"))
    assert "/help" in text_of(await bot.send("hello there"))


async def test_a_command_for_another_bot_is_not_answered(bot: BotHarness) -> None:
    await bot.mark()
    for text in ("/start@other_bot", "/dance@other_bot", "/help@Other_Bot please"):
        await bot.client.send_text(ALICE, text)
    await bot.no_calls("sendMessage", ALICE.id)
    assert "/help" in text_of(await bot.send("/dance@" + bot.application.bot.username))


async def test_group_chat_is_pointed_to_a_private_chat(bot: BotHarness) -> None:
    await bot.mark()
    await bot.client.send_text(
        ALICE, "/start", chat_id=-100123, chat_type="supergroup", chat_title="Office"
    )
    reply = await bot.reply(-100123)
    assert "private chat" in text_of(reply)
    assert rows(bot, "select count(*) from users") == [(0,)]


async def test_every_health_text_is_accepted_by_the_bot_api(bot: BotHarness) -> None:
    """Each nudge, the routine and the checklist pass Telegram's HTML entity parser."""
    from telegram.constants import ParseMode

    from reminder_bot.content import render_nudge, render_redflags, render_relief
    from reminder_bot.emergency import LocalHelp

    await start(bot)
    content = bot.services.content
    texts = [
        render_nudge(n, content.disclaimer_short) for ns in content.nudges.values() for n in ns
    ]
    for number in (None, "112", "911", "999", "000", "111"):
        place = LocalHelp(number, uk=number == "999")
        texts += [render_relief(content, place), render_redflags(content, place)]
    await bot.mark()
    for text in texts:
        await bot.application.bot.send_message(ALICE.id, text, parse_mode=ParseMode.HTML)
    calls = await bot.wait_calls("sendMessage", chat_id=ALICE.id, count=len(texts))
    assert [c["status"] for c in calls] == [200] * len(texts)


async def test_blocking_is_noticed_before_the_next_nudge(bot: BotHarness) -> None:
    await start(bot)
    await bot.client.block(ALICE.id)  # Telegram sends my_chat_member "kicked" right away
    await bot.handled()
    assert rows(bot, "select active, inactive_reason from users") == [(0, "blocked")]
    await bot.set_time(MONDAY_0700_UTC + timedelta(hours=2))
    await bot.settle()
    await bot.no_calls("sendMessage", ALICE.id)
