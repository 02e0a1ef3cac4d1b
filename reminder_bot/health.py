"""Liveness for operators: the running bot records when it was last alive and when the Bot API
last answered its getUpdates (the ``health`` table, one writer: the bot); ``reminder-bot
healthcheck`` reads them from another process (the container's HEALTHCHECK) and says why not."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from apscheduler.jobstores.base import JobLookupError
from telegram.request import HTTPXRequest

from reminder_bot import config

if TYPE_CHECKING:
    from reminder_bot.store import Store
    from reminder_bot.store.sql import Sql

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


class Heartbeat:
    """A JobQueue job in the bot's own event loop writes ``heartbeat`` (and the time of the
    last getUpdates the Bot API answered, which ``PollRequest`` notes) every 30 s: if the
    loop, the JobQueue or the database writer is stuck, the heartbeat goes stale."""

    def __init__(self, application: Any, store: Store, polling: PollRequest) -> None:
        self.application = application
        self.store = store
        self.polling = polling
        self._job: Any = None

    async def start(self) -> None:
        now = int(time.time())
        await self.store.record_health({"started": now, "heartbeat": now})
        job_queue = self.application.job_queue
        if job_queue is not None:
            self._job = job_queue.run_repeating(
                self._beat,
                interval=HEARTBEAT_SECONDS,
                first=HEARTBEAT_SECONDS,
                name="health-heartbeat",
                job_kwargs={"coalesce": True, "misfire_grace_time": None},
            )

    async def _beat(self, context: Any = None) -> None:
        values = {"heartbeat": int(time.time())}
        if self.polling.last_ok is not None:
            values["polled"] = int(self.polling.last_ok)
        await self.store.record_health(values)

    def stop(self) -> None:
        if self._job is not None:
            # Gone already if the JobQueue stopped first (PTB stops it before post_stop).
            with contextlib.suppress(JobLookupError):
                self._job.schedule_removal()
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


def check(database: Path, *, max_age: float, poll_max_age: float, now: float) -> str:
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
    # Until the first answer, the start counts: polling begins just after it.
    polled = now - max(times.get("polled", 0), times.get("started", 0))
    if polled > poll_max_age:
        raise Unhealthy(
            f"the Bot API last answered getUpdates {polled:.0f} s ago "
            f"(REMINDER_BOT_HEALTH_POLL_MAX_AGE={poll_max_age:g}): check the network, "
            "TELEGRAM_API_URL and the token"
        )
    return f"healthy: heartbeat {beat:.0f} s ago, getUpdates answered {polled:.0f} s ago"


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
        )
    except (config.ConfigError, Unhealthy) as error:
        sys.stderr.write(f"reminder-bot: unhealthy: {error}\n")
        return 1
    sys.stdout.write(verdict + "\n")
    return 0
