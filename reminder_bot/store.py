"""SQLite, the single source of truth: users, their schedules with the next due time of each (UTC
epoch seconds, indexed) and the delivery log keyed by slot (user, habit, due time).

Every method is synchronous and runs on one dedicated writer thread (``Store.run``), so SQLite
work never blocks the event loop and writes are serialised without locks.
"""

from __future__ import annotations

import asyncio
import json
import random
import sqlite3
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from sqlite_utils import Database, Migrations

from reminder_bot import parsing
from reminder_bot.clock import from_epoch, to_epoch
from reminder_bot.content import choose_nudge
from reminder_bot.parsing import format_rule, parse_quiet, parse_rule, zone_from_name
from reminder_bot.presets import Preset
from reminder_bot.schedule import HABITS, QuietHours, next_occurrence, slot_is_quiet

# Users share a handful of rule texts, zones and quiet ranges: parse each once.
cached_rule = lru_cache(maxsize=4096)(parse_rule)
cached_quiet = lru_cache(maxsize=1024)(parse_quiet)
cached_zone = lru_cache(maxsize=1024)(zone_from_name)

P = ParamSpec("P")
T = TypeVar("T")

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


# What a delivery row's status means (the delivery log is the basis of stats):
# queued   claimed for its slot, not yet tried (after a crash: resent if still fresh)
# sending  the HTTP call is under way; after a crash Telegram may or may not have it: resent
#          (at-least-once), so a duplicate can only come from a send in flight at the crash
# sent     Telegram accepted it; waiting for a button press
# done / skipped / snoozed   the user pressed that button (snoozed: a resend is due at snooze_due)
# resent   the snoozed nudge went out again
# missed   the bot was down longer than the catch-up window at the slot's time
# quiet    the slot came due while the user's quiet hours had begun (a quiet change after queueing)
# stale    it waited in the send queue past the stale limit and was dropped
# failed   Telegram refused it for good (e.g. 400); `error` says why
# blocked  the user had blocked the bot
# superseded  a newer slot of the same habit was claimed before this one could be resent
ACTIONS = ("done", "skipped", "snoozed")


@dataclass(frozen=True)
class User:
    id: int
    chat_id: int
    first_name: str
    language: str
    timezone: str
    quiet: QuietHours | None
    paused_until: datetime | None
    active: bool
    preset: str | None

    @property
    def zone(self) -> tzinfo:
        return zone_from_name(self.timezone)


@dataclass(frozen=True)
class ScheduleRow:
    habit: str
    rule_text: str
    next_due: datetime | None


@dataclass(frozen=True)
class Delivery:
    id: int
    user_id: int
    chat_id: int
    habit: str
    slot: datetime
    nudge_id: str | None
    status: str
    message_id: int | None
    snooze_due: datetime | None
    language: str = "en"
    timezone: str = "UTC"


def _user_from_row(row: Mapping[str, Any]) -> User:
    return User(
        id=row["id"],
        chat_id=row["chat_id"],
        first_name=row["first_name"] or "",
        language=row["language"] or "en",
        timezone=row["timezone"],
        quiet=parse_quiet(row["quiet"]) if row["quiet"] else None,
        paused_until=from_epoch(row["paused_until"]) if row["paused_until"] else None,
        active=bool(row["active"]),
        preset=row["preset"],
    )


def _delivery_from_row(row: Mapping[str, Any]) -> Delivery:
    return Delivery(
        id=row["id"],
        user_id=row["user_id"],
        chat_id=row["chat_id"],
        habit=row["habit"],
        slot=from_epoch(row["slot"]),
        nudge_id=row["nudge_id"],
        status=row["status"],
        message_id=row["message_id"],
        snooze_due=from_epoch(row["snooze_due"]) if row["snooze_due"] else None,
        language=row.get("language") or "en",
        timezone=row.get("timezone") or "UTC",
    )


def format_quiet(quiet: QuietHours | None) -> str | None:
    """Quiet hours as stored: ``22:00-07:00``, or NULL for none."""
    return None if quiet is None else parsing.format_quiet(quiet)


class Store:
    """All reads and writes of the bot's state."""

    def __init__(
        self,
        path: Path | str,
        nudge_ids: Mapping[str, Sequence[str]] | None = None,
        *,
        rng: random.Random | None = None,
    ) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        # Opened by hand: sqlite-utils' default connection refuses use from another thread,
        # and all access goes through the single writer thread below.
        self.conn = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self.db = Database(self.conn)
        if str(path) != ":memory:":
            self.db.enable_wal()
        # NORMAL is durable across application crashes in WAL mode (only an OS crash can lose
        # the last commits), and it keeps each small transaction cheap.
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.conn.execute("PRAGMA busy_timeout=5000")
        migrations.apply(self.db)
        self.nudge_ids = {habit: list(ids) for habit, ids in (nudge_ids or {}).items()}
        self.rng = rng or random.Random()
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-writer")

    async def run(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """Run one store method on the writer thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, partial(fn, *args, **kwargs))

    def close(self) -> None:
        self._executor.shutdown(wait=True)
        self.conn.close()

    # ----- users -------------------------------------------------------------------------

    def get_user(self, user_id: int) -> User | None:
        rows = list(self.db.query("select * from users where id = ?", [user_id]))
        return _user_from_row(rows[0]) if rows else None

    def start_user(
        self,
        user_id: int,
        chat_id: int,
        first_name: str,
        language: str | None,
        timezone: str,
        preset: Preset,
        now: datetime,
    ) -> tuple[User, bool]:
        """Register a user with ``preset`` active, or reactivate one; return (user, created)."""
        epoch = to_epoch(now)
        with self.db.atomic():
            existing = self.get_user(user_id)
            if existing is None:
                self.db.table("users").insert(
                    {
                        "id": user_id,
                        "chat_id": chat_id,
                        "first_name": first_name,
                        "language": language or "en",
                        "timezone": timezone,
                        "quiet": format_quiet(preset.quiet),
                        "paused_until": None,
                        "active": 1,
                        "preset": preset.name,
                        "created_at": epoch,
                        "updated_at": epoch,
                    }
                )
                self._write_rules(user_id, preset.rules)
            else:
                self.db.table("users").update(
                    user_id,
                    {
                        "chat_id": chat_id,
                        "first_name": first_name,
                        "language": language or existing.language,
                        "active": 1,
                        "inactive_reason": None,
                        "updated_at": epoch,
                    },
                )
                if not self._rule_texts(user_id):
                    self._write_rules(user_id, preset.rules)
            self._reschedule(user_id, now)
        user = self.get_user(user_id)
        assert user is not None
        return user, existing is None

    def _write_rules(self, user_id: int, rules: Mapping[str, Any]) -> None:
        self.db.table("schedules").upsert_all(
            [
                {"user_id": user_id, "habit": habit, "rule": format_rule(rules[habit])}
                for habit in HABITS
            ],
            pk=("user_id", "habit"),
        )

    def _rule_texts(self, user_id: int) -> dict[str, str]:
        rows = self.db.query("select habit, rule from schedules where user_id = ?", [user_id])
        return {row["habit"]: row["rule"] for row in rows}

    def _update_user(self, user_id: int, now: datetime, **fields: Any) -> None:
        self.db.table("users").update(user_id, {**fields, "updated_at": to_epoch(now)})

    def set_timezone(self, user_id: int, timezone: str, now: datetime) -> None:
        with self.db.atomic():
            self._update_user(user_id, now, timezone=timezone)
            self._reschedule(user_id, now)

    def set_rule(self, user_id: int, habit: str, rule: Any, now: datetime) -> None:
        with self.db.atomic():
            self.db.table("schedules").upsert(
                {"user_id": user_id, "habit": habit, "rule": format_rule(rule)},
                pk=("user_id", "habit"),
            )
            self._reschedule(user_id, now)

    def apply_preset(self, user_id: int, preset: Preset, now: datetime) -> None:
        with self.db.atomic():
            self._write_rules(user_id, preset.rules)
            self._update_user(user_id, now, preset=preset.name, quiet=format_quiet(preset.quiet))
            self._reschedule(user_id, now)

    def set_quiet(self, user_id: int, quiet: QuietHours | None, now: datetime) -> None:
        with self.db.atomic():
            self._update_user(user_id, now, quiet=format_quiet(quiet))
            self._reschedule(user_id, now)

    def set_pause(self, user_id: int, until: datetime | None, now: datetime) -> None:
        with self.db.atomic():
            self._update_user(user_id, now, paused_until=to_epoch(until) if until else None)
            self._reschedule(user_id, now)

    def deactivate(self, user_id: int, reason: str, now: datetime) -> None:
        """Stop every nudge to the user (``/stop`` or a block); their data stays."""
        with self.db.atomic():
            self._update_user(user_id, now, active=0, inactive_reason=reason)
            self.db.execute("update schedules set next_due = null where user_id = ?", [user_id])
            # A snoozed nudge must not come back to a user who asked for silence.
            self.db.execute(
                "update deliveries set snooze_due = null where user_id = ? and snooze_due is "
                "not null",
                [user_id],
            )

    def forget(self, user_id: int) -> int:
        """Delete every row about the user; return how many rows went."""
        with self.db.atomic():
            total = 0
            for table in ("deliveries", "nudge_cycles", "schedules"):
                total += self.db.execute(
                    f"delete from {table} where user_id = ?", [user_id]
                ).rowcount
            total += self.db.execute("delete from users where id = ?", [user_id]).rowcount
        return total

    def schedules(self, user_id: int) -> dict[str, ScheduleRow]:
        rows = self.db.query(
            "select habit, rule, next_due from schedules where user_id = ?", [user_id]
        )
        result = {
            row["habit"]: ScheduleRow(
                row["habit"], row["rule"], from_epoch(row["next_due"]) if row["next_due"] else None
            )
            for row in rows
        }
        return {habit: result[habit] for habit in HABITS if habit in result}

    def _reschedule(self, user_id: int, now: datetime, after: datetime | None = None) -> None:
        user = self.get_user(user_id)
        if user is None:
            return
        for habit, rule_text in self._rule_texts(user_id).items():
            due = None
            if user.active:
                due = next_occurrence(
                    parse_rule(rule_text),
                    user.zone,
                    after or now,
                    quiet=user.quiet,
                    paused_until=user.paused_until,
                )
            self.db.execute(
                "update schedules set next_due = ? where user_id = ? and habit = ?",
                [to_epoch(due) if due else None, user_id, habit],
            )

    # ----- delivery ------------------------------------------------------------------------

    def claim_due(
        self, now: datetime, *, limit: int, catch_up: timedelta
    ) -> tuple[list[Delivery], int]:
        """Turn due schedule rows into delivery rows and advance each schedule.

        Returns the deliveries to send now and how many slots were logged without sending
        (missed after downtime, or quiet). One transaction: a crash leaves either both the log
        row and the advanced schedule, or neither.
        """
        epoch_now = to_epoch(now)
        to_send: list[Delivery] = []
        logged = 0
        with self.db.atomic():
            rows = list(
                self.db.query(
                    """
                    select s.user_id, s.habit, s.rule, s.next_due, u.chat_id, u.timezone,
                           u.quiet, u.paused_until, u.language
                    from schedules s join users u on u.id = s.user_id
                    where s.next_due is not null and s.next_due <= ? and u.active = 1
                    order by s.next_due, s.user_id
                    limit ?
                    """,
                    [epoch_now, limit],
                )
            )
            for row in rows:
                delivery, was_logged = self._claim_row(row, now, catch_up)
                logged += was_logged
                if delivery is not None:
                    to_send.append(delivery)
        return to_send, logged

    def _claim_row(
        self, row: Mapping[str, Any], now: datetime, catch_up: timedelta
    ) -> tuple[Delivery | None, int]:
        """Log one due schedule row and advance it; return the delivery to send, if any, and
        how many slots were logged without sending."""
        user_id, habit = row["user_id"], row["habit"]
        zone = cached_zone(row["timezone"])
        quiet = cached_quiet(row["quiet"]) if row["quiet"] else None
        paused = from_epoch(row["paused_until"]) if row["paused_until"] else None
        rule = cached_rule(row["rule"])
        slot = from_epoch(row["next_due"])
        logged = 0
        if now - slot > catch_up:
            # Down past the catch-up window: log the slot as missed, and of all the slots
            # since, keep at most the latest one, and only if it is recent enough.
            self._log_slot(row, slot, "missed", None, now)
            logged += 1
            recent = None
            candidate = next_occurrence(
                rule, zone, now - catch_up, quiet=quiet, paused_until=paused
            )
            while candidate is not None and candidate <= now:
                recent = candidate
                candidate = next_occurrence(
                    rule, zone, candidate, quiet=quiet, paused_until=paused
                )
            slot = recent or slot
        delivery = None
        if now - slot <= catch_up:
            if slot_is_quiet(now.astimezone(zone).time(), quiet):
                self._log_slot(row, slot, "quiet", None, now)
                logged += 1
            else:
                # Only the newest slot of a habit is worth resending after a crash.
                self.db.execute(
                    "update deliveries set status = 'superseded' where user_id = ? and "
                    "habit = ? and status = 'queued'",
                    [user_id, habit],
                )
                nudge_id = self._next_nudge(user_id, habit)
                delivery_id = self._log_slot(row, slot, "queued", nudge_id, now)
                if delivery_id is not None:
                    delivery = Delivery(
                        id=delivery_id,
                        user_id=user_id,
                        chat_id=row["chat_id"],
                        habit=habit,
                        slot=slot,
                        nudge_id=nudge_id,
                        status="queued",
                        message_id=None,
                        snooze_due=None,
                        language=row["language"] or "en",
                        timezone=row["timezone"],
                    )
        following = next_occurrence(rule, zone, max(now, slot), quiet=quiet, paused_until=paused)
        self.db.execute(
            "update schedules set next_due = ? where user_id = ? and habit = ?",
            [to_epoch(following) if following else None, user_id, habit],
        )
        return delivery, logged

    def _log_slot(
        self,
        row: Mapping[str, Any],
        slot: datetime,
        status: str,
        nudge_id: str | None,
        now: datetime,
    ) -> int | None:
        """Insert the slot's delivery row; None if the slot was already logged (never twice)."""
        cursor = self.db.execute(
            """
            insert or ignore into deliveries
                (user_id, chat_id, habit, slot, nudge_id, status, queued_at, attempts)
            values (?, ?, ?, ?, ?, ?, ?, 0)
            """,
            [
                row["user_id"],
                row["chat_id"],
                row["habit"],
                to_epoch(slot),
                nudge_id,
                status,
                to_epoch(now),
            ],
        )
        return cursor.lastrowid if cursor.rowcount else None

    def _next_nudge(self, user_id: int, habit: str) -> str | None:
        ids = self.nudge_ids.get(habit)
        if not ids:
            return None
        rows = list(
            self.db.query(
                "select seen, last from nudge_cycles where user_id = ? and habit = ?",
                [user_id, habit],
            )
        )
        seen = json.loads(rows[0]["seen"]) if rows else []
        last = rows[0]["last"] if rows else None
        chosen, restarted = choose_nudge(ids, seen, last, self.rng)
        seen = [chosen] if restarted else [*seen, chosen]
        # Plain SQL: this runs once per nudge, and sqlite-utils' upsert introspects the table.
        self.conn.execute(
            "insert into nudge_cycles (user_id, habit, seen, last) values (?, ?, ?, ?) "
            "on conflict (user_id, habit) "
            "do update set seen = excluded.seen, last = excluded.last",
            [user_id, habit, json.dumps(seen), chosen],
        )
        return chosen

    def unsent(self, now: datetime, *, stale: timedelta) -> list[Delivery]:
        """Deliveries a crash left unconfirmed: ``queued`` (never tried) and ``sending`` (tried;
        Telegram may or may not have them). Both are resent if still fresh: at-least-once, so
        only a send in flight at the crash can turn into a duplicate. Stale ones are logged."""
        with self.db.atomic():
            self.db.execute(
                "update deliveries set status = 'stale' "
                "where status in ('queued', 'sending') and slot < ?",
                [to_epoch(now - stale)],
            )
            rows = self.db.query(
                """
                select d.*, u.language, u.timezone from deliveries d
                join users u on u.id = d.user_id
                where d.status in ('queued', 'sending') and u.active = 1
                order by d.slot, d.id
                """
            )
            return [_delivery_from_row(row) for row in rows]

    def due_snoozes(self, now: datetime, *, limit: int) -> list[Delivery]:
        rows = self.db.query(
            """
            select d.*, u.language, u.timezone from deliveries d join users u on u.id = d.user_id
            where d.snooze_due is not null and d.snooze_due <= ? and u.active = 1
            order by d.snooze_due limit ?
            """,
            [to_epoch(now), limit],
        )
        return [_delivery_from_row(row) for row in rows]

    def mark(self, delivery_id: int, status: str, now: datetime, **fields: Any) -> None:
        self.db.table("deliveries").update(delivery_id, {"status": status, **fields})

    # The next three run once per message on the hot path: plain statements, no lookups.

    def mark_sending(self, delivery_id: int) -> None:
        """Written just before the HTTP call, so a crash leaves a trace of what was in flight."""
        self.conn.execute(
            "update deliveries set status = 'sending', attempts = attempts + 1 where id = ?",
            [delivery_id],
        )

    def mark_sent(
        self, delivery_id: int, message_id: int, now: datetime, error: str | None = None
    ) -> None:
        self.conn.execute(
            "update deliveries set status = 'sent', message_id = ?, sent_at = ?, error = ? "
            "where id = ?",
            [message_id, to_epoch(now), error, delivery_id],
        )

    def mark_resent(self, delivery_id: int, message_id: int, now: datetime) -> None:
        self.conn.execute(
            "update deliveries set status = 'resent', message_id = ?, snooze_due = null, "
            "sent_at = ? where id = ?",
            [message_id, to_epoch(now), delivery_id],
        )

    def get_delivery(self, delivery_id: int) -> Delivery | None:
        rows = list(self.db.query("select * from deliveries where id = ?", [delivery_id]))
        return _delivery_from_row(rows[0]) if rows else None

    def record_action(
        self, delivery_id: int, user_id: int, action: str, now: datetime, snooze: timedelta
    ) -> Delivery | None:
        """Apply a button press; None when the nudge is not this user's or is already settled."""
        if action not in ACTIONS:
            raise ValueError(action)
        with self.db.atomic():
            delivery = self.get_delivery(delivery_id)
            if delivery is None or delivery.user_id != user_id:
                return None
            if delivery.status not in ("sent", "resent"):
                return None
            if action == "snoozed" and delivery.status == "resent":
                # A nudge comes back once; a second snooze would turn it into nagging.
                return None
            fields: dict[str, Any] = {"status": action, "acted_at": to_epoch(now)}
            if action == "snoozed":
                fields["snooze_due"] = to_epoch(now + snooze)
            self.db.table("deliveries").update(delivery_id, fields)
        return self.get_delivery(delivery_id)

    def next_wake(self) -> datetime | None:
        """The earliest instant anything is due: a schedule slot or a snoozed nudge."""
        row = next(
            self.db.query(
                """
                select min(t) as t from (
                  select min(next_due) as t from schedules where next_due is not null
                  union all
                  select min(snooze_due) from deliveries where snooze_due is not null
                )
                """
            )
        )
        return from_epoch(row["t"]) if row["t"] is not None else None

    def user_count(self) -> int:
        return self.db.table("users").count
