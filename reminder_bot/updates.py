"""How updates are processed: concurrently across chats, in order within a chat.

PTB's ``concurrent_updates(True)`` handles every update as soon as it arrives, so a person's
``/schedule`` could overtake their own ``/start`` sent a moment before. This processor keeps the
order per chat (an ``asyncio.Lock`` each; its waiters are served first-come) while different
chats never wait for one another. It also remembers which updates have been handled, which is
the positive barrier tests and the demo wait on before concluding that nothing was sent.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

# Enough for a flood from many chats; a chat's own updates queue on its lock, not here.
MAX_CONCURRENT_UPDATES = 4096
# How many handled update ids are remembered for ``handled()``.
REMEMBERED = 10_000


class ChatOrderedProcessor(BaseUpdateProcessor):
    """Processes updates concurrently across chats and in arrival order within each chat."""

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}
        self._handled: deque[int] = deque(maxlen=REMEMBERED)
        self._handled_set: set[int] = set()
        self._changed = asyncio.Event()

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        try:
            if chat is None:
                await coroutine
                return
            lock = self._locks.setdefault(chat.id, asyncio.Lock())
            self._waiting[chat.id] = self._waiting.get(chat.id, 0) + 1
            try:
                async with lock:
                    await coroutine
            finally:
                self._release(chat.id)
        finally:
            if isinstance(update, Update):
                self._remember(update.update_id)

    def _release(self, chat_id: int) -> None:
        self._waiting[chat_id] -= 1
        if not self._waiting[chat_id]:
            # No one else is queued for this chat: drop its lock so idle chats cost nothing.
            del self._waiting[chat_id]
            del self._locks[chat_id]

    def _remember(self, update_id: int) -> None:
        if len(self._handled) == self._handled.maxlen:
            self._handled_set.discard(self._handled[0])
        self._handled.append(update_id)
        self._handled_set.add(update_id)
        self._changed.set()

    @property
    def handled_ids(self) -> frozenset[int]:
        """The ids of the updates handled lately (the last ``REMEMBERED``)."""
        return frozenset(self._handled_set)

    async def handled(self, update_id: int, *, within: float = 10.0) -> None:
        """Wait until the update's handlers have finished; TimeoutError after ``within`` s."""
        async with asyncio.timeout(within):
            while update_id not in self._handled_set:
                self._changed.clear()
                await self._changed.wait()
