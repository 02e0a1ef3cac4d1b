"""Everything the emulator knows: the bot, users and chats with their messages, files, the
update queue, the call log, fault rules and rate limits."""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .calls import CallLog
from .errors import ApiError, bad_request
from .faults import FaultBook
from .limits import Limits, RateLimiter
from .update_queue import UpdateQueue

# Uploaded files by form field: (file name, MIME type, bytes).
Uploads = dict[str, tuple[str | None, str | None, bytes]]
# A Bot API method: (state, decoded parameters, uploads) -> result, or (result, description).
Handler = Callable[["State", dict[str, Any], Uploads], Awaitable[Any]]


@dataclass
class ChatState:
    """A chat and its current messages (after edits and deletions)."""

    chat: dict[str, Any]
    next_message_id: int = 1
    messages: dict[int, dict[str, Any]] = field(default_factory=dict)

    @property
    def is_group(self) -> bool:
        """Whether it is a group or supergroup (these have their own rate limit)."""
        return self.chat["type"] in ("group", "supergroup")


@dataclass
class StoredFile:
    """A file the bot uploaded (or sent by URL), downloadable by its path."""

    file_id: str
    file_unique_id: str
    data: bytes
    file_name: str | None
    mime_type: str | None
    file_path: str

    @property
    def size(self) -> int:
        """Size in bytes."""
        return len(self.data)


@dataclass
class Options:
    """What an emulator is started with (besides the rate limits)."""

    bot_username: str = "reminder_test_bot"
    bot_first_name: str = "Reminder Test Bot"
    token: str | None = None  # accept only this token; None accepts any well-formed one
    max_calls: int = 200_000  # call log capacity
    seed: int | None = None  # for fault probabilities and ids
    callback_timeout: float = 15.0  # seconds to answer a callback query


class State:
    """All emulator state; ``reset()`` forgets everything but the options."""

    def __init__(self, **options: Any) -> None:
        """Keyword arguments: the fields of ``Options`` and of ``Limits``."""
        limits = {name: float(options.pop(name)) for name in Limits.names() if name in options}
        self.options = Options(**options)
        self.default_limits = Limits(**limits)
        self.bot_id = 0
        # One log for the emulator's life, so that a waiting reader sees the calls after a reset.
        self.calls = CallLog(self.options.max_calls)
        self._clear()

    def _clear(self) -> None:
        self.random = random.Random(self.options.seed)
        self.limiter = RateLimiter(Limits(**self.default_limits.as_dict()))
        self.users: dict[int, dict[str, Any]] = {}
        self.chats: dict[int, ChatState] = {}
        self.blocked: set[int] = set()
        self.queue = UpdateQueue()
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.callback_queries: dict[str, dict[str, Any]] = {}
        self.files: dict[str, StoredFile] = {}
        self.file_paths: dict[str, str] = {}
        self._file_counter = itertools.count(1)
        self.faults = FaultBook(self.random)
        self.calls.clear()
        self.started = time.monotonic()

    def reset(self) -> None:
        """Forget everything (chats, updates, calls, faults, files, webhook); restore limits."""
        self.queue.close()
        self._clear()

    def set_limits(self, **values: float) -> Limits:
        """Change some rate limits (by name)."""
        return self.limiter.configure(**values)

    def bot_user(self) -> dict[str, Any]:
        """The bot as a Telegram User."""
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.options.bot_first_name,
            "username": self.options.bot_username,
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
        chat.update({key: u[key] for key in ("last_name", "username") if key in u})
        if uid in self.chats:
            self.chats[uid].chat = chat
        else:
            self.chats[uid] = ChatState(chat)
        return u

    def register_group(
        self, chat_id: int, title: str | None = None, chat_type: str | None = None
    ) -> ChatState:
        """Create a group chat (or rename it); supergroup ids are below -10**12."""
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

    def chat_of(
        self, user_id: int, chat_id: int | None, chat_type: str | None, title: str | None
    ) -> ChatState:
        """Where a user writes: their private chat, or group ``chat_id`` (created if new)."""
        if chat_id is None or chat_id == user_id:
            return self.chats[user_id]
        return self.register_group(chat_id, title, chat_type)

    def chat(self, chat_id: Any) -> ChatState:
        """A chat by id or public @username, or ApiError "chat not found"."""
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

    def sendable_chat(self, chat_id: Any) -> ChatState:
        """A chat the bot may write to (403 if the user blocked the bot)."""
        chat = self.chat(chat_id)
        if chat.chat["type"] == "private" and chat.chat["id"] in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        return chat

    def rate_limit(self, chat: ChatState) -> None:
        """Count one message to ``chat``, or raise 429."""
        self.limiter.take(chat.chat["id"], chat.is_group)

    def new_message(
        self, chat: ChatState, sender: dict[str, Any], **content: Any
    ) -> dict[str, Any]:
        """Store a new message in ``chat``; None content values are left out."""
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

    def store_file(self, kind: str, data: bytes, name: str | None, mime: str | None) -> StoredFile:
        """Keep an uploaded file under new ids that look like Telegram's."""
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
        self.file_paths[stored.file_path] = file_id
        return stored

    def stats(self) -> dict[str, Any]:
        """Counters for the control API's ``stats``."""
        uptime = time.monotonic() - self.started
        total = sum(self.calls.counts.values())
        return {
            "total": total,
            "last_seq": self.calls.seq,
            "uptime": uptime,
            "per_method": self.calls.per_method(),
            "requests_per_s": total / max(uptime, 1e-9),
            "recent_requests_per_s": self.calls.recent(5.0) / 5.0,
            "pending_updates": len(self.queue.pending),
            "last_update_id": self.queue.next_id - 1,
            "chats": len(self.chats),
            "users": len(self.users),
            "blocked": sorted(self.blocked),
        }
