"""Keeping the database bounded (REMINDER_BOT_RETENTION_DAYS): a minute after start-up and then
once a day, delivery rows past retention are rolled up into daily counts
(``store.retention``). The roll-up runs as its own task, one batch per trip to the writer
thread, so a long first run after an upgrade never holds up nudges, and a stop cancels it
between batches instead of waiting hours for it."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from reminder_bot import jobs
from reminder_bot.store.retention import roll_up

if TYPE_CHECKING:
    from reminder_bot.clock import Clock
    from reminder_bot.store import Store

log = logging.getLogger(__name__)

FIRST_RUN = timedelta(minutes=1)
INTERVAL = timedelta(days=1)


class Housekeeping:
    """Schedules the roll-up on the application's JobQueue; at most one runs at a time."""

    def __init__(self, application: Any, store: Store, clock: Clock, retention: timedelta):
        self.application = application
        self.store = store
        self.clock = clock
        self.retention = retention
        self._job: Any = None
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._job = jobs.run_repeating(
            self.application, self._tick, every=INTERVAL, first=FIRST_RUN, name="retention-roll-up"
        )

    async def _tick(self, context: Any = None) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self.run_now(), name="retention-roll-up")

    async def run_now(self) -> None:
        """Roll up everything past retention at the bot's current time."""
        now = self.clock.now()
        try:
            done = await roll_up(self.store, now, self.retention)
        except Exception:
            log.exception("the roll-up of old delivery rows failed; it runs again tomorrow")
            return
        if done.counted or done.dropped:
            log.info(
                "rolled up %d delivery rows older than %s into daily counts (%d of users "
                "no longer stored dropped)",
                done.counted + done.dropped,
                self.retention,
                done.dropped,
            )

    async def stop(self) -> None:
        """Before the store closes: no new run, and a run under way ends after its batch."""
        jobs.remove(self._job)
        self._job = None
        if self._task is not None and not self._task.done():
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
