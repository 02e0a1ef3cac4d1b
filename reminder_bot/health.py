"""Liveness for operators: the running bot records when it was last alive and when the Bot API
last answered it (the ``health`` table, one writer: the bot); ``reminder-bot healthcheck`` reads
them from another process (the container's HEALTHCHECK) and says why not.

Polling: the Bot API answering getUpdates is the sign. Webhook mode has no getUpdates, so the
heartbeat asks getWebhookInfo every beat: its answer is the sign, and Telegram's
``last_error_date`` / ``last_error_message`` there say whether Telegram can reach the webhook."""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from telegram import Update, WebhookInfo
from telegram.error import TelegramError
from telegram.request import HTTPXRequest

from reminder_bot import config, jobs

if TYPE_CHECKING:
    from reminder_bot.store import Store
    from reminder_bot.store.sql import Sql

log = logging.getLogger(__name__)

# The heartbeat job wakes the process at most this often when nothing else happens.
HEARTBEAT_SECONDS = 30.0


def record(sql: Sql, values: dict[str, int]) -> None:
    """Writer thread: store each named time (UTC epoch seconds)."""
    sql.conn.executemany(
        "insert into health (name, at) values (?, ?) "
        "on conflict(name) do update set at = excluded.at",
        list(values.items()),
    )


class PollRequest(HTTPXRequest):
    """The getUpdates connection (PTB sends getUpdates past the rate limiter); notes when the
    Bot API last answered it with 200, in memory: the heartbeat writes it down."""

    last_ok: float | None = None

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        code, payload = await super().do_request(*args, **kwargs)
        if code == 200:
            self.last_ok = time.time()
        return code, payload


class UpdateArrivals(asyncio.Queue):  # type: ignore[type-arg]
    """PTB's update queue, noting when the last update arrived: a webhook POST that passed the
    secret check, or an update in a getUpdates answer."""

    last_update: float | None = None

    async def put(self, item: object) -> None:
        if isinstance(item, Update):
            self.last_update = time.time()
        await super().put(item)


def webhook_trouble(info: WebhookInfo, url: str, since: float) -> str | None:
    """What keeps updates from reaching this bot's webhook, by Telegram's getWebhookInfo, or
    None. Errors from before ``since`` (the bot's start: it was down) and errors Telegram has
    since got past (nothing waiting) are not trouble."""
    if info.url != url:
        return (
            f"the webhook is set to {info.url or 'nothing'!r}, not REMINDER_BOT_WEBHOOK_URL="
            f"{url}: did another instance (polling, or another URL) take over this token?"
        )
    when = info.last_error_date
    if when is None or when.timestamp() < since or not info.pending_update_count:
        return None
    return (
        f"Telegram cannot deliver updates to {url}: {info.last_error_message} "
        f"({info.pending_update_count} waiting); check the reverse proxy, its TLS certificate "
        "and REMINDER_BOT_WEBHOOK_LISTEN"
    )


class Heartbeat:
    """A JobQueue job in the bot's own event loop writes ``heartbeat`` (and the time of the
    last getUpdates the Bot API answered, which ``PollRequest`` notes) every 30 s: if the
    loop, the JobQueue or the database writer is stuck, the heartbeat goes stale. In webhook
    mode each beat also asks getWebhookInfo (see ``webhook_health``)."""

    def __init__(
        self,
        application: Any,
        store: Store,
        polling: PollRequest,
        *,
        webhook_url: str | None = None,
    ) -> None:
        self.application = application
        self.store = store
        self.polling = polling
        self.webhook_url = webhook_url
        self.started = 0
        self._job: Any = None
        self._warned: str | None = None  # the problem last logged, so each is logged once

    async def start(self) -> None:
        now = self.started = int(time.time())
        await self.store.record_health({"started": now, "heartbeat": now})
        self._job = jobs.run_repeating(
            self.application,
            self._beat,
            every=HEARTBEAT_SECONDS,
            first=HEARTBEAT_SECONDS,
            name="health-heartbeat",
        )

    async def _beat(self, context: Any = None) -> None:
        values = {"heartbeat": int(time.time())}
        arrivals = self.application.update_queue
        last_update = arrivals.last_update if isinstance(arrivals, UpdateArrivals) else None
        for name, at in (("polled", self.polling.last_ok), ("received", last_update)):
            if at is not None:
                values[name] = int(at)
        # Written before asking Telegram: a slow answer must not age the heartbeat.
        await self.store.record_health(values)
        if self.webhook_url is not None:
            await self.store.record_health(await self.webhook_health(self.webhook_url))

    async def webhook_health(self, url: str) -> dict[str, int]:
        """Ask getWebhookInfo: ``webhook_checked`` when it answered, ``webhook_error`` when
        Telegram last failed to reach the webhook (0: no current trouble). Logs each distinct
        problem once, as a WARNING, and when it is over."""
        try:
            info = await self.application.bot.get_webhook_info()
        except TelegramError as error:
            self._note(f"getWebhookInfo failed ({error}): the Bot API may be unreachable")
            return {}
        now = int(time.time())
        trouble = webhook_trouble(info, url, self.started)
        self._note(trouble)
        if trouble is None:
            return {"webhook_checked": now, "webhook_error": 0}
        when = info.last_error_date if info.url == url else None
        return {"webhook_checked": now, "webhook_error": int(when.timestamp()) if when else now}

    def _note(self, problem: str | None) -> None:
        if problem == self._warned:
            return
        if problem is not None:
            log.warning("webhook: %s", problem)
        elif self._warned is not None:
            log.info("webhook: the trouble is over: getWebhookInfo shows none")
        self._warned = problem

    def stop(self) -> None:
        jobs.remove(self._job)
        self._job = None


def writable_problem(database: Path) -> str | None:
    """Why the bot could not write ``database`` now, or None."""
    if not database.is_file():
        return (
            f"no database at {database}: check REMINDER_BOT_DATABASE, or start the bot once "
            "to create it"
        )
    folder = database.parent
    if not (os.access(database, os.R_OK | os.W_OK) and os.access(folder, os.W_OK | os.X_OK)):
        return (
            f"the database {database} (or its folder) is not writable by uid {os.getuid()}: "
            "fix the volume's owner or permissions"
        )
    return None


def read_times(database: Path) -> dict[str, int]:
    """The recorded times, after taking (and giving back) the write lock: proof it is writable."""
    conn = sqlite3.connect(f"file:{database}?mode=rw", uri=True, timeout=5, isolation_level=None)
    try:
        conn.execute("begin immediate")
        try:
            rows = conn.execute("select name, at from health").fetchall()
        finally:
            conn.execute("rollback")
    finally:
        conn.close()
    return {name: int(at) for name, at in rows}


def check(
    database: Path, *, max_age: float, poll_max_age: float, now: float, webhook: bool = False
) -> str:
    """A one-line verdict; raises ``Unhealthy`` saying why when the bot is not healthy."""
    problem = writable_problem(database)
    if problem is not None:
        raise Unhealthy(problem)
    try:
        times = read_times(database)
    except sqlite3.Error as error:
        if "no such table" in str(error):
            raise Unhealthy(
                f"{database} has no health records: no bot of this version has run on it"
            ) from None
        raise Unhealthy(f"the database {database} cannot be written: {error}") from None
    if "heartbeat" not in times:
        raise Unhealthy(f"no heartbeat in {database}: the bot has not started on it")
    beat = now - times["heartbeat"]
    if beat > max_age:
        raise Unhealthy(
            f"the dispatcher's heartbeat is {beat:.0f} s old (REMINDER_BOT_HEALTH_MAX_AGE="
            f"{max_age:g}): the bot is stopped or stuck"
        )
    if webhook:
        return check_webhook(times, poll_max_age=poll_max_age, now=now, beat=beat)
    # Until the first answer, the start counts: polling begins just after it.
    polled = now - max(times.get("polled", 0), times.get("started", 0))
    if polled > poll_max_age:
        raise Unhealthy(
            f"polling: the Bot API last answered getUpdates {polled:.0f} s ago "
            f"(REMINDER_BOT_HEALTH_POLL_MAX_AGE={poll_max_age:g}): check the network, "
            "TELEGRAM_API_URL and the token"
        )
    return f"healthy (polling): heartbeat {beat:.0f} s ago, getUpdates answered {polled:.0f} s ago"


def check_webhook(times: dict[str, int], *, poll_max_age: float, now: float, beat: float) -> str:
    """Webhook mode: the Bot API answers getWebhookInfo, and Telegram reaches the webhook."""
    started = times.get("started", 0)
    # Until the first beat asks, the start counts.
    answered = now - max(times.get("webhook_checked", 0), started)
    if answered > poll_max_age:
        raise Unhealthy(
            f"webhook mode: the Bot API last answered getWebhookInfo {answered:.0f} s ago "
            f"(REMINDER_BOT_HEALTH_POLL_MAX_AGE={poll_max_age:g}): check the network, "
            "TELEGRAM_API_URL and the token"
        )
    received = times.get("received", 0)
    error = times.get("webhook_error", 0)
    # Seconds on both sides: an update in the same second as the error does not clear it (the
    # next beat does, once Telegram has nothing waiting).
    if error and error >= received:
        raise Unhealthy(
            f"webhook mode: updates are not reaching the bot: Telegram reported trouble "
            f"{now - error:.0f} s ago and no update has arrived since (the bot's log has a "
            "WARNING saying what): check the reverse proxy, its TLS certificate, "
            "REMINDER_BOT_WEBHOOK_LISTEN, and that no other instance uses this token"
        )
    last = f"{now - received:.0f} s ago" if received >= started else "none since the start"
    return (
        f"healthy (webhook): heartbeat {beat:.0f} s ago, getWebhookInfo answered "
        f"{answered:.0f} s ago, last update received {last}"
    )


class Unhealthy(Exception):
    """What is wrong, in one line."""


def main() -> int:
    """``reminder-bot healthcheck``: 0 and one line when healthy, else 1 and one line why."""
    try:
        settings = config.load(require_token=False)
        verdict = check(
            settings.database,
            max_age=settings.health_max_age,
            poll_max_age=settings.health_poll_max_age,
            now=time.time(),
            webhook=settings.webhook_url is not None,
        )
    except (config.ConfigError, Unhealthy) as error:
        sys.stderr.write(f"reminder-bot: unhealthy: {error}\n")
        return 1
    sys.stdout.write(verdict + "\n")
    return 0
