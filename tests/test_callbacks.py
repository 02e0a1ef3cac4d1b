"""The callback-data codec: every button's data round-trips, fits Telegram's 64 bytes, old
unversioned data still decodes, and anything else is one error."""

from __future__ import annotations

import sqlite3
import zoneinfo
from datetime import timedelta

import pytest
from conftest import ALICE, BotHarness

from reminder_bot import i18n
from reminder_bot.callbacks import (
    MAX_BYTES,
    Button,
    CallbackDataError,
    ForgetConfirm,
    LanguagePick,
    Menu,
    NudgeAction,
    NudgeChoice,
    PainScore,
    PresetPick,
    SafetyAnswer,
    Screen,
    Settings,
    StatsView,
    TimeZonePick,
    decode,
    encode,
)

LONGEST_ZONE = max(zoneinfo.available_timezones(), key=len)
BIGGEST_ID = 2**63 - 1  # SQLite's largest integer

BUTTONS: list[Button] = [
    NudgeAction(12, NudgeChoice.DONE),
    NudgeAction(12, NudgeChoice.SNOOZE),
    NudgeAction(BIGGEST_ID, NudgeChoice.SKIP),
    TimeZonePick("Europe/Berlin"),
    TimeZonePick(LONGEST_ZONE),
    TimeZonePick("UTC"),
    TimeZonePick("UTC+05:30"),
    TimeZonePick("UTC-12:00"),
    PresetPick("gentle"),
    PresetPick("desk-worker"),
    PresetPick("a" * 32),  # presets.NAME_PATTERN allows 32 characters
    Menu.TIMEZONE,
    Menu.PRESET,
    ForgetConfirm.YES,
    ForgetConfirm.NO,
    Settings(Screen.HOME),
    Settings(Screen.OPEN),
    Settings(Screen.HABIT, "hydrate"),
    Settings(Screen.SET_EVERY, "stretch:30"),
    Settings(Screen.SET_EVERY, "move:1440"),
    Settings(Screen.SET_START, "posture:0"),
    Settings(Screen.SET_END, "posture:23"),
    Settings(Screen.SET_DAYS, "move:weekends"),
    Settings(Screen.SET_DAY, "hydrate:6:0"),
    Settings(Screen.SET_TIME, "hydrate:2359:1"),
    Settings(Screen.SET_QUIET_START, "22"),
    Settings(Screen.PAUSE_FOR, "today"),
    Settings(Screen.PAUSE_FOR, "1w"),
    Settings(Screen.SET_ZONE, LONGEST_ZONE),
    Settings(Screen.SET_ZONE, "UTC+05:30"),
    Settings(Screen.LOCATION_YES, LONGEST_ZONE),
    Settings(Screen.SET_PRESET, "a" * 32),
    SafetyAnswer.YES,
    SafetyAnswer.NO,
    PainScore(BIGGEST_ID, 10),
    PainScore(1, 0),
    StatsView(14),
    StatsView(30),
]
# One well-formed argument for each kind of settings screen.
SETTINGS_ARGS = {
    **{screen: "" for screen in Screen},
    **dict.fromkeys(
        [Screen.HABIT, Screen.EVERY, Screen.START, Screen.END, Screen.DAYS, Screen.TIMES],
        "move",
    ),
    **dict.fromkeys([Screen.TYPE_TIMES, Screen.HABIT_ON, Screen.HABIT_OFF], "move"),
    Screen.SET_EVERY: "move:45",
    Screen.SET_START: "move:9",
    Screen.SET_END: "move:17",
    Screen.SET_DAYS: "move:daily",
    Screen.SET_DAY: "move:0:1",
    Screen.SET_TIME: "move:1230:0",
    Screen.SET_QUIET_START: "7",
    Screen.SET_QUIET_END: "19",
    Screen.PAUSE_FOR: "2h",
    Screen.SET_ZONE: "Europe/Madrid",
    Screen.LOCATION_YES: "Europe/Madrid",
    Screen.SET_PRESET: "gentle",
    Screen.SET_LANGUAGE: "es",
    Screen.SET_SUMMARY_DAY: "4",
    Screen.SET_SUMMARY_TIME: "17",
    Screen.SET_CHECKIN_TIME: "21",
    Screen.SET_ADAPTIVE: "p",
    Screen.HABIT_RESUME: "stretch",
}


@pytest.mark.parametrize("button", BUTTONS, ids=repr)
def test_round_trip_within_64_bytes(button: Button) -> None:
    data = encode(button)
    assert data.startswith("1:")
    assert len(data.encode()) <= MAX_BYTES
    assert decode(data) == button


@pytest.mark.parametrize(
    ("button", "data"),
    [
        (NudgeAction(12, NudgeChoice.DONE), "1:n:12:done"),
        (NudgeAction(12, NudgeChoice.SNOOZE, 10), "1:n:12:snooze:10"),
        (NudgeAction(12, NudgeChoice.SNOOZE, 30), "1:n:12:snooze:30"),
        (NudgeAction(12, NudgeChoice.SNOOZE, 60), "1:n:12:snooze:60"),
        (TimeZonePick("Europe/Berlin"), "1:tz:Europe/Berlin"),
        (PresetPick("gentle"), "1:p:gentle"),
        (Menu.TIMEZONE, "1:m:timezone"),
        (ForgetConfirm.YES, "1:f:yes"),
        (ForgetConfirm.NO, "1:f:no"),
        (Settings(Screen.HOME), "1:s:h"),
        (Settings(Screen.HABIT, "move"), "1:s:hb:move"),
        (Settings(Screen.SET_EVERY, "move:45"), "1:s:e:move:45"),
        (Settings(Screen.SET_DAY, "move:5:1"), "1:s:dd:move:5:1"),
        (Settings(Screen.SET_ZONE, "Asia/Tokyo"), "1:s:z:Asia/Tokyo"),
        (SafetyAnswer.YES, "1:g:yes"),
        (SafetyAnswer.NO, "1:g:no"),
        (PainScore(12, 7), "1:c:12:7"),
        (StatsView(30), "1:st:30"),
    ],
)
def test_wire_format(button: Button, data: str) -> None:
    # Messages keep their buttons' data for good: this format can never change, only be added to.
    assert encode(button) == data


@pytest.mark.parametrize(
    ("data", "button"),
    [
        ("n:12:done", NudgeAction(12, NudgeChoice.DONE)),
        ("n:7:snooze", NudgeAction(7, NudgeChoice.SNOOZE)),
        ("1:n:7:snooze", NudgeAction(7, NudgeChoice.SNOOZE)),  # before the choice of lengths
        ("n:7:skip", NudgeAction(7, NudgeChoice.SKIP)),
        ("tz:Europe/Berlin", TimeZonePick("Europe/Berlin")),
        ("tz:Asia/Tokyo", TimeZonePick("Asia/Tokyo")),
        ("preset:gentle", PresetPick("gentle")),
        ("preset:standing-job", PresetPick("standing-job")),
        ("forget:yes", ForgetConfirm.YES),
        ("forget:no", ForgetConfirm.NO),
        ("menu:timezone", Menu.TIMEZONE),
        ("menu:preset", Menu.PRESET),
    ],
)
def test_legacy_data_still_decodes(data: str, button: Button) -> None:
    assert decode(data) == button


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "1",
        "1:",
        "1:g:",
        "1:g:maybe",
        "1:g:YES",
        "g:yes",  # came with version 1
        "1:c:12",
        "1:c:12:",
        "1:c:12:11",  # the scale is 0-10
        "1:c:12:-1",
        "1:c:12:07",
        "1:c:0:7",
        "1:c:12:7:1",
        f"1:c:{BIGGEST_ID + 1}:7",
        "1:st:",
        "1:st:7",  # not a period /stats offers
        "1:st:014",
        "2:n:12:done",  # a version this code does not know
        "x:12",
        "1:x:12",
        "1:n:12",
        "1:n:12:done:extra",
        "1:n:abc:done",
        "1:n:0:done",
        "1:n:-5:done",
        "1:n:+5:done",
        "1:n: 5:done",
        "1:n:٣:done",  # a digit, but not an ASCII one
        f"1:n:{BIGGEST_ID + 1}:done",
        "1:n:12:DONE",
        "1:n:12:snoozed",
        "1:n:12:snooze:",
        "1:n:12:snooze:20",  # not one of the lengths offered
        "1:n:12:snooze:030",
        "1:n:12:snooze:30:1",
        "1:n:12:done:30",  # only a snooze has a length
        "n:12:snooze:30",  # lengths came with version 1
        "1:tz:",
        "1:tz:Nowhere/Atlantis",
        "1:tz:europe/berlin",  # never encoded: only canonical names are
        "1:tz:UTC+99:00",
        "1:tz:../../etc/passwd",
        "1:p:",
        "1:p:Gentle",
        "1:p:gentle;drop",
        "1:p:../gentle",
        "1:m:",
        "1:m:settings",
        "1:f:",
        "1:f:maybe",
        "1:f:YES",
        "n:12",
        "tz:Nowhere/Atlantis",
        "preset:",
        "forget:sure",
        "menu:other",
        "1:s:",
        "1:s:zz",  # no such screen
        "1:s:h:",
        "1:s:h:move",  # the menu takes no argument
        "1:s:hb",
        "1:s:hb:",
        "1:s:hb:dance",
        "1:s:hb:Move",
        "1:s:hb:water",  # an alias /schedule reads, never encoded
        "1:s:e:move",
        "1:s:e:move:4",  # shorter than any rule allows
        "1:s:e:move:1441",
        "1:s:e:move:045",
        "1:s:e:move:45:1",
        "1:s:s:move:24",
        "1:s:s:move:07",
        "1:s:d:move:mon-fri",
        "1:s:dd:move:7:1",
        "1:s:dd:move:1:2",
        "1:s:tt:move:2400:1",
        "1:s:tt:move:12:30:1",
        "1:s:qa:-1",
        "1:s:p:forever",
        "1:s:p:0h",
        "1:s:z:europe/madrid",
        "1:s:z:Nowhere/Atlantis",
        "1:s:ly:",
        "1:s:sp:Gentle",
        "1:s:sl:de",  # a language the bot does not speak
        "1:s:sl",
        "1:s:ln:Europe/Madrid",
        "1:p:" + "a" * 61,  # 65 bytes
        "1:tz:" + "é" * 30,  # 65 bytes, 35 characters
    ],
)
def test_junk_forged_or_too_long_data_is_one_error(data: str | None) -> None:
    with pytest.raises(CallbackDataError):
        decode(data)


@pytest.mark.parametrize("screen", list(Screen), ids=str)
def test_every_settings_screen_round_trips(screen: Screen) -> None:
    button = Settings(screen, SETTINGS_ARGS[screen])
    assert decode(encode(button)) == button


def test_settings_codes_are_unique_and_short() -> None:
    codes = [screen.value for screen in Screen]
    assert len(set(codes)) == len(codes) and max(map(len, codes)) <= 2


def test_encode_refuses_data_over_64_bytes() -> None:
    with pytest.raises(ValueError, match="64 bytes"):
        encode(PresetPick("a" * 61))


# ----- through the bot: buttons under messages sent before an upgrade ---------------------------


async def test_old_buttons_keep_working_after_an_upgrade(bot: BotHarness) -> None:
    await bot.send("/start")
    menu = await bot.send("/timezone")
    await bot.mark()
    # A message sent by the old version carried unversioned data.
    await bot.client.press_button(
        ALICE, menu["response"]["result"]["message_id"], data="tz:Asia/Tokyo", force=True
    )
    assert "Asia/Tokyo" in str((await bot.reply(ALICE.id))["params"]["text"])
    with sqlite3.connect(bot.database) as conn:
        assert conn.execute("select timezone from users").fetchall() == [("Asia/Tokyo",)]


@pytest.mark.parametrize("data", ["junk", "1:n:12:nap", "tz:Nowhere/Atlantis", "9:f:yes"])
async def test_a_press_on_unknown_data_is_answered_as_out_of_date(
    bot: BotHarness, data: str
) -> None:
    await bot.send("/start")
    menu = await bot.send("/timezone")
    await bot.mark()
    await bot.client.press_button(
        ALICE, menu["response"]["result"]["message_id"], data=data, force=True
    )
    answer = await bot.reply(None, "answerCallbackQuery")
    assert answer["params"]["text"] == "This button is no longer valid."
    await bot.no_calls("sendMessage", ALICE.id)


# ----- /language ---------------------------------------------------------------------------------


@pytest.mark.parametrize("code", i18n.LANGUAGES)
def test_language_pick_wire_format_and_round_trip(code: str) -> None:
    data = encode(LanguagePick(code))
    assert data == f"1:l:{code}"
    assert decode(data) == LanguagePick(code)


@pytest.mark.parametrize(
    "data", ["1:l:", "1:l:zz", "1:l:ES", "1:l:es-419", "1:l:es:1", "1:l:../es", "l:es"]
)
def test_language_pick_takes_only_a_language_the_bot_speaks(data: str) -> None:
    with pytest.raises(CallbackDataError):
        decode(data)


@pytest.mark.parametrize(
    ("data", "minutes"),
    [("n:7:snooze", 10), ("1:n:7:snooze", 10), ("1:n:7:snooze:30", 30), ("1:n:7:snooze:60", 60)],
)
def test_old_snooze_buttons_still_mean_ten_minutes(data: str, minutes: int) -> None:
    pressed = decode(data)
    assert isinstance(pressed, NudgeAction)
    assert pressed.snooze == timedelta(minutes=minutes)


def test_the_longest_snooze_button_fits() -> None:
    assert len(encode(NudgeAction(BIGGEST_ID, NudgeChoice.SNOOZE, 60)).encode()) <= MAX_BYTES
