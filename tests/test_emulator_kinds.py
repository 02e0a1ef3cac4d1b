"""The emulator's other kinds of update (inject_kinds): each is shaped as the Bot API documents
it, so PTB reads it as Telegram's; callback data is limited as Telegram limits it; a batch runs
its actions in order."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from telegram import Message, Update

from reminder_bot.emulator import AsyncEmulatorClient, EmulatorClient, EmulatorError, User
from reminder_bot.emulator.client_kinds import batch, post_in_channel, press_any, send_content
from tests.emulator_helpers import api

ADA = User(4242, "Ada")
CHANNEL = -1_002_000_000_123


async def pending(client: AsyncEmulatorClient) -> list[Update]:
    return [Update.de_json(u, None) for u in await client.pending_updates()]


@pytest.mark.parametrize(
    ("kind", "fields", "read", "expected"),
    [
        ("photo", {}, lambda m: m.photo[-1].width, 1280),
        ("sticker", {"emoji": "🙂"}, lambda m: m.sticker.emoji, "🙂"),
        ("voice", {"duration": 4}, lambda m: m.voice.duration, timedelta(seconds=4)),
        ("document", {"file_name": "a.pdf"}, lambda m: m.document.file_name, "a.pdf"),
        ("contact", {"phone_number": "+100"}, lambda m: m.contact.phone_number, "+100"),
        ("location", {"latitude": 52.5, "longitude": 13.4}, lambda m: m.location.latitude, 52.5),
        ("dice", {"value": 6}, lambda m: m.dice.value, 6),
    ],
)
async def test_each_kind_reads_as_telegram_sends_it(
    async_emulator: AsyncEmulatorClient,
    kind: str,
    fields: dict[str, Any],
    read: Callable[[Message], Any],
    expected: Any,
) -> None:
    await send_content(async_emulator, ADA, kind, **fields)
    [update] = await pending(async_emulator)
    message = update.message
    assert message is not None and message.from_user is not None
    assert message.from_user.id == ADA.id and message.text is None
    assert read(message) == expected


async def test_a_caption_carries_its_entities(async_emulator: AsyncEmulatorClient) -> None:
    await send_content(async_emulator, ADA, "photo", caption="see /help")
    [update] = await pending(async_emulator)
    assert update.message is not None and update.message.caption == "see /help"
    assert [e.type for e in update.message.caption_entities] == ["bot_command"]
    with pytest.raises(EmulatorError, match="has no caption"):
        await send_content(async_emulator, ADA, "sticker", caption="no")


async def test_channel_posts_have_no_sender_and_edits_are_edited_posts(
    async_emulator: AsyncEmulatorClient,
) -> None:
    await post_in_channel(async_emulator, CHANNEL, "news")
    await post_in_channel(async_emulator, CHANNEL, "news!", edit_of=1)
    await post_in_channel(async_emulator, CHANNEL, kind="photo")
    post, edit, photo = await pending(async_emulator)
    assert post.channel_post is not None and post.channel_post.from_user is None
    assert post.channel_post.sender_chat is not None
    assert post.channel_post.sender_chat.id == CHANNEL
    assert edit.edited_channel_post is not None and edit.edited_channel_post.text == "news!"
    assert photo.channel_post is not None and photo.channel_post.photo


async def test_a_press_may_carry_any_data_for_a_message_gone_or_kept(
    emulator: EmulatorClient, async_emulator: AsyncEmulatorClient
) -> None:
    await async_emulator.register(ADA)
    assert api(emulator, "sendMessage", data={"chat_id": ADA.id, "text": "menu"}).is_success
    await press_any(async_emulator, ADA, 1, "anything at all ✓")
    await press_any(async_emulator, ADA, 99, "x" * 64)
    kept, gone = await pending(async_emulator)
    assert kept.callback_query is not None and kept.callback_query.data == "anything at all ✓"
    assert kept.callback_query.message is not None and kept.callback_query.message.is_accessible
    assert gone.callback_query is not None and gone.callback_query.message is not None
    assert not gone.callback_query.message.is_accessible
    with pytest.raises(EmulatorError, match="1-64 bytes"):
        await press_any(async_emulator, ADA, 1, "é" * 33)
    await async_emulator.send_text(ADA, "hello")
    with pytest.raises(EmulatorError, match="not the bot's"):
        await press_any(async_emulator, ADA, 2, "1:s:h")


async def test_a_batch_runs_in_order_and_reports_each_failure(
    async_emulator: AsyncEmulatorClient,
) -> None:
    results = await batch(
        async_emulator,
        [
            {"action": "inject/message", "user": ADA.as_dict(), "text": "one"},
            {"action": "inject/content", "user": ADA.as_dict(), "kind": "nothing"},
            {"action": "block", "user_id": ADA.id},
        ],
    )
    assert [r["ok"] for r in results] == [True, False, True]
    assert "unknown content kind" in results[1]["error"]
    updates = await pending(async_emulator)
    assert [u.message.text if u.message else "member" for u in updates] == ["one", "member"]
