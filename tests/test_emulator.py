"""The Telegram Bot API emulator, exercised over real HTTP with real PTB objects."""

from __future__ import annotations

import asyncio
import json
import struct
import time
import zlib
from typing import Any

import httpx
import pytest
from aiohttp import web
from emulator_fixtures import ADA, BOB, TEST_TOKEN
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes
from telegram.request import HTTPXRequest

from reminder_bot.emulator import (
    parse_html,
    parse_markdown_v2,
    start_emulator,
)
from reminder_bot.emulator_client import EmulatorClient, EmulatorError

# Until conftest.py imports them, the fixtures (emu, ptb_bot, emulator_server) come from here.

BAD_REQUEST = "Bad Request: "


def api(emu: EmulatorClient, method: str, token: str = TEST_TOKEN, **kw: Any) -> httpx.Response:
    """A raw Bot API call (form-encoded like PTB unless json=/files=/params= are given)."""
    return httpx.post(f"{emu.url}/bot{token}/{method}", timeout=10, **kw)


def png(width: int = 3, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


# ---- basics ------------------------------------------------------------------------------


async def test_get_me_through_ptb(ptb_bot: Bot) -> None:
    me = await ptb_bot.get_me()
    assert me.id == 123456789
    assert me.is_bot
    assert me.username == "reminder_test_bot"
    assert me.can_join_groups is True


@pytest.mark.parametrize(
    ("path", "status", "description"),
    [
        (f"/bot{TEST_TOKEN}/noSuchMethod", 404, "Not Found"),
        ("/botnot-a-token/getMe", 404, "Not Found"),
        ("/bot123/getMe", 404, "Not Found"),
        (f"/bot{TEST_TOKEN}/GETME", 200, None),
        (f"/bot{TEST_TOKEN}/getme", 200, None),
    ],
)
def test_routing_and_method_names(
    emu: EmulatorClient, path: str, status: int, description: str | None
) -> None:
    for call in (httpx.get, httpx.post):
        resp = call(f"{emu.url}{path}")
        assert resp.status_code == status
        body = resp.json()
        assert body["ok"] is (status == 200)
        if description:
            assert body == {"ok": False, "error_code": status, "description": description}


@pytest.mark.parametrize("encoding", ["query", "form", "json", "multipart"])
def test_parameter_encodings(emu: EmulatorClient, encoding: str) -> None:
    emu.register(ADA)
    markup = {"inline_keyboard": [[{"text": "OK", "callback_data": "ok"}]]}
    fields = {"chat_id": str(ADA.id), "text": "hello", "reply_markup": json.dumps(markup)}
    url = f"{emu.url}/bot{TEST_TOKEN}/sendMessage"
    if encoding == "query":
        resp = httpx.get(url, params=fields)
    elif encoding == "form":
        resp = httpx.post(url, data=fields)
    elif encoding == "json":
        resp = httpx.post(url, json={"chat_id": ADA.id, "text": "hello", "reply_markup": markup})
    else:
        resp = httpx.post(url, data=fields, files={"unused": ("x.txt", b"x")})
    assert resp.status_code == 200, resp.text
    msg = resp.json()["result"]
    assert msg["text"] == "hello"
    assert msg["reply_markup"] == markup
    assert msg["chat"] == {
        "id": ADA.id,
        "type": "private",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "username": "ada",
    }
    assert msg["from"]["is_bot"] is True
    assert isinstance(msg["date"], int)
    [call] = emu.calls(method="sendMessage")
    assert call["params"]["reply_markup"] == markup  # JSON fields are decoded in the log
    assert call["chat_id"] == ADA.id


# ---- validation and Telegram's error texts -------------------------------------------------

LONG = "x" * 4097
BUTTON = {"text": "b", "callback_data": "d"}


def _kb(*buttons: dict[str, Any]) -> str:
    return json.dumps({"inline_keyboard": [list(buttons)]})


@pytest.mark.parametrize(
    ("method", "params", "status", "description"),
    [
        ("sendMessage", {"text": "hi"}, 400, "chat_id is empty"),
        ("sendMessage", {"chat_id": 1001}, 400, "message text is empty"),
        ("sendMessage", {"chat_id": 1001, "text": "   "}, 400, "message text is empty"),
        ("sendMessage", {"chat_id": 1001, "text": "<b></b>", "parse_mode": "HTML"}, 400,
         "message text is empty"),
        ("sendMessage", {"chat_id": 1001, "text": LONG}, 400, "message is too long"),
        ("sendMessage", {"chat_id": 1001, "text": "<b>" + "x" * 4096 + "</b>",
                         "parse_mode": "HTML"}, 200, None),
        ("sendMessage", {"chat_id": 999, "text": "hi"}, 400, "chat not found"),
        ("sendMessage", {"chat_id": "@nobody", "text": "hi"}, 400, "chat not found"),
        ("sendMessage", {"chat_id": 1001, "text": "hi", "parse_mode": "rst"}, 400,
         "unsupported parse_mode"),
        ("sendMessage", {"chat_id": 1001, "text": "hi", "reply_markup": "{nope"}, 400,
         "can't parse reply keyboard markup JSON object"),
        ("sendMessage", {"chat_id": 1001, "text": "hi",
                         "reply_markup": _kb({"text": "b", "callback_data": "x" * 65})}, 400,
         "BUTTON_DATA_INVALID"),
        ("sendMessage", {"chat_id": 1001, "text": "hi",
                         "reply_markup": _kb({"text": "b", "callback_data": "é" * 33})}, 400,
         "BUTTON_DATA_INVALID"),
        ("sendMessage", {"chat_id": 1001, "text": "hi",
                         "reply_markup": _kb({"text": "b", "callback_data": "x" * 64})}, 200,
         None),
        ("sendMessage", {"chat_id": 1001, "text": "hi", "reply_markup": _kb({"text": "b"})}, 400,
         "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"),
        ("sendMessage", {"chat_id": 1001, "text": "hi",
                         "reply_markup": _kb({"text": "b", "callback_data": "d",
                                              "url": "https://example.org"})}, 400,
         "can't parse inline keyboard button: exactly one of the optional fields must be used"),
        ("sendMessage", {"chat_id": 1001, "text": "hi",
                         "reply_markup": _kb({"callback_data": "d"})}, 400,
         'can\'t parse inline keyboard button: Can\'t find field "text"'),
        ("sendMessage", {"chat_id": 1001, "text": "hi",
                         "reply_markup": _kb({"text": "b", "url": "not a url"})}, 400,
         "BUTTON_URL_INVALID"),
        ("sendMessage", {"chat_id": 1001, "text": "hi", "disable_notification": "maybe"}, 400,
         'field "disable_notification" must be of type Boolean'),
        ("sendMessage", {"chat_id": 1001, "text": "hi", "reply_parameters": '{"message_id": 77}'},
         400, "message to be replied not found"),
        ("sendMessage", {"chat_id": 1001, "text": "hi", "reply_parameters": '{"chat_id": 1}'},
         400, 'can\'t parse reply parameters: Can\'t find field "message_id"'),
        ("sendMessage", {"chat_id": 1001, "text": "hi",
                         "link_preview_options": '{"is_disabled": "yes"}'}, 400,
         'can\'t parse link preview options: Field "is_disabled" must be of type Boolean'),
        ("editMessageText", {"chat_id": 1001, "message_id": 77, "text": "x"}, 400,
         "message to edit not found"),
        ("editMessageText", {"chat_id": 1001, "message_id": "seven", "text": "x"}, 400,
         'field "message_id" must be of type Integer'),
        ("editMessageReplyMarkup", {"chat_id": 1001, "message_id": 77}, 400,
         "message to edit not found"),
        ("deleteMessage", {"chat_id": 1001, "message_id": 77}, 400,
         "message to delete not found"),
        ("answerCallbackQuery", {"callback_query_id": "12345"}, 400,
         "query is too old and response timeout expired or query ID is invalid"),
        ("answerCallbackQuery", {"callback_query_id": "12345", "text": "x" * 201}, 400,
         "MESSAGE_TOO_LONG"),
        ("sendChatAction", {"chat_id": 1001, "action": "dancing"}, 400,
         "wrong parameter action in request"),
        ("sendChatAction", {"chat_id": 1001, "action": "typing"}, 200, None),
        ("setMyCommands", {"commands": '[{"command": "Start", "description": "x"}]'}, 400,
         "BOT_COMMAND_INVALID"),
        ("setMyCommands", {"commands": "[]", "scope": '{"type": "nonsense"}'}, 400,
         "can't parse BotCommandScope: unsupported BotCommandScope type"),
        ("getFile", {"file_id": "nope"}, 400, "invalid file_id"),
        ("sendPhoto", {"chat_id": 1001}, 400, "there is no photo in the request"),
        ("sendPhoto", {"chat_id": 1001, "photo": "unknown-file-id"}, 400,
         "wrong file identifier/HTTP URL specified"),
        ("setChatTitle", {"chat_id": 1001}, 400, "title is empty"),
        ("getUpdates", {"limit": "many"}, 400, 'field "limit" must be of type Integer'),
    ],
)  # fmt: skip
def test_validation_errors(
    emu: EmulatorClient, method: str, params: dict[str, Any], status: int, description: str
) -> None:
    emu.register(ADA)
    resp = api(emu, method, data=params)
    body = resp.json()
    assert resp.status_code == status, body
    if status == 200:
        assert body["ok"] is True
    else:
        assert body["ok"] is False
        assert body["error_code"] == status
        assert body["description"].startswith(BAD_REQUEST + description), body["description"]


def test_caption_limit(emu: EmulatorClient) -> None:
    emu.register(ADA)
    ok = api(emu, "sendPhoto", data={"chat_id": ADA.id, "caption": "c" * 1024},
             files={"photo": ("p.png", png())})  # fmt: skip
    assert ok.status_code == 200, ok.text
    long = api(emu, "sendPhoto", data={"chat_id": ADA.id, "caption": "c" * 1025},
               files={"photo": ("p.png", png())})  # fmt: skip
    assert long.json()["description"] == "Bad Request: message caption is too long"
    junk = api(emu, "sendPhoto", data={"chat_id": ADA.id}, files={"photo": ("p.png", b"junk")})
    assert junk.json()["description"] == "Bad Request: IMAGE_PROCESS_FAILED"


# ---- entity parsing ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "text", "error"),
    [
        ("HTML", "<foo>x</foo>", 'Unsupported start tag "foo" at byte offset 0'),
        ("HTML", "a < b", 'Unsupported start tag "" at byte offset 2'),
        ("HTML", "<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("HTML", "x</b>", "Unexpected end tag at byte offset 1"),
        ("HTML", "<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("HTML", "<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("HTML", "é<b", "Unclosed start tag at byte offset 2"),
        ("MarkdownV2", "Done.", "Character '.' is reserved and must be escaped with the "
                               "preceding '\\'"),
        ("MarkdownV2", "1-2", "Character '-' is reserved and must be escaped with the "
                             "preceding '\\'"),
        ("MarkdownV2", "*bold", "Can't find end of Bold entity at byte offset 0"),
        ("MarkdownV2", "x _it", "Can't find end of Italic entity at byte offset 2"),
        ("MarkdownV2", "[a](http://x.org", "Can't find end of a URL at byte offset 4"),
        ("Markdown", "*bold", "Can't find end of the entity starting at byte offset 0"),
    ],
)  # fmt: skip
def test_entity_parse_errors(emu: EmulatorClient, mode: str, text: str, error: str) -> None:
    emu.register(ADA)
    body = api(emu, "sendMessage", data={"chat_id": ADA.id, "text": text, "parse_mode": mode})
    assert body.json() == {
        "ok": False,
        "error_code": 400,
        "description": f"Bad Request: can't parse entities: {error}",
    }


@pytest.mark.parametrize(
    ("source", "text", "entities"),
    [
        ("<b>bold</b> &lt;3 &amp; &quot;q&quot; &#128512; &#x41;",
         'bold <3 & "q" 😀 A', [("bold", 0, 4, {})]),
        ("😀 <i>x</i>", "😀 x", [("italic", 3, 1, {})]),
        ("<strong>a</strong><em>b</em><ins>c</ins><strike>d</strike><del>e</del>",
         "abcde", [("bold", 0, 1, {}), ("italic", 1, 1, {}), ("underline", 2, 1, {}),
                   ("strikethrough", 3, 1, {}), ("strikethrough", 4, 1, {})]),
        ('<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>', "st",
         [("spoiler", 0, 1, {}), ("spoiler", 1, 1, {})]),
        ('<a href="https://example.org">link</a>', "link",
         [("text_link", 0, 4, {"url": "https://example.org/"})]),
        ('<pre><code class="language-python">x = 1</code></pre>', "x = 1",
         [("pre", 0, 5, {"language": "python"})]),
        ("<code>c</code> <pre>p</pre>", "c p", [("code", 0, 1, {}), ("pre", 2, 1, {})]),
        ("<blockquote expandable>q</blockquote><blockquote>r</blockquote>", "qr",
         [("expandable_blockquote", 0, 1, {}), ("blockquote", 1, 1, {})]),
        ('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>', "👍",
         [("custom_emoji", 0, 2, {"custom_emoji_id": "5368324170671202286"})]),
        ("<B>caps</B>", "caps", [("bold", 0, 4, {})]),
        ("&unknown; &lt", "&unknown; <", []),
    ],
)  # fmt: skip
def test_html_entities(
    source: str, text: str, entities: list[tuple[str, int, int, dict[str, str]]]
) -> None:
    got_text, got = parse_html(source)
    assert got_text == text
    assert got == [{"type": t, "offset": o, "length": n, **extra} for t, o, n, extra in entities]


@pytest.mark.parametrize(
    ("source", "text", "entities"),
    [
        ("*b* _i_ __u__ ~s~ ||p||", "b i u s p",
         [("bold", 0, 1), ("italic", 2, 1), ("underline", 4, 1), ("strikethrough", 6, 1),
          ("spoiler", 8, 1)]),
        ("Done\\. 1\\-2 😀 *x*", "Done. 1-2 😀 x", [("bold", 13, 1)]),
        ("`a.b` ```\ncode.\n```", "a.b code.\n", [("code", 0, 3), ("pre", 4, 6)]),
        ("[site](https://example.org/a\\)b)", "site", [("text_link", 0, 4)]),
        (">quote\nplain", "quote\nplain", [("blockquote", 0, 5)]),
    ],
)  # fmt: skip
def test_markdown_v2_entities(
    source: str, text: str, entities: list[tuple[str, int, int]]
) -> None:
    got_text, got = parse_markdown_v2(source)
    assert got_text == text
    assert [(e["type"], e["offset"], e["length"]) for e in got] == entities


async def test_sent_entities_use_utf16_offsets(emu: EmulatorClient, ptb_bot: Bot) -> None:
    emu.register(ADA)
    msg = await ptb_bot.send_message(ADA.id, "🎉🎉 <b>go</b> /help", parse_mode="HTML")
    assert msg.text == "🎉🎉 go /help"
    assert [(e.type, e.offset, e.length) for e in msg.entities] == [
        ("bold", 5, 2),
        ("bot_command", 8, 5),
    ]
    assert msg.parse_entities() == {msg.entities[0]: "go", msg.entities[1]: "/help"}


# ---- updates -------------------------------------------------------------------------------


async def test_get_updates_offset_limit_and_negative_offset(
    emu: EmulatorClient, ptb_bot: Bot
) -> None:
    for i in range(5):
        emu.send_text(ADA, f"m{i}")
    ups = await ptb_bot.get_updates(limit=2)
    assert [u.message.text for u in ups] == ["m0", "m1"]
    assert len(await ptb_bot.get_updates(limit=0)) == 1  # clamped to 1
    assert len(await ptb_bot.get_updates(limit=1000)) == 5  # clamped to 100
    ups = await ptb_bot.get_updates(offset=ups[1].update_id + 1)  # confirms m0, m1
    assert [u.message.text for u in ups] == ["m2", "m3", "m4"]
    assert [u.message.text for u in await ptb_bot.get_updates()] == ["m2", "m3", "m4"]
    ups = await ptb_bot.get_updates(offset=-1)  # forgets all but the last
    assert [u.message.text for u in ups] == ["m4"]
    assert [u.message.text for u in await ptb_bot.get_updates()] == ["m4"]
    assert await ptb_bot.get_updates(offset=ups[0].update_id + 1) == ()


async def test_long_poll_returns_as_soon_as_an_update_arrives(
    emu: EmulatorClient, ptb_bot: Bot
) -> None:
    started = time.monotonic()
    poll = asyncio.create_task(ptb_bot.get_updates(timeout=10, read_timeout=15))
    await asyncio.sleep(0.3)
    await asyncio.to_thread(emu.send_text, ADA, "/start")
    ups = await poll
    elapsed = time.monotonic() - started
    assert elapsed < 2, elapsed
    [update] = ups
    assert update.message.text == "/start"
    [entity] = update.message.entities
    assert (entity.type, entity.offset, entity.length) == ("bot_command", 0, 6)
    started = time.monotonic()
    assert await ptb_bot.get_updates(offset=update.update_id + 1, timeout=1) == ()
    assert time.monotonic() - started >= 0.9


async def test_allowed_updates_are_remembered(emu: EmulatorClient, ptb_bot: Bot) -> None:
    emu.register(ADA)
    msg = await ptb_bot.send_message(
        ADA.id,
        "pick",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]]),
    )
    await ptb_bot.get_updates(allowed_updates=["callback_query"])
    emu.send_text(ADA, "ignored")
    emu.press_button(ADA, msg.message_id, data="a")
    ups = await ptb_bot.get_updates()  # no allowed_updates: the previous filter still holds
    assert [u.callback_query.data for u in ups] == ["a"]
    await ptb_bot.get_updates(offset=ups[-1].update_id + 1, allowed_updates=[])  # default again
    emu.send_text(ADA, "seen")
    assert [u.message.text for u in await ptb_bot.get_updates()] == ["seen"]


async def test_second_poller_terminates_the_first(emu: EmulatorClient, ptb_bot: Bot) -> None:
    first = asyncio.create_task(ptb_bot.get_updates(timeout=5, read_timeout=10))
    await asyncio.sleep(0.3)
    resp = await asyncio.to_thread(api, emu, "getUpdates", data={"timeout": 0})
    assert resp.status_code == 200
    with pytest.raises(Exception, match="terminated by other getUpdates request"):
        await first


async def test_webhook_delivery_secret_and_conflict(emu: EmulatorClient, ptb_bot: Bot) -> None:
    received: list[tuple[dict[str, Any], str | None]] = []
    got = asyncio.Event()

    async def hook(request: web.Request) -> web.Response:
        received.append(
            (await request.json(), request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        )
        got.set()
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        emu.send_text(ADA, "queued before")
        url = f"http://127.0.0.1:{port}/hook"
        assert await ptb_bot.set_webhook(url, secret_token="s3cr3t", drop_pending_updates=True)
        info = await ptb_bot.get_webhook_info()
        assert (info.url, info.pending_update_count) == (url, 0)
        with pytest.raises(Exception, match="can't use getUpdates method while webhook is active"):
            await ptb_bot.get_updates()
        emu.send_text(ADA, "/start")
        await asyncio.wait_for(got.wait(), 5)
        [(payload, secret)] = received
        assert secret == "s3cr3t"
        assert payload["message"]["text"] == "/start"
        assert Update.de_json(payload, ptb_bot).message.from_user.id == ADA.id
        bad = api(emu, "getUpdates")
        assert bad.status_code == 409
        assert bad.json()["description"].startswith("Conflict: can't use getUpdates method")
        assert await ptb_bot.delete_webhook()
        assert await ptb_bot.get_updates() == ()
    finally:
        await runner.cleanup()


# ---- messages ------------------------------------------------------------------------------


async def test_edit_delete_and_not_modified(emu: EmulatorClient, ptb_bot: Bot) -> None:
    emu.register(ADA)
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
    [stored] = emu.messages(ADA.id)
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
    assert [m["message_id"] for m in emu.messages(ADA.id)] == [2, 3]
    assert emu.messages(ADA.id)[1]["reply_to_message"]["message_id"] == 2


async def test_message_ids_are_per_chat_and_shared_with_users(
    emu: EmulatorClient, ptb_bot: Bot
) -> None:
    emu.send_text(ADA, "hi")
    emu.register(BOB)
    assert (await ptb_bot.send_message(ADA.id, "a")).message_id == 2
    assert (await ptb_bot.send_message(BOB.id, "b")).message_id == 1
    group = emu.send_text(BOB, "/start@reminder_test_bot", chat_id=-100200)
    assert group["message"]["chat"]["type"] == "group"
    assert group["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 24}]
    assert (await ptb_bot.send_message(-100200, "g")).chat.type == "group"


async def test_blocked_user_gives_forbidden(emu: EmulatorClient, ptb_bot: Bot) -> None:
    emu.register(ADA)
    emu.block(ADA.id)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await ptb_bot.send_message(ADA.id, "hello?")
    resp = api(emu, "sendMessage", data={"chat_id": ADA.id, "text": "x"})
    assert resp.status_code == 403
    assert resp.json()["description"] == "Forbidden: bot was blocked by the user"
    [update] = await ptb_bot.get_updates()
    assert update.my_chat_member.new_chat_member.status == "kicked"
    emu.unblock(ADA.id)
    assert (await ptb_bot.send_message(ADA.id, "welcome back")).text == "welcome back"


async def test_commands_are_keyed_by_scope_and_language(emu: EmulatorClient, ptb_bot: Bot) -> None:
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


async def test_photo_and_document_upload(emu: EmulatorClient, ptb_bot: Bot) -> None:
    emu.register(ADA)
    image = png(4, 3)
    photo_msg = await ptb_bot.send_photo(ADA.id, image, caption="<b>chart</b>", parse_mode="HTML")
    [size] = photo_msg.photo
    assert (size.width, size.height, size.file_size) == (4, 3, len(image))
    assert photo_msg.caption == "chart" and photo_msg.caption_entities[0].type == "bold"
    doc_msg = await ptb_bot.send_document(ADA.id, b"a,b\n1,2\n", filename="export.csv")
    assert doc_msg.document.file_name == "export.csv"
    [call] = emu.calls(method="sendDocument")
    [upload] = call["files"]
    assert (upload["field"], upload["name"], upload["size"]) == ("document", "export.csv", 8)
    assert emu.file_bytes(doc_msg.document.file_id) == b"a,b\n1,2\n"
    assert emu.file_bytes(size.file_id) == image
    tg_file = await ptb_bot.get_file(size.file_id)
    assert tg_file.file_path and tg_file.file_size == len(image)
    assert bytes(await tg_file.download_as_bytearray()) == image
    again = await ptb_bot.send_photo(ADA.id, size.file_id)  # re-send by file_id
    assert again.photo[0].file_unique_id == size.file_unique_id


# ---- callback queries ----------------------------------------------------------------------


async def test_callback_query_by_text_and_data(emu: EmulatorClient, ptb_bot: Bot) -> None:
    emu.register(ADA)
    kb = InlineKeyboardMarkup(
        [[InlineKeyboardButton("Done", callback_data="done:1"),
          InlineKeyboardButton("Docs", url="https://example.org")]]
    )  # fmt: skip
    msg = await ptb_bot.send_message(ADA.id, "Stretch now", reply_markup=kb)
    update = emu.press_button(ADA, msg.message_id, text="Done")
    assert update["callback_query"]["data"] == "done:1"
    with pytest.raises(EmulatorError, match="no callback button"):
        emu.press_button(ADA, msg.message_id, text="Docs")
    with pytest.raises(EmulatorError, match="no callback button"):
        emu.press_button(ADA, msg.message_id, data="nope")
    forced = emu.press_button(ADA, msg.message_id, data="nope", force=True)
    assert forced["callback_query"]["data"] == "nope"
    [u1, u2] = await ptb_bot.get_updates()
    assert u1.callback_query.message.message_id == msg.message_id
    assert await u1.callback_query.answer("Noted")
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await u1.callback_query.answer("twice")
    with pytest.raises(BadRequest, match="(?i)MESSAGE_TOO_LONG"):
        await u2.callback_query.answer("x" * 201)
    assert await u2.callback_query.answer("x" * 200)


# ---- rate limits ---------------------------------------------------------------------------


async def test_per_chat_rate_limit_gives_retry_after(emu: EmulatorClient, ptb_bot: Bot) -> None:
    emu.register(ADA)
    emu.set_limits(per_chat_rate=1, per_chat_burst=3)
    for i in range(3):
        await ptb_bot.send_message(ADA.id, f"burst {i}")
    with pytest.raises(RetryAfter) as err:
        await ptb_bot.send_message(ADA.id, "one too many")
    assert err.value.retry_after.total_seconds() == 1
    resp = api(emu, "sendMessage", data={"chat_id": ADA.id, "text": "raw"})
    assert resp.status_code == 429
    assert resp.headers["Retry-After"] == "1"
    assert resp.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }
    assert await ptb_bot.send_chat_action(ADA.id, "typing")  # not a message: not limited
    statuses = [c["status"] for c in emu.calls(method="sendMessage", chat_id=ADA.id)]
    assert statuses == [200, 200, 200, 429, 429]


@pytest.mark.parametrize(
    ("limits", "chats", "sends", "expected_retry"),
    [
        ({"global_rate": 2, "global_burst": 2, "per_chat_rate": 0}, [1001, 1002, 1003], 3, 1),
        ({"group_per_minute": 20, "group_burst": 2, "per_chat_rate": 0}, [-5], 3, 3),
    ],
)
async def test_global_and_group_limits(
    emu: EmulatorClient,
    ptb_bot: Bot,
    limits: dict[str, float],
    chats: list[int],
    sends: int,
    expected_retry: int,
) -> None:
    emu.register(ADA)
    emu.register(BOB)
    emu.register({"id": 1003, "first_name": "Cy"})
    emu.send_text(ADA, "hi", chat_id=-5)
    emu.set_limits(**limits)
    for i in range(sends - 1):
        await ptb_bot.send_message(chats[i % len(chats)], "ok")
    with pytest.raises(RetryAfter) as err:
        await ptb_bot.send_message(chats[(sends - 1) % len(chats)], "limited")
    assert err.value.retry_after.total_seconds() == expected_retry


# ---- fault injection -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "exception", "match", "applied"),
    [
        ({"kind": "429", "retry_after": 7}, RetryAfter, "Flood control exceeded", False),
        ({"kind": "500"}, NetworkError, "Internal Server Error", False),
        ({"kind": "502"}, NetworkError, "Bad Gateway", False),
        ({"kind": "slow", "delay": 1.0, "applied": True}, TimedOut, None, True),
        ({"kind": "slow", "delay": 1.0, "applied": False}, TimedOut, None, False),
        ({"kind": "drop", "applied": True}, NetworkError, None, True),
        ({"kind": "drop", "applied": False}, NetworkError, None, False),
    ],
)
async def test_fault_injection(
    emu: EmulatorClient,
    fault: dict[str, Any],
    exception: type[Exception],
    match: str | None,
    applied: bool,
) -> None:
    emu.register(ADA)
    emu.add_fault(method="sendMessage", chat_id=ADA.id, count=1, **fault)
    request = HTTPXRequest(read_timeout=0.4, connect_timeout=2)
    async with Bot(TEST_TOKEN, base_url=emu.base_url, request=request) as b:
        with pytest.raises(exception, match=match) as err:
            await b.send_message(ADA.id, "maybe")
        if fault["kind"] == "429":
            assert err.value.retry_after.total_seconds() == 7  # type: ignore[attr-defined]
        if fault["kind"] == "slow":
            await asyncio.sleep(fault["delay"] + 0.2)  # let the late answer happen
        assert len(emu.messages(ADA.id)) == (1 if applied else 0)
        msg = await b.send_message(ADA.id, "next one works")  # count=1: the rule is used up
        assert msg.text == "next one works"


def test_fault_probability_is_seedable() -> None:
    from reminder_bot.emulator import Emulator

    def pattern(seed: int) -> list[bool]:
        e = Emulator(seed=seed)
        e.add_fault("500", probability=0.5)
        return [e._match_fault("getme", {}) is not None for _ in range(40)]

    assert pattern(7) == pattern(7)
    assert pattern(7) != pattern(8)
    assert 5 < sum(pattern(7)) < 35


# ---- the control interface -----------------------------------------------------------------


def test_calls_log_filters_and_wait(emu: EmulatorClient) -> None:
    emu.register(ADA)
    emu.register(BOB)
    start = emu.last_seq()
    api(emu, "sendMessage", data={"chat_id": ADA.id, "text": "a"})
    api(emu, "sendMessage", data={"chat_id": BOB.id, "text": "b"})
    api(emu, "getMe")
    calls = emu.calls(since=start)
    assert [c["method"] for c in calls] == ["sendMessage", "sendMessage", "getMe"]
    assert [c["seq"] for c in calls] == [start + 1, start + 2, start + 3]
    first = calls[0]
    assert first["status"] == 200 and first["response"]["result"]["text"] == "a"
    assert first["params"] == {"chat_id": ADA.id, "text": "a"}
    assert isinstance(first["time"], float) and isinstance(first["monotonic"], float)
    assert [c["params"]["text"] for c in emu.calls(method="sendmessage", chat_id=BOB.id)] == ["b"]
    assert emu.calls(since=start + 3) == []
    with pytest.raises(EmulatorError, match=r"(?s)expected 1 sendPhoto call.*#\d+ getMe"):
        emu.wait_for_calls("sendPhoto", since=start, timeout=0.3)
    stats = emu.stats()
    assert stats["per_method"]["sendMessage"]["200"] == 2
    assert stats["requests_per_s"] > 0


def test_wait_for_calls_returns_when_the_call_arrives(emu: EmulatorClient) -> None:
    import threading

    emu.register(ADA)
    since = emu.last_seq()
    timer = threading.Timer(
        0.3, api, (emu, "sendMessage"), {"data": {"chat_id": 1001, "text": "x"}}
    )
    timer.start()
    started = time.monotonic()
    [call] = emu.wait_for_calls("sendMessage", chat_id=ADA.id, since=since, timeout=5)
    assert time.monotonic() - started < 2
    assert call["params"]["text"] == "x"
    timer.join()


async def test_start_emulator_on_the_running_loop() -> None:
    running = await start_emulator(bot_username="other_bot", global_rate=5)
    try:
        async with httpx.AsyncClient() as client:
            me = (await client.get(f"{running.url}/bot42:x/getMe")).json()["result"]
            limits = (await client.get(f"{running.url}/_emulator/limits")).json()["limits"]
        assert (me["id"], me["username"]) == (42, "other_bot")
        assert limits["global_rate"] == 5
    finally:
        await running.stop()


# ---- a whole PTB Application ----------------------------------------------------------------


async def test_ptb_application_polling_receives_commands_and_buttons(emu: EmulatorClient) -> None:
    seen: list[str] = []

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        seen.append(f"start {context.args}")
        await update.effective_message.reply_text(
            "Hi!",
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("OK", callback_data="ok")]]),
        )

    async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        seen.append(f"button {query.data}")
        await query.answer("Thanks")
        await query.edit_message_text("Confirmed")

    app = (
        Application.builder()
        .token(TEST_TOKEN)
        .base_url(emu.base_url)
        .get_updates_read_timeout(5)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(button))
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(timeout=1, poll_interval=0)
    try:
        since = emu.last_seq()
        await asyncio.to_thread(emu.send_text, ADA, "/start@reminder_test_bot now")
        [reply] = await asyncio.to_thread(
            emu.wait_for_calls, "sendMessage", chat_id=ADA.id, since=since
        )
        message_id = reply["response"]["result"]["message_id"]
        await asyncio.to_thread(emu.press_button, ADA, message_id, text="OK")
        await asyncio.to_thread(emu.wait_for_calls, "editMessageText", chat_id=ADA.id, since=since)
        answers = await asyncio.to_thread(emu.wait_for_calls, "answerCallbackQuery", since=since)
        assert answers[0]["status"] == 200
        assert seen == ["start ['now']", "button ok"]
        assert [m["text"] for m in emu.messages(ADA.id)] == [
            "/start@reminder_test_bot now",
            "Confirmed",
        ]
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
