"""One dispatcher for every user: it sleeps until the earliest reminder is due (one JobQueue job,
never a busy poll), claims due slots from SQLite in bounded batches, and hands them to the
sender. SQLite holds everything that matters, so a restart just reads the index again."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime, timedelta
from typing import Any

from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError
from telegram.ext import Application, Job

from reminder_bot import i18n, jobs
from reminder_bot.clock import Clock
from reminder_bot.content import Content
from reminder_bot.delivery_rules import resend_is_quiet
from reminder_bot.metrics import Hooks
from reminder_bot.nudge_payload import NudgePayloads, SentMessage, raw_send
from reminder_bot.outgoing import Composers
from reminder_bot.sender import NUDGE, SendOptions, StaleError
from reminder_bot.status import DeliveryStatus
from reminder_bot.store import Delivery, Store

log = logging.getLogger(__name__)


class Dispatcher:
    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        store: Store,
        content: Content,
        clock: Clock,
        *,
        catch_up: timedelta = timedelta(minutes=30),
        stale: timedelta = timedelta(minutes=30),
        # Small claims (~60 ms of writer time) keep the one SQLite thread free for replies and
        # the per-send marks; max_in_flight bounds what waits in the sender.
        batch: int = 200,
        max_in_flight: int = 600,
        metrics: Hooks | None = None,
        composers: Composers | None = None,
    ) -> None:
        self.application = application
        self.store = store
        self.content = content
        self.clock = clock
        self.catch_up = catch_up
        self.stale = stale
        self.batch = batch
        self.max_in_flight = max_in_flight
        self._lock = asyncio.Lock()
        self._again = False
        self._backlog = False
        self._wake_job: Job[Any] | None = None
        self._wake_at: datetime | None = None
        self._ticked_at: datetime | None = None
        self._changed = asyncio.Event()
        self._in_flight: set[asyncio.Task[None]] = set()
        self.metrics = metrics or Hooks()
        # The weekly summary and the check-in: claimed like nudges, composed by their kind.
        self.composers = dict(composers or {})
        # Nudge texts and keyboards rendered once per (nudge, language): nudge_payload.py.
        self.payloads = NudgePayloads(content)
        self.metrics.watch_queue(self.pending)

    # ----- waking --------------------------------------------------------------------------

    async def start(self) -> None:
        """Resend what a crash left unconfirmed, then run the first tick."""
        unsent = await self.store.unsent(self.clock.now(), stale=self.stale)
        if unsent:
            log.info("resending %d nudges left unconfirmed by the last run", len(unsent))
        for delivery in unsent:
            self._spawn(self._send_claimed(delivery))
        await self.tick()

    def kick(self) -> None:
        """Run a tick as soon as possible (a schedule changed, or the clock moved)."""
        self._schedule_wake(0.0)

    def _schedule_wake(self, delay: float) -> None:
        job_queue = self.application.job_queue
        if job_queue is None:
            raise RuntimeError("the JobQueue is required: install python-telegram-bot[job-queue]")
        self._cancel_wake()
        self._wake_at = self.clock.now() + timedelta(seconds=delay)
        self._wake_job = job_queue.run_once(
            self._on_wake,
            when=delay,
            name="dispatcher-wake",
            # The default grace of 1 s would let APScheduler silently skip a late wake-up.
            job_kwargs={"misfire_grace_time": None, "coalesce": True},
        )

    async def _on_wake(self, context: Any) -> None:
        self._wake_job = None
        self._wake_at = None
        await self.tick()

    def _cancel_wake(self) -> None:
        jobs.remove(self._wake_job)
        self._wake_job = None
        self._wake_at = None

    async def stop(self) -> None:
        self._cancel_wake()
        tasks = list(self._in_flight)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def tick(self) -> None:
        if self._lock.locked():
            self._again = True
            return
        async with self._lock:
            while True:
                self._again = False
                await self._tick_once()
                if not self._again:
                    break
        self._changed.set()

    async def _tick_once(self) -> None:
        now = self.clock.now()
        room = self.max_in_flight - len(self._in_flight)
        self._backlog = room <= 0
        if room > 0:
            limit = min(self.batch, room)
            claim = await self.store.claim(now, limit=limit, catch_up=self.catch_up)
            if claim.logged:
                log.info("logged %d slots without sending (missed or quiet)", claim.logged)
            for delivery in claim.deliveries:
                self._spawn(self._send_claimed(delivery))
            for delivery in claim.snoozed:
                self._spawn(self._resend_snoozed(delivery))
            self._backlog = len(claim.deliveries) + claim.logged >= limit
            if not self._backlog and claim.next_wake is not None:
                self._schedule_wake(self.clock.seconds_until(claim.next_wake))
                log.debug("next wake at %s", claim.next_wake.isoformat())
        # With a backlog, the finishing sends kick us again; no timer needed.
        self._ticked_at = now

    def pending(self) -> int:
        """Nudges claimed and not yet logged: waiting in the sender or in flight."""
        return len(self._in_flight)

    def _spawn(self, coroutine: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(coroutine)
        self._in_flight.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._in_flight.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("delivery task failed", exc_info=task.exception())
        if self._backlog and len(self._in_flight) <= self.max_in_flight // 2:
            self._backlog = False
            self.kick()
        self._changed.set()

    async def settled(self, now: datetime, *, within: float = 10.0) -> None:
        """Wait until a tick that started at ``now`` or later has run, nothing is due before
        ``now``, and every send it started has finished: a positive barrier for tests and the
        demo. Raises TimeoutError after ``within`` seconds rather than returning early."""
        async with asyncio.timeout(within):
            while not self._is_settled(now):
                self._changed.clear()
                await self._changed.wait()

    def _is_settled(self, now: datetime) -> bool:
        ticked = self._ticked_at is not None and self._ticked_at >= now
        wake_pending = self._wake_at is not None and self._wake_at <= now
        busy = self._lock.locked() or self._backlog or bool(self._in_flight)
        return ticked and not wake_pending and not busy

    # ----- sending -------------------------------------------------------------------------

    def _send_claimed(self, delivery: Delivery) -> Coroutine[Any, Any, None]:
        if delivery.habit in self.composers:
            return self._send_composed(delivery)
        return self._send_nudge(delivery)

    async def _send_composed(self, delivery: Delivery) -> None:
        """A summary or check-in: its composer's message, sent and logged as a nudge is."""
        try:
            with i18n.language(delivery.language):
                outgoing = await self.composers[delivery.habit](delivery)
        except Exception as error:  # a composer's bug must not leave the slot queued forever
            log.exception("composing %s %d failed", delivery.habit, delivery.id)
            await self._settle(delivery, DeliveryStatus.FAILED, [f"compose: {error!r}"])
            return
        options = self._first_send_options(delivery)
        bot = self.application.bot
        if outgoing.photo is None:
            attempt = functools.partial(bot.send_message, delivery.chat_id, outgoing.text)
        else:
            attempt = functools.partial(
                bot.send_photo, delivery.chat_id, outgoing.photo, caption=outgoing.text
            )
        await self._send(delivery, attempt, outgoing.markup, options)

    def _first_send_options(self, delivery: Delivery) -> SendOptions:
        return SendOptions(
            priority=NUDGE,
            due=delivery.slot.timestamp(),
            deadline=delivery.slot + self.stale,
            max_attempts=1000,  # the deadline ends the retries, not a count
            before_attempt=functools.partial(self.store.mark_sending, delivery.id),
        )

    async def _send_nudge(self, delivery: Delivery) -> None:
        text, markup = self.payloads.message(delivery, snoozed=False)
        options = self._first_send_options(delivery)
        attempt = raw_send(self.application.bot, delivery.chat_id, text)
        await self._send(delivery, attempt, markup, options)

    async def _resend_snoozed(self, delivery: Delivery) -> None:
        now = self.clock.now()
        if resend_is_quiet(now, delivery.zone, delivery.quiet):
            log.info("snoozed nudge %d fell into quiet hours; not resent", delivery.id)
            return
        text, markup = self.payloads.message(delivery, snoozed=True)
        options = SendOptions(
            priority=NUDGE, due=now.timestamp(), deadline=now + self.stale, max_attempts=1000
        )
        attempt = raw_send(self.application.bot, delivery.chat_id, text)
        await self._send(delivery, attempt, markup, options, resend=True)

    async def _send(
        self,
        delivery: Delivery,
        attempt: Callable[..., Awaitable[SentMessage]],
        markup: Any,
        options: SendOptions,
        *,
        resend: bool = False,
    ) -> DeliveryStatus:
        """Send one nudge (or a snoozed one again, or a summary or check-in) with ``attempt``,
        the bound Bot method, and log the outcome; return the status."""
        try:
            message = await attempt(
                parse_mode=ParseMode.HTML, reply_markup=markup, rate_limit_args=options
            )
        except StaleError:
            return await self._settle(delivery, DeliveryStatus.STALE, options.errors[-3:])
        except Forbidden:
            log.info("user %d blocked the bot; marking inactive", delivery.user_id)
            await self.store.deactivate(delivery.user_id, "blocked", self.clock.now())
            return await self._settle(delivery, DeliveryStatus.BLOCKED, [])
        except BadRequest as error:
            log.warning("nudge %d refused: %s", delivery.id, error)
            if "chat not found" in str(error).lower():
                await self.store.deactivate(delivery.user_id, "chat not found", self.clock.now())
            return await self._settle(delivery, DeliveryStatus.FAILED, [str(error)])
        except NetworkError as error:
            return await self._settle(delivery, DeliveryStatus.FAILED, [str(error)])
        # Earlier failed attempts stay visible: a TimedOut among them means Telegram may have
        # shown this nudge twice.
        error_text = "; ".join(options.errors[-5:]) or None
        accepted = self.clock.now()
        if not resend:
            self.metrics.nudge_lateness((accepted - delivery.slot).total_seconds())
        await self.store.mark_sent(
            delivery.id, message.message_id, accepted, resent=resend, error=error_text
        )
        status = DeliveryStatus.RESENT if resend else DeliveryStatus.SENT
        self.metrics.nudge_logged(status, delivery.habit)
        return status

    async def _settle(
        self, delivery: Delivery, status: DeliveryStatus, errors: list[str]
    ) -> DeliveryStatus:
        await self.store.mark(delivery.id, status, "; ".join(errors) or None)
        self.metrics.nudge_logged(status, delivery.habit)
        return status
