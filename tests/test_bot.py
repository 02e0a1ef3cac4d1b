"""End to end: the real bot over real HTTP against the emulator, used as a person would."""

from __future__ import annotations

from conftest import ALICE, BotHarness


async def test_start_registers_and_replies(bot: BotHarness) -> None:
    reply = await bot.send("/start")
    text = reply["params"]["text"]
    assert "Alice" in text
    assert "desk-worker" in text
    assert "Next nudge" in text
    assert reply["status"] == 200


async def test_help_lists_every_command(bot: BotHarness) -> None:
    reply = await bot.send("/help")
    for command in ("/start", "/schedule", "/preset", "/timezone", "/quiet", "/pause",
                    "/resume", "/relief", "/redflags", "/stop", "/forget", "/help"):
        assert command in reply["params"]["text"]
