"""The store's SQL, run only on the writer thread: plain synchronous statements over one
connection. Decisions (what a due slot becomes, which nudge comes next, which presses count)
are made by ``delivery_rules`` and ``content``; this module reads and writes what they decide."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlite_utils import Database

from reminder_bot import delivery_rules
from reminder_bot.clock import to_epoch
from reminder_bot.presets import Preset
from reminder_bot.rule_text import format_quiet, format_rule
from reminder_bot.schedule import HABITS, SUMMARY, QuietHours, Rule, next_occurrence
from reminder_bot.status import BUTTON_ACTIONS, UNCONFIRMED, DeliveryStatus
from reminder_bot.store.claims import DELIVERIES_WITH_USER, Claims
from reminder_bot.store.defaults import SUMMARY_DEFAULT
from reminder_bot.store.records import (
    ActionOutcome,
    ActionResult,
    Delivery,
    ScheduleRow,
    User,
    cached_rule,
    delivery_from_row,
    optional_time,
    user_from_row,
)

_UNCONFIRMED = ", ".join(f"'{status}'" for status in UNCONFIRMED)
_REFUSED_SNOOZE = {
    delivery_rules.ResendBlock.QUIET: ActionOutcome.SNOOZE_QUIET,
    delivery_rules.ResendBlock.PAUSED: ActionOutcome.SNOOZE_PAUSED,
}


def stored_quiet(quiet: QuietHours | None) -> str | None:
    """Quiet hours as stored: ``22:00-07:00``, or NULL for none."""
    return None if quiet is None else format_quiet(quiet)


# Every table with rows about one user (by user_id), besides ``users``: /forget deletes from
# them, /export reads them (store/export.py keeps the same list, a test holds them equal).
USER_TABLES = ("deliveries", "daily_counts", "nudge_cycles", "schedules", "checkins")


class Sql(Claims):
    """All reads and writes of the bot's state, synchronous."""

    def __init__(
        self,
        db: Database,
        nudge_ids: Mapping[str, Sequence[str]],
        rng: random.Random,
        preset_work: Mapping[str, str],
        adaptive_presets: frozenset[str] = frozenset(),
    ):
        self.db = db
        self.conn = db.conn
        self.nudge_ids = {habit: list(ids) for habit, ids in nudge_ids.items()}
        self.rng = rng
        # Only a preset's name is stored with a user: its kind of work (which wording fits)
        # comes from the presets loaded at start-up; a preset since removed counts as sitting.
        self.preset_work = dict(preset_work)
        # The presets whose Done on a move nudge restarts its interval (``adaptive_move``).
        self.adaptive_presets = adaptive_presets

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
                # The weekly summary is on by default; a choice made before /stop is kept.
                self.conn.execute(
                    "insert or ignore into schedules (user_id, habit, rule) values (?, ?, ?)",
                    [user_id, SUMMARY, format_rule(SUMMARY_DEFAULT)],
                )
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
            for table in USER_TABLES:
                total += self.db.execute(
                    f"delete from {table} where user_id = ?", [user_id]
                ).rowcount
            total += self.db.execute("delete from users where id = ?", [user_id]).rowcount
        return total

    def schedules(self, user_id: int, kinds: Sequence[str] = HABITS) -> dict[str, ScheduleRow]:
        """The user's rows of ``kinds`` (the four habits, or ``schedule.EXTRAS``), in order."""
        found = self._schedule_rows(user_id)
        return {habit: found[habit] for habit in kinds if habit in found}

    def _schedule_rows(self, user_id: int) -> dict[str, ScheduleRow]:
        rows = self.db.query(
            "select habit, rule, next_due, paused_until from schedules where user_id = ?",
            [user_id],
        )
        return {
            row["habit"]: ScheduleRow(
                row["habit"],
                row["rule"],
                optional_time(row["next_due"]),
                optional_time(row["paused_until"]),
            )
            for row in rows
        }

    def set_habit_pause(
        self, user_id: int, habit: str, until: datetime | None, now: datetime
    ) -> User:
        """Pause one habit (or scheduled message) until ``until``; None resumes it."""
        with self.db.atomic():
            self.conn.execute(
                "update schedules set paused_until = ? where user_id = ? and habit = ?",
                [to_epoch(until) if until else None, user_id, habit],
            )
            return self.update_user(user_id, now)

    def _reschedule(self, user_id: int, now: datetime) -> None:
        user = self._stored_user(user_id)
        for habit, row in self._schedule_rows(user_id).items():
            due = None
            if user.active:
                pauses = [when for when in (user.paused_until, row.paused_until) if when]
                due = next_occurrence(
                    cached_rule(row.rule_text),
                    user.zone,
                    now,
                    quiet=user.quiet,
                    paused_until=max(pauses, default=None),
                )
            self._set_next_due(user_id, habit, due)

    # ----- delivery ------------------------------------------------------------------------

    def unsent(self, now: datetime, *, stale: timedelta) -> list[Delivery]:
        """Deliveries a crash left unconfirmed, to resend while fresh; stale ones are logged."""
        with self.db.atomic():
            self.conn.execute(
                f"update deliveries set status = ? where status in ({_UNCONFIRMED}) and slot < ?",
                [DeliveryStatus.STALE, to_epoch(delivery_rules.stale_before(now, stale))],
            )
            rows = self.db.query(
                DELIVERIES_WITH_USER
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
        *,
        message_id: int | None = None,
    ) -> ActionResult:
        """Apply a button press if the nudge is this user's and still takes it. The pressed
        message must be the one the log sent: a database restored from a backup or replica
        gives a delivery id again, and a press on the old message must not act on the new."""
        if action not in BUTTON_ACTIONS:
            raise ValueError(f"not a button action: {action}")
        with self.db.atomic():
            rows = list(self.db.query("select * from deliveries where id = ?", [delivery_id]))
            if not rows:  # rolled up after REMINDER_BOT_RETENTION_DAYS, or forgotten
                return ActionResult(ActionOutcome.CLOSED)
            delivery = delivery_from_row(rows[0])
            if delivery.user_id != user_id:
                return ActionResult(ActionOutcome.NOT_YOURS)
            if delivery.habit not in HABITS:  # a summary or check-in has no nudge buttons
                return ActionResult(ActionOutcome.CLOSED, delivery)
            if chat_id is not None and delivery.chat_id != chat_id:
                return ActionResult(ActionOutcome.NOT_YOURS)
            sent_as = rows[0]["message_id"]
            if message_id is not None and sent_as is not None and sent_as != message_id:
                return ActionResult(ActionOutcome.CLOSED, delivery)
            if not delivery_rules.accepts_action(delivery.status, action):
                return ActionResult(ActionOutcome.CLOSED, delivery)
            user = self._stored_user(user_id)
            snooze_due = None
            if action == DeliveryStatus.SNOOZED:
                block = delivery_rules.resend_blocked(
                    now + snooze, user.zone, user.quiet, user.paused_until
                )
                if block is not None:
                    return ActionResult(_REFUSED_SNOOZE[block], delivery)
                snooze_due = to_epoch(now + snooze)
            self.conn.execute(
                "update deliveries set status = ?, acted_at = ?, snooze_due = ? where id = ?",
                [action, to_epoch(now), snooze_due, delivery_id],
            )
            updated = {**rows[0], "status": action, "snooze_due": snooze_due}
            rescheduled = action == DeliveryStatus.DONE and self._restart_interval(
                user, delivery.habit, now
            )
            return ActionResult(ActionOutcome.RECORDED, delivery_from_row(updated), rescheduled)

    def adaptive(self, user: User) -> bool:
        """Whether Done on the user's move nudges restarts the interval: their own choice, or
        else their preset's."""
        if user.adaptive_move is not None:
            return user.adaptive_move
        return (user.preset or "") in self.adaptive_presets

    def _restart_interval(self, user: User, habit: str, now: datetime) -> bool:
        """The adaptive move timer: the habit's next nudge one interval after this Done."""
        if habit != delivery_rules.ADAPTIVE_HABIT or not user.active or not self.adaptive(user):
            return False
        rule_text = self._rule_texts(user.id).get(habit)
        if rule_text is None:
            return False
        rule, zone = cached_rule(rule_text), user.zone
        due = delivery_rules.restart_interval(
            rule, zone, now, quiet=user.quiet, paused_until=user.paused_until
        )
        if due is None:
            return False
        self._set_next_due(user.id, habit, due)
        return True

    def user_count(self) -> int:
        return self.db.table("users").count
