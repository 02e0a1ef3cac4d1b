"""REMINDER_BOT_USER_RATE end to end: a flood gets a few answers and one "slow down", then
silence until the minute has passed; button presses are still answered; nudges and other
people are unaffected."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import ALICE, BOB, MONDAY_0700_UTC, BotHarness

from reminder_bot.emulator import EmulatorClient

RATE = 5


@pytest.fixture
async def bot(
    request: pytest.FixtureRequest, emulator: EmulatorClient, tmp_path: Path
) -> AsyncIterator[BotHarness]:
    """The bot with a small per-user rate; replies paced at ``request.param`` a second per
    chat (20 unless a test asks for fewer)."""
    emulator.set_limits(per_chat_rate=20, per_chat_burst=3, global_rate=600, global_burst=30)
    chat_rate = str(getattr(request, "param", 20))
    env = {"REMINDER_BOT_USER_RATE": str(RATE), "REMINDER_BOT_CHAT_RATE": chat_rate}
    harness = BotHarness(emulator.url, tmp_path / "bot.sqlite3", MONDAY_0700_UTC, **env)
    await harness.start()
    yield harness
    await harness.stop()
    await harness.client.aclose()


async def texts_to(bot: BotHarness, chat_id: int, since: int) -> list[str]:
    calls = await bot.client.calls(since, "sendMessage", chat_id)
    return [call["params"]["text"] for call in calls]


async def test_a_flood_gets_its_rate_and_one_notice_then_silence(bot: BotHarness) -> None:
    await bot.send("/start")
    await bot.send("/settings")
    # 07:59:30 UTC, 08:59:30 in Berlin: the preset's first nudges are due at 09:00.
    await bot.set_time(MONDAY_0700_UTC + timedelta(minutes=59, seconds=30))
    for _ in range(12):
        await bot.client.send_text(ALICE, "/help")
    await bot.handled()
    texts = await texts_to(bot, ALICE.id, bot.seq)
    # /start and /settings were an hour ago: RATE answers to /help, the notice, then nothing.
    assert len(texts) == RATE + 1
    assert all("/relief" in text for text in texts[:-1])
    assert "faster than I can keep up" in texts[-1]

    # Nudges are not the user's messages: the 09:00 ones come in the silence all the same.
    await bot.advance(timedelta(seconds=31))
    await bot.settle()
    nudges = [c for c in await bot.client.calls(bot.seq, "sendMessage", ALICE.id)]
    assert nudges and all(c["params"].get("reply_markup") for c in nudges)
    await bot.mark()
    await bot.client.send_text(ALICE, "/help")
    await bot.no_calls("sendMessage", ALICE.id)

    # Once the minute has passed, the next command is answered as usual.
    await bot.advance(timedelta(seconds=30))
    assert "/relief" in (await bot.send("/help"))["params"]["text"]


# Two replies a second per chat: a flood's answers take seconds to go out, another person's
# need not wait for them.
@pytest.mark.parametrize("bot", [2], indirect=True)
async def test_a_flood_does_not_hold_up_another_person(bot: BotHarness) -> None:
    since = await bot.mark()
    for _ in range(10):
        await bot.client.send_text(ALICE, "/help")
    await bot.client.send_text(BOB, "/start")
    await bot.handled()
    calls = await bot.client.calls(since, "sendMessage")
    order = [call["chat_id"] for call in calls]
    assert order.count(ALICE.id) == RATE + 1  # RATE answers and the notice
    # Alice's answers go out at 2 a second; Bob's comes before her third.
    assert BOB.id in order[: order.index(ALICE.id) + 3]


async def test_presses_have_their_own_budget_and_are_always_answered(bot: BotHarness) -> None:
    start = (await bot.send("/start"))["response"]["result"]
    presses = 3 * RATE + 4
    for _ in range(presses):
        # Data no keyboard of the bot has: each handled press is answered "no longer valid".
        await bot.client.press_button(ALICE, start["message_id"], data="1:zz:nothing", force=True)
    await bot.handled()
    answers = await bot.client.calls(bot.seq, "answerCallbackQuery")
    texts = [call["params"].get("text") or "" for call in answers]
    assert len(texts) == presses  # every spinner stopped
    assert sum("no longer valid" in text for text in texts) == 3 * RATE
    assert sum("Too many taps" in text for text in texts) == 1
    assert texts[-3:] == ["", "", ""]
    # Messages are counted apart: the presses used none of their budget.
    assert "/relief" in (await bot.send("/help"))["params"]["text"]
