"""Someone adds the bot to a group, or removes it: the updates Telegram sends then.

Telegram sends the bot a ``my_chat_member`` update (its old and new status in the chat, and
who made the change) and, in the group itself, a service message (``new_chat_members`` or
``left_chat_member``). The control API's ``inject/membership`` calls it.
"""

from __future__ import annotations

import time
from typing import Any

from .inject import _member, _queued
from .state import ChatState, State

# The bot's status in a chat: in it, or not.
JOINED, LEFT = "member", "left"


def inject_membership(
    state: State, user: dict[str, Any], chat: ChatState, added: bool
) -> dict[str, Any]:
    """``user`` adds the bot to ``chat`` (``added``) or removes it; returns the
    my_chat_member update (the service message follows it)."""
    old, new = (LEFT, JOINED) if added else (JOINED, LEFT)
    change = {
        "chat": chat.chat,
        "from": user,
        "date": int(time.time()),
        "old_chat_member": _member(state, old),
        "new_chat_member": _member(state, new),
    }
    update = _queued(state, "my_chat_member", change)
    bot = state.bot_user()
    service = {"new_chat_members": [bot]} if added else {"left_chat_member": bot}
    _queued(state, "message", state.new_message(chat, user, **service))
    return update
