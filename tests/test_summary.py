"""The weekly summary's composer on a real store: the week's figures per habit from the delivery
log (rolled-up days too), an encouragement that never praises a week with nothing done, the
14-day chart as its photo, English and Spanish, within a caption's 1,024 characters."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reminder_bot import i18n
from reminder_bot.emulator.media import image_size
from reminder_bot.outgoing import CAPTION_LIMIT
from reminder_bot.presets import builtin_presets_dir, load_presets
from reminder_bot.progress import Summary
from reminder_bot.schedule import SUMMARY
from reminder_bot.status import DeliveryStatus
from reminder_bot.store import Delivery, Store
from reminder_bot.summary import encouragement, make_summary_composer

ALICE = 1001
SUNDAY_18 = datetime(2026, 11, 29, 17, 0, tzinfo=UTC)  # 18:00 in Berlin


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = Store(tmp_path / "store.sqlite3", {"move": ["a"]})
    preset = load_presets(builtin_presets_dir())["desk-worker"]
    start = SUNDAY_18 - timedelta(days=20)
    await opened.start_user(ALICE, ALICE, "A", "en", "Europe/Berlin", preset, start)
    yield opened
    opened.close()


def log(store: Store, habit: str, slot: datetime, status: DeliveryStatus) -> None:
    log_many(store, [(habit, slot, status)])


def log_many(store: Store, rows: list[tuple[str, datetime, DeliveryStatus]]) -> None:
    """Delivery-log rows written straight into the store's file, as the dispatcher leaves them."""
    with contextlib.closing(sqlite3.connect(store.path)) as conn, conn:
        conn.executemany(
            "insert into deliveries (user_id, chat_id, habit, slot, status, queued_at) "
            "values (?, ?, ?, ?, ?, ?)",
            [
                (ALICE, ALICE, habit, int(slot.timestamp()), status, int(slot.timestamp()))
                for habit, slot, status in rows
            ],
        )


def summary_delivery(language: str = "en") -> Delivery:
    return Delivery(
        1,
        ALICE,
        ALICE,
        SUMMARY,
        SUNDAY_18,
        None,
        DeliveryStatus.QUEUED,
        None,
        None,
        language,
        "Europe/Berlin",
    )


async def test_the_week_per_habit_with_the_chart(store: Store) -> None:
    for day in range(7):
        slot = SUNDAY_18 - timedelta(days=day, hours=6)
        log(store, "move", slot, DeliveryStatus.DONE if day % 2 else DeliveryStatus.SKIPPED)
        log(store, "move", slot + timedelta(minutes=45), DeliveryStatus.SENT)
    # Eight days back: outside the week, inside the chart's 14 days.
    log(store, "hydrate", SUNDAY_18 - timedelta(days=8), DeliveryStatus.DONE)
    log(store, "move", SUNDAY_18 - timedelta(days=1), DeliveryStatus.MISSED)  # never shown
    with i18n.language("en"):
        outgoing = await make_summary_composer(store)(summary_delivery())
    assert "<b>🚶 Move</b>  3/14 (21%)" in outgoing.text
    assert "<b>💧 Hydrate</b>  –\n    strength" in outgoing.text  # 8 days ago counts here
    assert "<b>🪑 Posture</b>  –\n<b>" in outgoing.text  # never sent: no score to speak of
    assert "Some breaks taken" in outgoing.text
    assert outgoing.photo is not None and image_size(outgoing.photo)[0] == 1080


async def test_in_spanish(store: Store) -> None:
    log(store, "stretch", SUNDAY_18 - timedelta(hours=5), DeliveryStatus.DONE)
    with i18n.language("es"):
        outgoing = await make_summary_composer(store)(summary_delivery("es"))
    assert (
        "Tu semana" in outgoing.text and "<b>🤸 Estiramientos</b>  1/1 (100\xa0%)" in outgoing.text
    )
    assert "Una semana fuerte" in outgoing.text


async def test_no_history_no_chart(store: Store) -> None:
    with i18n.language("en"):
        outgoing = await make_summary_composer(store)(summary_delivery())
    assert outgoing.photo is None
    assert "No nudges reached you this week" in outgoing.text


@pytest.mark.parametrize(
    ("week", "words"),
    [
        (Summary(0, 0), "No nudges reached you"),
        (Summary(0, 40), "Nothing marked done"),
        (Summary(1, 40), "Some breaks taken"),
        (Summary(20, 40), "More than half"),
        (Summary(32, 40), "A strong week"),
    ],
)
def test_the_encouragement_says_no_more_than_the_week_was(week: Summary, words: str) -> None:
    with i18n.language("en"):
        line = encouragement(week)
    assert words in line
    if week.done == 0:
        assert not any(praise in line for praise in ("strong", "steady", "Keep it up"))


@pytest.mark.parametrize("language", ["en", "es"])
async def test_the_longest_week_fits_a_caption(store: Store, language: str) -> None:
    morning = SUNDAY_18 - timedelta(hours=10)
    slots = [
        morning - timedelta(days=day) + timedelta(minutes=minute)
        for day in range(7)
        for minute in range(0, 600, 5)
    ]  # 120 nudges a day per habit
    habits = ("hydrate", "move", "posture", "stretch")
    log_many(store, [(habit, slot, DeliveryStatus.DONE) for habit in habits for slot in slots])
    with i18n.language(language):
        outgoing = await make_summary_composer(store)(summary_delivery(language))
    assert "840/840" in outgoing.text
    assert len(outgoing.text) <= CAPTION_LIMIT


async def test_no_chart_when_the_drawing_thread_is_behind(store: Store) -> None:
    """Past the backlog limit the summary goes as text rather than wait to turn stale."""
    log(store, "stretch", SUNDAY_18 - timedelta(hours=5), DeliveryStatus.DONE)
    with i18n.language("en"):
        outgoing = await make_summary_composer(store, chart_backlog_limit=-1)(summary_delivery())
    assert outgoing.photo is None
    assert "<b>🤸 Stretch</b>  1/1 (100%)" in outgoing.text
