"""What simulated users do: write messages, press inline buttons, block and unblock the bot.

Each action creates the update Telegram would send the bot; the result always carries its
``update_id`` (with ``"filtered": true`` when allowed_updates keeps it from the bot).
"""

from __future__ import annotations

import time
from typing import Any

from .entities import auto_entities, trim_text
from .state import ChatState, State


def _queued(state: State, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    update, queued = state.queue.add(kind, payload)
    if queued:
        return update
    return {"filtered": True, **update}


def inject_message(
    state: State,
    user: dict[str, Any],
    chat: ChatState,
    text: str,
    reply_to_message_id: int | None = None,
) -> dict[str, Any]:
    """A registered user writes ``text`` in ``chat``; returns the update."""
    if not text:
        raise ValueError("text must be non-empty")
    # Writing to a bot again (e.g. /start) is how a user unblocks it.
    state.blocked.discard(user["id"])
    text, _ = trim_text(text, [])
    reply = None
    if reply_to_message_id is not None:
        reply = chat.messages.get(int(reply_to_message_id))
        if reply is None:
            raise ValueError(f"no message {reply_to_message_id} in chat {chat.chat['id']}")
    msg = state.new_message(
        chat, user, text=text, entities=auto_entities(text, []) or None, reply_to_message=reply
    )
    return _queued(state, "message", msg)


def inject_location(
    state: State, user: dict[str, Any], chat: ChatState, latitude: float, longitude: float
) -> dict[str, Any]:
    """A registered user shares a location (a one-off, not a live one) in ``chat``."""
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValueError(f"no such place: latitude {latitude}, longitude {longitude}")
    state.blocked.discard(user["id"])
    location = {"latitude": latitude, "longitude": longitude}
    return _queued(state, "message", state.new_message(chat, user, location=location))


def _callback_button(
    msg: dict[str, Any], data: str | None, text: str | None
) -> dict[str, Any] | None:
    """The (last) callback button of a message with this data, or else this visible text."""
    found = None
    for row in (msg.get("reply_markup") or {}).get("inline_keyboard", []):
        for button in row:
            if "callback_data" not in button:
                continue
            if (data is not None and button["callback_data"] == data) or (
                data is None and text is not None and button["text"] == text
            ):
                found = button
    return found


def inject_callback(
    state: State,
    user: dict[str, Any],
    message_id: int,
    *,
    data: str | None = None,
    text: str | None = None,
    chat_id: int | None = None,
    force: bool = False,
) -> dict[str, Any]:
    """A registered user presses an inline button of a bot message (``force``: even a missing
    one)."""
    cid = user["id"] if chat_id is None else int(chat_id)
    chat: ChatState | None = state.chats.get(cid)
    msg = chat.messages.get(int(message_id)) if chat else None
    if msg is None:
        raise LookupError(f"no message {message_id} in chat {cid}")
    button = _callback_button(msg, data, text)
    if button is None and not force:
        raise LookupError(
            f"message {message_id} has no callback button with "
            + (f"data {data!r}" if data is not None else f"text {text!r}")
        )
    cb_data = button["callback_data"] if button else (data if data is not None else text)
    qid = str(state.random.getrandbits(63))
    query: dict[str, Any] = {
        "id": qid,
        "from": user,
        "message": msg,
        "chat_instance": str((cid * 2654435761) % (1 << 63)),
    }
    if cb_data is not None:
        query["data"] = cb_data
    state.callback_queries[qid] = {"created": time.monotonic(), "answered": False}
    return _queued(state, "callback_query", query)


def _member(state: State, status: str) -> dict[str, Any]:
    m: dict[str, Any] = {"status": status, "user": state.bot_user()}
    if status == "kicked":
        m["until_date"] = 0
    return m


def set_blocked(state: State, user_id: int, blocked: bool, notify: bool = True) -> None:
    """A user blocks (or unblocks) the bot; ``notify`` sends the my_chat_member update."""
    was = user_id in state.blocked
    if blocked:
        state.blocked.add(user_id)
    else:
        state.blocked.discard(user_id)
    user = state.users.get(user_id)
    if not notify or was == blocked or user is None:
        return
    old, new = ("member", "kicked") if blocked else ("kicked", "member")
    state.queue.add(
        "my_chat_member",
        {
            "chat": state.chats[user_id].chat,
            "from": user,
            "date": int(time.time()),
            "old_chat_member": _member(state, old),
            "new_chat_member": _member(state, new),
        },
    )
