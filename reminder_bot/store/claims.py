"""Claiming what is due, on the writer thread: due schedule rows become delivery rows as
``delivery_rules.plan_due_slot`` decides, each with the nudge ``content`` picks next, and the
schedules advance, all in one transaction with the due snoozes and the next wake-up time."""

from __future__ import annotations

import json
import random
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlite_utils import Database

from reminder_bot import delivery_rules
from reminder_bot.clock import from_epoch, to_epoch
from reminder_bot.content import next_nudge, nudge_set
from reminder_bot.presets import DEFAULT_WORK
from reminder_bot.status import DeliveryStatus
from reminder_bot.store.records import (
    Delivery,
    cached_quiet,
    cached_rule,
    cached_zone,
    delivery_from_row,
    optional_time,
)

_DUE_ROWS = """
    select s.user_id, s.habit, s.rule, s.next_due, u.chat_id, u.timezone, u.quiet,
           nullif(max(coalesce(u.paused_until, 0), coalesce(s.paused_until, 0)), 0)
               as paused_until,
           u.language, u.preset
    from schedules s join users u on u.id = s.user_id
    where s.next_due is not null and s.next_due <= ? and u.active = 1
    order by s.next_due, s.user_id
    limit ?
"""

# A delivery's pause is the later of the user's and its habit's own.
DELIVERIES_WITH_USER = """
    select d.*, u.language, u.timezone, u.quiet,
           nullif(max(coalesce(u.paused_until, 0), coalesce((select s.paused_until
               from schedules s where s.user_id = d.user_id and s.habit = d.habit), 0)), 0)
               as paused_until
    from deliveries d
    join users u on u.id = d.user_id
"""


@dataclass(frozen=True)
class Claim:
    """One tick's work: nudges to send, snoozed nudges to send again, how many slots were
    logged without sending (missed or quiet), and when anything is due next."""

    deliveries: list[Delivery]
    snoozed: list[Delivery]
    logged: int
    next_wake: datetime | None


class Claims:
    """The claim half of ``store.sql.Sql``, which sets these attributes."""

    db: Database
    conn: sqlite3.Connection
    nudge_ids: dict[str, list[str]]
    rng: random.Random
    preset_work: dict[str, str]

    def _set_next_due(self, user_id: int, habit: str, due: datetime | None) -> None:
        self.conn.execute(
            "update schedules set next_due = ? where user_id = ? and habit = ?",
            [to_epoch(due) if due else None, user_id, habit],
        )

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
        """Log one due schedule row as the rules decide and advance it (nudge: its set's bag)."""
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
            nudge_id = self._next_nudge(row, plan.send)
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

    def _next_nudge(self, row: Mapping[str, Any], slot: datetime) -> str | None:
        user_id, zone = row["user_id"], cached_zone(row["timezone"])
        work = self.preset_work.get(row["preset"] or "", DEFAULT_WORK)
        bag = nudge_set(row["habit"], slot.astimezone(zone), work)
        ids = self.nudge_ids.get(bag)
        if not ids:
            return None
        found = self.conn.execute(
            "select seen, last from nudge_cycles where user_id = ? and habit = ?", [user_id, bag]
        ).fetchone()
        seen, last = (json.loads(found[0]), found[1]) if found else ([], None)
        chosen, seen = next_nudge(ids, seen, last, self.rng)
        self.conn.execute(
            "insert into nudge_cycles (user_id, habit, seen, last) values (?, ?, ?, ?) on "
            "conflict (user_id, habit) do update set seen = excluded.seen, last = excluded.last",
            [user_id, bag, json.dumps(seen), chosen],
        )
        return chosen

    def _take_snoozes(self, now: datetime, limit: int) -> list[Delivery]:
        """The snoozed nudges due now, their snooze cleared so no later tick takes them; those
        that would break quiet hours or a pause set since the press are dropped."""
        rows = list(
            self.db.query(
                DELIVERIES_WITH_USER + "where d.snooze_due is not null and d.snooze_due <= ? "
                "and u.active = 1 order by d.snooze_due limit ?",
                [to_epoch(now), limit],
            )
        )
        self.conn.executemany(
            "update deliveries set snooze_due = null where id = ?", [[row["id"]] for row in rows]
        )
        taken = [delivery_from_row(row) for row in rows]
        return [
            delivery
            for delivery, row in zip(taken, rows, strict=True)
            if delivery_rules.resend_blocked(
                now, delivery.zone, delivery.quiet, optional_time(row["paused_until"])
            )
            is None
        ]

    def next_wake(self) -> datetime | None:
        """The earliest instant anything is due: a schedule slot or a snoozed nudge."""
        row = self.conn.execute(
            "select min(t) from (select min(next_due) as t from schedules union all "
            "select min(snooze_due) from deliveries)"
        ).fetchone()
        return from_epoch(row[0]) if row[0] is not None else None
