"""The delivery log's marks share commits (reminder_bot/store/marks.py): ``sending`` is durable
before its call returns, a mark after the answer rides with the next one, order with the
store's other writes is kept, one failing mark fails only itself, and closing writes what
waits. A real SQLite file; the counts come from the queue itself."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reminder_bot.status import DeliveryStatus as S
from reminder_bot.store import ActionOutcome, Store

NOW = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)
USERS = (1, 2, 3)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    path = tmp_path / "marks.sqlite3"
    Store(path).close()  # the schema
    with sqlite3.connect(path) as conn:
        conn.executemany(
            "insert into users (id, chat_id, first_name, language, timezone, active, "
            "created_at, updated_at) values (?, ?, 'U', 'en', 'UTC', 1, 0, 0)",
            [(user, user) for user in USERS],
        )
        conn.executemany(
            "insert into deliveries (id, user_id, chat_id, habit, slot, nudge_id, status, "
            "queued_at) values (?, ?, ?, 'move', ?, 'm1', 'queued', 0)",
            [(user, user, user, int(NOW.timestamp())) for user in USERS],
        )
    opened = Store(path)
    yield opened
    opened.close()


def statuses(store: Store) -> dict[int, str]:
    with sqlite3.connect(store.path) as conn:
        return dict(conn.execute("select id, status from deliveries order by id").fetchall())


async def queued(coroutine: object) -> asyncio.Task[None]:
    """Start a store call and let it reach the queue."""
    task = asyncio.ensure_future(coroutine)  # type: ignore[arg-type]
    await asyncio.sleep(0)
    return task


async def test_sending_is_committed_when_its_call_returns(store: Store) -> None:
    await store.mark_sending(1)
    assert statuses(store)[1] == S.SENDING


async def test_a_mark_after_the_answer_rides_with_the_next_sending(store: Store) -> None:
    await store.mark_sending(1)
    before = store.marks.flushes
    sent = await queued(store.mark_sent(1, 501, NOW, resent=False, error=None))
    await store.mark_sending(2)
    await sent
    assert statuses(store) == {1: S.SENT, 2: S.SENDING, 3: S.QUEUED}
    assert store.marks.flushes - before == 1  # both marks in one transaction


async def test_a_mark_alone_is_committed_before_its_call_returns(store: Store) -> None:
    await store.mark_sending(1)
    await store.mark_sent(1, 501, NOW, resent=False, error=None)
    await store.mark(2, S.FAILED, "400: chat not found")
    assert statuses(store) == {1: S.SENT, 2: S.FAILED, 3: S.QUEUED}


async def test_a_press_after_the_answer_finds_the_row_sent(store: Store) -> None:
    await store.mark_sending(1)
    sent = await queued(store.mark_sent(1, 501, NOW, resent=False, error=None))
    # The press goes to the writer thread while the sent mark still waits for company.
    result = await store.record_action(
        1, 1, 1, S.DONE, NOW + timedelta(seconds=1), timedelta(minutes=10), message_id=501
    )
    await sent
    assert result.outcome is ActionOutcome.RECORDED
    assert statuses(store)[1] == S.DONE


async def test_one_failing_mark_fails_only_itself(store: Store) -> None:
    def broken(sql: object) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    failing = await queued(store.marks.write(broken, urgent=False))
    sent = await queued(store.mark_sent(1, 501, NOW, resent=False, error=None))
    await store.mark_sending(2)
    await sent
    with pytest.raises(sqlite3.OperationalError, match="disk I/O"):
        await failing
    assert statuses(store) == {1: S.SENT, 2: S.SENDING, 3: S.QUEUED}


async def test_closing_writes_the_marks_still_waiting(tmp_path: Path, store: Store) -> None:
    await store.mark_sending(3)
    waiting = await queued(store.mark_sent(3, 503, NOW, resent=False, error=None))
    store.close()
    assert statuses(store)[3] == S.SENT
    await waiting
