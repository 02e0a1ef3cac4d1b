"""A local stand-in for Telegram's Bot API, served over real HTTP (aiohttp) on loopback.

The bot talks to it exactly as to ``api.telegram.org`` (``/bot<token>/<method>``); tests, the
benchmark and ``reminder-bot demo`` drive the simulated users through a JSON control interface
under ``/_emulator/``. Behaviour follows the Bot API documentation and the reference server
(tdlib/telegram-bot-api): answer shapes, error texts, update queue semantics, webhooks.

Deliberate differences from api.telegram.org, all documented so nobody relies on them:

* Webhook URLs may be plain ``http://`` on any port, as the reference server allows in
  ``--local`` mode; there is no certificate handling.
* The reference server's anti-spin tweaks of getUpdates (timeout raised to 3 s and limit cut to
  1 when the same offset is polled again within 3 s / 0.5 s) and the 1/s limit on setWebhook are
  not reproduced: they would only slow tests down.
* Integer parameters that do not parse are rejected with 400 (the reference server silently reads
  them as 0).
* Rate limits are token buckets (see ``Limits``); Telegram publishes the rates, not the burst.
  Only sending methods (``send*`` except ``sendChatAction``, ``copyMessage(s)``,
  ``forwardMessage(s)``) count.
* Methods that exist in the schema but have no behaviour here: if they return ``Boolean`` they are
  validated and answer ``true``; the rest answer 400 "Bad Request: method not supported by the
  emulator" (see ``UNSUPPORTED_NOTE``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import math
import random
import re
import signal
import struct
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import ClientSession, ClientTimeout, web

__all__ = [
    "ApiError",
    "Emulator",
    "EmulatorThread",
    "Limits",
    "RunningEmulator",
    "parse_html",
    "parse_markdown",
    "parse_markdown_v2",
    "serve",
    "start_emulator",
]

UNSUPPORTED_NOTE = (
    "Implemented: getMe, logOut, close, getUpdates, setWebhook, deleteWebhook, getWebhookInfo, "
    "sendMessage, forwardMessage(s), copyMessage(s), sendPhoto, sendDocument, sendChatAction, "
    "editMessageText, editMessageCaption, editMessageReplyMarkup, deleteMessage(s), "
    "answerCallbackQuery, setMyCommands, getMyCommands, deleteMyCommands, getFile, getChat, "
    "getMyName/Description/ShortDescription, getChatMenuButton; every other method that returns "
    "Boolean is validated and answers true; the rest answer 400."
)

SCHEMA: dict[str, Any] = json.loads(
    (Path(__file__).with_name("botapi_schema.json")).read_text(encoding="utf-8")
)
_METHODS: dict[str, dict[str, Any]] = {name.lower(): m for name, m in SCHEMA["methods"].items()}
_METHOD_NAMES: dict[str, str] = {name.lower(): name for name in SCHEMA["methods"]}
_TYPES: dict[str, dict[str, Any]] = SCHEMA["types"]

TOKEN_RE = re.compile(r"^\d+:[A-Za-z0-9_-]+$")
_INT_RE = re.compile(r"^-?\d+$")
_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]*$")
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_CALLBACK_ANSWER = 200

DEFAULT_UPDATE_TYPES = frozenset(
    f["name"]
    for f in _TYPES["Update"]["fields"]
    if f["name"] not in ("update_id", "chat_member", "message_reaction", "message_reaction_count")
)
CHAT_ACTIONS = frozenset(
    "typing upload_photo record_video upload_video record_voice upload_voice upload_document "
    "choose_sticker find_location record_video_note upload_video_note".split()
)
_SENDING_EXTRA = frozenset({"copymessage", "copymessages", "forwardmessage", "forwardmessages"})


def is_sending_method(method: str) -> bool:
    """Whether a call counts against Telegram's message rate limits (lower-case method name)."""
    m = method.lower()
    return (m.startswith("send") and m != "sendchataction") or m in _SENDING_EXTRA


class ApiError(Exception):
    """A Bot API error answer: ``{"ok": false, "error_code": code, "description": ...}``."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.retry_after is not None:
            out["parameters"] = {"retry_after": self.retry_after}
        return out


def bad_request(message: str) -> ApiError:
    return ApiError(400, f"Bad Request: {message}")


def too_many(retry_after: int) -> ApiError:
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)


# --------------------------------------------------------------------------------------------
# Entity parsing. These follow tdlib's parsers (td/telegram/MessageEntity.cpp) byte by byte, so
# byte offsets in error messages and UTF-16 offsets in entities match what Telegram answers.

_SPACES = b" \t\r\n\x00\x0b\x0c"
_HTML_TAGS = {
    "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins", "tg-spoiler", "tg-emoji",
    "span", "pre", "code", "blockquote",
}  # fmt: skip
_HTML_SIMPLE = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "s": "strikethrough",
    "strike": "strikethrough", "del": "strikethrough", "u": "underline", "ins": "underline",
    "tg-spoiler": "spoiler", "span": "spoiler",
}  # fmt: skip


def _is_space(c: int) -> bool:
    return c in _SPACES


def _utf16_units(first_byte: int) -> int:
    # Count once per character, at its first byte; 4-byte UTF-8 sequences are surrogate pairs.
    if first_byte & 0xC0 == 0x80:
        return 0
    return 2 if first_byte >= 0xF0 else 1


def _decode_html_entity(t: bytes, pos: int) -> tuple[int, int]:
    """Decode ``&...;`` at ``pos``: (code point, position after it), or (0, pos) if none."""
    end = pos + 1
    res = 0
    if t[end] == 0x23:  # '#'
        end += 1
        if t[end] == 0x78:  # 'x'
            end += 1
            while chr(t[end]) in "0123456789abcdefABCDEF":
                res = res * 16 + int(chr(t[end]), 16)
                end += 1
                if res >= 0x10FFFF:
                    return 0, pos
        else:
            while 0x30 <= t[end] <= 0x39:
                res = res * 10 + t[end] - 0x30
                end += 1
                if res >= 0x10FFFF:
                    return 0, pos
        if res == 0 or res >= 0x10FFFF or end - pos >= 10 or 0xD800 <= res <= 0xDFFF:
            return 0, pos
    else:
        while chr(t[end]).isascii() and chr(t[end]).isalpha():
            end += 1
        name = t[pos + 1 : end]
        codes = {b"lt": 0x3C, b"gt": 0x3E, b"amp": 0x26, b"quot": 0x22}
        if name not in codes:
            return 0, pos
        res = codes[name]
    if t[end] == 0x3B:  # ';'
        end += 1
    return res, end


def check_link(url: str) -> str | None:
    """Normalise a link the way Telegram shows it in ``text_link`` entities, or None if invalid."""
    url = url.strip()
    if not url or any(c.isspace() for c in url):
        return None
    m = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*)://(.*)$", url)
    if m:
        scheme, rest = m.group(1).lower(), m.group(2)
        if scheme in ("tg", "ton"):
            return f"{scheme}://{rest}" if rest else None
        if scheme not in ("http", "https"):
            return None
    else:
        scheme, rest = "http", url
    host, sep, path = rest.partition("/")
    host_only = host.rsplit("@", 1)[-1].split(":", 1)[0]
    if not host_only or not re.match(r"^[A-Za-z0-9.\-\u00a1-\uffff]+$", host_only):
        return None
    if "." not in host_only and host_only != "localhost":
        return None
    return f"{scheme}://{host}/{path}" if sep else f"{scheme}://{host}/"


def _entity(kind: str, offset: int, length: int, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"type": kind, "offset": offset, "length": length}
    out.update(extra)
    return out


def _link_entity(url: str, offset: int, length: int) -> dict[str, Any] | None:
    m = re.match(r"^tg://user\?id=(\d+)$", url)
    if m:
        # A text_mention needs the full User; the emulator only knows ids, so keep it a link.
        return _entity("text_link", offset, length, url=url)
    checked = check_link(url)
    if checked is None:
        return None
    return _entity("text_link", offset, length, url=checked)


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram HTML. Raises ValueError with tdlib's message on malformed input."""
    raw = text.encode("utf-8")
    n = len(raw)
    t = raw + b"\x00" * 4
    out = bytearray()
    entities: list[dict[str, Any]] = []
    nested: list[tuple[str, str, int, int, bool]] = []  # tag, argument, utf16 offset, byte pos
    u16 = 0
    i = 0
    while i < n:
        c = t[i]
        if c == 0x26:  # '&'
            ch, nxt = _decode_html_entity(t, i)
            if ch:
                out += chr(ch).encode("utf-8")
                u16 += 2 if ch > 0xFFFF else 1
                i = nxt
                continue
        if c != 0x3C:  # '<'
            out.append(c)
            u16 += _utf16_units(c)
            i += 1
            continue
        begin = i
        i += 1
        if t[i] != 0x2F:  # start tag
            while not _is_space(t[i]) and t[i] != 0x3E:
                i += 1
            if i >= n:
                raise ValueError(f"Unclosed start tag at byte offset {begin}")
            tag = t[begin + 1 : i].decode("utf-8", "replace").lower()
            if tag not in _HTML_TAGS:
                raise ValueError(f'Unsupported start tag "{tag}" at byte offset {begin}')
            argument = ""
            expandable = False
            while t[i] != 0x3E:
                while i < n and _is_space(t[i]):
                    i += 1
                if t[i] == 0x3E:
                    break
                attr_begin = i
                while not _is_space(t[i]) and t[i] != 0x3D and t[i] != 0x3E:
                    i += 1
                attr = t[attr_begin:i].decode("utf-8", "replace")
                if not attr:
                    raise ValueError(
                        f'Empty attribute name in the tag "{tag}" at byte offset {begin}'
                    )
                while i < n and _is_space(t[i]):
                    i += 1
                if t[i] != 0x3D:  # '='
                    if tag == "blockquote" and attr == "expandable":
                        expandable = True
                        continue
                    if i >= n:
                        raise ValueError(f'Unclosed start tag "{tag}" at byte offset {begin}')
                    raise ValueError(
                        "Expected equal sign in declaration of an attribute of the tag "
                        f'"{tag}" at byte offset {begin}'
                    )
                i += 1
                while i < n and _is_space(t[i]):
                    i += 1
                if i >= n:
                    raise ValueError(f'Unclosed start tag "{tag}" at byte offset {begin}')
                value = bytearray()
                if t[i] not in (0x27, 0x22):
                    token_begin = i
                    while chr(t[i]).isascii() and (chr(t[i]).isalnum() or t[i] in b".-"):
                        i += 1
                    value += t[token_begin:i].lower()
                    if not _is_space(t[i]) and t[i] != 0x3E:
                        raise ValueError(
                            f"Unexpected end of name token at byte offset {token_begin}"
                        )
                else:
                    quote = t[i]
                    i += 1
                    while i < n and t[i] != quote:
                        if t[i] == 0x26:
                            ch, nxt = _decode_html_entity(t, i)
                            if ch:
                                value += chr(ch).encode("utf-8")
                                i = nxt
                                continue
                        value.append(t[i])
                        i += 1
                    if t[i] == quote:
                        i += 1
                if i >= n:
                    raise ValueError(f"Unclosed start tag at byte offset {begin}")
                val = value.decode("utf-8", "replace")
                if tag == "a" and attr == "href":
                    argument = val
                elif tag == "code" and attr == "class" and val.startswith("language-"):
                    argument = val[9:]
                elif tag == "span" and attr == "class" and val.startswith("tg-"):
                    argument = val[3:]
                elif tag == "tg-emoji" and attr == "emoji-id":
                    argument = val
                elif tag == "blockquote" and attr == "expandable":
                    expandable = True
            if tag == "span" and argument != "spoiler":
                raise ValueError(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
            if tag == "tg-emoji" and not argument.isdigit():
                raise ValueError(
                    f"Custom emoji entity must contain a tg://emoji URL at byte offset {begin}"
                )
            nested.append((tag, argument, u16, len(out), expandable))
        else:  # end tag
            if not nested:
                raise ValueError(f"Unexpected end tag at byte offset {begin}")
            while not _is_space(t[i]) and t[i] != 0x3E:
                i += 1
            end_tag = t[begin + 2 : i].decode("utf-8", "replace")
            while i < n and _is_space(t[i]):
                i += 1
            if t[i] != 0x3E:
                raise ValueError(f"Unclosed end tag at byte offset {begin}")
            tag, argument, offset, byte_begin, expandable = nested[-1]
            if end_tag and end_tag.lower() != tag:
                raise ValueError(
                    f'Unmatched end tag at byte offset {begin}, expected "</{tag}>", '
                    f'found "</{end_tag}>"'
                )
            length = u16 - offset
            if length > 0:
                if tag in _HTML_SIMPLE:
                    entities.append(_entity(_HTML_SIMPLE[tag], offset, length))
                elif tag == "a":
                    url = argument or out[byte_begin:].decode("utf-8", "replace")
                    ent = _link_entity(url, offset, length)
                    if ent is not None:
                        entities.append(ent)
                elif tag == "pre":
                    last = entities[-1] if entities else None
                    if (
                        last is not None
                        and last["type"] == "code"
                        and last["offset"] == offset
                        and last["length"] == length
                        and last.get("language")
                    ):
                        last["type"] = "pre"
                    else:
                        entities.append(_entity("pre", offset, length))
                elif tag == "code":
                    last = entities[-1] if entities else None
                    if (
                        last is not None
                        and last["type"] == "pre"
                        and last["offset"] == offset
                        and last["length"] == length
                        and argument
                    ):
                        last["language"] = argument
                    elif argument:
                        entities.append(_entity("code", offset, length, language=argument))
                    else:
                        entities.append(_entity("code", offset, length))
                elif tag == "tg-emoji":
                    entities.append(
                        _entity("custom_emoji", offset, length, custom_emoji_id=argument)
                    )
                elif tag == "blockquote":
                    kind = "expandable_blockquote" if expandable else "blockquote"
                    entities.append(_entity(kind, offset, length))
            nested.pop()
        i += 1
    if nested:
        raise ValueError(f'Can\'t find end tag corresponding to start tag "{nested[-1][0]}"')
    for e in entities:
        # A <code> inside <pre> keeps its language only via the merged pre entity.
        if e["type"] == "code" and "language" in e:
            del e["language"]
    return out.decode("utf-8", "replace"), entities


_MD2_RESERVED = b"_*[]()~`>#+-=|{}.!"
_MD2_NAMES = {
    "bold": "Bold", "italic": "Italic", "underline": "Underline",
    "strikethrough": "Strikethrough", "spoiler": "Spoiler", "code": "Code", "pre": "Pre",
    "pre_code": "PreCode", "text_link": "TextUrl", "custom_emoji": "CustomEmoji",
}  # fmt: skip


def parse_markdown_v2(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse MarkdownV2. Raises ValueError with tdlib's message on malformed input."""
    raw = text.encode("utf-8")
    n = len(raw)
    t = raw + b"\x00" * 4
    out = bytearray()
    entities: list[dict[str, Any]] = []
    nested: list[list[Any]] = []  # [kind, argument, utf16 offset, byte offset, out position]
    u16 = 0
    quote_start: int | None = None
    i = 0
    while i < n:
        c = t[i]
        at_line_start = i == 0 or t[i - 1] == 0x0A
        if at_line_start and not nested:
            if c == 0x3E:  # '>' opens or continues a block quotation
                if quote_start is None:
                    quote_start = u16
                i += 1
                continue
            if quote_start is not None:
                # The previous line ended the quotation; its newline is not part of it.
                if u16 - 1 > quote_start:
                    entities.append(_entity("blockquote", quote_start, u16 - 1 - quote_start))
                quote_start = None
        if c == 0x5C and 0 < t[i + 1] <= 126:  # '\\'
            out.append(t[i + 1])
            u16 += 1
            i += 2
            continue
        reserved = _MD2_RESERVED
        if nested and nested[-1][0] in ("code", "pre", "pre_code"):
            reserved = b"`"
        if c not in reserved:
            out.append(c)
            u16 += _utf16_units(c)
            i += 1
            continue
        is_end = False
        if nested:
            kind = nested[-1][0]
            is_end = {
                "bold": c == 0x2A,
                "italic": c == 0x5F and t[i + 1] != 0x5F,
                "code": c == 0x60,
                "pre": c == 0x60 and t[i + 1] == 0x60 and t[i + 2] == 0x60,
                "pre_code": c == 0x60 and t[i + 1] == 0x60 and t[i + 2] == 0x60,
                "text_link": c == 0x5D,
                "underline": c == 0x5F and t[i + 1] == 0x5F,
                "strikethrough": c == 0x7E,
                "spoiler": c == 0x7C and t[i + 1] == 0x7C,
                "custom_emoji": c == 0x5D,
            }[kind]
        if not is_end:
            byte_offset = i
            argument = ""
            if c == 0x5F:
                if t[i + 1] == 0x5F:
                    kind = "underline"
                    i += 1
                else:
                    kind = "italic"
            elif c == 0x2A:
                kind = "bold"
            elif c == 0x7E:
                kind = "strikethrough"
            elif c == 0x7C and t[i + 1] == 0x7C:
                kind = "spoiler"
                i += 1
            elif c == 0x5B:
                kind = "text_link"
            elif c == 0x60:
                if t[i + 1] == 0x60 and t[i + 2] == 0x60:
                    i += 3
                    kind = "pre"
                    lang_end = i
                    while not _is_space(t[lang_end]) and t[lang_end] != 0x60:
                        lang_end += 1
                    if i != lang_end and lang_end < n and t[lang_end] != 0x60:
                        kind = "pre_code"
                        argument = t[i:lang_end].decode("utf-8", "replace")
                        i = lang_end
                    if t[i] in (0x0A, 0x0D):
                        if t[i + 1] in (0x0A, 0x0D) and t[i] != t[i + 1]:
                            i += 2
                        else:
                            i += 1
                    i -= 1
                else:
                    kind = "code"
            elif c == 0x21 and t[i + 1] == 0x5B:
                kind = "custom_emoji"
                i += 1
            else:
                raise ValueError(
                    f"Character '{chr(c)}' is reserved and must be escaped with the preceding '\\'"
                )
            nested.append([kind, argument, u16, byte_offset, len(out)])
            i += 1
            continue
        kind, argument, offset, _, out_pos = nested[-1]
        skip = u16 == offset
        if kind in ("underline", "spoiler"):
            i += 1
        elif kind in ("pre", "pre_code"):
            i += 2
        elif kind in ("text_link", "custom_emoji"):
            url = ""
            if t[i + 1] != 0x28:  # '('
                if kind == "custom_emoji":
                    raise ValueError("Custom emoji entity must contain a tg://emoji URL")
                url = out[out_pos:].decode("utf-8", "replace")
            else:
                i += 2
                url_begin = i
                buf = bytearray()
                while i < n and t[i] != 0x29:
                    if t[i] == 0x5C and 0 < t[i + 1] <= 126:
                        buf.append(t[i + 1])
                        i += 2
                        continue
                    buf.append(t[i])
                    i += 1
                if t[i] != 0x29:
                    raise ValueError(f"Can't find end of a URL at byte offset {url_begin}")
                url = buf.decode("utf-8", "replace")
            argument = url
        if not skip:
            length = u16 - offset
            if kind == "text_link":
                ent = _link_entity(argument, offset, length)
                if ent is not None:
                    entities.append(ent)
            elif kind == "custom_emoji":
                m = re.match(r"^tg://emoji\?id=(\d+)$", argument)
                if not m:
                    raise ValueError("Custom emoji entity must contain a tg://emoji URL")
                entities.append(
                    _entity("custom_emoji", offset, length, custom_emoji_id=m.group(1))
                )
            elif kind == "pre_code":
                entities.append(_entity("pre", offset, length, language=argument))
            else:
                entities.append(_entity(kind, offset, length))
        nested.pop()
        i += 1
    if nested:
        kind = nested[-1][0]
        raise ValueError(
            f"Can't find end of {_MD2_NAMES[kind]} entity at byte offset {nested[-1][3]}"
        )
    if quote_start is not None and u16 > quote_start:
        entities.append(_entity("blockquote", quote_start, u16 - quote_start))
    return out.decode("utf-8", "replace"), entities


def parse_markdown(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse legacy Markdown (parse_mode "Markdown") the way tdlib does."""
    raw = text.encode("utf-8")
    n = len(raw)
    t = raw + b"\x00" * 4
    out = bytearray()
    entities: list[dict[str, Any]] = []
    u16 = 0
    i = 0
    while i < n:
        c = t[i]
        if c == 0x5C and t[i + 1] in b"_*`[":
            out.append(t[i + 1])
            u16 += 1
            i += 2
            continue
        if c not in b"_*`[":
            out.append(c)
            u16 += _utf16_units(c)
            i += 1
            continue
        begin = i
        end_char = 0x5D if c == 0x5B else c
        is_pre = False
        language = ""
        i += 1
        if c == 0x60 and t[i] == 0x60 and t[i + 1] == 0x60:
            i += 2
            is_pre = True
            lang_end = i
            while not _is_space(t[lang_end]) and t[lang_end] != 0x60:
                lang_end += 1
            if i != lang_end and lang_end < n and t[lang_end] != 0x60:
                language = t[i:lang_end].decode("utf-8", "replace")
                i = lang_end
            if t[i] in (0x0A, 0x0D):
                if t[i + 1] in (0x0A, 0x0D) and t[i] != t[i + 1]:
                    i += 2
                else:
                    i += 1
        offset = u16
        while i < n and (t[i] != end_char or (is_pre and not (t[i + 1] == 0x60 == t[i + 2]))):
            out.append(t[i])
            u16 += _utf16_units(t[i])
            i += 1
        if i >= n:
            raise ValueError(f"Can't find end of the entity starting at byte offset {begin}")
        if u16 != offset:
            length = u16 - offset
            if c == 0x5F:
                entities.append(_entity("italic", offset, length))
            elif c == 0x2A:
                entities.append(_entity("bold", offset, length))
            elif c == 0x5B:
                if t[i + 1] != 0x28:
                    url = t[begin + 1 : i].decode("utf-8", "replace")
                else:
                    i += 2
                    url_begin = i
                    while i < n and t[i] != 0x29:
                        i += 1
                    url = t[url_begin:i].decode("utf-8", "replace")
                ent = _link_entity(url, offset, length)
                if ent is not None:
                    entities.append(ent)
            elif is_pre:
                extra = {"language": language} if language else {}
                entities.append(_entity("pre", offset, length, **extra))
            else:
                entities.append(_entity("code", offset, length))
        if is_pre:
            i += 2
        i += 1
    return out.decode("utf-8", "replace"), entities


def utf16_len(s: str) -> int:
    return len(s) + sum(1 for ch in s if ord(ch) > 0xFFFF)


_AUTO_RE = re.compile(
    r"(?P<bot_command>(?<![\w/@])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/]))"
    r"|(?P<mention>(?<![\w@])@[A-Za-z0-9_]{5,32}(?![\w@]))"
    r"|(?P<hashtag>(?<![\w#])#[^\W\d_]\w*)"
    r"|(?P<email>(?<![\w.@])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})"
    r"|(?P<url>(?<![\w@])(?:https?://|www\.)[^\s<>\"]+[^\s<>\".,;:!?)\]'])"
)
_FORMATTING = frozenset(
    {"bold", "italic", "underline", "strikethrough", "spoiler", "blockquote",
     "expandable_blockquote"}
)  # fmt: skip


def auto_entities(text: str, explicit: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entities Telegram detects by itself (commands, mentions, hashtags, e-mails, URLs)."""
    if not any(ch in text for ch in "/@#.:"):
        return []
    found: list[dict[str, Any]] = []
    blocked = [
        (e["offset"], e["offset"] + e["length"]) for e in explicit if e["type"] not in _FORMATTING
    ]
    for m in _AUTO_RE.finditer(text):
        kind = m.lastgroup or "url"
        start = utf16_len(text[: m.start()])
        length = utf16_len(m.group(0))
        if any(start < b_end and b_start < start + length for b_start, b_end in blocked):
            continue
        found.append(_entity(kind, start, length))
    return found


def trim_text(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Strip surrounding whitespace as Telegram does, moving and clipping entities with it."""
    stripped_left = text.lstrip()
    lead = utf16_len(text[: len(text) - len(stripped_left)])
    result = stripped_left.rstrip()
    total = utf16_len(result)
    fixed = []
    for e in entities:
        start = max(e["offset"] - lead, 0)
        end = min(e["offset"] + e["length"] - lead, total)
        if end > start:
            fixed.append({**e, "offset": start, "length": end - start})
    fixed.sort(key=lambda e: (e["offset"], -e["length"]))
    return result, fixed


# --------------------------------------------------------------------------------------------
# Rate limits.


@dataclass
class Limits:
    """Token-bucket limits. A rate of 0 disables that limit.

    Telegram asks for at most 1 message/s per chat, 20/min per group and about 30/s overall; it
    tolerates short bursts without publishing their size, so the emulator allows
    ``per_chat_burst`` (3) back-to-back messages to one chat, ``group_burst`` (20) to a group,
    ``global_burst`` (30) overall.
    """

    per_chat_rate: float = 1.0
    per_chat_burst: float = 3.0
    group_per_minute: float = 20.0
    group_burst: float = 20.0
    global_rate: float = 30.0
    global_burst: float = 30.0

    def as_dict(self) -> dict[str, float]:
        return dict(self.__dict__)


class _Bucket:
    __slots__ = ("rate", "burst", "tokens", "stamp")

    def __init__(self, rate: float, burst: float, now: float) -> None:
        self.rate = rate
        self.burst = max(burst, 1.0)
        self.tokens = self.burst
        self.stamp = now

    def wait_time(self, now: float) -> float:
        """Seconds until one token is available (0 if available now); refills first."""
        if self.rate <= 0:
            return 0.0
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            return 0.0
        return (1.0 - self.tokens) / self.rate

    def take(self) -> None:
        if self.rate > 0:
            self.tokens -= 1.0


# --------------------------------------------------------------------------------------------
# State.


@dataclass
class ChatState:
    chat: dict[str, Any]
    next_message_id: int = 1
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)

    @property
    def is_group(self) -> bool:
        return self.chat["type"] in ("group", "supergroup")


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    data: bytes
    file_name: str | None
    mime_type: str | None
    file_path: str

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class FaultRule:
    kind: str  # "429" | "500" | "502" | "slow" | "drop"
    method: str | None = None  # lower-case method name, None = every method
    chat_id: str | None = None
    count: int | None = None  # times left; None = unlimited
    probability: float = 1.0
    retry_after: int = 5
    delay: float = 10.0
    applied: bool = False  # for slow/drop: does the action take effect anyway?
    id: int = 0
    hits: int = 0

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


FAULT_KINDS = frozenset({"429", "500", "502", "slow", "drop"})


class _Dropped(Exception):
    """Raised to close the client connection without an answer."""


Handler = Callable[[dict[str, Any], dict[str, Any]], Awaitable[Any]]


def _image_size(data: bytes) -> tuple[int, int] | None:
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        w, h = struct.unpack(">II", data[16:24])
        return int(w), int(h)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        w, h = struct.unpack("<HH", data[6:10])
        return int(w), int(h)
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                i += 1
                continue
            marker = data[i + 1]
            if marker in (0xC0, 0xC1, 0xC2):
                h, w = struct.unpack(">HH", data[i + 5 : i + 9])
                return int(w), int(h)
            seg = struct.unpack(">H", data[i + 2 : i + 4])[0]
            i += 2 + seg
    return None


class Emulator:
    """All emulator state plus the aiohttp application serving it (``self.app``)."""

    def __init__(
        self,
        *,
        bot_username: str = "reminder_test_bot",
        bot_first_name: str = "Reminder Test Bot",
        token: str | None = None,
        max_calls: int = 200_000,
        seed: int | None = None,
        callback_timeout: float = 15.0,
        per_chat_rate: float = 1.0,
        per_chat_burst: float = 3.0,
        group_per_minute: float = 20.0,
        group_burst: float = 20.0,
        global_rate: float = 30.0,
        global_burst: float = 30.0,
    ) -> None:
        self.bot_username = bot_username
        self.bot_first_name = bot_first_name
        self.token = token
        self.max_calls = max_calls
        self.seed = seed
        self.callback_timeout = callback_timeout
        self.default_limits = Limits(
            per_chat_rate, per_chat_burst, group_per_minute, group_burst, global_rate, global_burst
        )
        self.bot_id = 0
        self._reset_state()
        self.app = web.Application(
            client_max_size=64 * 1024 * 1024, middlewares=[_drop_middleware]
        )
        self.app.router.add_route("*", "/bot{token}/{method}", self._handle_bot)
        self.app.router.add_route("GET", "/file/bot{token}/{path:.+}", self._handle_file)
        self.app.router.add_route("*", "/_emulator/{action:.+}", self._handle_control)
        self.app.on_cleanup.append(self._on_cleanup)
        self._handlers: dict[str, Handler] = {
            "getme": self._get_me,
            "logout": self._true,
            "close": self._true,
            "getupdates": self._get_updates,
            "setwebhook": self._set_webhook,
            "deletewebhook": self._delete_webhook,
            "getwebhookinfo": self._get_webhook_info,
            "sendmessage": self._send_message,
            "sendphoto": self._send_photo,
            "senddocument": self._send_document,
            "sendchataction": self._send_chat_action,
            "forwardmessage": self._forward_message,
            "copymessage": self._copy_message,
            "forwardmessages": self._forward_messages,
            "copymessages": self._copy_messages,
            "editmessagetext": self._edit_message_text,
            "editmessagecaption": self._edit_message_caption,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "deletemessage": self._delete_message,
            "deletemessages": self._delete_messages,
            "answercallbackquery": self._answer_callback_query,
            "setmycommands": self._set_my_commands,
            "getmycommands": self._get_my_commands,
            "deletemycommands": self._delete_my_commands,
            "getfile": self._get_file,
            "getchat": self._get_chat,
            "getmyname": self._get_my_name,
            "getmydescription": self._get_my_description,
            "getmyshortdescription": self._get_my_short_description,
            "getchatmenubutton": self._get_chat_menu_button,
        }

    # ---- state -------------------------------------------------------------------------------

    def _reset_state(self) -> None:
        now = time.monotonic()
        self.random = random.Random(self.seed)
        self.limits = Limits(**self.default_limits.as_dict())
        self._global_bucket = _Bucket(self.limits.global_rate, self.limits.global_burst, now)
        self._chat_buckets: dict[int, _Bucket] = {}
        self._group_buckets: dict[int, _Bucket] = {}
        self.users: dict[int, dict[str, Any]] = {}
        self.chats: dict[int, ChatState] = {}
        self.blocked: set[int] = set()
        self.updates: deque[dict[str, Any]] = deque()
        self.next_update_id = 1
        self.allowed_updates: frozenset[str] = DEFAULT_UPDATE_TYPES
        self._updates_event = asyncio.Event()
        self._poller: asyncio.Future[None] | None = None
        self.webhook: dict[str, Any] | None = None
        self.webhook_error: tuple[int, str] | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.callback_queries: dict[str, dict[str, Any]] = {}
        self.files: dict[str, StoredFile] = {}
        self._file_paths: dict[str, str] = {}
        self._file_counter = itertools.count(1)
        self.faults: list[FaultRule] = []
        self._fault_ids = itertools.count(1)
        self.calls: deque[dict[str, Any]] = deque(maxlen=self.max_calls)
        self.seq = 0
        self._calls_event = asyncio.Event()
        self.counts: Counter[str] = Counter()
        self.started = time.monotonic()

    def reset(self) -> None:
        """Forget everything (chats, updates, calls, faults, files, webhook); restore limits."""
        if self._poller is not None and not self._poller.done():
            self._poller.set_result(None)
        if self._webhook_task is not None:
            self._webhook_task.cancel()
        self._calls_event.set()
        self._updates_event.set()
        self._reset_state()

    def set_limits(self, **values: float) -> Limits:
        for key, value in values.items():
            if key not in Limits.__dataclass_fields__:
                raise ValueError(f"unknown limit {key!r}")
            setattr(self.limits, key, float(value))
        now = time.monotonic()
        self._global_bucket = _Bucket(self.limits.global_rate, self.limits.global_burst, now)
        self._chat_buckets.clear()
        self._group_buckets.clear()
        return self.limits

    def bot_user(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    def register_user(self, user: dict[str, Any]) -> dict[str, Any]:
        """Register (or update) a user and their private chat; returns the Telegram User."""
        if "id" not in user or "first_name" not in user:
            raise ValueError("user needs id and first_name")
        uid = int(user["id"])
        if uid <= 0:
            raise ValueError("user id must be positive")
        u: dict[str, Any] = {"id": uid, "is_bot": False, "first_name": str(user["first_name"])}
        for key in ("last_name", "username", "language_code"):
            if user.get(key):
                u[key] = str(user[key])
        if user.get("is_premium"):
            u["is_premium"] = True
        self.users[uid] = u
        chat = {"id": uid, "type": "private", "first_name": u["first_name"]}
        for key in ("last_name", "username"):
            if key in u:
                chat[key] = u[key]
        if uid in self.chats:
            self.chats[uid].chat = chat
        else:
            self.chats[uid] = ChatState(chat)
        return u

    def register_group(
        self, chat_id: int, title: str | None = None, chat_type: str | None = None
    ) -> ChatState:
        if chat_id >= 0:
            raise ValueError("group chat ids are negative")
        state = self.chats.get(chat_id)
        if state is None:
            kind = chat_type or ("supergroup" if chat_id < -1_000_000_000_000 else "group")
            if kind not in ("group", "supergroup"):
                raise ValueError("chat_type must be group or supergroup")
            state = ChatState({"id": chat_id, "type": kind, "title": title or f"Group {-chat_id}"})
            self.chats[chat_id] = state
        elif title:
            state.chat["title"] = title
        return state

    # ---- updates -----------------------------------------------------------------------------

    def enqueue_update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any] | None:
        """Queue an update unless allowed_updates filters it out (as Telegram does at creation)."""
        update = {"update_id": self.next_update_id, kind: payload}
        self.next_update_id += 1
        if kind not in self.allowed_updates:
            return None
        self.updates.append(update)
        self._updates_event.set()
        return update

    def _new_message(
        self, chat: ChatState, sender: dict[str, Any], **content: Any
    ) -> dict[str, Any]:
        msg: dict[str, Any] = {
            "message_id": chat.next_message_id,
            "from": sender,
            "chat": chat.chat,
            "date": int(time.time()),
        }
        chat.next_message_id += 1
        msg.update({k: v for k, v in content.items() if v is not None})
        chat.messages[msg["message_id"]] = msg
        return msg

    def inject_message(
        self,
        user: dict[str, Any],
        text: str,
        chat_id: int | None = None,
        *,
        chat_type: str | None = None,
        chat_title: str | None = None,
        reply_to_message_id: int | None = None,
    ) -> dict[str, Any]:
        """A user writes ``text``; returns the update (or ``{"filtered": true, ...}``)."""
        u = self.register_user(user)
        if not text:
            raise ValueError("text must be non-empty")
        if chat_id is None or int(chat_id) == u["id"]:
            chat = self.chats[u["id"]]
        else:
            chat = self.register_group(int(chat_id), chat_title, chat_type)
        # Writing to a bot again (e.g. /start) is how a user unblocks it.
        self.blocked.discard(u["id"])
        text, entities = trim_text(text, [])
        entities = auto_entities(text, [])
        reply = None
        if reply_to_message_id is not None:
            reply = chat.messages.get(int(reply_to_message_id))
            if reply is None:
                raise ValueError(f"no message {reply_to_message_id} in chat {chat.chat['id']}")
        msg = self._new_message(
            chat, u, text=text, entities=entities or None, reply_to_message=reply
        )
        update = self.enqueue_update("message", msg)
        return update or {"filtered": True, "message": msg}

    def inject_callback(
        self,
        user: dict[str, Any],
        message_id: int,
        *,
        data: str | None = None,
        text: str | None = None,
        chat_id: int | None = None,
        force: bool = False,
    ) -> dict[str, Any]:
        """A user presses an inline button of a message the bot sent."""
        u = self.register_user(user)
        cid = u["id"] if chat_id is None else int(chat_id)
        chat = self.chats.get(cid)
        msg = chat.messages.get(int(message_id)) if chat else None
        if msg is None:
            raise LookupError(f"no message {message_id} in chat {cid}")
        found = None
        for row in (msg.get("reply_markup") or {}).get("inline_keyboard", []):
            for button in row:
                if "callback_data" not in button:
                    continue
                if (data is not None and button["callback_data"] == data) or (
                    data is None and text is not None and button["text"] == text
                ):
                    found = button
        if found is None and not force:
            raise LookupError(
                f"message {message_id} has no callback button with "
                + (f"data {data!r}" if data is not None else f"text {text!r}")
            )
        cb_data = found["callback_data"] if found else (data if data is not None else text)
        qid = str(self.random.getrandbits(63))
        query: dict[str, Any] = {
            "id": qid,
            "from": u,
            "message": msg,
            "chat_instance": str((cid * 2654435761) % (1 << 63)),
        }
        if cb_data is not None:
            query["data"] = cb_data
        self.callback_queries[qid] = {"created": time.monotonic(), "answered": False}
        update = self.enqueue_update("callback_query", query)
        return update or {"filtered": True, "callback_query": query}

    def set_blocked(self, user_id: int, blocked: bool, notify: bool = True) -> None:
        was = user_id in self.blocked
        if blocked:
            self.blocked.add(user_id)
        else:
            self.blocked.discard(user_id)
        user = self.users.get(user_id)
        if notify and was != blocked and user is not None:
            old, new = ("member", "kicked") if blocked else ("kicked", "member")

            def member(status: str) -> dict[str, Any]:
                m: dict[str, Any] = {"status": status, "user": self.bot_user()}
                if status == "kicked":
                    m["until_date"] = 0
                return m

            self.enqueue_update(
                "my_chat_member",
                {
                    "chat": self.chats[user_id].chat,
                    "from": user,
                    "date": int(time.time()),
                    "old_chat_member": member(old),
                    "new_chat_member": member(new),
                },
            )

    # ---- recording ---------------------------------------------------------------------------

    def _record(
        self,
        method: str,
        params: dict[str, Any],
        status: int,
        body: dict[str, Any] | None,
        files: list[dict[str, Any]],
        started: float,
    ) -> None:
        self.seq += 1
        chat_id = params.get("chat_id")
        if isinstance(chat_id, str) and _INT_RE.match(chat_id):
            chat_id = int(chat_id)
        self.calls.append(
            {
                "seq": self.seq,
                "monotonic": started,
                "time": time.time(),
                "duration": time.monotonic() - started,
                "method": method,
                "chat_id": chat_id,
                "params": params,
                "status": status,
                "response": body,
                "files": files,
            }
        )
        self.counts[f"{method} {status}"] += 1
        self._calls_event.set()

    def calls_since(
        self, since: int = 0, method: str | None = None, chat_id: int | str | None = None
    ) -> list[dict[str, Any]]:
        found = []
        m = method.lower() if method else None
        cid = str(chat_id) if chat_id is not None else None
        for call in reversed(self.calls):
            if call["seq"] <= since:
                break
            if m is not None and call["method"].lower() != m:
                continue
            if cid is not None and str(call["chat_id"]) != cid:
                continue
            found.append(call)
        found.reverse()
        return found

    async def wait_calls(
        self,
        since: int = 0,
        method: str | None = None,
        chat_id: int | str | None = None,
        wait: float = 0.0,
        count: int = 1,
    ) -> list[dict[str, Any]]:
        deadline = time.monotonic() + wait
        while True:
            found = self.calls_since(since, method, chat_id)
            remaining = deadline - time.monotonic()
            if len(found) >= count or remaining <= 0:
                return found
            self._calls_event.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._calls_event.wait(), remaining)

    def stats(self) -> dict[str, Any]:
        now = time.monotonic()
        per_method: dict[str, dict[str, int]] = {}
        for key, n in self.counts.items():
            method, status = key.rsplit(" ", 1)
            per_method.setdefault(method, {})[status] = n
        recent = 0
        for call in reversed(self.calls):
            if call["monotonic"] < now - 5.0:
                break
            recent += 1
        total = sum(self.counts.values())
        return {
            "total": total,
            "last_seq": self.seq,
            "uptime": now - self.started,
            "per_method": per_method,
            "requests_per_s": total / max(now - self.started, 1e-9),
            "recent_requests_per_s": recent / 5.0,
            "pending_updates": len(self.updates),
            "chats": len(self.chats),
            "users": len(self.users),
            "blocked": sorted(self.blocked),
        }

    # ---- HTTP: Bot API -----------------------------------------------------------------------

    @staticmethod
    def _json_response(body: dict[str, Any], status: int = 200) -> web.Response:
        headers = {}
        if status == 429 and "parameters" in body:
            headers["Retry-After"] = str(body["parameters"]["retry_after"])
        return web.Response(
            body=json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
            status=status,
            content_type="application/json",
            headers=headers,
        )

    async def _read_params(
        self, request: web.Request
    ) -> tuple[dict[str, Any], dict[str, tuple[str | None, str | None, bytes]], bool]:
        """Merge query string and body. Returns (params, uploads, values_are_strings)."""
        params: dict[str, Any] = dict(request.query)
        uploads: dict[str, tuple[str | None, str | None, bytes]] = {}
        strings = True
        if request.method == "POST" and request.can_read_body:
            ctype = request.content_type
            if ctype == "application/json":
                try:
                    data = await request.json(loads=json.loads)
                except ValueError:
                    raise bad_request("can't parse JSON encoded request") from None
                if not isinstance(data, dict):
                    raise bad_request("JSON object expected in the request body")
                strings = False
                params.update(data)
            elif ctype == "multipart/form-data":
                reader = await request.multipart()
                async for part in reader:
                    name = part.name  # type: ignore[union-attr]
                    if name is None:
                        continue
                    filename = getattr(part, "filename", None)
                    raw = await part.read()  # type: ignore[union-attr]
                    if filename is not None:
                        mime = part.headers.get("Content-Type")  # type: ignore[union-attr]
                        uploads[name] = (filename, mime, bytes(raw))
                    else:
                        params[name] = bytes(raw).decode("utf-8", "replace")
            else:
                # application/x-www-form-urlencoded, as PTB sends, or no content type at all.
                post = await request.post()
                for key, value in post.items():
                    if isinstance(value, str):
                        params[key] = value
        return params, uploads, strings

    async def _handle_bot(self, request: web.Request) -> web.StreamResponse:
        started = time.monotonic()
        token = request.match_info["token"]
        method_raw = request.match_info["method"]
        lower = method_raw.lower()
        method = _METHOD_NAMES.get(lower, method_raw)
        params: dict[str, Any] = {}
        files: list[dict[str, Any]] = []
        try:
            if not TOKEN_RE.match(token):
                raise ApiError(404, "Not Found")
            if self.token is not None and token != self.token:
                raise ApiError(401, "Unauthorized")
            self.bot_id = int(token.split(":", 1)[0])
            params, uploads, strings = await self._read_params(request)
            for name, (fname, mime, data) in uploads.items():
                files.append(
                    {
                        "field": name,
                        "name": fname,
                        "mime_type": mime,
                        "size": len(data),
                        "data": data,
                    }
                )
            spec = _METHODS.get(lower)
            if spec is None:
                raise ApiError(404, "Not Found")
            fault = self._match_fault(lower, params)
            if fault is not None:
                return await self._apply_fault(
                    fault, request, lower, method, spec, params, uploads, strings, files, started
                )
            result, description = await self._execute(lower, spec, params, uploads, strings)
            body: dict[str, Any] = {"ok": True, "result": result}
            if description:
                body["description"] = description
            status = 200
        except ApiError as err:
            body = err.body()
            status = err.code
        for f in files:
            f.pop("data", None)
        self._record(method, params, status, body, files, started)
        return self._json_response(body, status)

    async def _execute(
        self,
        lower: str,
        spec: dict[str, Any],
        params: dict[str, Any],
        uploads: dict[str, tuple[str | None, str | None, bytes]],
        strings: bool,
    ) -> tuple[Any, str | None]:
        decoded = validate_params(lower, spec, params, uploads, strings)
        params.clear()
        params.update(decoded)
        handler = self._handlers.get(lower)
        if handler is None:
            if spec["returns"] == ["Boolean"]:
                if "chat_id" in decoded:
                    self._chat(decoded["chat_id"])
                return True, None
            raise bad_request("method not supported by the emulator")
        result = await handler(decoded, uploads)  # type: ignore[arg-type]
        if isinstance(result, tuple):
            return result[0], result[1]
        return result, None

    def _match_fault(self, lower: str, params: dict[str, Any]) -> FaultRule | None:
        for rule in self.faults:
            if rule.count is not None and rule.count <= 0:
                continue
            if rule.method is not None and rule.method != lower:
                continue
            if rule.chat_id is not None and str(params.get("chat_id")) != rule.chat_id:
                continue
            if rule.probability < 1.0 and self.random.random() >= rule.probability:
                continue
            if rule.count is not None:
                rule.count -= 1
            rule.hits += 1
            return rule
        return None

    async def _apply_fault(
        self,
        rule: FaultRule,
        request: web.Request,
        lower: str,
        method: str,
        spec: dict[str, Any],
        params: dict[str, Any],
        uploads: dict[str, tuple[str | None, str | None, bytes]],
        strings: bool,
        files: list[dict[str, Any]],
        started: float,
    ) -> web.StreamResponse:
        for f in files:
            f.pop("data", None)
        if rule.kind in ("429", "500", "502"):
            err = {
                "429": too_many(rule.retry_after),
                "500": ApiError(500, "Internal Server Error"),
                "502": ApiError(502, "Bad Gateway"),
            }[rule.kind]
            self._record(method, params, err.code, err.body(), files, started)
            return self._json_response(err.body(), err.code)
        body: dict[str, Any] | None = None
        status = 0
        if rule.applied:
            try:
                result, _ = await self._execute(lower, spec, params, uploads, strings)
                body, status = {"ok": True, "result": result}, 200
            except ApiError as err:
                body, status = err.body(), err.code
        if rule.kind == "slow":
            await asyncio.sleep(rule.delay)
            if not rule.applied:
                # Too late: the answer is never written, as when a request dies inside Telegram.
                self._record(method, params, 0, None, files, started)
                raise _Dropped
            self._record(method, params, status, body, files, started)
            assert body is not None
            return self._json_response(body, status)
        # drop: the connection closes without an answer, after applying if requested.
        self._record(method, params, 0, None, files, started)
        raise _Dropped

    # ---- helpers used by method handlers ------------------------------------------------------

    def _chat(self, chat_id: Any) -> ChatState:
        if isinstance(chat_id, int):
            chat = self.chats.get(chat_id)
            if chat is not None:
                return chat
        elif isinstance(chat_id, str) and chat_id.startswith("@"):
            name = chat_id[1:].lower()
            for chat in self.chats.values():
                if chat.is_group and chat.chat.get("username", "").lower() == name:
                    return chat
        raise bad_request("chat not found")

    def _check_can_send(self, chat: ChatState) -> None:
        if chat.chat["type"] == "private" and chat.chat["id"] in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")

    def _rate_limit(self, chat: ChatState) -> None:
        now = time.monotonic()
        lim = self.limits
        cid = chat.chat["id"]
        buckets = [self._global_bucket]
        b = self._chat_buckets.get(cid)
        if b is None:
            b = self._chat_buckets[cid] = _Bucket(lim.per_chat_rate, lim.per_chat_burst, now)
        buckets.append(b)
        if chat.is_group:
            g = self._group_buckets.get(cid)
            if g is None:
                g = self._group_buckets[cid] = _Bucket(
                    lim.group_per_minute / 60.0, lim.group_burst, now
                )
            buckets.append(g)
        wait = max(bk.wait_time(now) for bk in buckets)
        if wait > 0:
            raise too_many(max(1, math.ceil(wait)))
        for bk in buckets:
            bk.take()

    def _sendable_chat(self, params: dict[str, Any]) -> ChatState:
        chat = self._chat(params["chat_id"])
        self._check_can_send(chat)
        return chat

    def _formatted(
        self,
        text: str,
        parse_mode: str | None,
        entities: list[dict[str, Any]] | None,
        *,
        limit: int,
        too_long: str,
        empty: str | None,
    ) -> tuple[str, list[dict[str, Any]]]:
        mode = (parse_mode or "").lower()
        parsed_entities: list[dict[str, Any]]
        if text and mode and mode != "none":
            parser = {
                "html": parse_html,
                "markdownv2": parse_markdown_v2,
                "markdown": parse_markdown,
            }.get(mode)
            if parser is None:
                raise bad_request("unsupported parse_mode")
            try:
                text, parsed_entities = parser(text)
            except ValueError as exc:
                raise bad_request(f"can't parse entities: {exc}") from None
        else:
            parsed_entities = [dict(e) for e in entities or []]
            total = utf16_len(text)
            for e in parsed_entities:
                if e["offset"] < 0 or e["length"] < 0:
                    raise bad_request(
                        "can't parse entities: entity offset and length must be positive"
                    )
            parsed_entities = [
                {**e, "length": min(e["length"], total - e["offset"])}
                for e in parsed_entities
                if e["length"] > 0 and e["offset"] < total
            ]
        text, parsed_entities = trim_text(text, parsed_entities)
        if not text and empty is not None:
            raise bad_request(empty)
        if len(text) > limit:
            raise bad_request(too_long)
        extra = auto_entities(text, parsed_entities)
        if extra:
            parsed_entities = sorted(
                parsed_entities + extra, key=lambda e: (e["offset"], -e["length"])
            )
        return text, parsed_entities

    def _reply_markup(self, markup: Any) -> dict[str, Any] | None:
        """Validate reply_markup; returns what a Message carries (only inline keyboards)."""
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("object expected as reply markup")
        if "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise bad_request('field "keyboard" must be an Array of Arrays')
            for row in rows:
                for button in row:
                    if isinstance(button, str):
                        continue
                    if not isinstance(button, dict):
                        raise bad_request(
                            "can't parse keyboard button: KeyboardButton must be a String or an "
                            "Object"
                        )
                    if not isinstance(button.get("text"), str):
                        raise bad_request(
                            'can\'t parse keyboard button: Field "text" must be of type String'
                        )
            return None
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise bad_request(
                    'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of '
                    "Arrays"
                )
            for row in rows:
                for button in row:
                    _check_inline_button(button)
            if not any(rows):
                return None
            return {"inline_keyboard": rows}
        if markup.get("remove_keyboard") or "force_reply" in markup:
            return None
        return None

    def _reply_to(self, chat: ChatState, params: dict[str, Any]) -> dict[str, Any] | None:
        rp = params.get("reply_parameters")
        mid = params.get("reply_to_message_id")
        allow = bool(params.get("allow_sending_without_reply"))
        if isinstance(rp, dict):
            mid = rp.get("message_id")
            allow = bool(rp.get("allow_sending_without_reply", allow))
            if rp.get("chat_id") not in (None, chat.chat["id"]):
                target = self._chat(_coerce_chat_id(rp["chat_id"]))
                msg = target.messages.get(int(mid)) if mid is not None else None
                if msg is None:
                    raise bad_request("message to be replied not found")
                return msg
        if mid is None:
            return None
        msg = chat.messages.get(int(mid))
        if msg is None and not allow:
            raise bad_request("message to be replied not found")
        return msg

    def _store_file(
        self, kind: str, data: bytes, name: str | None, mime: str | None
    ) -> StoredFile:
        n = next(self._file_counter)
        salt = self.random.getrandbits(40)
        file_id = f"{'AgAC' if kind == 'photo' else 'BQAC'}{n:06d}{salt:010x}EMU"
        unique = f"AQAD{n:06d}{salt & 0xFFFF:04x}"
        ext = Path(name).suffix if name else ""
        if kind == "photo":
            ext = ".png" if data[:4] == b"\x89PNG" else ".jpg"
        folder = "photos" if kind == "photo" else "documents"
        stored = StoredFile(file_id, unique, data, name, mime, f"{folder}/file_{n}{ext}")
        self.files[file_id] = stored
        self._file_paths[stored.file_path] = file_id
        return stored

    async def _input_file(
        self,
        field_name: str,
        value: Any,
        uploads: dict[str, tuple[str | None, str | None, bytes]],
        kind: str,
    ) -> StoredFile:
        if isinstance(value, str) and value.startswith("attach://"):
            value = None if value[9:] not in uploads else value[9:]
            if value is not None:
                field_name = value
                value = None
        if value is None:
            if field_name not in uploads:
                raise bad_request(f"there is no {kind} in the request")
            name, mime, data = uploads[field_name]
            if not data:
                raise bad_request("file must be non-empty")
            return self._store_file(kind, data, name, mime)
        if not isinstance(value, str) or not value:
            raise bad_request(f"there is no {kind} in the request")
        if value in self.files:
            return self.files[value]
        if value.startswith(("http://", "https://")):
            try:
                async with ClientSession(timeout=ClientTimeout(total=10)) as session:
                    async with session.get(value) as resp:
                        if resp.status != 200:
                            raise bad_request("failed to get HTTP URL content")
                        data = await resp.read()
                        mime = resp.headers.get("Content-Type")
            except ApiError:
                raise
            except Exception:
                raise bad_request("failed to get HTTP URL content") from None
            return self._store_file(kind, data, value.rsplit("/", 1)[-1] or None, mime)
        raise bad_request("wrong file identifier/HTTP URL specified")

    def _message_target(self, params: dict[str, Any], verb: str) -> tuple[ChatState, int]:
        if params.get("inline_message_id") is not None:
            raise bad_request("message identifier is invalid")
        if "chat_id" not in params:
            raise bad_request("chat_id is empty")
        chat = self._chat(params["chat_id"])
        mid = params.get("message_id")
        if mid is None:
            raise bad_request("message identifier is not specified")
        if int(mid) not in chat.messages:
            raise bad_request(f"message to {verb} not found")
        return chat, int(mid)

    # ---- method handlers ---------------------------------------------------------------------

    async def _true(self, params: dict[str, Any], uploads: Any) -> Any:
        return True

    async def _get_me(self, params: dict[str, Any], uploads: Any) -> Any:
        me = self.bot_user()
        me.update(
            can_join_groups=True,
            can_read_all_group_messages=False,
            supports_inline_queries=False,
            can_connect_to_business=False,
            has_main_web_app=False,
        )
        return me

    async def _get_updates(self, params: dict[str, Any], uploads: Any) -> Any:
        if self.webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; use "
                "deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        if params.get("limit") is not None and int(params["limit"]) <= 0:
            limit = 1
        timeout = min(max(float(params.get("timeout") or 0), 0.0), 50.0)
        if "allowed_updates" in params:
            self.allowed_updates = _allowed(params["allowed_updates"])
        if self._poller is not None and not self._poller.done():
            self._poller.set_exception(
                ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only one "
                    "bot instance is running",
                )
            )
        if offset < 0:
            while len(self.updates) > -offset:
                self.updates.popleft()
        elif offset > 0:
            while self.updates and self.updates[0]["update_id"] < offset:
                self.updates.popleft()
        if not self.updates and timeout > 0:
            loop = asyncio.get_running_loop()
            poller: asyncio.Future[None] = loop.create_future()
            self._poller = poller
            self._updates_event.clear()
            waiter: asyncio.Future[Any] = asyncio.ensure_future(self._updates_event.wait())
            try:
                await asyncio.wait(
                    {poller, waiter}, timeout=timeout, return_when="FIRST_COMPLETED"
                )
            finally:
                waiter.cancel()
            if poller.done() and poller.exception() is not None:
                raise poller.exception()  # type: ignore[misc]
            poller.cancel()
            if self._poller is poller:
                self._poller = None
            if self.webhook is not None:
                return []
            if offset > 0:
                while self.updates and self.updates[0]["update_id"] < offset:
                    self.updates.popleft()
        return list(itertools.islice(self.updates, limit))

    async def _set_webhook(self, params: dict[str, Any], uploads: Any) -> Any:
        url = params.get("url") or ""
        if not url:
            return await self._delete_webhook(params, uploads)
        if not re.match(r"^https?://[^\s/]+", url):
            raise bad_request("invalid webhook URL specified")
        secret = params.get("secret_token") or ""
        if len(secret) > 256:
            raise bad_request("secret token is too long")
        if not _SECRET_RE.match(secret):
            raise bad_request("secret token contains unallowed characters")
        if params.get("drop_pending_updates"):
            self.updates.clear()
        if "allowed_updates" in params:
            self.allowed_updates = _allowed(params["allowed_updates"])
        same = self.webhook is not None and self.webhook["url"] == url
        self.webhook = {
            "url": url,
            "secret_token": secret or None,
            "max_connections": int(params.get("max_connections") or 40),
            "ip_address": params.get("ip_address"),
            "has_custom_certificate": "certificate" in uploads,
        }
        self.webhook_error = None
        if self._poller is not None and not self._poller.done():
            self._poller.set_result(None)
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.ensure_future(self._webhook_loop())
        self._updates_event.set()
        return True, ("Webhook is already set" if same else "Webhook was set")

    async def _delete_webhook(self, params: dict[str, Any], uploads: Any) -> Any:
        if params.get("drop_pending_updates"):
            self.updates.clear()
        was = self.webhook is not None
        self.webhook = None
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            self._webhook_task = None
        return True, ("Webhook was deleted" if was else "Webhook is already deleted")

    async def _get_webhook_info(self, params: dict[str, Any], uploads: Any) -> Any:
        info: dict[str, Any] = {
            "url": self.webhook["url"] if self.webhook else "",
            "has_custom_certificate": bool(
                self.webhook and self.webhook["has_custom_certificate"]
            ),
            "pending_update_count": len(self.updates),
        }
        if self.webhook:
            info["max_connections"] = self.webhook["max_connections"]
            info["ip_address"] = self.webhook["ip_address"] or "127.0.0.1"
            if self.allowed_updates != DEFAULT_UPDATE_TYPES:
                info["allowed_updates"] = sorted(self.allowed_updates)
            if self.webhook_error:
                info["last_error_date"], info["last_error_message"] = self.webhook_error
        return info

    async def _webhook_loop(self) -> None:
        backoff = 0.05
        async with ClientSession(timeout=ClientTimeout(total=30)) as session:
            while self.webhook is not None:
                if not self.updates:
                    self._updates_event.clear()
                    await self._updates_event.wait()
                    continue
                hook = self.webhook
                update = self.updates[0]
                headers = {}
                if hook["secret_token"]:
                    headers["X-Telegram-Bot-Api-Secret-Token"] = hook["secret_token"]
                try:
                    async with session.post(hook["url"], json=update, headers=headers) as resp:
                        ok = 200 <= resp.status < 300
                        error = f"Wrong response from the webhook: {resp.status} {resp.reason}"
                        await resp.read()
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    ok = False
                    error = f"Connection failed: {type(exc).__name__}"
                if ok:
                    if self.updates and self.updates[0] is update:
                        self.updates.popleft()
                    backoff = 0.05
                else:
                    self.webhook_error = (int(time.time()), error)
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, 5.0)

    async def _send_message(self, params: dict[str, Any], uploads: Any) -> Any:
        text, entities = self._formatted(
            params.get("text") or "",
            params.get("parse_mode"),
            params.get("entities"),
            limit=MAX_TEXT,
            too_long="message is too long",
            empty="message text is empty",
        )
        markup = self._reply_markup(params.get("reply_markup"))
        chat = self._sendable_chat(params)
        reply = self._reply_to(chat, params)
        self._rate_limit(chat)
        return self._new_message(
            chat,
            self.bot_user(),
            text=text,
            entities=entities or None,
            reply_to_message=reply,
            link_preview_options=params.get("link_preview_options"),
            reply_markup=markup,
            has_protected_content=True if params.get("protect_content") else None,
        )

    async def _send_media(self, params: dict[str, Any], uploads: Any, kind: str) -> Any:
        caption, caption_entities = self._formatted(
            params.get("caption") or "",
            params.get("parse_mode"),
            params.get("caption_entities"),
            limit=MAX_CAPTION,
            too_long="message caption is too long",
            empty=None,
        )
        markup = self._reply_markup(params.get("reply_markup"))
        chat = self._sendable_chat(params)
        reply = self._reply_to(chat, params)
        stored = await self._input_file(kind, params.get(kind), uploads, kind)
        content: dict[str, Any]
        if kind == "photo":
            size = _image_size(stored.data)
            if size is None:
                raise bad_request("IMAGE_PROCESS_FAILED")
            content = {
                "photo": [
                    {
                        "file_id": stored.file_id,
                        "file_unique_id": stored.file_unique_id,
                        "file_size": stored.size,
                        "width": size[0],
                        "height": size[1],
                    }
                ]
            }
        else:
            doc: dict[str, Any] = {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "file_size": stored.size,
            }
            if stored.file_name:
                doc["file_name"] = stored.file_name
            if stored.mime_type:
                doc["mime_type"] = stored.mime_type
            content = {"document": doc}
        self._rate_limit(chat)
        return self._new_message(
            chat,
            self.bot_user(),
            caption=caption or None,
            caption_entities=caption_entities or None,
            reply_to_message=reply,
            reply_markup=markup,
            **content,
        )

    async def _send_photo(self, params: dict[str, Any], uploads: Any) -> Any:
        return await self._send_media(params, uploads, "photo")

    async def _send_document(self, params: dict[str, Any], uploads: Any) -> Any:
        return await self._send_media(params, uploads, "document")

    async def _send_chat_action(self, params: dict[str, Any], uploads: Any) -> Any:
        chat = self._sendable_chat(params)
        if params.get("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        del chat
        return True

    def _copy_content(self, msg: dict[str, Any]) -> dict[str, Any]:
        keys = ("text", "entities", "photo", "document", "caption", "caption_entities")
        return {k: msg[k] for k in keys if k in msg}

    def _source(self, params: dict[str, Any], mid: Any) -> dict[str, Any]:
        src = self._chat(params["from_chat_id"])
        msg = src.messages.get(int(mid))
        if msg is None:
            raise bad_request("message to forward not found")
        return msg

    async def _forward_message(self, params: dict[str, Any], uploads: Any) -> Any:
        msg = self._source(params, params["message_id"])
        chat = self._sendable_chat(params)
        self._rate_limit(chat)
        origin: dict[str, Any] = {"type": "user", "date": msg["date"], "sender_user": msg["from"]}
        return self._new_message(
            chat, self.bot_user(), forward_origin=origin, **self._copy_content(msg)
        )

    async def _copy_message(self, params: dict[str, Any], uploads: Any) -> Any:
        msg = self._source(params, params["message_id"])
        chat = self._sendable_chat(params)
        markup = self._reply_markup(params.get("reply_markup"))
        self._rate_limit(chat)
        content = self._copy_content(msg)
        if "caption" in params:
            content["caption"] = params["caption"]
        new = self._new_message(chat, self.bot_user(), reply_markup=markup, **content)
        return {"message_id": new["message_id"]}

    async def _forward_messages(self, params: dict[str, Any], uploads: Any) -> Any:
        out = []
        for mid in sorted(params["message_ids"]):
            msg = await self._forward_message({**params, "message_id": mid}, uploads)
            out.append({"message_id": msg["message_id"]})
        return out

    async def _copy_messages(self, params: dict[str, Any], uploads: Any) -> Any:
        return [
            await self._copy_message({**params, "message_id": mid}, uploads)
            for mid in sorted(params["message_ids"])
        ]

    def _edited(self, chat: ChatState, mid: int, **changes: Any) -> dict[str, Any]:
        old = chat.messages[mid]
        if old.get("from", {}).get("id") != self.bot_id:
            raise bad_request("message can't be edited")
        new = {k: v for k, v in old.items() if k not in changes}
        new.update({k: v for k, v in changes.items() if v is not None})
        compare = ("text", "entities", "caption", "caption_entities", "reply_markup")
        if all(old.get(k) == new.get(k) for k in compare):
            raise bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        new["edit_date"] = int(time.time())
        # Replace rather than mutate: recorded responses keep the message as it was then.
        chat.messages[mid] = new
        return new

    async def _edit_message_text(self, params: dict[str, Any], uploads: Any) -> Any:
        text, entities = self._formatted(
            params.get("text") or "",
            params.get("parse_mode"),
            params.get("entities"),
            limit=MAX_TEXT,
            too_long="message is too long",
            empty="message text is empty",
        )
        markup = self._reply_markup(params.get("reply_markup"))
        chat, mid = self._message_target(params, "edit")
        if "text" not in chat.messages[mid]:
            raise bad_request("there is no text in the message to edit")
        return self._edited(
            chat,
            mid,
            text=text,
            entities=entities or _REMOVE,
            reply_markup=markup or _REMOVE,
        )

    async def _edit_message_caption(self, params: dict[str, Any], uploads: Any) -> Any:
        caption, entities = self._formatted(
            params.get("caption") or "",
            params.get("parse_mode"),
            params.get("caption_entities"),
            limit=MAX_CAPTION,
            too_long="message caption is too long",
            empty=None,
        )
        markup = self._reply_markup(params.get("reply_markup"))
        chat, mid = self._message_target(params, "edit")
        if "text" in chat.messages[mid]:
            raise bad_request("there is no caption in the message to edit")
        return self._edited(
            chat,
            mid,
            caption=caption or _REMOVE,
            caption_entities=entities or _REMOVE,
            reply_markup=markup or _REMOVE,
        )

    async def _edit_message_reply_markup(self, params: dict[str, Any], uploads: Any) -> Any:
        markup = self._reply_markup(params.get("reply_markup"))
        chat, mid = self._message_target(params, "edit")
        return self._edited(chat, mid, reply_markup=markup or _REMOVE)

    async def _delete_message(self, params: dict[str, Any], uploads: Any) -> Any:
        chat = self._chat(params["chat_id"])
        mid = int(params["message_id"])
        if chat.messages.pop(mid, None) is None:
            raise bad_request("message to delete not found")
        return True

    async def _delete_messages(self, params: dict[str, Any], uploads: Any) -> Any:
        chat = self._chat(params["chat_id"])
        ids = params["message_ids"]
        if not isinstance(ids, list) or not ids or len(ids) > 100:
            raise bad_request("too many message identifiers specified")
        for mid in ids:
            chat.messages.pop(int(mid), None)
        return True

    async def _answer_callback_query(self, params: dict[str, Any], uploads: Any) -> Any:
        text = params.get("text") or ""
        if len(text) > MAX_CALLBACK_ANSWER:
            raise bad_request("MESSAGE_TOO_LONG")
        query = self.callback_queries.get(str(params["callback_query_id"]))
        if (
            query is None
            or query["answered"]
            or time.monotonic() - query["created"] > self.callback_timeout
        ):
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        query["answered"] = True
        query["answer"] = {
            k: params[k] for k in ("text", "show_alert", "url", "cache_time") if k in params
        }
        return True

    @staticmethod
    def _scope_key(params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return (
            json.dumps(scope, sort_keys=True, separators=(",", ":")),
            params.get("language_code") or "",
        )

    async def _set_my_commands(self, params: dict[str, Any], uploads: Any) -> Any:
        commands = params["commands"]
        if len(commands) > 100:
            raise bad_request("too many commands specified")
        clean = []
        for cmd in commands:
            name = str(cmd.get("command", "")).lstrip("/")
            if not _COMMAND_RE.match(name.lower()) or name != name.lower():
                raise bad_request("BOT_COMMAND_INVALID")
            desc = str(cmd.get("description", ""))
            if not 1 <= len(desc) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
            clean.append({"command": name, "description": desc})
        if "scope" in params:
            _check_scope(params["scope"])
        key = self._scope_key(params)
        if clean:
            self.commands[key] = clean
        else:
            self.commands.pop(key, None)
        return True

    async def _get_my_commands(self, params: dict[str, Any], uploads: Any) -> Any:
        return list(self.commands.get(self._scope_key(params), []))

    async def _delete_my_commands(self, params: dict[str, Any], uploads: Any) -> Any:
        self.commands.pop(self._scope_key(params), None)
        return True

    async def _get_file(self, params: dict[str, Any], uploads: Any) -> Any:
        stored = self.files.get(str(params["file_id"]))
        if stored is None:
            raise bad_request("invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": stored.file_path,
        }

    async def _get_chat(self, params: dict[str, Any], uploads: Any) -> Any:
        chat = self._chat(params["chat_id"])
        info = dict(chat.chat)
        info.update(accent_color_id=0, max_reaction_count=11)
        info["accepted_gift_types"] = {
            "unlimited_gifts": False,
            "limited_gifts": False,
            "unique_gifts": False,
            "premium_subscription": False,
            "gifts_from_channels": False,
        }
        return info

    async def _get_my_name(self, params: dict[str, Any], uploads: Any) -> Any:
        return {"name": self.bot_first_name}

    async def _get_my_description(self, params: dict[str, Any], uploads: Any) -> Any:
        return {"description": ""}

    async def _get_my_short_description(self, params: dict[str, Any], uploads: Any) -> Any:
        return {"short_description": ""}

    async def _get_chat_menu_button(self, params: dict[str, Any], uploads: Any) -> Any:
        return {"type": "commands"}

    # ---- HTTP: files -------------------------------------------------------------------------

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        file_id = self._file_paths.get(request.match_info["path"])
        if not TOKEN_RE.match(token) or file_id is None:
            return self._json_response(ApiError(404, "Not Found").body(), 404)
        stored = self.files[file_id]
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )

    # ---- HTTP: control interface ----------------------------------------------------------------

    async def _handle_control(self, request: web.Request) -> web.StreamResponse:
        action = request.match_info["action"].strip("/")
        try:
            body: dict[str, Any] = {}
            if request.method in ("POST", "PUT", "DELETE") and request.can_read_body:
                raw = await request.read()
                if raw:
                    parsed = json.loads(raw)
                    if not isinstance(parsed, dict):
                        raise ValueError("JSON object expected")
                    body = parsed
            args: dict[str, Any] = {**request.query, **body}
            result = await self._control(request.method, action, args)
            if isinstance(result, web.StreamResponse):
                return result
            return self._json_response({"ok": True, **result})
        except LookupError as exc:
            status = 404 if action.startswith(("files/", "chats/")) else 400
            return self._json_response({"ok": False, "error": str(exc).strip("'\"")}, status)
        except (ValueError, TypeError, KeyError) as exc:
            return self._json_response({"ok": False, "error": f"{type(exc).__name__}: {exc}"}, 400)

    async def _control(self, verb: str, action: str, a: dict[str, Any]) -> Any:
        if action == "reset":
            self.reset()
            return {}
        if action == "users":
            return {"user": self.register_user(a["user"])}
        if action == "groups":
            state = self.register_group(int(a["chat_id"]), a.get("title"), a.get("chat_type"))
            return {"chat": state.chat}
        if action == "inject/message":
            return {
                "update": self.inject_message(
                    a["user"],
                    str(a.get("text", "")),
                    _opt_int(a.get("chat_id")),
                    chat_type=a.get("chat_type"),
                    chat_title=a.get("chat_title"),
                    reply_to_message_id=_opt_int(a.get("reply_to_message_id")),
                )
            }
        if action == "inject/callback":
            return {
                "update": self.inject_callback(
                    a["user"],
                    int(a["message_id"]),
                    data=a.get("data"),
                    text=a.get("text"),
                    chat_id=_opt_int(a.get("chat_id")),
                    force=_truthy(a.get("force")),
                )
            }
        if action == "calls":
            calls = await self.wait_calls(
                int(a.get("since") or 0),
                a.get("method"),
                a.get("chat_id"),
                float(a.get("wait") or 0),
                int(a.get("count") or 1),
            )
            limit = int(a.get("limit") or 0)
            if limit:
                calls = calls[:limit]
            return {"calls": calls, "last_seq": self.seq}
        if action.startswith("chats/") and action.endswith("/messages"):
            cid = int(action.split("/")[1])
            chat = self.chats.get(cid)
            if chat is None:
                raise LookupError(f"no chat {cid}")
            return {
                "chat": chat.chat,
                "messages": [chat.messages[k] for k in sorted(chat.messages)],
            }
        if action in ("block", "unblock"):
            self.set_blocked(int(a["user_id"]), action == "block", _truthy(a.get("notify", True)))
            return {"blocked": sorted(self.blocked)}
        if action == "limits":
            if verb == "POST":
                self.set_limits(**{k: float(v) for k, v in a.items()})
            return {"limits": self.limits.as_dict()}
        if action == "faults":
            if verb == "DELETE":
                self.faults.clear()
                return {"faults": []}
            if verb == "POST":
                rule = self.add_fault(**a)
                return {"fault": rule.as_dict()}
            return {"faults": [r.as_dict() for r in self.faults]}
        if action == "faults/clear":
            self.faults.clear()
            return {"faults": []}
        if action == "stats":
            return {"stats": self.stats()}
        if action == "updates":
            return {"updates": list(self.updates), "allowed_updates": sorted(self.allowed_updates)}
        if action == "callback_answers":
            return {"answers": self.callback_queries}
        if action.startswith("files/"):
            stored = self.files.get(action[6:])
            if stored is None:
                raise LookupError(f"no file {action[6:]}")
            return web.Response(
                body=stored.data, content_type=stored.mime_type or "application/octet-stream"
            )
        if action == "commands":
            return {
                "commands": [
                    {"scope": json.loads(scope), "language_code": lang, "commands": cmds}
                    for (scope, lang), cmds in self.commands.items()
                ]
            }
        raise LookupError(f"unknown control action {verb} /_emulator/{action}")

    def add_fault(
        self,
        kind: str,
        method: str | None = None,
        chat_id: int | str | None = None,
        count: int | None = None,
        probability: float = 1.0,
        retry_after: int = 5,
        delay: float = 10.0,
        applied: bool = False,
    ) -> FaultRule:
        kind = str(kind)
        if kind not in FAULT_KINDS:
            raise ValueError(f"fault kind must be one of {sorted(FAULT_KINDS)}")
        rule = FaultRule(
            kind=kind,
            method=method.lower() if method else None,
            chat_id=str(chat_id) if chat_id is not None else None,
            count=int(count) if count is not None else None,
            probability=float(probability),
            retry_after=int(retry_after),
            delay=float(delay),
            applied=_truthy(applied),
            id=next(self._fault_ids),
        )
        self.faults.append(rule)
        return rule

    async def _on_cleanup(self, app: web.Application) -> None:
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._webhook_task
        if self._poller is not None and not self._poller.done():
            self._poller.set_result(None)


_REMOVE = None  # a cleared field is simply absent from the edited Message


def _opt_int(value: Any) -> int | None:
    return None if value is None or value == "" else int(value)


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() in ("1", "true", "yes")
    return bool(value)


def _allowed(value: Any) -> frozenset[str]:
    if not value:
        return DEFAULT_UPDATE_TYPES
    known = {f["name"] for f in _TYPES["Update"]["fields"]}
    return frozenset(v for v in value if v in known)


def _coerce_chat_id(value: Any) -> int | str:
    if isinstance(value, str) and _INT_RE.match(value):
        return int(value)
    return value  # type: ignore[no-any-return]


def _check_scope(scope: Any) -> None:
    if not isinstance(scope, dict):
        raise bad_request("BotCommandScope must be an Object")
    kinds = {
        "default", "all_private_chats", "all_group_chats", "all_chat_administrators", "chat",
        "chat_administrators", "chat_member",
    }  # fmt: skip
    if scope.get("type") not in kinds:
        raise bad_request("unsupported scope type")


_INLINE_ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
)  # fmt: skip


def _check_inline_button(button: Any) -> None:
    prefix = "can't parse inline keyboard button: "
    if not isinstance(button, dict):
        raise bad_request(prefix + "InlineKeyboardButton must be an Object")
    if "text" not in button:
        raise bad_request(prefix + 'Can\'t find field "text"')
    if not isinstance(button["text"], str):
        raise bad_request(prefix + 'Field "text" must be of type String')
    actions = [
        k
        for k in _INLINE_ACTIONS
        if k in button and not (k in ("url", "callback_data") and button[k] == "")
    ]
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str):
            raise bad_request(prefix + 'Field "callback_data" must be of type String')
        if not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA:
            raise bad_request("BUTTON_DATA_INVALID")
    if not actions:
        raise bad_request(prefix + "Text buttons are unallowed in the inline keyboard")
    if len(actions) > 1:
        # The Bot API documentation: "Exactly one of the optional fields must be used".
        raise bad_request(
            prefix + "exactly one of the optional fields must be used to specify type of the "
            f"button, found {', '.join(actions)}"
        )
    if "url" in button:
        url = button["url"]
        if not isinstance(url, str) or check_link(url) is None:
            raise bad_request("BUTTON_URL_INVALID")


# --------------------------------------------------------------------------------------------
# Schema validation.

_SCALARS = {"Integer", "String", "Boolean", "Float", "True"}
# Parameter names whose JSON-decoding failure has a specific wording in the reference server.
_JSON_NAMES = {
    "reply_markup": "reply keyboard markup",
    "reply_parameters": "reply parameters",
    "link_preview_options": "link preview options",
    "commands": "commands",
    "scope": "BotCommandScope",
    "allowed_updates": "allowed updates",
}
_CUSTOM_CHECKED = {"reply_markup"}


def _type_name_error(name: str, types: list[str]) -> ApiError:
    return bad_request(f'field "{name}" must be of type {" or ".join(types)}')


def _coerce_scalar(value: Any, kind: str) -> tuple[bool, Any]:
    if kind == "Integer":
        if isinstance(value, bool):
            return False, None
        if isinstance(value, int):
            return True, value
        if isinstance(value, float) and value.is_integer():
            return True, int(value)
        if isinstance(value, str) and _INT_RE.match(value.strip()):
            return True, int(value.strip())
        return False, None
    if kind == "Float":
        if isinstance(value, bool):
            return False, None
        if isinstance(value, int | float):
            return True, float(value)
        if isinstance(value, str):
            try:
                return True, float(value)
            except ValueError:
                return False, None
        return False, None
    if kind in ("Boolean", "True"):
        if isinstance(value, bool):
            return True, value
        if isinstance(value, int) and value in (0, 1):
            return True, bool(value)
        if isinstance(value, str) and value.lower() in ("true", "false", "1", "0", ""):
            return True, value.lower() in ("true", "1")
        return False, None
    if kind == "String":
        if isinstance(value, str):
            return True, value
        if isinstance(value, bool):
            return True, "true" if value else "false"
        if isinstance(value, int | float):
            return True, str(value)
        return False, None
    return False, None


def _check_object(value: Any, type_name: str, path: str, depth: int = 0) -> None:
    """Structural check of a decoded JSON value against a schema type (required fields, types)."""
    if depth > 8 or type_name not in _TYPES:
        return
    spec = _TYPES[type_name]
    if "subtypes" in spec and "fields" not in spec:
        if not isinstance(value, dict):
            raise bad_request(f"can't parse {path}: {type_name} must be an Object")
        for sub in spec["subtypes"]:
            fields = _TYPES.get(sub, {}).get("fields", [])
            consts = [f for f in fields if "const" in f]
            if consts and all(value.get(f["name"]) == f["const"] for f in consts):
                _check_object(value, sub, path, depth + 1)
                return
        raise bad_request(f"can't parse {path}: unsupported {type_name} type")
    if not isinstance(value, dict):
        raise bad_request(f"can't parse {path}: {type_name} must be an Object")
    for f in spec.get("fields", []):
        name = f["name"]
        if name not in value or value[name] is None:
            if f["required"]:
                raise bad_request(f"can't parse {path}: Can't find field \"{name}\"")
            continue
        _check_value(value[name], f["types"], name, path, depth + 1)


def _check_value(value: Any, types: list[str], name: str, path: str, depth: int) -> None:
    for t in types:
        if t in _SCALARS:
            ok, _ = _coerce_scalar(value, t)
            if ok and not (t == "String" and not isinstance(value, str)):
                return
            continue
        if t.startswith("Array of "):
            if not isinstance(value, list):
                continue
            inner = t[len("Array of ") :]
            for item in value:
                _check_value(item, [inner], name, path, depth + 1)
            return
        if t == "InputFile":
            if isinstance(value, str):
                return
            continue
        if isinstance(value, dict):
            _check_object(value, t, path, depth)
            return
    shown = " or ".join("Number" if t in ("Integer", "Float") else t for t in types)
    raise bad_request(f'can\'t parse {path}: Field "{name}" must be of type {shown}')


def validate_params(
    method: str,
    spec: dict[str, Any],
    params: dict[str, Any],
    uploads: dict[str, Any],
    strings: bool,
) -> dict[str, Any]:
    """Check params against the method's schema; returns them decoded (JSON parsed, ints...)."""
    out: dict[str, Any] = {}
    for f in spec["fields"]:
        name = f["name"]
        types: list[str] = f["types"]
        value = params.get(name)
        if value is None or (isinstance(value, str) and value == ""):
            if name in uploads and "InputFile" in types:
                continue
            if f["required"]:
                raise _missing(method, name, types)
            continue
        if types == ["Integer", "String"]:
            if isinstance(value, bool) or not isinstance(value, int | str):
                raise _type_name_error(name, ["Integer", "String"])
            out[name] = _coerce_chat_id(value.strip() if isinstance(value, str) else value)
            continue
        if types == ["InputFile", "String"] or types == ["InputFile"]:
            if not isinstance(value, str):
                raise bad_request(f"wrong type of the {name} field")
            out[name] = value
            continue
        scalar = [t for t in types if t in _SCALARS]
        if scalar and len(scalar) == len(types):
            for t in scalar:
                ok, coerced = _coerce_scalar(value, t)
                if ok:
                    out[name] = coerced
                    break
            else:
                raise _type_name_error(name, types)
            continue
        # A JSON-serialised object or array.
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                label = _JSON_NAMES.get(name, name)
                raise bad_request(f"can't parse {label} JSON object") from None
        if name not in _CUSTOM_CHECKED:
            label = _JSON_NAMES.get(name, name)
            if any(t.startswith("Array of ") for t in types):
                if not isinstance(value, list):
                    raise bad_request(f"can't parse {label} JSON object")
            _check_value(value, types, name, label, 0)
        out[name] = value
    return out


_MISSING_TEXT = {
    ("sendmessage", "text"): "message text is empty",
    ("editmessagetext", "text"): "message text is empty",
    ("answercallbackquery", "callback_query_id"): (
        "query is too old and response timeout expired or query ID is invalid"
    ),
    ("sendphoto", "photo"): "there is no photo in the request",
    ("senddocument", "document"): "there is no document in the request",
    ("deletemessage", "message_id"): "message identifier is not specified",
    ("getfile", "file_id"): "invalid file_id",
}


def _missing(method: str, name: str, types: list[str]) -> ApiError:
    text = _MISSING_TEXT.get((method, name))
    if text is not None:
        return bad_request(text)
    if types == ["Integer", "String"] and name == "chat_id":
        return bad_request("chat_id is empty")
    return bad_request(f"{name} is empty")


# --------------------------------------------------------------------------------------------
# Running it.


@web.middleware
async def _drop_middleware(
    request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
) -> web.StreamResponse:
    try:
        return await handler(request)
    except _Dropped:
        if request.transport is not None:
            request.transport.abort()
        # aiohttp needs a response object; nothing reaches the client once aborted.
        raise asyncio.CancelledError from None


@dataclass
class RunningEmulator:
    """A started emulator: ``url`` is ``http://host:port`` (append ``/bot`` for PTB)."""

    emulator: Emulator
    runner: web.AppRunner
    host: str
    port: int

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.url}/bot"

    async def stop(self) -> None:
        await self.runner.cleanup()


async def start_emulator(host: str = "127.0.0.1", port: int = 0, **limits: Any) -> RunningEmulator:
    """Start an emulator on this event loop; keyword arguments go to ``Emulator``."""
    emulator = Emulator(**limits)
    runner = web.AppRunner(emulator.app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host, port, reuse_address=True)
    await site.start()
    server = site._server
    assert server is not None
    sockets = getattr(server, "sockets", None) or []
    actual = sockets[0].getsockname()[1] if sockets else port
    return RunningEmulator(emulator, runner, host, int(actual))


class EmulatorThread:
    """Runs an emulator on its own event loop in a background thread (for sync tests).

    ``with EmulatorThread() as emu: ... emu.url``. Touch ``emu.emulator`` state only through
    ``emu.call(fn, ...)``, which runs on the emulator's loop.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, **limits: Any) -> None:
        self.host = host
        self._port = port
        self.limits = limits
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="telegram-emulator", daemon=True)
        self._running: RunningEmulator | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self._running = self.loop.run_until_complete(
                start_emulator(self.host, self._port, **self.limits)
            )
        except BaseException as exc:  # reported to the starting thread
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        self.loop.run_forever()
        self.loop.run_until_complete(self._running.stop())
        self.loop.close()

    def start(self) -> EmulatorThread:
        self._thread.start()
        self._ready.wait(10)
        if self._error is not None:
            raise RuntimeError("emulator failed to start") from self._error
        return self

    def stop(self) -> None:
        if self._thread.is_alive():
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(10)

    def __enter__(self) -> EmulatorThread:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def running(self) -> RunningEmulator:
        assert self._running is not None, "not started"
        return self._running

    @property
    def emulator(self) -> Emulator:
        return self.running.emulator

    @property
    def url(self) -> str:
        return self.running.url

    @property
    def base_url(self) -> str:
        return self.running.base_url

    @property
    def port(self) -> int:
        return self.running.port

    def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run ``fn(*args, **kwargs)`` on the emulator's loop and return its result."""

        async def run() -> Any:
            return fn(*args, **kwargs)

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(10)


def banner(url: str) -> str:
    return (
        f"Telegram Bot API emulator listening on {url}\n"
        f"  point the bot at it:  TELEGRAM_API_URL={url}\n"
        f"  bot API:              curl {url}/bot123456:TEST/getMe\n"
        f"  a user writes:        curl -X POST {url}/_emulator/inject/message -d "
        '\'{"user": {"id": 1001, "first_name": "Ada"}, "text": "/start"}\'\n'
        f"  what the bot did:     curl '{url}/_emulator/calls?since=0&wait=5'\n"
        f"  a chat's messages:    curl {url}/_emulator/chats/1001/messages\n"
        "  stop with Ctrl-C\n"
    )


def serve(host: str = "127.0.0.1", port: int = 8081, **limits: Any) -> None:
    """Run the emulator until SIGINT/SIGTERM, after printing how to drive it."""

    async def main() -> None:
        running = await start_emulator(host, port, **limits)
        sys.stdout.write(banner(running.url))
        sys.stdout.flush()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, stop.set)
        try:
            await stop.wait()
        finally:
            await running.stop()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())


def build_arg_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m reminder_bot.emulator", description="Local Telegram Bot API emulator"
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8081, help="0 picks a free port")
    p.add_argument("--username", default="reminder_test_bot", help="the bot's username")
    p.add_argument("--token", default=None, help="accept only this token (others: 401)")
    p.add_argument("--seed", type=int, default=None, help="seed for fault probabilities and ids")
    p.add_argument("--max-calls", type=int, default=200_000, help="call log capacity")
    d = Limits()
    for name in Limits.__dataclass_fields__:
        p.add_argument(f"--{name.replace('_', '-')}", type=float, default=getattr(d, name))
    return p


def main(argv: list[str] | None = None) -> None:
    args = build_arg_parser().parse_args(argv)
    limits = {name: getattr(args, name) for name in Limits.__dataclass_fields__}
    serve(
        args.host,
        args.port,
        bot_username=args.username,
        token=args.token,
        seed=args.seed,
        max_calls=args.max_calls,
        **limits,
    )


if __name__ == "__main__":
    main()
