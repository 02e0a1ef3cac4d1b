"""Every other kind of update a person (or a channel) can cause, shaped as Telegram sends them.

``inject.py`` covers the common ones (text, a location, a press of a button the bot made,
blocks); this adds what property tests and the demo need to throw at a bot:

* a message with non-text content (``CONTENT_KINDS``: photo, sticker, voice, document,
  contact, location, dice), with a caption where Telegram allows one;
* a post in a channel (``channel_post``, or ``edited_channel_post`` for an edit): no ``from``,
  the channel itself is the ``sender_chat``; the bot gets them only as a member of the channel;
* a callback query with any data a (possibly modified) client can send: Telegram passes the
  data on unchecked except for its size (1-64 bytes), so the bot must not trust it. The message
  is one the bot sent in that chat; one Telegram no longer has (or never had) arrives as an
  ``InaccessibleMessage`` (``date`` 0), as for messages older than 48 hours.

The control API's ``inject/content``, ``inject/channel_post`` and ``inject/press`` call these.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from .entities import auto_entities, trim_text
from .inject import _queued
from .state import ChatState, State

MAX_CALLBACK_DATA = 64  # bytes, Telegram's limit on callback_data
MAX_CAPTION = 1024  # characters (UTF-16 units), Telegram's limit on a caption
# Channel ids are supergroup-style: -100 followed by the channel's own id.
CHANNEL_BELOW = -1_000_000_000_000

Builder = Callable[[State, dict[str, Any]], dict[str, Any]]


def _file(state: State, prefix: str, size: int) -> dict[str, Any]:
    """The ids every file object has, unique like Telegram's, and its size."""
    n = state.random.getrandbits(48)
    return {
        "file_id": f"{prefix}{n:012x}EMU",
        "file_unique_id": f"AQAD{n:012x}",
        "file_size": size,
    }


def _photo(state: State, f: dict[str, Any]) -> dict[str, Any]:
    # Telegram sends several sizes of one photo, smallest first.
    sizes = [(90, 67, 1_200), (320, 240, 14_000), (1280, 960, 120_000)]
    return {
        "photo": [{**_file(state, "AgAC", size), "width": w, "height": h} for w, h, size in sizes]
    }


def _sticker(state: State, f: dict[str, Any]) -> dict[str, Any]:
    sticker = {
        **_file(state, "CAAC", 24_000),
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": bool(f.get("is_animated", False)),
        "is_video": False,
        "emoji": str(f.get("emoji", "👍")),
        "set_name": "EmulatorStickers",
    }
    return {"sticker": sticker}


def _voice(state: State, f: dict[str, Any]) -> dict[str, Any]:
    duration = int(f.get("duration", 3))
    voice = {**_file(state, "AwAC", 2_000 * duration), "duration": duration}
    return {"voice": {**voice, "mime_type": "audio/ogg"}}


def _document(state: State, f: dict[str, Any]) -> dict[str, Any]:
    name = str(f.get("file_name", "notes.txt"))
    return {
        "document": {**_file(state, "BQAC", 512), "file_name": name, "mime_type": "text/plain"}
    }


def _contact(state: State, f: dict[str, Any]) -> dict[str, Any]:
    contact: dict[str, Any] = {
        "phone_number": str(f.get("phone_number", "+34600000000")),
        "first_name": str(f.get("first_name", "Contact")),
    }
    if f.get("user_id"):
        contact["user_id"] = int(f["user_id"])
    return {"contact": contact}


def _location(state: State, f: dict[str, Any]) -> dict[str, Any]:
    latitude, longitude = float(f.get("latitude", 0)), float(f.get("longitude", 0))
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValueError(f"no such place: latitude {latitude}, longitude {longitude}")
    return {"location": {"latitude": latitude, "longitude": longitude}}


def _dice(state: State, f: dict[str, Any]) -> dict[str, Any]:
    return {"dice": {"emoji": "🎲", "value": int(f.get("value", 1 + state.random.randrange(6)))}}


CONTENT_KINDS: dict[str, Builder] = {
    "photo": _photo,
    "sticker": _sticker,
    "voice": _voice,
    "document": _document,
    "contact": _contact,
    "location": _location,
    "dice": _dice,
}
CAPTIONED = ("photo", "voice", "document")


def content(
    state: State, kind: str, caption: str | None, fields: dict[str, Any]
) -> dict[str, Any]:
    """A message's content fields for ``kind``, with ``caption`` (and its entities) if given."""
    build = CONTENT_KINDS.get(kind)
    if build is None:
        raise ValueError(f"unknown content kind {kind!r}; one of {', '.join(CONTENT_KINDS)}")
    out = build(state, fields)
    if caption:
        if kind not in CAPTIONED:
            raise ValueError(f"a {kind} has no caption")
        caption, _ = trim_text(caption, [])
        if len(caption.encode("utf-16-le")) // 2 > MAX_CAPTION:
            raise ValueError(f"caption longer than {MAX_CAPTION} characters")
        out["caption"] = caption
        entities = auto_entities(caption, [])
        if entities:
            out["caption_entities"] = entities
    return out


def inject_content(
    state: State,
    user: dict[str, Any],
    chat: ChatState,
    kind: str,
    caption: str | None = None,
    fields: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """``user`` sends a photo, sticker... in ``chat`` (private or group); returns the update."""
    body = content(state, kind, caption, fields or {})
    if chat.chat["type"] == "private":
        state.blocked.discard(user["id"])  # writing to a bot again unblocks it
    return _queued(state, "message", state.new_message(chat, user, **body))


def channel(state: State, chat_id: int, title: str | None = None) -> ChatState:
    """A channel the bot is a member of (created on first use); ids are below -10**12."""
    if chat_id >= CHANNEL_BELOW:
        raise ValueError(f"channel ids are below {CHANNEL_BELOW}")
    chat = state.chats.get(chat_id)
    if chat is None:
        chat = ChatState({"id": chat_id, "type": "channel", "title": title or "Channel"})
        state.chats[chat_id] = chat
    elif chat.chat["type"] != "channel":
        raise ValueError(f"chat {chat_id} is a {chat.chat['type']}, not a channel")
    return chat


def inject_channel_post(
    state: State,
    chat: ChatState,
    text: str | None = None,
    kind: str | None = None,
    edit_of: int | None = None,
) -> dict[str, Any]:
    """A post in ``chat`` (a channel): ``text`` or content of ``kind``; with ``edit_of`` the
    post of that id is edited instead (``edited_channel_post``)."""
    if edit_of is not None:
        old = chat.messages.get(int(edit_of))
        if old is None:
            raise LookupError(f"no post {edit_of} in channel {chat.chat['id']}")
        post = {k: v for k, v in old.items() if k not in ("text", "entities")}
        post.update(_post_body(state, text, kind), edit_date=int(time.time()))
        chat.messages[post["message_id"]] = post
        return _queued(state, "edited_channel_post", post)
    msg = state.new_message(chat, {}, sender_chat=chat.chat, **_post_body(state, text, kind))
    msg.pop("from", None)  # a channel post has no sender user
    return _queued(state, "channel_post", msg)


def _post_body(state: State, text: str | None, kind: str | None) -> dict[str, Any]:
    if kind is not None:
        return content(state, kind, None, {})
    text, _ = trim_text(text or "", [])
    if not text:
        raise ValueError("a post needs text or a content kind")
    entities = auto_entities(text, [])
    return {"text": text, **({"entities": entities} if entities else {})}


def inject_press(
    state: State, user: dict[str, Any], chat: ChatState, message_id: int, data: str
) -> dict[str, Any]:
    """``user`` sends a callback query with any ``data`` for message ``message_id`` of
    ``chat``, whether or not the message has such a button or still exists."""
    size = len(data.encode("utf-8"))
    if not 1 <= size <= MAX_CALLBACK_DATA:
        raise ValueError(f"callback data must be 1-{MAX_CALLBACK_DATA} bytes, not {size}")
    msg = chat.messages.get(int(message_id))
    if msg is None:
        msg = {"chat": chat.chat, "message_id": int(message_id), "date": 0}
    elif not (msg.get("from") or {}).get("is_bot"):
        # The query's message is "sent by the bot with the callback button" (Bot API).
        raise ValueError(f"message {message_id} in chat {chat.chat['id']} is not the bot's")
    qid = str(state.random.getrandbits(63))
    query = {
        "id": qid,
        "from": user,
        "message": msg,
        "chat_instance": str((chat.chat["id"] * 2654435761) % (1 << 63)),
        "data": data,
    }
    state.callback_queries[qid] = {"created": time.monotonic(), "answered": False}
    return _queued(state, "callback_query", query)
