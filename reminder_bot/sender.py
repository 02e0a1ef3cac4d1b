"""The one gate every outgoing Bot API call passes: Telegram's global cap and per-chat limits,
replies before scheduled nudges, due-time order among nudges, and retries.

It is a PTB ``BaseRateLimiter``, so handlers' replies and the dispatcher's nudges share one
budget without knowing about each other. Callers pass ``rate_limit_args`` (a ``SendOptions``)
to mark a call as a nudge; anything without it is a reply to a person and goes first.

Why not PTB's AIORateLimiter: it has no 1 message/s limit for private chats, no priorities,
and on a 429 it stops every request, not just the chat's (see docs/architecture.md).
"""

from __future__ import annotations

import asyncio
import functools
import heapq
import itertools
import logging
import random
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from telegram.error import (
    BadRequest,
    Conflict,
    Forbidden,
    InvalidToken,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import BaseRateLimiter

from reminder_bot.clock import Clock, SystemClock
from reminder_bot.in_flight import MAX_HOLD_IN_FLIGHT, Flights, RoundTrips, max_nudge_slots
from reminder_bot.metrics import Hooks
from reminder_bot.pacing import WindowPace, backoff
from reminder_bot.write_gate import gated

# MAX_HOLD_IN_FLIGHT and max_nudge_slots are re-exported: tests size their bounds with them.
__all__ = ["MAX_HOLD_IN_FLIGHT", "NUDGE", "REPLY", "Sender", "SendOptions", "max_nudge_slots"]

log = logging.getLogger(__name__)

REPLY = 0
NUDGE = 1

# The pace's windows are this much longer than a second: a request's trip to the receiver varies
# by a few ms, enough for 31 in a second of its clock at 30/s (1% of the cap buys the margin).
WINDOW_MARGIN = 0.01  # seconds

# Calls that put a message in a chat count against both limits; edits and deletes only against
# the global one, so the message of a pressed button is updated without waiting a second.
CHAT_LIMITED = frozenset(
    "sendMessage sendPhoto sendDocument sendAudio sendVideo sendAnimation sendVoice sendVideoNote"
    " sendMediaGroup sendLocation sendVenue sendContact sendPoll sendDice sendSticker copyMessage"
    " forwardMessage".split()
)
GLOBAL_LIMITED = CHAT_LIMITED | frozenset(
    "editMessageText editMessageReplyMarkup editMessageCaption deleteMessage".split()
)


class StaleError(Exception):
    """A nudge waited in the queue past its deadline and was not sent."""


@dataclass
class SendOptions:
    """Per-call options, passed as PTB's ``rate_limit_args``."""

    priority: int = REPLY
    due: float = 0.0  # slot instant (epoch seconds): nudges go out in due-time order
    deadline: datetime | None = None  # on the bot's clock; past it the call raises StaleError
    max_attempts: int = 5
    errors: list[str] = field(default_factory=list)  # one entry per failed attempt
    # Awaited after the call's turn came and just before each HTTP attempt (the delivery log's
    # "sending" mark), so a crash can only ever leave the calls actually in flight unconfirmed.
    before_attempt: Callable[[], Awaitable[None]] | None = None


@dataclass(order=True)
class _Waiter:
    key: tuple[int, float, int]
    future: asyncio.Future[int | None] = field(compare=False)  # a nudge's flight, once granted


@dataclass
class _Chat:
    waiters: list[_Waiter] = field(default_factory=list)
    free_at: float = 0.0  # monotonic time of its next allowed message
    state: str = "idle"  # idle | ready | waiting


class Sender(BaseRateLimiter[SendOptions]):
    def __init__(
        self,
        *,
        global_rate: float = 30.0,
        chat_rate: float = 1.0,
        group_per_minute: float = 20.0,
        clock: Clock | None = None,
        rng: random.Random | None = None,
        metrics: Hooks | None = None,
        window_at_socket: bool = False,
    ) -> None:
        self._trips = RoundTrips(global_rate)
        self.max_nudge_slots = self._trips.ceiling
        self.chat_interval = 1.0 / chat_rate
        self.group_interval = max(60.0 / group_per_minute, self.chat_interval)
        self.clock = clock or SystemClock()
        self.rng = rng or random.Random()
        # Replaced by the app's Metrics once the port is known (open_services).
        self.metrics = metrics or Hooks()
        self._chats: dict[int | str, _Chat] = {}
        self._ready: list[tuple[tuple[int, float, int], int | str]] = []
        self._waiting: list[tuple[float, int | str]] = []
        # Steady from the start: a restart after a crash may follow its predecessor's sends.
        self._pace = WindowPace(global_rate, margin=WINDOW_MARGIN, steady_at=time.monotonic())
        # The same rule on the instants requests actually start: a grant can wait for its mark
        # (the writer busy with a claim) and then start right beside later ones. Checked here,
        # or, when the request stack passes write_gate's gate (BotRequest does), just before
        # the request's first bytes are written.
        self._starts = WindowPace(global_rate, margin=WINDOW_MARGIN, steady_at=time.monotonic())
        self.window_at_socket = window_at_socket
        self._seq = itertools.count()
        self._waker: asyncio.Future[None] | None = None  # set while the pump sleeps
        self._pump: asyncio.Task[None] | None = None
        self.sent = 0
        self.retries = 0
        self._flights = Flights(self._trips)

    async def initialize(self) -> None:
        """Nothing to open: the pump starts with the first call that needs it, so a bot that
        fails before sending anything (e.g. getMe) leaves no task behind."""

    def _ensure_pump(self) -> None:
        if self._pump is None:
            self._pump = asyncio.get_running_loop().create_task(self._run(), name="sender-pump")

    async def shutdown(self) -> None:
        if self._pump is not None:
            self._pump.cancel()
            try:
                await self._pump
            except asyncio.CancelledError:
                pass
            self._pump = None

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: SendOptions | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        options = rate_limit_args or SendOptions()
        chat_id = data.get("chat_id")
        throttled = endpoint in GLOBAL_LIMITED
        nudge = throttled and options.priority == NUDGE
        attempt = 0
        while True:
            flight = None  # the nudge's place in flight, while it has one
            if throttled:
                chat_key = chat_id if endpoint in CHAT_LIMITED and chat_id is not None else None
                flight = await self._acquire(chat_key, options)
            pause = 0.0
            try:
                if options.deadline is not None and self.clock.now() > options.deadline:
                    raise StaleError(f"{endpoint} to {chat_id} passed its deadline")
                attempt += 1
                if options.before_attempt is not None:
                    await options.before_attempt()
                call = functools.partial(callback, *args, **kwargs)
                result = await self._timed(endpoint, call, throttled, nudge)
                self.sent += 1
                return result
            except RetryAfter as error:
                wait = error.retry_after
                seconds = wait.total_seconds() if hasattr(wait, "total_seconds") else float(wait)
                options.errors.append(f"429 retry_after={seconds:g}")
                log.warning("429 on %s to %s: waiting %.1f s", endpoint, chat_id, seconds)
                self._hold_chat(chat_id, seconds)
                self.retries += 1
                # 429s don't count as attempts: Telegram told us exactly when to come back.
                attempt -= 1
                if chat_id is None:
                    pause = seconds
            except (BadRequest, Forbidden, InvalidToken, Conflict):
                raise
            except NetworkError as error:
                # Includes TimedOut: the request may have reached Telegram, so a retry can
                # duplicate. We choose at-least-once: a duplicate nudge costs less than a lost
                # one, and each failed attempt is recorded in the delivery log's attempts/error.
                options.errors.append(f"{type(error).__name__}: {error}")
                if attempt >= options.max_attempts:
                    raise
                self.retries += 1
                pause = backoff(attempt, rng=self.rng)
                log.info(
                    "%s on %s to %s; retry %d in %.2f s", error, endpoint, chat_id, attempt, pause
                )
            finally:
                if flight is not None:
                    self._release_nudge_slot(flight)
            await asyncio.sleep(pause)

    async def _timed(
        self, endpoint: str, call: Callable[[], Awaitable[Any]], throttled: bool, nudge: bool
    ) -> Any:
        """One HTTP attempt, started in the window, its time measured from there (not from the
        mark before: a mark that waits for a busy writer thread says nothing about Telegram)."""
        started = time.monotonic()

        async def start() -> None:
            nonlocal started
            await self._start_in_window()
            started = time.monotonic()

        at_socket = throttled and self.window_at_socket
        if throttled and not at_socket:
            await start()
        try:
            # At the socket, the request stack passes the window (write_gate.py).
            with gated(start if at_socket else None):
                result = await call()
        except RetryAfter:
            self.metrics.retry_after(endpoint)
            raise
        except TelegramError as error:
            self.metrics.api_error(endpoint, error)
            raise
        finally:
            elapsed = time.monotonic() - started
            self.metrics.request_done(endpoint, elapsed)
        if nudge:
            self._trips.add(elapsed)
        return result

    async def _start_in_window(self) -> None:
        """Hold a granted call until its start keeps the cap in every one-second window (it
        rarely waits: only a call whose mark or whose way to the socket was delayed)."""
        while True:
            # Granted at the instant it passes, not a reserved one: a loop stall that wakes
            # several waiters late must not let them all through at once.
            now = time.monotonic()
            free_at = self._starts.free_at()
            if now >= free_at:
                self._starts.grant(now)
                return
            await asyncio.sleep(free_at - now)

    def nudge_slots(self) -> int:
        """How many nudges may be in flight at once: just enough to keep the global pace at
        the measured round-trip time. Each one in flight is a possible duplicate if the process
        dies, so no more than the pace needs (one, against a fast local server), and never more
        than ``max_nudge_slots``, however slow the measured round trip (in_flight.RoundTrips).
        A straggler gives up its slot but stays under the ceiling (in_flight.Flights)."""
        return self._trips.slots()

    def _nudge_may_start(self, now: float) -> bool:
        free_at = self._flights.free_at(now)
        return free_at is not None and free_at <= now

    def _release_nudge_slot(self, flight: int) -> None:
        self._flights.end(flight)
        self._wake()

    def _hold_chat(self, chat_id: int | str | None, seconds: float) -> None:
        if chat_id is None:
            return
        chat = self._chats.setdefault(chat_id, _Chat())
        chat.free_at = max(chat.free_at, time.monotonic() + seconds)

    def _interval(self, chat_key: int | str) -> float:
        if isinstance(chat_key, int) and chat_key < 0 or isinstance(chat_key, str):
            return self.group_interval
        return self.chat_interval

    async def _acquire(self, chat_key: int | str | None, options: SendOptions) -> int | None:
        """Wait for this call's turn; a nudge's flight (to end when its attempt does)."""
        self._ensure_pump()
        loop = asyncio.get_running_loop()
        waiter = _Waiter((options.priority, options.due, next(self._seq)), loop.create_future())
        # Calls without a chat (edits) share one pseudo-chat with no per-chat spacing.
        key: int | str = chat_key if chat_key is not None else "__global__"
        chat = self._chats.setdefault(key, _Chat())
        heapq.heappush(chat.waiters, waiter)
        if chat.state == "idle":
            self._schedule_chat(key, chat, time.monotonic())
        elif chat.state == "ready" and waiter is chat.waiters[0]:
            # A reply arrived for a chat whose queued entry carries a nudge's key: re-rank it.
            heapq.heappush(self._ready, (waiter.key, key))
        self._wake()
        try:
            return await waiter.future
        except asyncio.CancelledError:
            if not waiter.future.done():
                waiter.future.cancel()
            elif not waiter.future.cancelled() and (flight := waiter.future.result()) is not None:
                # Granted, then cancelled before it could run: give the slot back.
                self._release_nudge_slot(flight)
            raise

    def _schedule_chat(self, key: int | str, chat: _Chat, now: float) -> None:
        if not chat.waiters:
            chat.state = "idle"
            if chat.free_at <= now:
                # Forget idle chats so memory stays bounded by the chats with work.
                self._chats.pop(key, None)
            return
        if chat.free_at <= now or key == "__global__":
            chat.state = "ready"
            heapq.heappush(self._ready, (chat.waiters[0].key, key))
        else:
            chat.state = "waiting"
            heapq.heappush(self._waiting, (chat.free_at, key))

    async def _run(self) -> None:
        while True:
            now = time.monotonic()
            while self._waiting and self._waiting[0][0] <= now:
                _, key = heapq.heappop(self._waiting)
                chat = self._chats.get(key)
                if chat is not None and chat.state == "waiting":
                    if chat.free_at > now:
                        heapq.heappush(self._waiting, (chat.free_at, key))
                        continue
                    self._schedule_chat(key, chat, now)
            timeout: float | None = None
            if self._ready:
                free_at = self._pace.free_at()
                if now >= free_at:
                    if self._grant_one(now):
                        continue
                    # Only nudges are ready and their slots are taken: a finishing send wakes
                    # us, or a flight turning straggler frees one.
                    if self._ready and (slot_free_at := self._flights.free_at(now)) is not None:
                        timeout = max(0.0, slot_free_at - now)
                else:
                    timeout = free_at - now
            if self._waiting:
                until_chat = max(0.0, self._waiting[0][0] - now)
                timeout = until_chat if timeout is None else min(timeout, until_chat)
            await self._sleep(until_wake=timeout)

    def _wake(self) -> None:
        if self._waker is not None and not self._waker.done():
            self._waker.set_result(None)

    async def _sleep(self, *, until_wake: float | None) -> None:
        """Until ``_wake`` or ``until_wake`` seconds: a bare future and timer, as cheap as a pump
        step can be (``wait_for`` on an event costs a task per call, hundreds a second)."""
        loop = asyncio.get_running_loop()
        self._waker = loop.create_future()
        timer = loop.call_later(until_wake, self._wake) if until_wake is not None else None
        try:
            await self._waker
        finally:
            self._waker = None
            if timer is not None:
                timer.cancel()

    def _grant_one(self, now: float) -> bool:
        """Grant the best ready call; False if the only ready calls are nudges with no slot."""
        while self._ready:
            _, key = heapq.heappop(self._ready)
            chat = self._chats.get(key)
            if chat is None or chat.state != "ready":
                continue
            while chat.waiters and chat.waiters[0].future.done():
                heapq.heappop(chat.waiters)
            if not chat.waiters:
                self._schedule_chat(key, chat, now)
                continue
            if key != "__global__" and chat.free_at > now:
                # A 429 pushed this chat back after it became ready.
                chat.state = "waiting"
                heapq.heappush(self._waiting, (chat.free_at, key))
                continue
            nudge = chat.waiters[0].key[0] == NUDGE
            if nudge and not self._nudge_may_start(now):
                # Replies rank first in the ready heap, so everything left is a nudge too.
                heapq.heappush(self._ready, (chat.waiters[0].key, key))
                return False
            waiter = heapq.heappop(chat.waiters)
            waiter.future.set_result(self._flights.start(now) if nudge else None)
            self._pace.grant(now)
            if key != "__global__":
                chat.free_at = now + self._interval(key)
            self._schedule_chat(key, chat, now)
            return True
        return False
