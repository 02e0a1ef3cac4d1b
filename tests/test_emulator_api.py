"""The emulator's Bot API surface: routing, parameter encodings, validation and error texts."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from emulator_helpers import ADA, BAD_REQUEST, api, png
from telegram import Bot

from reminder_bot.emulator import EmulatorClient
from reminder_bot.emulator.testing import TEST_TOKEN

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
    emulator: EmulatorClient, path: str, status: int, description: str | None
) -> None:
    for call in (httpx.get, httpx.post):
        resp = call(f"{emulator.url}{path}")
        assert resp.status_code == status
        body = resp.json()
        assert body["ok"] is (status == 200)
        if description:
            assert body == {"ok": False, "error_code": status, "description": description}


@pytest.mark.parametrize("encoding", ["query", "form", "json", "multipart"])
def test_parameter_encodings(emulator: EmulatorClient, encoding: str) -> None:
    emulator.register(ADA)
    markup = {"inline_keyboard": [[{"text": "OK", "callback_data": "ok"}]]}
    fields = {"chat_id": str(ADA.id), "text": "hello", "reply_markup": json.dumps(markup)}
    url = f"{emulator.url}/bot{TEST_TOKEN}/sendMessage"
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
    [call] = emulator.calls(method="sendMessage")
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
    emulator: EmulatorClient, method: str, params: dict[str, Any], status: int, description: str
) -> None:
    emulator.register(ADA)
    resp = api(emulator, method, data=params)
    body = resp.json()
    assert resp.status_code == status, body
    if status == 200:
        assert body["ok"] is True
    else:
        assert body["ok"] is False
        assert body["error_code"] == status
        assert body["description"].startswith(BAD_REQUEST + description), body["description"]


def test_caption_limit(emulator: EmulatorClient) -> None:
    emulator.register(ADA)
    ok = api(emulator, "sendPhoto", data={"chat_id": ADA.id, "caption": "c" * 1024},
             files={"photo": ("p.png", png())})  # fmt: skip
    assert ok.status_code == 200, ok.text
    long = api(emulator, "sendPhoto", data={"chat_id": ADA.id, "caption": "c" * 1025},
               files={"photo": ("p.png", png())})  # fmt: skip
    assert long.json()["description"] == "Bad Request: message caption is too long"
    junk = api(
        emulator, "sendPhoto", data={"chat_id": ADA.id}, files={"photo": ("p.png", b"junk")}
    )
    assert junk.json()["description"] == "Bad Request: IMAGE_PROCESS_FAILED"
