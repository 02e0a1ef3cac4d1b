"""SQLite, the single source of truth: users, their schedules with the next due time of each (UTC
epoch seconds, indexed) and the delivery log keyed by slot (user, habit, due time).

The surface is async: each method runs its SQL (``store.sql``) on one dedicated writer thread,
so SQLite work never blocks the event loop and writes are serialised without locks. A call is
one hop to that thread and, where it writes, one transaction.
"""

from __future__ import annotations

# isort: off
# Before anything imports sqlite-utils: it is imported there with numpy held back.
from reminder_bot.store._numpy_held_back import Database

# isort: on

import asyncio
import contextlib
import random
import sqlite3
from collections.abc import Callable, Coroutine, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

from reminder_bot import health
from reminder_bot.store import (
    checkins,
    export,
    language,
    progress_reads,
    retention,
    stats,
    user_choices,
)
from reminder_bot.store.claims import Claim
from reminder_bot.store.marks import MarkQueue, batched
from reminder_bot.store.records import ActionOutcome, ActionResult, Delivery, ScheduleRow, User
from reminder_bot.store.schema import migrations
from reminder_bot.store.sql import Sql

__all__ = [
    "ActionOutcome",
    "ActionResult",
    "Claim",
    "Delivery",
    "ScheduleRow",
    "Store",
    "User",
    "open_database",
]

P = ParamSpec("P")
T = TypeVar("T")


def open_database(path: Path | str) -> Database:
    """Open (creating the folder) and migrate the database; usable from any one thread."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    # Opened by hand: sqlite-utils' default connection refuses use from another thread, and
    # all access goes through the single writer thread.
    conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
    db = Database(conn)
    if str(path) != ":memory:":
        db.enable_wal()
    # NORMAL is durable across application crashes in WAL mode (only an OS crash can lose the
    # last commits), and it keeps each small transaction cheap.
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=5000")
    migrations.apply(db)
    return db


def _on_writer(
    method: Callable[Concatenate[Sql, P], T],
) -> Callable[Concatenate[Store, P], Coroutine[Any, Any, T]]:
    """``Sql.method`` as an async ``Store`` method that runs it on the writer thread."""

    async def hop(store: Store, *args: P.args, **kwargs: P.kwargs) -> T:
        loop = asyncio.get_running_loop()
        # Marks queued before this call are written first (store/marks.py): order is kept.
        return await loop.run_in_executor(
            store._executor, partial(store.marks.then, method, store._sql, *args, **kwargs)
        )

    hop.__name__ = method.__name__
    hop.__doc__ = method.__doc__
    return hop


class Store:
    """All reads and writes of the bot's state, awaited from the event loop; the methods and
    their arguments are those of ``store.sql.Sql``."""

    def __init__(
        self,
        path: Path | str,
        nudge_ids: Mapping[str, Sequence[str]] | None = None,
        *,
        rng: random.Random | None = None,
        preset_work: Mapping[str, str] | None = None,
        adaptive_presets: frozenset[str] = frozenset(),
    ) -> None:
        self.path = Path(path)
        self._sql = Sql(
            open_database(path),
            nudge_ids or {},
            rng or random.Random(),
            preset_work or {},
            adaptive_presets,
        )
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-writer")
        # The delivery log's marks share commits (store/marks.py), on the same writer thread.
        self.marks = MarkQueue(self._sql, lambda: self._executor)

    def close(self) -> None:
        with contextlib.suppress(RuntimeError):  # closed twice: flushed the first time
            self._executor.submit(self.marks.flush)  # marks still waiting for company
        self._executor.shutdown(wait=True)
        self._sql.conn.close()

    # users
    get_user = _on_writer(Sql.get_user)
    get_user_speaking = _on_writer(language.get_user_speaking)
    set_language = _on_writer(language.set_language)
    start_user = _on_writer(Sql.start_user)
    set_timezone = _on_writer(Sql.set_timezone)
    set_quiet = _on_writer(Sql.set_quiet)
    set_pause = _on_writer(Sql.set_pause)
    set_rule = _on_writer(Sql.set_rule)
    apply_preset = _on_writer(Sql.apply_preset)
    deactivate = _on_writer(Sql.deactivate)
    forget = _on_writer(Sql.forget)
    schedules = _on_writer(Sql.schedules)
    set_habit_pause = _on_writer(Sql.set_habit_pause)
    set_adaptive_move = _on_writer(user_choices.set_adaptive_move)
    last_slots = _on_writer(user_choices.last_slots)
    user_count = _on_writer(Sql.user_count)
    # delivery
    claim = _on_writer(Sql.claim)
    unsent = _on_writer(Sql.unsent)
    next_wake = _on_writer(Sql.next_wake)
    mark = batched(Sql.mark)
    mark_sending = batched(Sql.mark_sending, urgent=True)
    mark_sent = batched(Sql.mark_sent)
    record_action = _on_writer(Sql.record_action)
    # the daily pain check-in
    record_checkin = _on_writer(checkins.record_checkin)
    pain_scores = _on_writer(checkins.pain_scores)
    # /stats and the weekly summary (reads only)
    user_progress = _on_writer(progress_reads.user_progress)
    # /export: everything stored about one user
    export_user = _on_writer(export.export)
    # /admin's figures (reads only)
    admin_stats = _on_writer(stats.stats)
    # the metrics' gauges and counters (reads only)
    count_active_users = _on_writer(stats.count_active_users)
    logged_since = _on_writer(stats.logged_since)
    # health (reminder-bot healthcheck)
    record_health = _on_writer(health.record)
    # bounded data: one batch of the roll-up (store.retention.roll_up runs them all)
    roll_up_batch = _on_writer(retention.roll_up_batch)
