"""Messages the bot sends, edits and deletes; blocking; commands; files; callback queries."""

from __future__ import annotations

import pytest
from emulator_helpers import ADA, BOB, api, png
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.error import BadRequest, Forbidden

from reminder_bot.emulator import EmulatorClient, EmulatorError

# ---- messages ------------------------------------------------------------------------------


async def test_edit_delete_and_not_modified(emulator: EmulatorClient, ptb_bot: Bot) -> None:
    emulator.register(ADA)
    kb = InlineKeyboardMarkup([[InlineKeyboardButton("Snooze", callback_data="snooze")]])
    msg = await ptb_bot.send_message(ADA.id, "Drink water", reply_markup=kb)
    assert msg.message_id == 1 and msg.edit_date is None
    edited = await ptb_bot.edit_message_text(
        "Drink water ✅", chat_id=ADA.id, message_id=1, reply_markup=kb
    )
    assert edited.text == "Drink water ✅" and edited.edit_date is not None
    with pytest.raises(BadRequest, match="exactly the same as a current content and reply markup"):
        await ptb_bot.edit_message_text(
            "Drink water ✅", chat_id=ADA.id, message_id=1, reply_markup=kb
        )
    stripped = await ptb_bot.edit_message_reply_markup(chat_id=ADA.id, message_id=1)
    assert stripped.reply_markup is None
    [stored] = emulator.messages(ADA.id)
    assert stored["text"] == "Drink water ✅" and "reply_markup" not in stored
    second = await ptb_bot.send_message(
        ADA.id, "menu", reply_markup=ReplyKeyboardMarkup([["/pause", "/resume"]])
    )
    assert second.message_id == 2 and second.reply_markup is None  # only inline ones come back
    await ptb_bot.send_message(
        ADA.id, "bye", reply_markup=ReplyKeyboardRemove(), reply_to_message_id=2
    )
    assert await ptb_bot.delete_message(ADA.id, 1)
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await ptb_bot.delete_message(ADA.id, 1)
    assert [m["message_id"] for m in emulator.messages(ADA.id)] == [2, 3]
    assert emulator.messages(ADA.id)[1]["reply_to_message"]["message_id"] == 2


async def test_message_ids_are_per_chat_and_shared_with_users(
    emulator: EmulatorClient, ptb_bot: Bot
) -> None:
    emulator.send_text(ADA, "hi")
    emulator.register(BOB)
    assert (await ptb_bot.send_message(ADA.id, "a")).message_id == 2
    assert (await ptb_bot.send_message(BOB.id, "b")).message_id == 1
    update_id = emulator.send_text(BOB, "/start@reminder_test_bot", chat_id=-100200)
    [group] = [u["message"] for u in emulator.pending_updates() if u["update_id"] == update_id]
    assert group["chat"]["type"] == "group"
    assert group["entities"] == [{"type": "bot_command", "offset": 0, "length": 24}]
    assert (await ptb_bot.send_message(-100200, "g")).chat.type == "group"


async def test_blocked_user_gives_forbidden(emulator: EmulatorClient, ptb_bot: Bot) -> None:
    emulator.register(ADA)
    emulator.block(ADA.id)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await ptb_bot.send_message(ADA.id, "hello?")
    resp = api(emulator, "sendMessage", data={"chat_id": ADA.id, "text": "x"})
    assert resp.status_code == 403
    assert resp.json()["description"] == "Forbidden: bot was blocked by the user"
    [update] = await ptb_bot.get_updates()
    assert update.my_chat_member.new_chat_member.status == "kicked"
    emulator.unblock(ADA.id)
    assert (await ptb_bot.send_message(ADA.id, "welcome back")).text == "welcome back"


async def test_commands_are_keyed_by_scope_and_language(
    emulator: EmulatorClient, ptb_bot: Bot
) -> None:
    from telegram import BotCommand, BotCommandScopeAllPrivateChats, BotCommandScopeChat

    assert await ptb_bot.set_my_commands(
        [BotCommand("start", "Start"), BotCommand("pause", "Pause")]
    )
    assert await ptb_bot.set_my_commands([BotCommand("start", "Los")], language_code="de")
    private = BotCommandScopeAllPrivateChats()
    assert await ptb_bot.set_my_commands([BotCommand("help", "Help")], scope=private)
    assert [c.command for c in await ptb_bot.get_my_commands()] == ["start", "pause"]
    assert [c.description for c in await ptb_bot.get_my_commands(language_code="de")] == ["Los"]
    assert [c.command for c in await ptb_bot.get_my_commands(scope=private)] == ["help"]
    assert await ptb_bot.get_my_commands(scope=BotCommandScopeChat(ADA.id)) == ()
    assert await ptb_bot.delete_my_commands(language_code="de")
    assert await ptb_bot.get_my_commands(language_code="de") == ()


async def test_photo_and_document_upload(emulator: EmulatorClient, ptb_bot: Bot) -> None:
    emulator.register(ADA)
    image = png(4, 3)
    photo_msg = await ptb_bot.send_photo(ADA.id, image, caption="<b>chart</b>", parse_mode="HTML")
    [size] = photo_msg.photo
    assert (size.width, size.height, size.file_size) == (4, 3, len(image))
    assert photo_msg.caption == "chart" and photo_msg.caption_entities[0].type == "bold"
    doc_msg = await ptb_bot.send_document(ADA.id, b"a,b\n1,2\n", filename="export.csv")
    assert doc_msg.document.file_name == "export.csv"
    [call] = emulator.calls(method="sendDocument")
    [upload] = call["files"]
    assert (upload["field"], upload["name"], upload["size"]) == ("document", "export.csv", 8)
    assert emulator.file_bytes(doc_msg.document.file_id) == b"a,b\n1,2\n"
    assert emulator.file_bytes(size.file_id) == image
    tg_file = await ptb_bot.get_file(size.file_id)
    assert tg_file.file_path and tg_file.file_size == len(image)
    assert bytes(await tg_file.download_as_bytearray()) == image
    again = await ptb_bot.send_photo(ADA.id, size.file_id)  # re-send by file_id
    assert again.photo[0].file_unique_id == size.file_unique_id


# ---- callback queries ----------------------------------------------------------------------


async def test_callback_query_by_text_and_data(emulator: EmulatorClient, ptb_bot: Bot) -> None:
    emulator.register(ADA)
    kb = InlineKeyboardMarkup(
        [[InlineKeyboardButton("Done", callback_data="done:1"),
          InlineKeyboardButton("Docs", url="https://example.org")]]
    )  # fmt: skip
    msg = await ptb_bot.send_message(ADA.id, "Stretch now", reply_markup=kb)
    pressed = emulator.press_button(ADA, msg.message_id, text="Done")
    with pytest.raises(EmulatorError, match="no callback button"):
        emulator.press_button(ADA, msg.message_id, text="Docs")
    with pytest.raises(EmulatorError, match="no callback button"):
        emulator.press_button(ADA, msg.message_id, data="nope")
    forced = emulator.press_button(ADA, msg.message_id, data="nope", force=True)
    [u1, u2] = await ptb_bot.get_updates()
    assert (u1.update_id, u1.callback_query.data) == (pressed, "done:1")
    assert (u2.update_id, u2.callback_query.data) == (forced, "nope")
    assert u1.callback_query.message.message_id == msg.message_id
    assert await u1.callback_query.answer("Noted")
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await u1.callback_query.answer("twice")
    with pytest.raises(BadRequest, match="(?i)MESSAGE_TOO_LONG"):
        await u2.callback_query.answer("x" * 201)
    assert await u2.callback_query.answer("x" * 200)
