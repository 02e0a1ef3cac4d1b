"""The time zone from a shared location: looked up offline, set only after a Yes, and nothing
about the place is kept but the zone's name."""

from __future__ import annotations

import sqlite3

import pytest
from conftest import ALICE, BOB, BotHarness
from test_settings import labels, message, open_settings, press, rows, tap

from reminder_bot.callbacks import Screen, Settings, encode
from reminder_bot.emulator.client import EmulatorError
from reminder_bot.handlers.location import zone_at

MADRID = (40.4168, -3.7038)


@pytest.mark.parametrize(
    ("latitude", "longitude", "zone"),
    [
        (*MADRID, "Europe/Madrid"),
        (35.6895, 139.6917, "Asia/Tokyo"),
        (-33.8688, 151.2093, "Australia/Sydney"),
        (19.4326, -99.1332, "America/Mexico_City"),
        # The open sea: tzfpy's Etc/GMT+2 is two hours behind UTC (POSIX signs).
        (0.0, -30.0, "UTC-02:00"),
        (-40.0, 170.0, "UTC+11:00"),
        (0.0, 0.0, "UTC"),
    ],
)
def test_zone_at(latitude: float, longitude: float, zone: str) -> None:
    assert zone_at(latitude, longitude) == zone


def test_no_zone_for_no_place() -> None:
    assert zone_at(100.0, 200.0) is None


async def share(bot: BotHarness, latitude: float, longitude: float) -> list[dict]:
    """Alice shares a location; the bot's replies once it handled it."""
    await bot.mark()
    await bot.client.send_location(ALICE, latitude, longitude)
    await bot.handled()
    return await bot.client.calls(bot.seq, "sendMessage", ALICE.id)


async def test_location_then_yes_sets_the_zone_and_keeps_nothing_else(bot: BotHarness) -> None:
    menu = await open_settings(bot)
    await tap(bot, menu, "🌍 Time zone")
    asked = await tap(bot, menu, "📍 Share my location")
    keyboard = asked.sent[0]["params"]["reply_markup"]["keyboard"]
    assert keyboard[0][0]["request_location"] is True

    thanks, confirm = await share(bot, *MADRID)
    assert thanks["params"]["reply_markup"] == {"remove_keyboard": True}
    assert "not kept" in thanks["params"]["text"]
    assert "Europe/Madrid" in confirm["params"]["text"]
    yes = encode(Settings(Screen.LOCATION_YES, "Europe/Madrid"))
    no = encode(Settings(Screen.LOCATION_NO))
    buttons = confirm["params"]["reply_markup"]["inline_keyboard"][0]
    assert [button["callback_data"] for button in buttons] == [yes, no]
    assert rows(bot, "select timezone from users") == [("Europe/Berlin",)]  # not before Yes

    confirm_id = confirm["response"]["result"]["message_id"]
    pressed = await press(bot, confirm_id, yes)
    assert pressed.answer["text"] == "Saved."
    assert "Time zone set to <b>Europe/Madrid</b>" in pressed.text
    assert labels(await message(bot, confirm_id)) == []
    assert rows(bot, "select timezone from users") == [("Europe/Madrid",)]
    with sqlite3.connect(bot.database) as conn:
        dump = "\n".join(conn.iterdump())
    for coordinate in ("40.41", "3.70", "40,41", "-3.7"):
        assert coordinate not in dump


async def test_location_then_no_changes_nothing(bot: BotHarness) -> None:
    await bot.send("/start")
    _thanks, confirm = await share(bot, 35.6895, 139.6917)
    confirm_id = confirm["response"]["result"]["message_id"]
    pressed = await press(bot, confirm_id, encode(Settings(Screen.LOCATION_NO)))
    assert "stays <b>Europe/Berlin</b>" in pressed.text
    assert labels(await message(bot, confirm_id)) == []
    assert rows(bot, "select timezone from users") == [("Europe/Berlin",)]


async def test_a_place_in_the_zone_already(bot: BotHarness) -> None:
    await bot.send("/start")
    (reply,) = await share(bot, 52.52, 13.405)  # Berlin
    assert "already" in reply["params"]["text"]
    assert reply["params"]["reply_markup"] == {"remove_keyboard": True}


async def test_the_confirmation_is_only_for_its_chat(bot: BotHarness) -> None:
    await bot.send("/start")
    await bot.send("/start", BOB)
    _thanks, confirm = await share(bot, *MADRID)
    confirm_id = confirm["response"]["result"]["message_id"]
    yes = encode(Settings(Screen.LOCATION_YES, "Europe/Madrid"))
    pressed = await press(bot, confirm_id, yes, user=BOB, chat_id=ALICE.id)
    assert pressed.answer["text"] == "This menu isn't yours."
    assert rows(bot, "select timezone from users order by id") == [
        ("Europe/Berlin",),
        ("Europe/Berlin",),
    ]


async def test_a_location_before_start_asks_for_start(bot: BotHarness) -> None:
    (reply,) = await share(bot, *MADRID)
    assert "/start" in reply["params"]["text"]
    assert rows(bot, "select count(*) from users") == [(0,)]


async def test_the_emulator_refuses_a_place_that_does_not_exist(bot: BotHarness) -> None:
    with pytest.raises(EmulatorError, match="no such place"):
        await bot.client.send_location(ALICE, 91.0, 0.0)
