"""Everything stored about one user, for /export: their row and every row of theirs in the
tables that /forget empties, times as ISO 8601 in UTC (the database keeps epoch seconds)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from reminder_bot.store.sql import Sql

# Each table that holds rows about a user, in a stable order for the export. /forget deletes
# from the same tables (USER_TABLES in sql.py), so what is exported is what is deleted.
ORDER_BY = {
    "schedules": "habit",
    "deliveries": "id",
    "daily_counts": "day, habit, status",
    "nudge_cycles": "habit",
    "checkins": "day",
}
TIME_COLUMNS = frozenset(
    {
        "created_at",
        "updated_at",
        "paused_until",
        "next_due",
        "slot",
        "queued_at",
        "sent_at",
        "acted_at",
        "snooze_due",
    }
)


def _readable(row: dict[str, Any]) -> dict[str, Any]:
    return {
        column: datetime.fromtimestamp(value, UTC).isoformat()
        if column in TIME_COLUMNS and isinstance(value, int)
        else value
        for column, value in row.items()
    }


def export(sql: Sql, user_id: int) -> dict[str, list[dict[str, Any]]]:
    """Writer thread: the user's row and theirs in every per-user table; empty if unknown."""
    found: dict[str, list[dict[str, Any]]] = {
        "user": [_readable(r) for r in sql.db.query("select * from users where id = ?", [user_id])]
    }
    for table, order in ORDER_BY.items():
        rows = sql.db.query(f"select * from {table} where user_id = ? order by {order}", [user_id])
        found[table] = [_readable(row) for row in rows]
    return found
