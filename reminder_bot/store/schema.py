"""The database schema as sqlite-utils migrations, applied in order at every start."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database, Migrations

from reminder_bot.clock import to_epoch
from reminder_bot.parsing import zone_from_name
from reminder_bot.rule_text import format_rule
from reminder_bot.schedule import SUMMARY, next_occurrence
from reminder_bot.store.defaults import SUMMARY_DEFAULT
from reminder_bot.store.records import cached_quiet, optional_time

migrations = Migrations("reminder_bot")


@migrations(name="001_initial")
def _initial(db: Database) -> None:
    db.table("users").create(
        {
            "id": int,
            "chat_id": int,
            "first_name": str,
            "language": str,
            "timezone": str,
            "quiet": str,
            "paused_until": int,
            "active": int,
            "preset": str,
            "created_at": int,
            "updated_at": int,
            "inactive_reason": str,
        },
        pk="id",
        not_null={"chat_id", "timezone", "active", "created_at", "updated_at"},
        defaults={"active": 1, "language": "en"},
    )
    db.table("schedules").create(
        {"user_id": int, "habit": str, "rule": str, "next_due": int},
        pk=("user_id", "habit"),
        foreign_keys=[("user_id", "users", "id")],
        not_null={"rule"},
    )
    db.table("schedules").create_index(["next_due"], index_name="idx_schedules_next_due")
    db.table("deliveries").create(
        {
            "id": int,
            "user_id": int,
            "chat_id": int,
            "habit": str,
            "slot": int,
            "nudge_id": str,
            "status": str,
            "message_id": int,
            "queued_at": int,
            "sent_at": int,
            "acted_at": int,
            "snooze_due": int,
            "attempts": int,
            "error": str,
        },
        pk="id",
        not_null={"user_id", "chat_id", "habit", "slot", "status", "queued_at"},
        defaults={"attempts": 0},
    )
    db.table("deliveries").create_index(
        ["user_id", "habit", "slot"], unique=True, index_name="idx_deliveries_slot"
    )
    db.table("deliveries").create_index(["status"], index_name="idx_deliveries_status")
    db.table("deliveries").create_index(["snooze_due"], index_name="idx_deliveries_snooze_due")
    db.table("nudge_cycles").create(
        {"user_id": int, "habit": str, "seen": str, "last": str},
        pk=("user_id", "habit"),
        foreign_keys=[("user_id", "users", "id")],
    )


@migrations(name="002_chosen_language")
def _chosen_language(db: Database) -> None:
    """``chosen_language``: what the user picked with /language, NULL until then (``language``
    follows their Telegram client meanwhile). The trigger keeps a pick in force whatever else
    writes ``language`` (a later /start passes the client's)."""
    db.table("users").add_column("chosen_language", str)
    db.execute(
        """
        create trigger users_keep_chosen_language after update of language on users
        when new.chosen_language is not null and new.language is not new.chosen_language
        begin
            update users set language = new.chosen_language where id = new.id;
        end
        """
    )


@migrations(name="003_health")
def _health(db: Database) -> None:
    """``health``: when the running bot last showed it was alive, one row per signal (UTC epoch
    seconds): ``heartbeat`` (its event loop and JobQueue run) and ``polled`` (the last getUpdates
    the Bot API answered). ``reminder-bot healthcheck`` reads them from another process."""
    db.table("health").create({"name": str, "at": int}, pk="name", not_null={"at"})


@migrations(name="004_daily_counts")
def _daily_counts(db: Database) -> None:
    """``daily_counts``: delivery-log rows older than the retention period, rolled up
    (``store.retention``) into how many slots of a habit ended in each status on one of the
    user's own calendar days (``YYYY-MM-DD`` in their time zone when rolled up). A slot is counted
    here or kept as a row of ``deliveries``, never both, so a day's totals are the two added up.
    The index on ``deliveries.slot`` finds the rows past retention (and /admin's day) without a
    scan of the whole log."""
    # Without a rowid the table is its primary key's B-tree: each count is stored once, not
    # once in the table and again in the key's index (half the size).
    db.execute(
        """
        create table daily_counts (
            user_id integer not null references users(id),
            habit text not null,
            day text not null,
            status text not null,
            count integer not null,
            primary key (user_id, habit, day, status)
        ) without rowid
        """
    )
    db.table("deliveries").create_index(["slot"], index_name="idx_deliveries_slot_time")


@migrations(name="005_progress")
def _progress(db: Database) -> None:
    """``schedules.paused_until``: a pause of one habit on top of the user's (the safety gate
    pauses stretch for 7 days); ``users.adaptive_move``: the user's own choice of the adaptive
    move timer, NULL for their preset's; ``checkins``: one pain score (0-10) per user and local
    day. Every user gets the weekly summary, on by default, next due from now."""
    db.table("schedules").add_column("paused_until", int)
    db.table("users").add_column("adaptive_move", int)
    db.execute(
        """
        create table checkins (
            user_id integer not null references users(id),
            day text not null,
            pain integer not null check (pain between 0 and 10),
            at integer not null,
            primary key (user_id, day)
        ) without rowid
        """
    )
    now = datetime.now(UTC)
    users = db.query("select id, timezone, quiet, paused_until, active from users")
    db.table("schedules").insert_all(
        (
            {
                "user_id": user["id"],
                "habit": SUMMARY,
                "rule": format_rule(SUMMARY_DEFAULT),
                "next_due": _first_summary(user, now),
            }
            for user in list(users)
        ),
        ignore=True,
    )


def _first_summary(user: dict[str, Any], now: datetime) -> int | None:
    if not user["active"]:
        return None
    due = next_occurrence(
        SUMMARY_DEFAULT,
        zone_from_name(str(user["timezone"])),
        now,
        quiet=cached_quiet(str(user["quiet"])) if user["quiet"] else None,
        paused_until=optional_time(user["paused_until"]),
    )
    return to_epoch(due) if due else None
