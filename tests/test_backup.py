"""``reminder-bot backup`` and ``restore`` end to end: a backup taken while a real bot runs and
writes, restored into another path, serves the same users, schedules and history."""

from __future__ import annotations

import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from test_cli import ERROR_TIMEOUT, BotProcess, clean_env, reminder_bot, say

from reminder_bot import backup
from reminder_bot.emulator import EmulatorClient
from reminder_bot.store import open_database

TABLES = ("users", "schedules", "deliveries", "nudge_cycles", "_sqlite_migrations")


def command(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        reminder_bot(*args), env=env, capture_output=True, text=True, timeout=ERROR_TIMEOUT
    )


def dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return {t: conn.execute(f"select * from {t} order by 1, 2").fetchall() for t in TABLES}


def wait_for_deliveries(database: Path, count: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
            sent = conn.execute("select count(*) from deliveries where status = 'sent'")
            if sent.fetchone()[0] >= count:
                return
        time.sleep(0.2)
    pytest.fail(f"fewer than {count} nudges sent in {timeout}s")


def test_backup_while_running_then_restore_elsewhere(
    emulator: EmulatorClient, tmp_path: Path
) -> None:
    first, second = tmp_path / "a" / "bot.sqlite3", tmp_path / "b" / "bot.sqlite3"
    copy = tmp_path / "backup.sqlite3"
    env = clean_env(
        TELEGRAM_BOT_TOKEN="123456:TEST",
        TELEGRAM_API_URL=emulator.url,
        REMINDER_BOT_DATABASE=str(first),
        REMINDER_BOT_CLOCK_SPEED="300",  # a nudge every second of real time
    )
    bot = BotProcess(tmp_path, env, name="first")
    try:
        bot.wait_ready()
        assert "Hi Ada!" in say(emulator, "/start")["params"]["text"]
        # Whatever the time of day the test runs at: no quiet hours to wait out.
        say(emulator, "/quiet off")
        say(emulator, "/schedule hydrate every 5m from 00:00 to 23:55 on daily")
        wait_for_deliveries(first, 2)
        made = command(env, "backup", str(copy))  # while the bot runs and writes
        assert made.returncode == 0, made.stderr
        assert made.stdout.startswith(f"backed up {first} to {copy}: 1 users, 5 schedules, ")
        again = command(env, "backup", str(copy))
        assert again.returncode == 1 and "already exists" in again.stderr, again.stderr
        assert "--force" in again.stderr
        assert command(env, "backup", "--force", str(copy)).returncode == 0
        refused = command(env, "restore", str(copy))
        assert refused.returncode == 1
        assert f"a reminder-bot is running on {first}" in refused.stderr, refused.stderr
        twice = command(env, "run")  # a second bot on the same database
        assert twice.returncode == 1
        assert "cannot start: a reminder-bot is running on" in twice.stderr, twice.stderr
        assert bot.stop() == 0, bot.stderr
    finally:
        bot.kill()
    saved = dump(copy)
    assert len(saved["deliveries"]) >= 2

    other = {**env, "REMINDER_BOT_DATABASE": str(second), "REMINDER_BOT_CLOCK_SPEED": "1"}
    restored = command(other, "restore", str(copy))
    assert restored.returncode == 0, restored.stderr
    assert restored.stdout.startswith(f"restored {copy} into {second}: 1 users, 5 schedules, ")
    assert dump(second) == saved

    bot = BotProcess(tmp_path, other, name="second")
    try:
        bot.wait_ready()
        assert "with 1 users" in bot.stderr
        assert "Welcome back, Ada!" in say(emulator, "/start")["params"]["text"]
        assert bot.stop() == 0, bot.stderr
    finally:
        bot.kill()
    after = dump(second)
    # Same rules (a /start recomputes next_due from the clock) and the history kept.
    assert [row[:3] for row in after["schedules"]] == [row[:3] for row in saved["schedules"]]
    assert [row[:5] for row in after["deliveries"]][: len(saved["deliveries"])] == [
        row[:5] for row in saved["deliveries"]
    ]


def a_database(path: Path, users: int = 300) -> Path:
    db = open_database(path)
    db.conn.executemany(
        "insert into users (id, chat_id, first_name, timezone, created_at, updated_at) "
        "values (?, ?, ?, 'UTC', 0, 0)",
        [(n, n, f"user {n} " + "x" * 100) for n in range(1, users + 1)],
    )
    db.conn.close()
    return path


def test_restore_refuses_foreign_and_damaged_files(tmp_path: Path) -> None:
    database = a_database(tmp_path / "live.sqlite3", users=1)
    before = dump(database)
    text = tmp_path / "notes.txt"
    text.write_text("not a database\n" * 100, encoding="utf-8")
    foreign = tmp_path / "foreign.sqlite3"
    with sqlite3.connect(foreign) as conn:
        conn.execute("create table photos (id integer primary key)")
    damaged = a_database(tmp_path / "damaged.sqlite3")
    with damaged.open("r+b") as file:  # scribble over the users table's pages
        file.seek(4096 * 3)
        file.write(b"\xff" * 4096 * 2)
    cases = {
        text: "is not a usable SQLite database",
        foreign: "is not a reminder-bot database (it has no users, schedules, deliveries",
        damaged: "damaged",
        tmp_path / "missing.sqlite3": "is not a file",
    }
    for path, words in cases.items():
        with pytest.raises(backup.BackupError) as raised:
            backup.restore(path, database)
        assert str(path) in str(raised.value) and words in str(raised.value), raised.value
    assert dump(database) == before


def test_restore_replaces_the_file_and_its_wal(tmp_path: Path) -> None:
    source = a_database(tmp_path / "source.sqlite3", users=3)
    database = a_database(tmp_path / "live.sqlite3", users=1)
    open_database(database)  # leaves nothing open, but a -wal may remain from a crash
    database.with_name("live.sqlite3-wal").write_bytes(b"")
    found = backup.restore(source, database)
    assert found == {"users": 3, "schedules": 0, "deliveries": 0}
    assert dump(database) == dump(source)
    assert not database.with_name("live.sqlite3-wal").exists()
    assert not list(tmp_path.glob(".*.tmp")), "the temporary file was left behind"


def test_backup_refuses_its_own_database_and_a_missing_folder(tmp_path: Path) -> None:
    database = a_database(tmp_path / "live.sqlite3", users=1)
    with pytest.raises(backup.BackupError, match="the bot's database itself"):
        backup.backup(database, database, force=True)
    with pytest.raises(backup.BackupError, match="does not exist: create it first"):
        backup.backup(database, tmp_path / "nowhere" / "copy.sqlite3")
    assert backup.backup(database, tmp_path)["users"] == 1  # a folder: a file inside it
    assert (tmp_path / "live-backup.sqlite3").is_file()
