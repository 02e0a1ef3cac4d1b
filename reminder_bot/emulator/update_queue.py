"""The bot's update queue, and what became of every update injected into it.

An update is acknowledged once the bot has confirmed it: by calling getUpdates with an offset
above its id (long polling) or by answering its webhook POST with a 2xx status. Tests wait for
that (``/_emulator/acknowledged``) instead of sleeping.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any

from .schema import DEFAULT_UPDATE_TYPES
from .waiting import wait_until

PENDING = "pending"
ACKNOWLEDGED = "acknowledged"
FILTERED = "filtered"
DROPPED = "dropped"
UNKNOWN = "unknown"


class UpdateQueue:
    """Pending updates (oldest first) plus the getUpdates poller and webhook that consume them."""

    def __init__(self) -> None:
        self.pending: deque[dict[str, Any]] = deque()
        self.next_id = 1
        self.allowed: frozenset[str] = DEFAULT_UPDATE_TYPES
        self.arrived = asyncio.Event()  # set when an update is queued or a webhook is set
        self.poller: asyncio.Future[None] | None = None  # the getUpdates call waiting now
        self.webhook: dict[str, Any] | None = None
        self.webhook_error: tuple[int, str] | None = None  # (unix time, message)
        self.webhook_task: asyncio.Task[None] | None = None
        self.last_offset: int | None = None  # the last positive getUpdates offset
        self._fates: dict[int, str] = {}
        self._settled = asyncio.Event()

    def add(self, kind: str, payload: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        """Create an update; (update, False) if allowed_updates filters it out at creation."""
        update: dict[str, Any] = {"update_id": self.next_id, kind: payload}
        self.next_id += 1
        if kind not in self.allowed:
            # Telegram never creates it, so nothing is left for the bot to acknowledge.
            self._settle(update["update_id"], FILTERED)
            return update, False
        self._fates[update["update_id"]] = PENDING
        self.pending.append(update)
        self.arrived.set()
        return update, True

    def _settle(self, update_id: int, fate: str) -> None:
        self._fates[update_id] = fate
        self._settled.set()

    def confirm_below(self, offset: int) -> None:
        """getUpdates with a positive offset: every update before it is acknowledged."""
        self.last_offset = offset
        while self.pending and self.pending[0]["update_id"] < offset:
            self._settle(self.pending.popleft()["update_id"], ACKNOWLEDGED)

    def keep_last(self, count: int) -> None:
        """getUpdates with a negative offset: forget all but the last ``count`` updates."""
        while len(self.pending) > count:
            self._settle(self.pending.popleft()["update_id"], DROPPED)

    def drop_pending(self) -> None:
        """drop_pending_updates: forget every pending update."""
        self.keep_last(0)

    def delivered(self, update: dict[str, Any]) -> None:
        """The webhook answered this update's POST with 2xx."""
        if self.pending and self.pending[0] is update:
            self.pending.popleft()
        self._settle(update["update_id"], ACKNOWLEDGED)

    def fate(self, update_id: int) -> str:
        """PENDING, ACKNOWLEDGED, FILTERED, DROPPED or UNKNOWN (never injected)."""
        return self._fates.get(update_id, UNKNOWN)

    async def wait_settled(self, update_id: int, wait: float) -> str:
        """Wait up to ``wait`` seconds for an update to leave PENDING; returns its fate."""
        await wait_until(self._settled, lambda: self.fate(update_id) != PENDING, wait)
        return self.fate(update_id)

    def describe(self, update_id: int) -> str:
        """Why an update is (not) acknowledged, for failure messages."""
        fate = self.fate(update_id)
        if fate == PENDING:
            return f"still queued ({len(self.pending)} pending): {self._consumer()}"
        if fate == FILTERED:
            return (
                f"filtered out by allowed_updates {sorted(self.allowed)}: "
                "the bot never receives it"
            )
        if fate == DROPPED:
            return (
                "dropped before the bot acknowledged it (a negative getUpdates offset, "
                "drop_pending_updates, or a reset)"
            )
        if fate == UNKNOWN:
            return f"no update {update_id} was injected since the last reset"
        return fate

    def _consumer(self) -> str:
        if self.webhook is not None:
            error = f"; last error: {self.webhook_error[1]}" if self.webhook_error else ""
            return f"the webhook {self.webhook['url']} has not answered it with 2xx{error}"
        if self.last_offset is None:
            return "the bot has not confirmed any update with a getUpdates offset yet"
        return f"the bot's last getUpdates offset is {self.last_offset}"

    def close(self) -> None:
        """Stop the poller and the webhook delivery; pending updates are dropped."""
        if self.poller is not None and not self.poller.done():
            self.poller.set_result(None)
        if self.webhook_task is not None:
            self.webhook_task.cancel()
        self.drop_pending()
        self.arrived.set()
