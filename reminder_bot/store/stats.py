"""The figures ``/admin`` shows and the metrics gauges read, on the writer thread: users by
state, schedules with a next nudge, the delivery log of a time range by status, recent failures,
the start time the heartbeat recorded, active users in hops, slots logged since an id. Reads
only: nothing here writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from reminder_bot.clock import from_epoch, to_epoch
from reminder_bot.schedule import HABITS
from reminder_bot.status import DeliveryStatus
from reminder_bot.store.sql import Sql

# Reasons ``deactivate`` records when Telegram says the chat cannot be written to.
UNREACHABLE_REASONS = ("blocked", "chat not found")
# An error kept in the delivery log is Telegram's description; more than this is not needed.
MAX_ERROR_CHARS = 200


@dataclass(frozen=True)
class UserCounts:
    total: int = 0
    active: int = 0  # nudges on
    paused: int = 0  # nudges on, but paused at the moment
    stopped: int = 0  # /stop
    blocked: int = 0  # blocked the bot, or the chat is gone


@dataclass(frozen=True)
class LastError:
    text: str
    slot: datetime
    status: DeliveryStatus


@dataclass(frozen=True)
class Stats:
    users: UserCounts
    schedules: dict[str, int] = field(default_factory=dict)  # habit -> schedules with a next due
    nudges: dict[DeliveryStatus, int] = field(default_factory=dict)  # slots in the range
    failed: int = 0  # failed slots since ``failures_since``
    last_error: LastError | None = None
    started: datetime | None = None  # when the running bot started (the health table)


def user_counts(sql: Sql, now: datetime) -> UserCounts:
    """Users by state at ``now``."""
    unreachable = ", ".join("?" for _ in UNREACHABLE_REASONS)
    row = sql.conn.execute(
        "select count(*), "
        "coalesce(sum(active = 1 and (paused_until is null or paused_until <= ?)), 0), "
        "coalesce(sum(active = 1 and paused_until > ?), 0), "
        f"coalesce(sum(active = 0 and inactive_reason in ({unreachable})), 0) from users",
        [to_epoch(now), to_epoch(now), *UNREACHABLE_REASONS],
    ).fetchone()
    total, active, paused, blocked = (int(value) for value in row)
    return UserCounts(total, active, paused, total - active - paused - blocked, blocked)


def _counts(sql: Sql, query: str, params: list[object]) -> dict[str, int]:
    return {str(key): int(n) for key, n in sql.conn.execute(query, params).fetchall()}


def _last_error(sql: Sql) -> LastError | None:
    row = sql.conn.execute(
        "select error, slot, status from deliveries where error is not null "
        "order by coalesce(sent_at, queued_at) desc, id desc limit 1"
    ).fetchone()
    if row is None:
        return None
    return LastError(str(row[0])[:MAX_ERROR_CHARS], from_epoch(row[1]), DeliveryStatus(row[2]))


def _count(sql: Sql, query: str, params: list[object]) -> int:
    return int(sql.conn.execute(query, params).fetchone()[0])


def stats(
    sql: Sql, day_start: datetime, day_end: datetime, failures_since: datetime, now: datetime
) -> Stats:
    """Everything ``/admin`` shows; nudges are the slots in [``day_start``, ``day_end``).
    Every write goes through this same thread, so the reads in one call see one state."""
    schedules = _counts(
        sql, "select habit, count(*) from schedules where next_due is not null group by habit", []
    )
    nudges = _counts(
        sql,
        "select status, count(*) from deliveries where slot >= ? and slot < ? group by status",
        [to_epoch(day_start), to_epoch(day_end)],
    )
    started = sql.conn.execute("select at from health where name = 'started'").fetchone()
    return Stats(
        users=user_counts(sql, now),
        schedules={habit: schedules[habit] for habit in HABITS if habit in schedules},
        nudges={DeliveryStatus(status): n for status, n in nudges.items()},
        failed=_count(
            sql,
            "select count(*) from deliveries where status = ? and slot >= ?",
            [DeliveryStatus.FAILED, to_epoch(failures_since)],
        ),
        last_error=_last_error(sql),
        started=from_epoch(started[0]) if started else None,
    )


# Logged by the claim without a send: read from the delivery log, by id, past the last seen.
LOGGED_BY_CLAIM = (DeliveryStatus.MISSED, DeliveryStatus.QUIET)

# The next ``limit`` users after ``id``: how many are active, how many were read, the last id.
_ACTIVE_USERS = """
    select coalesce(sum(u.active = 1 and (u.paused_until is null or u.paused_until <= ?) and
        exists (select 1 from schedules s where s.user_id = u.id and s.next_due is not null)), 0),
        count(*), max(u.id)
    from (select id, active, paused_until from users where id > ? order by id limit ?) u
"""
_LOGGED_SINCE = f"""
    select status, habit, count(*) from deliveries
    where id > ? and id <= ? and status in ({", ".join(f"'{s}'" for s in LOGGED_BY_CLAIM)})
    group by status, habit
"""


def count_active_users(sql: Sql, now: int, after_user: int, limit: int) -> tuple[int, int, int]:
    """Writer thread: of the ``limit`` users after ``after_user``, how many are active (a habit
    scheduled, neither paused at ``now`` nor blocked), how many were read, and the last id."""
    active, read, last = sql.conn.execute(_ACTIVE_USERS, [now, after_user, limit]).fetchone()
    return active, read, last


def logged_since(sql: Sql, after_id: int | None) -> tuple[int, list[tuple[str, str, int]]]:
    """Writer thread: the newest delivery id, and the slots logged as missed or quiet after
    ``after_id`` as (status, habit, count). Without ``after_id`` (the first read) none: the
    counters start at zero with the process. The newest id is always the next mark, even when
    it went down (/forget deleted the newest rows): ids above it can only be new rows."""
    last_id = sql.conn.execute("select coalesce(max(id), 0) from deliveries").fetchone()[0]
    logged: list[tuple[str, str, int]] = []
    if after_id is not None and last_id > after_id:
        logged = sql.conn.execute(_LOGGED_SINCE, [after_id, last_id]).fetchall()
    return last_id, logged
