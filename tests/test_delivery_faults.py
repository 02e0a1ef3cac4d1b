"""Delivery under Telegram's errors, injected by the emulator's fault rules: the real bot over
real HTTP, a burst of nudges due at once, and the delivery log checked slot by slot."""

from __future__ import annotations

import asyncio
import sqlite3
from collections import Counter
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import MONDAY_0700_UTC, BotHarness

from reminder_bot.emulator import EmulatorClient, User

USERS = [User(id=2000 + i, first_name=f"User{i}") for i in range(12)]
NINE_BERLIN = MONDAY_0700_UTC + timedelta(hours=1)  # hydrate and move are due for everyone


@pytest.fixture
async def faulty(emulator: EmulatorClient, tmp_path: Path) -> AsyncIterator[BotHarness]:
    emulator.set_limits(per_chat_rate=20, per_chat_burst=3, global_rate=600, global_burst=30)
    harness = BotHarness(
        emulator.url, tmp_path / "bot.sqlite3", MONDAY_0700_UTC, REMINDER_BOT_HTTP_TIMEOUT="1"
    )
    await harness.start()
    for user in USERS:
        await harness.send("/start", user)
    yield harness
    await harness.stop()
    await harness.client.aclose()


def log_rows(bot: BotHarness) -> list[tuple[Any, ...]]:
    with sqlite3.connect(bot.database) as conn:
        return conn.execute(
            "select user_id, habit, status, attempts, error from deliveries order by id"
        ).fetchall()


async def drain(bot: BotHarness, expected: int, within: float = 30.0) -> Counter[int]:
    """Wait until every slot has a final status; return successful sends per chat."""
    deadline = asyncio.get_running_loop().time() + within
    while asyncio.get_running_loop().time() < deadline:
        statuses = Counter(row[2] for row in log_rows(bot))
        if sum(statuses.values()) >= expected and not (statuses["queued"] or statuses["sending"]):
            break
        await asyncio.sleep(0.1)
    calls = await bot.client.calls(bot.seq, "sendMessage")
    return Counter(call["chat_id"] for call in calls if call["status"] == 200)


@pytest.mark.parametrize(
    ("kind", "extra"),
    [
        ("429", {"retry_after": 1}),
        ("500", {}),
        ("502", {}),
        ("drop", {"applied": False}),
        ("slow", {"delay": 2.0, "applied": False}),
    ],
)
async def test_failed_sends_are_retried_and_nothing_is_lost(
    faulty: BotHarness, emulator: EmulatorClient, kind: str, extra: dict[str, Any]
) -> None:
    # Three failures spread over the burst, each on a different user's first attempt.
    for user in USERS[:3]:
        emulator.add_fault(kind, method="sendMessage", chat_id=user.id, count=1, **extra)
    await faulty.set_time(NINE_BERLIN)
    delivered = await drain(faulty, expected=2 * len(USERS))
    assert all(delivered[user.id] == 2 for user in USERS), delivered
    rows = log_rows(faulty)
    assert Counter(row[2] for row in rows) == Counter({"sent": 2 * len(USERS)})
    retried = [row for row in rows if row[3] > 1]
    assert len(retried) == 3 and all(row[4] for row in retried), retried  # error recorded


async def test_429_holds_only_that_chat(faulty: BotHarness, emulator: EmulatorClient) -> None:
    emulator.add_fault("429", method="sendMessage", chat_id=USERS[0].id, count=1, retry_after=2)
    await faulty.set_time(NINE_BERLIN)
    await drain(faulty, expected=2 * len(USERS))
    calls = [c for c in await faulty.client.calls(faulty.seq, "sendMessage") if c["status"]]
    first_429 = next(c for c in calls if c["status"] == 429)
    retry = [c for c in calls if c["chat_id"] == USERS[0].id and c["status"] == 200]
    others = [c for c in calls if c["chat_id"] != USERS[0].id]
    assert min(c["time"] for c in retry) - first_429["time"] >= 1.9  # waited retry_after
    assert max(c["time"] for c in others) - first_429["time"] < 1.5  # nobody else waited


async def test_timeout_after_delivery_is_a_visible_duplicate(
    faulty: BotHarness, emulator: EmulatorClient
) -> None:
    user = USERS[0]
    emulator.add_fault(
        "slow", method="sendMessage", chat_id=user.id, count=1, delay=2.0, applied=True
    )
    await faulty.set_time(NINE_BERLIN)
    await drain(faulty, expected=2 * len(USERS))
    # At-least-once: Telegram got the timed-out message, the retry shows it again, and the
    # delivery log says so (two attempts, the TimedOut recorded).
    nudges = [m for m in emulator.messages(user.id) if "Done" in str(m.get("reply_markup"))]
    assert len(nudges) == 3
    row = next(r for r in log_rows(faulty) if r[0] == user.id and r[3] == 2)
    assert row[2] == "sent" and "TimedOut" in row[4]


async def test_blocked_mid_burst_is_marked_inactive_at_once(
    faulty: BotHarness, emulator: EmulatorClient
) -> None:
    emulator.block(USERS[5].id, notify=False)  # learnt from the 403, not an update
    await faulty.set_time(NINE_BERLIN)
    await drain(faulty, expected=2 * len(USERS))
    with sqlite3.connect(faulty.database) as conn:
        active = conn.execute(
            "select active, inactive_reason from users where id = ?", [USERS[5].id]
        ).fetchone()
    assert active == (0, "blocked")
    refused = await faulty.client.calls(faulty.seq, "sendMessage", USERS[5].id)
    # One refused send; its sibling nudge, queued at the same moment, may be refused too,
    # but nothing after the user was marked inactive.
    assert 1 <= len(refused) <= 2 and all(c["status"] == 403 for c in refused)
    await faulty.set_time(NINE_BERLIN + timedelta(hours=3))
    await faulty.settle()
    assert await faulty.client.calls(faulty.seq, "sendMessage", USERS[5].id) == []


async def test_a_nudge_stuck_past_the_stale_limit_is_dropped(
    faulty: BotHarness, emulator: EmulatorClient
) -> None:
    user = USERS[0]
    # Held for 4 s: everyone else's two nudges (a second apart per chat) go out well before the
    # retry even on a slow machine (with 1 s the retry sometimes came first).
    emulator.add_fault("429", method="sendMessage", chat_id=user.id, count=1, retry_after=4)
    await faulty.set_time(NINE_BERLIN)
    # Once the 429 came back (the nudge now waits for its retry) and everyone else's nudges
    # went out...
    await until_calls(faulty, lambda calls: any(c["status"] == 429 for c in calls))
    await until_calls(
        faulty,
        lambda calls: (
            sum(c["status"] == 200 and c["chat_id"] != user.id for c in calls)
            == 2 * (len(USERS) - 1)
        ),
    )
    faulty.clock.set(NINE_BERLIN + timedelta(minutes=31))  # ...and falls past the stale limit
    await drain(faulty, expected=2 * len(USERS))
    rows = log_rows(faulty)
    mine = [r for r in rows if r[0] == user.id]
    # The nudge the 429 held is dropped and logged stale with the 429; the user's other one
    # is too when the 429 came back before its turn (the 429 holds the whole chat), or went
    # out before it when the machine is slow; nobody else is affected.
    held = [r for r in mine if "429" in (r[4] or "")]
    assert [r[2] for r in held] == ["stale"], mine
    assert {r[2] for r in mine} <= {"stale", "sent"}, mine
    assert all(r[2] == "sent" for r in rows if r[0] != user.id)
    calls = await faulty.client.calls(faulty.seq, "sendMessage", user.id)
    statuses = [c["status"] for c in calls]
    # The held nudge was never sent late: its row is stale, and each 200 the user got is the
    # other nudge's (granted before the 429 came back, it may even arrive after it when the
    # machine is slow: the chat sends 20/s here).
    assert statuses.count(429) == 1 and statuses.count(200) <= 1, statuses
    assert statuses.count(200) == sum(r[2] == "sent" for r in mine), (statuses, mine)


async def until_calls(
    bot: BotHarness, done: Callable[[list[dict[str, Any]]], bool], within: float = 10.0
) -> None:
    """Until the sendMessage calls since the mark satisfy ``done``."""
    deadline = asyncio.get_running_loop().time() + within
    while not done(await bot.client.calls(bot.seq, "sendMessage")):
        assert asyncio.get_running_loop().time() < deadline, "the calls never came"
        await asyncio.sleep(0.02)
