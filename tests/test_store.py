"""The store on a real SQLite file: each async call is one hop to the writer thread, claims log
every slot once as the delivery rules decide, and button presses are checked in one hop."""

from __future__ import annotations

import random
import sqlite3
from collections.abc import AsyncIterator
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from reminder_bot.delivery_rules import SNOOZE, SNOOZE_CHOICES
from reminder_bot.parsing import parse_quiet, parse_rule
from reminder_bot.presets import builtin_presets_dir, load_presets
from reminder_bot.status import DeliveryStatus as S
from reminder_bot.store import ActionOutcome, Store

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # Monday 09:00 in Berlin
CATCH_UP = timedelta(minutes=30)
ALICE, BOB = 1001, 1002


class CountingExecutor(ThreadPoolExecutor):
    """The writer thread, counting the hops made to it."""

    hops = 0

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.hops += 1
        return super().submit(fn, *args, **kwargs)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = Store(tmp_path / "store.sqlite3", {"move": ["a", "b", "c"]}, rng=random.Random(1))
    opened._executor.shutdown()
    opened._executor = CountingExecutor(max_workers=1)
    yield opened
    opened.close()


def hops(store: Store) -> int:
    executor = store._executor
    assert isinstance(executor, CountingExecutor)
    return executor.hops


def rows(store: Store, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(store.path) as conn:
        return conn.execute(sql, params).fetchall()


async def user_with_move(store: Store, user_id: int, rule: str, now: datetime = NOW) -> None:
    preset = load_presets(builtin_presets_dir())["desk-worker"]
    await store.start_user(user_id, user_id, "U", "en", "Europe/Berlin", preset, now)
    for habit in ("hydrate", "posture", "stretch"):
        await store.set_rule(user_id, habit, parse_rule("off"), now)
    await store.set_rule(user_id, "move", parse_rule(rule), now)
    await store.set_quiet(user_id, None, now)


async def test_every_call_is_one_hop_and_returns_the_updated_user(store: Store) -> None:
    await user_with_move(store, ALICE, "every 30m from 09:00 to 17:00")
    before = hops(store)
    user = await store.set_timezone(ALICE, "Asia/Tokyo", NOW)
    assert hops(store) - before == 1
    assert user.timezone == "Asia/Tokyo"


@pytest.mark.parametrize(
    ("down_for", "statuses"),
    [
        # (how long after the first slot the bot looks, the delivery log it leaves)
        (timedelta(0), [("09:00", S.QUEUED)]),
        (timedelta(minutes=20), [("09:00", S.QUEUED)]),
        (timedelta(hours=2, minutes=10), [("09:00", S.MISSED), ("11:00", S.QUEUED)]),
    ],
)
async def test_claim_logs_each_slot_as_the_rules_decide(
    store: Store, down_for: timedelta, statuses: list[tuple[str, S]]
) -> None:
    await user_with_move(store, ALICE, "every 30m from 09:00 to 17:00", NOW - timedelta(hours=1))
    claim = await store.claim(NOW + down_for, limit=100, catch_up=CATCH_UP)
    logged = rows(
        store, "select strftime('%H:%M', slot + 3600, 'unixepoch'), status from deliveries"
    )
    assert logged == [(slot, str(status)) for slot, status in statuses]
    assert [d.status for d in claim.deliveries] == [S.QUEUED]
    assert claim.logged == len(statuses) - 1
    assert claim.next_wake is not None and claim.next_wake > NOW + down_for
    # Claiming again at the same instant finds nothing: each slot is logged once.
    again = await store.claim(NOW + down_for, limit=100, catch_up=CATCH_UP)
    assert again.deliveries == [] and again.logged == 0


async def sent_nudge(store: Store, user_id: int = ALICE) -> int:
    await user_with_move(store, user_id, "every 30m from 09:00 to 17:00", NOW - timedelta(hours=1))
    claim = await store.claim(NOW, limit=100, catch_up=CATCH_UP)
    delivery = claim.deliveries[0]
    await store.mark_sending(delivery.id)
    await store.mark_sent(delivery.id, 55, NOW, resent=False, error=None)
    return delivery.id


@pytest.mark.parametrize(
    ("presser", "chat", "first", "second", "outcome"),
    [
        (ALICE, ALICE, None, S.DONE, ActionOutcome.RECORDED),
        (ALICE, ALICE, None, S.SNOOZED, ActionOutcome.RECORDED),
        (BOB, BOB, None, S.DONE, ActionOutcome.NOT_YOURS),
        (ALICE, BOB, None, S.DONE, ActionOutcome.NOT_YOURS),  # Alice's id from Bob's chat
        (ALICE, ALICE, S.DONE, S.SKIPPED, ActionOutcome.CLOSED),
    ],
)
async def test_record_action_is_one_hop_and_checks_owner_chat_and_state(
    store: Store, presser: int, chat: int, first: S | None, second: S, outcome: ActionOutcome
) -> None:
    delivery_id = await sent_nudge(store)
    if first is not None:
        await store.record_action(delivery_id, ALICE, ALICE, first, NOW, SNOOZE)
    before = hops(store)
    result = await store.record_action(delivery_id, presser, chat, second, NOW, SNOOZE)
    assert hops(store) - before == 1
    assert result.outcome is outcome
    expected = str(second if outcome is ActionOutcome.RECORDED else first or S.SENT)
    assert rows(store, "select status from deliveries where id = ?", delivery_id) == [(expected,)]


@pytest.mark.parametrize(
    ("message_id", "outcome"),
    [(55, ActionOutcome.RECORDED), (None, ActionOutcome.RECORDED), (54, ActionOutcome.CLOSED)],
)
async def test_a_press_counts_only_on_the_message_the_log_sent(
    store: Store, message_id: int | None, outcome: ActionOutcome
) -> None:
    """After a restore the log gives a delivery id again: a press on the message that id once
    had carries the id but not the message the log now holds for it."""
    delivery_id = await sent_nudge(store)  # sent as message 55
    result = await store.record_action(
        delivery_id, ALICE, ALICE, S.DONE, NOW, SNOOZE, message_id=message_id
    )
    assert result.outcome is outcome


async def test_a_press_on_a_nudge_no_longer_in_the_log_is_closed(store: Store) -> None:
    """Rolled up after the retention period (or a restore from before it was sent)."""
    delivery_id = await sent_nudge(store)
    store_rows = rows(store, "select count(*) from deliveries")
    result = await store.record_action(delivery_id + 1, ALICE, ALICE, S.DONE, NOW, SNOOZE)
    assert result.outcome is ActionOutcome.CLOSED
    assert rows(store, "select count(*) from deliveries") == store_rows


async def test_a_snoozed_nudge_comes_back_once(store: Store) -> None:
    delivery_id = await sent_nudge(store)
    await store.record_action(delivery_id, ALICE, ALICE, S.SNOOZED, NOW, SNOOZE)
    claim = await store.claim(NOW + SNOOZE, limit=100, catch_up=CATCH_UP)
    assert [d.id for d in claim.snoozed] == [delivery_id]
    assert (await store.claim(NOW + SNOOZE, limit=100, catch_up=CATCH_UP)).snoozed == []
    await store.mark_sent(delivery_id, 56, NOW + SNOOZE, resent=True, error=None)
    again = await store.record_action(delivery_id, ALICE, ALICE, S.SNOOZED, NOW, SNOOZE)
    assert again.outcome is ActionOutcome.CLOSED


async def test_unsent_resends_fresh_rows_and_marks_old_ones_stale(store: Store) -> None:
    delivery_id = await sent_nudge(store)
    await store.mark_sending(delivery_id)  # a crash after this: Telegram may have it
    assert [d.id for d in await store.unsent(NOW + timedelta(minutes=5), stale=CATCH_UP)] == [
        delivery_id
    ]
    assert await store.unsent(NOW + timedelta(hours=1), stale=CATCH_UP) == []
    assert rows(store, "select status from deliveries") == [("stale",)]


async def test_forget_deletes_every_row_of_the_user_only(store: Store) -> None:
    await sent_nudge(store, ALICE)
    await sent_nudge(store, BOB)
    removed = await store.forget(ALICE)
    assert removed == 1 + 5 + 1 + 1  # user, schedules with the summary, delivery, nudge cycle
    assert rows(store, "select distinct user_id from schedules") == [(BOB,)]
    assert await store.get_user(ALICE) is None


# ----- snooze lengths and the adaptive move timer ------------------------------------------------


@pytest.mark.parametrize("length", SNOOZE_CHOICES)
async def test_a_snooze_of_any_length_comes_back_once_at_its_end(
    store: Store, length: timedelta
) -> None:
    delivery_id = await sent_nudge(store)
    result = await store.record_action(delivery_id, ALICE, ALICE, S.SNOOZED, NOW, length)
    assert result.outcome is ActionOutcome.RECORDED
    assert result.delivery is not None and result.delivery.snooze_due == NOW + length
    early = await store.claim(NOW + length - timedelta(seconds=1), limit=100, catch_up=CATCH_UP)
    assert early.snoozed == []
    claim = await store.claim(NOW + length, limit=100, catch_up=CATCH_UP)
    assert [d.id for d in claim.snoozed] == [delivery_id]
    assert (await store.claim(NOW + length, limit=100, catch_up=CATCH_UP)).snoozed == []


@pytest.mark.parametrize(
    ("length", "outcome"),
    [
        # Quiet hours 09:45-12:00 Berlin, pressed at 09:00.
        (timedelta(minutes=10), ActionOutcome.RECORDED),
        (timedelta(minutes=30), ActionOutcome.RECORDED),
        (timedelta(hours=1), ActionOutcome.SNOOZE_QUIET),
    ],
)
async def test_a_snooze_into_quiet_hours_is_refused_and_nothing_recorded(
    store: Store, length: timedelta, outcome: ActionOutcome
) -> None:
    delivery_id = await sent_nudge(store)
    await store.set_quiet(ALICE, parse_quiet("09:45-12:00"), NOW)
    result = await store.record_action(delivery_id, ALICE, ALICE, S.SNOOZED, NOW, length)
    assert result.outcome is outcome
    status = "snoozed" if outcome is ActionOutcome.RECORDED else "sent"
    assert rows(store, "select status from deliveries where id = ?", delivery_id) == [(status,)]


async def test_a_snooze_into_a_pause_is_refused(store: Store) -> None:
    delivery_id = await sent_nudge(store)
    await store.set_pause(ALICE, NOW + timedelta(hours=2), NOW)
    result = await store.record_action(delivery_id, ALICE, ALICE, S.SNOOZED, NOW, SNOOZE)
    assert result.outcome is ActionOutcome.SNOOZE_PAUSED
    assert rows(store, "select status, snooze_due from deliveries") == [("sent", None)]


async def test_a_pause_set_after_the_snooze_drops_its_resend(store: Store) -> None:
    delivery_id = await sent_nudge(store)
    await store.record_action(delivery_id, ALICE, ALICE, S.SNOOZED, NOW, SNOOZE)
    await store.set_pause(ALICE, NOW + timedelta(hours=2), NOW + timedelta(minutes=1))
    assert (await store.claim(NOW + SNOOZE, limit=100, catch_up=CATCH_UP)).snoozed == []
    assert rows(store, "select status, snooze_due from deliveries") == [("snoozed", None)]


@pytest.mark.parametrize(
    ("adaptive", "next_move"),
    [
        (frozenset({"desk-worker"}), NOW + timedelta(minutes=37)),  # pressed at 09:07 + 30m
        (frozenset(), NOW + timedelta(minutes=30)),  # the rule's grid: 09:30
    ],
)
async def test_done_on_move_restarts_the_interval_when_the_preset_says_so(
    tmp_path: Path, adaptive: frozenset[str], next_move: datetime
) -> None:
    store = Store(tmp_path / "a.sqlite3", {"move": ["a"]}, adaptive_presets=adaptive)
    try:
        delivery_id = await sent_nudge(store)
        pressed = NOW + timedelta(minutes=7)
        result = await store.record_action(delivery_id, ALICE, ALICE, S.DONE, pressed, SNOOZE)
        assert result.outcome is ActionOutcome.RECORDED
        assert result.rescheduled is bool(adaptive)
        assert (await store.schedules(ALICE))["move"].next_due == next_move
    finally:
        store.close()
