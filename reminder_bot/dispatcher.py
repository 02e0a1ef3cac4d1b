"""One dispatcher for every user: it sleeps until the earliest reminder is due (one JobQueue job,
never a busy poll), claims due slots from SQLite in bounded batches, and hands them to the
sender. SQLite holds everything that matters, so a restart just reads the index again."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from datetime import timedelta
from typing import Any

from apscheduler.jobstores.base import JobLookupError
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError
from telegram.ext import Application, Job

from reminder_bot import i18n
from reminder_bot.clock import Clock
from reminder_bot.content import Content, render_nudge
from reminder_bot.i18n import _
from reminder_bot.schedule import slot_is_quiet
from reminder_bot.sender import NUDGE, SendOptions, StaleError
from reminder_bot.store import Delivery, Store

log = logging.getLogger(__name__)

SNOOZE = timedelta(minutes=10)


def nudge_keyboard(delivery_id: int, *, can_snooze: bool = True) -> InlineKeyboardMarkup:
    """Done / Snooze 10 min / Skip; the callback data names the delivery, nothing else."""
    buttons = [InlineKeyboardButton("✅ " + _("Done"), callback_data=f"n:{delivery_id}:done")]
    if can_snooze:
        buttons.append(
            InlineKeyboardButton(
                "⏰ " + _("Snooze 10 min"), callback_data=f"n:{delivery_id}:snooze"
            )
        )
    buttons.append(InlineKeyboardButton("⏭ " + _("Skip"), callback_data=f"n:{delivery_id}:skip"))
    return InlineKeyboardMarkup([buttons])


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
        self._in_flight: set[asyncio.Task[None]] = set()

    # ----- waking --------------------------------------------------------------------------

    async def start(self) -> None:
        """Resend what a crash left unconfirmed, then run the first tick."""
        unsent = await self.store.run(self.store.unsent, self.clock.now(), stale=self.stale)
        if unsent:
            log.info("resending %d nudges left unconfirmed by the last run", len(unsent))
        for delivery in unsent:
            self._spawn(self._send_nudge(delivery))
        await self.tick()

    def kick(self) -> None:
        """Run a tick as soon as possible (a schedule changed, or the clock moved)."""
        self._schedule_wake(0.0)

    def _schedule_wake(self, delay: float) -> None:
        job_queue = self.application.job_queue
        if job_queue is None:
            raise RuntimeError("the JobQueue is required: install python-telegram-bot[job-queue]")
        self._cancel_wake()
        self._wake_job = job_queue.run_once(
            self._on_wake,
            when=delay,
            name="dispatcher-wake",
            # The default grace of 1 s would let APScheduler silently skip a late wake-up.
            job_kwargs={"misfire_grace_time": None, "coalesce": True},
        )

    async def _on_wake(self, context: Any) -> None:
        self._wake_job = None
        await self.tick()

    def _cancel_wake(self) -> None:
        if self._wake_job is not None:
            # A one-shot job is gone from the scheduler once it has fired.
            with contextlib.suppress(JobLookupError):
                self._wake_job.schedule_removal()
            self._wake_job = None

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

    async def _tick_once(self) -> None:
        now = self.clock.now()
        room = self.max_in_flight - len(self._in_flight)
        self._backlog = False
        if room > 0:
            limit = min(self.batch, room)
            deliveries, logged = await self.store.run(
                self.store.claim_due, now, limit=limit, catch_up=self.catch_up
            )
            if logged:
                log.info("logged %d slots without sending (missed or quiet)", logged)
            for delivery in deliveries:
                self._spawn(self._send_nudge(delivery))
            self._backlog = len(deliveries) + logged >= limit
            snoozes = await self.store.run(self.store.due_snoozes, now, limit=limit)
            for delivery in snoozes:
                # Clear the snooze before sending so a second tick can't pick it up again.
                await self.store.run(self.store.mark, delivery.id, "snoozed", now, snooze_due=None)
                self._spawn(self._resend_snoozed(delivery))
        else:
            self._backlog = True
        if self._backlog:
            # The finishing sends kick us again; no timer needed.
            return
        next_wake = await self.store.run(self.store.next_wake)
        if next_wake is not None:
            self._schedule_wake(self.clock.seconds_until(next_wake))
            log.debug("next wake at %s", next_wake.isoformat())

    def _spawn(self, coroutine: Any) -> None:
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

    # ----- sending -------------------------------------------------------------------------

    def render(self, delivery: Delivery) -> str:
        nudge = self.content.find_nudge(delivery.nudge_id or "")
        if nudge is None:
            # Content changed since the slot was claimed: any nudge of the habit will do.
            nudge = self.content.nudges[delivery.habit][0]
        return render_nudge(nudge, self.content.disclaimer_short)

    async def _send_nudge(self, delivery: Delivery) -> None:
        with i18n.language(delivery.language):
            text = self.render(delivery)
            markup = nudge_keyboard(delivery.id)
        options = SendOptions(
            priority=NUDGE,
            due=delivery.slot.timestamp(),
            deadline=delivery.slot + self.stale,
            max_attempts=1000,  # the deadline ends the retries, not a count
            before_attempt=functools.partial(self.store.run, self.store.mark_sending, delivery.id),
        )
        await self._send(delivery, text, markup, options)

    async def _resend_snoozed(self, delivery: Delivery) -> None:
        user = await self.store.run(self.store.get_user, delivery.user_id)
        now = self.clock.now()
        if user is None or not user.active:
            return
        if slot_is_quiet(now.astimezone(user.zone).time(), user.quiet):
            log.info("snoozed nudge %d fell into quiet hours; not resent", delivery.id)
            return
        with i18n.language(delivery.language):
            text = _("⏰ Snoozed reminder") + "\n\n" + self.render(delivery)
            markup = nudge_keyboard(delivery.id, can_snooze=False)
        options = SendOptions(
            priority=NUDGE, due=now.timestamp(), deadline=now + self.stale, max_attempts=1000
        )
        await self._send(delivery, text, markup, options, resend=True)

    async def _send(
        self,
        delivery: Delivery,
        text: str,
        markup: InlineKeyboardMarkup,
        options: SendOptions,
        *,
        resend: bool = False,
    ) -> str:
        """Send one nudge (or a snoozed one again) and log the outcome; return the status."""
        try:
            message = await self.application.bot.send_message(
                delivery.chat_id,
                text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                rate_limit_args=options,
            )
        except StaleError:
            await self.store.run(
                self.store.mark,
                delivery.id,
                "stale",
                self.clock.now(),
                error="; ".join(options.errors[-3:]) or None,
            )
            return "stale"
        except Forbidden:
            await self._blocked(delivery)
            return "blocked"
        except BadRequest as error:
            log.warning("nudge %d refused: %s", delivery.id, error)
            await self.store.run(
                self.store.mark, delivery.id, "failed", self.clock.now(), error=str(error)
            )
            if "chat not found" in str(error).lower():
                await self.store.run(
                    self.store.deactivate, delivery.user_id, "chat not found", self.clock.now()
                )
            return "failed"
        except NetworkError as error:
            await self.store.run(
                self.store.mark,
                delivery.id,
                "failed",
                self.clock.now(),
                error=str(error),
            )
            return "failed"
        if resend:
            await self.store.run(
                self.store.mark_resent, delivery.id, message.message_id, self.clock.now()
            )
            return "resent"
        await self.store.run(
            self.store.mark_sent,
            delivery.id,
            message.message_id,
            self.clock.now(),
            # Earlier failed attempts stay visible: a TimedOut among them means Telegram may
            # have shown this nudge twice.
            "; ".join(options.errors[-5:]) or None,
        )
        return "sent"

    async def _blocked(self, delivery: Delivery) -> None:
        now = self.clock.now()
        log.info("user %d blocked the bot; marking inactive", delivery.user_id)
        await self.store.run(self.store.mark, delivery.id, "blocked", now)
        await self.store.run(self.store.deactivate, delivery.user_id, "blocked", now)
