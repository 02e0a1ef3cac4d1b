"""Deep links: https://t.me/<bot>?start=<preset> arrives as ``/start <preset>`` and applies that
preset, for a new or a known user; an unknown name gets a kind answer with the presets."""

from __future__ import annotations

import pytest
from conftest import ALICE, BotHarness
from test_settings import rows, rule_of

from reminder_bot.handlers.onboarding import DEEP_LINK_PAYLOAD


@pytest.mark.parametrize("payload", ["gentle", "Gentle", "GENTLE"])
async def test_a_new_user_starts_on_the_linked_preset(bot: BotHarness, payload: str) -> None:
    reply = await bot.send(f"/start {payload}")
    assert "<b>gentle</b>" in reply["params"]["text"]
    assert rows(bot, "select preset, quiet from users") == [("gentle", "20:30-08:30")]
    assert rule_of(bot, "hydrate") == "at 10:00,14:00 daily"


async def test_a_known_user_gets_the_linked_preset(bot: BotHarness) -> None:
    await bot.send("/start")
    await bot.send("/schedule move off")
    reply = await bot.send("/start standing_job")  # "_" may stand for "-"
    assert "<b>standing-job</b>" in reply["params"]["text"]
    assert rows(bot, "select count(*), preset from users") == [(1, "standing-job")]
    assert rule_of(bot, "move") == "at 10:30,15:00 on weekdays"


@pytest.mark.parametrize("payload", ["physio-clinic-42", "x" * 64, "bad payload!"])
async def test_an_unknown_preset_is_answered_kindly(bot: BotHarness, payload: str) -> None:
    reply = await bot.send(f"/start {payload}")
    text = reply["params"]["text"]
    assert "I don't have a schedule called" in text
    assert "desk-worker, gentle, standing-job" in text
    # Registered anyway, on the default preset.
    assert rows(bot, "select id, preset from users") == [(ALICE.id, "desk-worker")]


async def test_an_unknown_preset_leaves_a_known_users_schedule(bot: BotHarness) -> None:
    await bot.send("/start")
    await bot.send("/schedule move off")
    reply = await bot.send("/start lazy")
    assert "Welcome back" in reply["params"]["text"] and "lazy" in reply["params"]["text"]
    assert rule_of(bot, "move") == "off"


@pytest.mark.parametrize(
    ("payload", "valid"),
    [("gentle", True), ("A-z_0-9", True), ("x" * 64, True), ("x" * 65, False), ("a b", False)],
)
def test_payload_shape(payload: str, valid: bool) -> None:
    assert (DEEP_LINK_PAYLOAD.fullmatch(payload) is not None) is valid
