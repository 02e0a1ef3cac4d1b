"""What the settings menu reads and writes besides rules and pauses: the last slot logged of a
scheduled message (so "turn the weekly summary back on" restores its day and time, though "off"
is stored as the rule ``off``) and the user's own choice of the adaptive move timer."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from reminder_bot.store.records import User, optional_time
from reminder_bot.store.sql import Sql


def last_slots(sql: Sql, user_id: int, habits: Sequence[str]) -> dict[str, datetime]:
    """The latest slot still in the delivery log for each of ``habits`` that has one."""
    marks = ",".join("?" * len(habits))
    found = sql.conn.execute(
        f"select habit, max(slot) from deliveries where user_id = ? and habit in ({marks})"
        " group by habit",
        [user_id, *habits],
    ).fetchall()
    return {habit: when for habit, slot in found if (when := optional_time(slot)) is not None}


def set_adaptive_move(sql: Sql, user_id: int, on: bool | None, now: datetime) -> User:
    """Done on move restarts its interval (True) or not (False); None: as the preset has it."""
    return sql.update_user(user_id, now, adaptive_move=None if on is None else int(on))
