"""The user's language, on the writer thread: the one they picked with /language, or else their
Telegram client's, kept in step so that nudges, sent outside any update, use it too."""

from __future__ import annotations

from datetime import datetime

from reminder_bot.clock import to_epoch
from reminder_bot.store.records import User
from reminder_bot.store.sql import Sql


def set_language(sql: Sql, user_id: int, language: str, now: datetime) -> User | None:
    """Store the language the user picked; it wins over their client's from now on."""
    sql.conn.execute(
        "update users set chosen_language = ?, language = ?, updated_at = ? where id = ?",
        [language, language, to_epoch(now), user_id],
    )
    return sql.get_user(user_id)


def get_user_speaking(sql: Sql, user_id: int, client_language: str | None) -> User | None:
    """The stored user (None if unknown), their language first brought in step with their
    Telegram client's (``client_language``, None if it sent none) unless they picked one."""
    if client_language is not None:
        sql.conn.execute(
            "update users set language = ? where id = ? and chosen_language is null "
            "and language is not ?",
            [client_language, user_id, client_language],
        )
    return sql.get_user(user_id)
