"""The store's SQL, run only on the writer thread: plain synchronous statements over one
connection. Decisions (what a due slot becomes, which nudge comes next, which presses count)
are made by ``delivery_rules`` and ``content``; this module reads and writes what they decide."""

from __future__ import annotations

import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlite_utils import Database

from reminder_bot import delivery_rules
from reminder_bot.clock import from_epoch, to_epoch
from reminder_bot.content import next_nudge
from reminder_bot.presets import Preset
from reminder_bot.rule_text import format_quiet, format_rule
from reminder_bot.schedule import HABITS, QuietHours, Rule, next_occurrence
from reminder_bot.status import BUTTON_ACTIONS, UNCONFIRMED, DeliveryStatus
from reminder_bot.store.records import (
    ActionOutcome,
    ActionResult,
    Delivery,
    ScheduleRow,
    User,
    cached_quiet,
    cached_rule,
    cached_zone,
    delivery_from_row,
    optional_time,
    user_from_row,
)

_DUE_ROWS = """
    select s.user_id, s.habit, s.rule, s.next_due, u.chat_id, u.timezone, u.quiet,
           u.paused_until, u.language
    from schedules s join users u on u.id = s.user_id
    where s.next_due is not null and s.next_due <= ? and u.active = 1
    order by s.next_due, s.user_id
    limit ?
"""
_DELIVERIES_WITH_USER = """
    select d.*, u.language, u.timezone, u.quiet from deliveries d
    join users u on u.id = d.user_id
"""
_UNCONFIRMED = ", ".join(f"'{status}'" for status in UNCONFIRMED)


@dataclass(frozen=True)
class Claim:
    """One tick's work: nudges to send, snoozed nudges to send again, how many slots were
    logged without sending (missed or quiet), and when anything is due next."""

    deliveries: list[Delivery]
    snoozed: list[Delivery]
    logged: int
    next_wake: datetime | None


def stored_quiet(quiet: QuietHours | None) -> str | None:
    """Quiet hours as stored: ``22:00-07:00``, or NULL for none."""
    return None if quiet is None else format_quiet(quiet)


class Sql:
    """All reads and writes of the bot's state, synchronous."""

    def __init__(self, db: Database, nudge_ids: Mapping[str, Sequence[str]], rng: random.Random):
        self.db = db
        self.conn = db.conn
        self.nudge_ids = {habit: list(ids) for habit, ids in nudge_ids.items()}
        self.rng = rng

    # ----- users -------------------------------------------------------------------------

    def get_user(self, user_id: int) -> User | None:
        rows = list(self.db.query("select * from users where id = ?", [user_id]))
        return user_from_row(rows[0]) if rows else None

    def _stored_user(self, user_id: int) -> User:
        user = self.get_user(user_id)
        if user is None:
            raise LookupError(f"no user {user_id}")
        return user

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
            fields = {"chat_id": chat_id, "first_name": first_name, "updated_at": epoch}
            if existing is None:
                self.db.table("users").insert(
                    {
                        **fields,
                        "id": user_id,
                        "language": language or "en",
                        "timezone": timezone,
                        "quiet": stored_quiet(preset.quiet),
                        "active": 1,
                        "preset": preset.name,
                        "created_at": epoch,
                    }
                )
            else:
                fields.update(
                    language=language or existing.language, active=1, inactive_reason=None
                )
                self.db.table("users").update(user_id, fields)
            if existing is None or not self._rule_texts(user_id):
                self._write_rules(user_id, preset.rules)
            self._reschedule(user_id, now)
            return self._stored_user(user_id), existing is None

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

    def update_user(self, user_id: int, now: datetime, **fields: Any) -> User:
        """Change the user's settings and reschedule every habit in one transaction."""
        with self.db.atomic():
            self.db.table("users").update(user_id, {**fields, "updated_at": to_epoch(now)})
            self._reschedule(user_id, now)
            return self._stored_user(user_id)

    def set_timezone(self, user_id: int, timezone: str, now: datetime) -> User:
        return self.update_user(user_id, now, timezone=timezone)

    def set_quiet(self, user_id: int, quiet: QuietHours | None, now: datetime) -> User:
        return self.update_user(user_id, now, quiet=stored_quiet(quiet))

    def set_pause(self, user_id: int, until: datetime | None, now: datetime) -> User:
        return self.update_user(user_id, now, paused_until=to_epoch(until) if until else None)

    def set_rule(self, user_id: int, habit: str, rule: Rule, now: datetime) -> User:
        with self.db.atomic():
            self.db.table("schedules").upsert(
                {"user_id": user_id, "habit": habit, "rule": format_rule(rule)},
                pk=("user_id", "habit"),
            )
            self._reschedule(user_id, now)
            return self._stored_user(user_id)

    def apply_preset(self, user_id: int, preset: Preset, now: datetime) -> User:
        with self.db.atomic():
            self._write_rules(user_id, preset.rules)
            return self.update_user(
                user_id, now, preset=preset.name, quiet=stored_quiet(preset.quiet)
            )

    def deactivate(self, user_id: int, reason: str, now: datetime) -> None:
        """Stop every nudge to the user (``/stop`` or a block); their data stays."""
        with self.db.atomic():
            self.db.table("users").update(
                user_id, {"active": 0, "inactive_reason": reason, "updated_at": to_epoch(now)}
            )
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
        found = {
            row["habit"]: ScheduleRow(row["habit"], row["rule"], optional_time(row["next_due"]))
            for row in rows
        }
        return {habit: found[habit] for habit in HABITS if habit in found}

    def _reschedule(self, user_id: int, now: datetime) -> None:
        user = self._stored_user(user_id)
        for habit, rule_text in self._rule_texts(user_id).items():
            due = None
            if user.active:
                due = next_occurrence(
                    cached_rule(rule_text),
                    user.zone,
                    now,
                    quiet=user.quiet,
                    paused_until=user.paused_until,
                )
            self._set_next_due(user_id, habit, due)

    def _set_next_due(self, user_id: int, habit: str, due: datetime | None) -> None:
        self.conn.execute(
            "update schedules set next_due = ? where user_id = ? and habit = ?",
            [to_epoch(due) if due else None, user_id, habit],
        )

    # ----- delivery ------------------------------------------------------------------------

    def claim(self, now: datetime, *, limit: int, catch_up: timedelta) -> Claim:
        """Turn due schedule rows into delivery rows and advance each schedule; take the due
        snoozed nudges. One transaction: a crash leaves either both the log row and the
        advanced schedule, or neither."""
        deliveries: list[Delivery] = []
        logged = 0
        with self.db.atomic():
            for row in list(self.db.query(_DUE_ROWS, [to_epoch(now), limit])):
                delivery, row_logged = self._claim_row(row, now, catch_up)
                logged += row_logged
                if delivery is not None:
                    deliveries.append(delivery)
            snoozed = self._take_snoozes(now, limit)
            return Claim(deliveries, snoozed, logged, self.next_wake())

    def _claim_row(
        self, row: Mapping[str, Any], now: datetime, catch_up: timedelta
    ) -> tuple[Delivery | None, int]:
        """Log one due schedule row as the rules decide and advance it."""
        user_id, habit = row["user_id"], row["habit"]
        plan = delivery_rules.plan_due_slot(
            from_epoch(row["next_due"]),
            cached_rule(row["rule"]),
            cached_zone(row["timezone"]),
            quiet=cached_quiet(row["quiet"]) if row["quiet"] else None,
            paused_until=optional_time(row["paused_until"]),
            now=now,
            catch_up=catch_up,
        )
        for slot, status in plan.logged:
            self._log_slot(row, slot, status, None, now)
        delivery = None
        if plan.send is not None:
            self.conn.execute(
                "update deliveries set status = ? where user_id = ? and habit = ? and status = ?",
                [DeliveryStatus.SUPERSEDED, user_id, habit, DeliveryStatus.QUEUED],
            )
            nudge_id = self._next_nudge(user_id, habit)
            delivery_id = self._log_slot(row, plan.send, DeliveryStatus.QUEUED, nudge_id, now)
            if delivery_id is not None:
                delivery = delivery_from_row(
                    {**row, "id": delivery_id, "slot": to_epoch(plan.send), "nudge_id": nudge_id}
                    | {"status": DeliveryStatus.QUEUED, "message_id": None, "snooze_due": None}
                )
        self._set_next_due(user_id, habit, plan.next_due)
        return delivery, len(plan.logged)

    def _log_slot(
        self,
        row: Mapping[str, Any],
        slot: datetime,
        status: DeliveryStatus,
        nudge_id: str | None,
        now: datetime,
    ) -> int | None:
        """Insert the slot's delivery row; None if the slot was already logged (never twice)."""
        cursor = self.conn.execute(
            "insert or ignore into deliveries (user_id, chat_id, habit, slot, nudge_id, status,"
            " queued_at, attempts) values (?, ?, ?, ?, ?, ?, ?, 0)",
            [row["user_id"], row["chat_id"], row["habit"], to_epoch(slot), nudge_id, status]
            + [to_epoch(now)],
        )
        return cursor.lastrowid if cursor.rowcount else None

    def _next_nudge(self, user_id: int, habit: str) -> str | None:
        ids = self.nudge_ids.get(habit)
        if not ids:
            return None
        found = self.conn.execute(
            "select seen, last from nudge_cycles where user_id = ? and habit = ?",
            [user_id, habit],
        ).fetchone()
        seen, last = (json.loads(found[0]), found[1]) if found else ([], None)
        chosen, seen = next_nudge(ids, seen, last, self.rng)
        self.conn.execute(
            "insert into nudge_cycles (user_id, habit, seen, last) values (?, ?, ?, ?) "
            "on conflict (user_id, habit) "
            "do update set seen = excluded.seen, last = excluded.last",
            [user_id, habit, json.dumps(seen), chosen],
        )
        return chosen

    def _take_snoozes(self, now: datetime, limit: int) -> list[Delivery]:
        """The snoozed nudges due now, their snooze cleared so no later tick takes them."""
        rows = self.db.query(
            _DELIVERIES_WITH_USER + "where d.snooze_due is not null and d.snooze_due <= ? "
            "and u.active = 1 order by d.snooze_due limit ?",
            [to_epoch(now), limit],
        )
        taken = [delivery_from_row(row) for row in rows]
        self.conn.executemany(
            "update deliveries set snooze_due = null where id = ?", [[d.id] for d in taken]
        )
        return taken

    def unsent(self, now: datetime, *, stale: timedelta) -> list[Delivery]:
        """Deliveries a crash left unconfirmed, to resend while fresh; stale ones are logged."""
        with self.db.atomic():
            self.conn.execute(
                f"update deliveries set status = ? where status in ({_UNCONFIRMED}) and slot < ?",
                [DeliveryStatus.STALE, to_epoch(delivery_rules.stale_before(now, stale))],
            )
            rows = self.db.query(
                _DELIVERIES_WITH_USER
                + f"where d.status in ({_UNCONFIRMED}) and u.active = 1 order by d.slot, d.id"
            )
            return [delivery_from_row(row) for row in rows]

    def mark(self, delivery_id: int, status: DeliveryStatus, error: str | None = None) -> None:
        self.conn.execute(
            "update deliveries set status = ?, error = coalesce(?, error) where id = ?",
            [status, error, delivery_id],
        )

    def mark_sending(self, delivery_id: int) -> None:
        """Written just before the HTTP call, so a crash leaves a trace of what was in flight."""
        self.conn.execute(
            "update deliveries set status = ?, attempts = attempts + 1 where id = ?",
            [DeliveryStatus.SENDING, delivery_id],
        )

    def mark_sent(
        self, delivery_id: int, message_id: int, now: datetime, *, resent: bool, error: str | None
    ) -> None:
        status = DeliveryStatus.RESENT if resent else DeliveryStatus.SENT
        self.conn.execute(
            "update deliveries set status = ?, message_id = ?, sent_at = ?, "
            "error = coalesce(?, error) where id = ?",
            [status, message_id, to_epoch(now), error, delivery_id],
        )

    def record_action(
        self,
        delivery_id: int,
        user_id: int,
        chat_id: int | None,
        action: DeliveryStatus,
        now: datetime,
        snooze: timedelta,
    ) -> ActionResult:
        """Apply a button press if the nudge is this user's and still takes it."""
        if action not in BUTTON_ACTIONS:
            raise ValueError(f"not a button action: {action}")
        with self.db.atomic():
            rows = list(self.db.query("select * from deliveries where id = ?", [delivery_id]))
            delivery = delivery_from_row(rows[0]) if rows else None
            if delivery is None or delivery.user_id != user_id:
                return ActionResult(ActionOutcome.NOT_YOURS)
            if chat_id is not None and delivery.chat_id != chat_id:
                return ActionResult(ActionOutcome.NOT_YOURS)
            if not delivery_rules.accepts_action(delivery.status, action):
                return ActionResult(ActionOutcome.CLOSED, delivery)
            snooze_due = to_epoch(now + snooze) if action == DeliveryStatus.SNOOZED else None
            self.conn.execute(
                "update deliveries set status = ?, acted_at = ?, snooze_due = ? where id = ?",
                [action, to_epoch(now), snooze_due, delivery_id],
            )
            updated = {**rows[0], "status": action, "snooze_due": snooze_due}
            return ActionResult(ActionOutcome.RECORDED, delivery_from_row(updated))

    def next_wake(self) -> datetime | None:
        """The earliest instant anything is due: a schedule slot or a snoozed nudge."""
        row = self.conn.execute(
            "select min(t) from (select min(next_due) as t from schedules union all "
            "select min(snooze_due) from deliveries)"
        ).fetchone()
        return from_epoch(row[0]) if row[0] is not None else None

    def user_count(self) -> int:
        return self.db.table("users").count
