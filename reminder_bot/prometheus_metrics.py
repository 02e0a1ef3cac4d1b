"""Prometheus metrics at ``/metrics`` on REMINDER_BOT_METRICS_PORT, in the text format.

The sender and the dispatcher call the hooks of ``reminder_bot.metrics.Hooks``; this module is
imported only when the port is set (``metrics.open_metrics``). Each ``Metrics``
owns its own ``CollectorRegistry``, never prometheus-client's global one: several bots can run in
one process (tests, the demo). The HTTP server is prometheus-client's own, on a daemon thread.

What needs the database (active users; slots the claim logged as missed or quiet) is read on the
store's writer thread every ``REFRESH_SECONDS`` by a JobQueue job in the bot's loop, in short hops
(``USERS_PER_HOP`` users each, a few milliseconds: replies and claims queue behind none of them
for long); the scrape thread only reads values held in memory and never touches SQLite.
"""

from __future__ import annotations

import asyncio
import errno
import logging
import platform
import threading
from collections.abc import Callable
from typing import Any
from wsgiref.simple_server import WSGIServer

import telegram
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    Info,
    ProcessCollector,
    start_http_server,
)

from reminder_bot import __version__, jobs
from reminder_bot.clock import Clock, to_epoch
from reminder_bot.config import ConfigError
from reminder_bot.metrics import Hooks
from reminder_bot.schedule import HABITS
from reminder_bot.status import DeliveryStatus
from reminder_bot.store import Store

log = logging.getLogger(__name__)

# The JobQueue job that reads the database for the gauges wakes this often (like the heartbeat).
REFRESH_SECONDS = 30.0
# Counting 100k users takes ~150 ms of SQLite; in hops of 2,500 each holds the writer ~5 ms.
USERS_PER_HOP = 2500
LISTEN_ADDRESS = "0.0.0.0"

# Telegram usually answers in tens to hundreds of milliseconds; the top buckets catch timeouts
# (REMINDER_BOT_HTTP_TIMEOUT, 10 s by default).
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
# From on time to the stale limit (30 minutes by default), past which a nudge is dropped.
LATENESS_BUCKETS = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1200.0, 1800.0)
# The statuses the bot itself gives a slot (button presses are the user's); each exported from
# zero, so "no nudge sent in an hour" is a value, not a missing series.
COUNTED = (
    DeliveryStatus.SENT,
    DeliveryStatus.RESENT,
    DeliveryStatus.STALE,
    DeliveryStatus.FAILED,
    DeliveryStatus.BLOCKED,
    DeliveryStatus.MISSED,
    DeliveryStatus.QUIET,
)


class Metrics(Hooks):
    """The bot's metrics in their own registry, served on ``port``."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.registry = CollectorRegistry()
        self._server: tuple[WSGIServer, threading.Thread] | None = None
        self._job: Any = None
        self._store: Store | None = None
        self._clock: Clock | None = None
        self._last_id: int | None = None
        self.users_per_hop = USERS_PER_HOP
        self._define(self.registry)

    def _define(self, registry: CollectorRegistry) -> None:
        self.nudges = Counter(
            "reminder_bot_nudges",
            "Slots the bot logged, by final status and habit",
            ["status", "habit"],
            registry=registry,
        )
        for status in COUNTED:
            for habit in HABITS:
                self.nudges.labels(status.value, habit)
        self.lateness = Histogram(
            "reminder_bot_nudge_lateness_seconds",
            "Seconds from a nudge's slot until Telegram accepted it (first sends)",
            buckets=LATENESS_BUCKETS,
            registry=registry,
        )
        self.requests = Histogram(
            "reminder_bot_telegram_request_duration_seconds",
            "Seconds each Bot API call took (one HTTP attempt), by method",
            ["method"],
            buckets=REQUEST_BUCKETS,
            registry=registry,
        )
        self.retries = Counter(
            "reminder_bot_telegram_retry_after",
            "429 answers (RetryAfter) from Telegram, by method",
            ["method"],
            registry=registry,
        )
        self.errors = Counter(
            "reminder_bot_telegram_errors",
            "Bot API calls that failed, other than 429, by method and error kind",
            ["method", "kind"],
            registry=registry,
        )
        self.queue = Gauge(
            "reminder_bot_nudges_pending",
            "Nudges claimed and not yet logged (waiting in the sender or in flight)",
            registry=registry,
        )
        self.active_users = Gauge(
            "reminder_bot_active_users",
            "Users with at least one scheduled habit, neither paused nor blocked",
            registry=registry,
        )
        Info("reminder_bot_build", "Versions of the bot and its stack", registry=registry).info(
            {
                "version": __version__,
                "python": platform.python_version(),
                "ptb": telegram.__version__,
            }
        )
        # process_start_time_seconds, CPU, memory, open files (Linux' /proc).
        ProcessCollector(registry=registry)

    # ----- hooks (the event loop; prometheus-client's metrics take their own locks) ----------

    def request_done(self, method: str, seconds: float) -> None:
        self.requests.labels(method).observe(seconds)

    def retry_after(self, method: str) -> None:
        self.retries.labels(method).inc()

    def api_error(self, method: str, error: Exception) -> None:
        self.errors.labels(method, type(error).__name__).inc()

    def nudge_logged(self, status: DeliveryStatus, habit: str) -> None:
        self.nudges.labels(status.value, habit).inc()

    def nudge_lateness(self, seconds: float) -> None:
        self.lateness.observe(max(0.0, seconds))

    def watch_queue(self, depth: Callable[[], int]) -> None:
        # Read by the scrape thread: a len() of the dispatcher's task set, no lock needed.
        self.queue.set_function(depth)

    # ----- life cycle ------------------------------------------------------------------------

    async def start(self, application: Any, store: Store, clock: Clock) -> None:
        """Listen on the port (a port in use stops the start-up, naming the setting), read the
        database once, then every ``REFRESH_SECONDS``."""
        self._store, self._clock = store, clock
        try:
            self._server = start_http_server(self.port, LISTEN_ADDRESS, registry=self.registry)
        except OSError as error:
            why = "is already in use" if error.errno == errno.EADDRINUSE else f"failed: {error}"
            raise ConfigError(
                f"REMINDER_BOT_METRICS_PORT={self.port}: listening on "
                f"{LISTEN_ADDRESS}:{self.port} {why}; choose a free port, e.g. "
                "REMINDER_BOT_METRICS_PORT=9090, or unset it to serve no metrics",
                setting="REMINDER_BOT_METRICS_PORT",
            ) from None
        log.info("metrics at http://%s:%d/metrics", LISTEN_ADDRESS, self.port)
        await self.refresh()
        self._job = jobs.run_repeating(
            application,
            self._on_refresh,
            every=REFRESH_SECONDS,
            first=REFRESH_SECONDS,
            name="metrics-refresh",
        )

    async def _on_refresh(self, context: Any = None) -> None:
        await self.refresh()

    async def refresh(self) -> None:
        """Read the database's figures (one hop to the writer thread) into the metrics."""
        store, clock = self._store, self._clock
        if store is None or clock is None:
            return
        self._last_id, logged = await store.logged_since(self._last_id)
        for status, habit, count in logged:
            self.nudges.labels(status, habit).inc(count)
        now, active, after_user = to_epoch(clock.now()), 0, 0  # Telegram's user ids are > 0
        while True:
            found, read, after_user = await store.count_active_users(
                now, after_user, self.users_per_hop
            )
            active += found
            if read < self.users_per_hop:
                break
        self.active_users.set(active)

    def stop(self) -> None:
        """post_stop: no more database reads (the store closes after this)."""
        jobs.remove(self._job)
        self._job = None
        self._store = None

    async def close(self) -> None:
        self.stop()
        if self._server is not None:
            server, thread = self._server
            self._server = None
            # shutdown() waits for serve_forever's poll (up to 0.5 s): off the event loop.
            await asyncio.to_thread(server.shutdown)
            server.server_close()
            thread.join()
