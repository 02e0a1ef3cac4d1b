"""A person edits a message they sent: Telegram changes it in the chat and sends the bot an
``edited_message`` update (the whole message, new text, with ``edit_date``)."""

from __future__ import annotations

import time
from typing import Any

from .entities import auto_entities, trim_text
from .inject import _queued
from .state import ChatState, State


def inject_edit(
    state: State, user: dict[str, Any], chat: ChatState, message_id: int, text: str
) -> dict[str, Any]:
    """``user`` changes the text of their message ``message_id`` in ``chat``."""
    msg = chat.messages.get(int(message_id))
    if msg is None or msg["from"]["id"] != user["id"]:
        raise LookupError(f"user {user['id']} sent no message {message_id} in {chat.chat['id']}")
    if not text:
        raise ValueError("text must be non-empty")
    text, _ = trim_text(text, [])
    edited = {k: v for k, v in msg.items() if k != "entities"}
    edited.update(text=text, edit_date=int(time.time()))
    entities = auto_entities(text, [])
    if entities:
        edited["entities"] = entities
    chat.messages[edited["message_id"]] = edited
    return _queued(state, "edited_message", edited)
