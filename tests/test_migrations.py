"""Upgrades from every schema the project has shipped. Each fixture in tests/fixtures/ is the
database a released version wrote itself, running as a real bot through a scripted life
(scripts/make_schema_fixture.py):

    schema-001.sqlite3  4e550a6 (2026-11-22, the first release; 001_initial)
    schema-002.sqlite3  86fcfc5 (+ 002_chosen_language)
    schema-003.sqlite3  c8d5d69 (+ 003_health)
    schema-004.sqlite3  the working tree on 2026-11-30 (+ 004_daily_counts; released in that
                        day's commit; its daily_counts is empty: nothing was old enough)
    schema-005.sqlite3  the working tree later that day (+ 005_progress: every user with the
                        weekly summary; no check-in or habit pause yet in its scripted life)

Today's code opens a copy, migrates it, keeps every row, and then runs on it as a bot."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import BotHarness

from reminder_bot.emulator import EmulatorClient, User
from reminder_bot.schedule import SUMMARY
from reminder_bot.status import DeliveryStatus
from reminder_bot.store import open_database

FIXTURES = Path(__file__).parent / "fixtures"
SHIPPED = sorted(FIXTURES.glob("schema-*.sqlite3"))
ADA = User(id=1001, first_name="Ada", language_code="en")
LUCIA = User(id=1002, first_name="Lucía 🌵", language_code="es")
Rows = dict[str, list[dict[str, Any]]]


def dump(path: Path) -> Rows:
    """Every row of every table, by table, in rowid order (a WITHOUT ROWID table: key order)."""
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        tables = {
            row[0]: "" if row[1] else " order by rowid"
            for row in conn.execute(
                "select name, wr from pragma_table_list where schema = 'main' "
                "and type = 'table' and name not like 'sqlite_%'"
            )
        }
        return {
            table: [dict(row) for row in conn.execute(f'select * from "{table}"{order}')]
            for table, order in tables.items()
        }
    finally:
        conn.close()


def upgraded(fixture: Path, folder: Path) -> Path:
    """A copy of the fixture, opened (and so migrated) by today's code, then closed."""
    copy = folder / "bot.sqlite3"
    shutil.copyfile(fixture, copy)
    open_database(copy).conn.close()
    return copy


def current_migrations() -> list[str]:
    db = open_database(":memory:")
    try:
        return [row[0] for row in db.execute("select name from _sqlite_migrations order by id")]
    finally:
        db.conn.close()


def test_a_fixture_exists_for_every_shipped_schema() -> None:
    """Adding a migration means adding its fixture (scripts/make_schema_fixture.py)."""
    assert len(SHIPPED) >= 3
    newest = {dump(path)["_sqlite_migrations"][-1]["name"] for path in SHIPPED}
    assert current_migrations()[-1] in newest, "make a fixture for the newest schema"


@pytest.mark.parametrize("fixture", SHIPPED, ids=lambda path: path.stem)
def test_every_row_survives_the_upgrade(fixture: Path, tmp_path: Path) -> None:
    before = dump(fixture)
    assert before["users"] and before["schedules"] and before["deliveries"], "a lived-in fixture"
    after = dump(upgraded(fixture, tmp_path))
    assert [m["name"] for m in after["_sqlite_migrations"]] == current_migrations()
    if "checkins" not in before:  # 005 gives every user the weekly summary, on by default
        added = [row for row in after["schedules"] if row["habit"] == SUMMARY]
        assert {row["user_id"] for row in added} == {user["id"] for user in before["users"]}
        assert all(row["rule"] == "at 18:00 on sun" for row in added)
        after["schedules"] = [row for row in after["schedules"] if row["habit"] != SUMMARY]
    for table, rows in before.items():
        if table == "_sqlite_migrations":
            continue
        assert len(after[table]) == len(rows), table
        for old, new in zip(rows, after[table], strict=True):
            assert {column: new[column] for column in old} == old, table
    statuses = {row["status"] for row in after["deliveries"]}
    assert statuses <= {status.value for status in DeliveryStatus}


@pytest.mark.parametrize("fixture", SHIPPED, ids=lambda path: path.stem)
def test_the_upgraded_database_is_sound(fixture: Path, tmp_path: Path) -> None:
    conn = sqlite3.connect(upgraded(fixture, tmp_path))
    try:
        assert conn.execute("pragma integrity_check").fetchall() == [("ok",)]
        assert conn.execute("pragma foreign_key_check").fetchall() == []
    finally:
        conn.close()


async def test_the_bot_runs_on_the_oldest_release_database(
    emulator: EmulatorClient, tmp_path: Path
) -> None:
    """Its users are welcomed back in their language, and nudges flow and take presses."""
    copy = tmp_path / "bot.sqlite3"
    shutil.copyfile(SHIPPED[0], copy)
    last_sent = max(row["sent_at"] or 0 for row in dump(copy)["deliveries"])
    emulator.set_limits(per_chat_rate=20, per_chat_burst=3, global_rate=600, global_burst=30)
    start = datetime.fromtimestamp(last_sent, UTC) + timedelta(minutes=1)
    bot = BotHarness(emulator.url, copy, start)
    await bot.start()
    try:
        assert "Welcome back, Ada!" in (await bot.send("/start", ADA))["params"]["text"]
        assert "¡Hola de nuevo" in (await bot.send("/start", LUCIA))["params"]["text"]
        await bot.advance(timedelta(hours=1))
        await bot.settle()
        nudge = (await bot.wait_calls("sendMessage", chat_id=ADA.id))[0]
        done = nudge["params"]["reply_markup"]["inline_keyboard"][0][0]
        assert "Done" in done["text"]
        message_id = nudge["response"]["result"]["message_id"]
        await bot.client.press_button(ADA, message_id, data=done["callback_data"])
        await bot.handled()
    finally:
        await bot.stop()
        await bot.client.aclose()
    deliveries = dump(copy)["deliveries"]
    # A new emulator numbers messages from 1 again: the old rows share ids with the new ones.
    new = [row for row in deliveries if (row["sent_at"] or 0) > last_sent]
    pressed = [row for row in new if row["message_id"] == message_id and row["user_id"] == ADA.id]
    assert [row["status"] for row in pressed] == [DeliveryStatus.DONE.value]
