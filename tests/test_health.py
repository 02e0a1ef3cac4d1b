"""``reminder-bot healthcheck``: the running bot records a heartbeat and its last answered
getUpdates in the ``health`` table; the command reads them from another process."""

from __future__ import annotations

import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from conftest import ALICE, BotHarness
from test_cli import ERROR_TIMEOUT, BotProcess, clean_env, reminder_bot

from reminder_bot import health
from reminder_bot.emulator import EmulatorClient
from reminder_bot.store import open_database


def healthcheck(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        reminder_bot("healthcheck"), env=env, capture_output=True, text=True, timeout=ERROR_TIMEOUT
    )


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = (result.stdout + result.stderr).splitlines()
    assert len(lines) == 1, result.stdout + result.stderr
    assert "Traceback" not in lines[0]
    return lines[0]


def test_a_running_bot_is_healthy_and_a_stopped_one_turns_unhealthy(
    emulator: EmulatorClient, tmp_path: Path
) -> None:
    database = tmp_path / "bot.sqlite3"
    env = clean_env(
        TELEGRAM_BOT_TOKEN="123456:TEST",
        TELEGRAM_API_URL=emulator.url,
        REMINDER_BOT_DATABASE=str(database),
    )
    bot = BotProcess(tmp_path, env)
    try:
        bot.wait_ready()
        result = healthcheck(env)
        assert result.returncode == 0, result.stderr
        assert one_line(result).startswith("healthy: heartbeat")
        # The healthcheck needs no token: the container's HEALTHCHECK may run without it.
        tokenless = {k: v for k, v in env.items() if k != "TELEGRAM_BOT_TOKEN"}
        assert healthcheck(tokenless).returncode == 0
        assert bot.stop() == 0, bot.stderr
    finally:
        bot.kill()
    time.sleep(2.1)
    stale = healthcheck({**env, "REMINDER_BOT_HEALTH_MAX_AGE": "2"})
    assert stale.returncode == 1
    line = one_line(stale)
    assert line.startswith("reminder-bot: unhealthy: the dispatcher's heartbeat is"), line
    assert "REMINDER_BOT_HEALTH_MAX_AGE=2" in line


def test_an_unusable_database_path_is_unhealthy(tmp_path: Path) -> None:
    (tmp_path / "not-a-folder").write_text("", encoding="utf-8")
    under_a_file = tmp_path / "not-a-folder" / "bot.sqlite3"
    for path, words in (
        (under_a_file, ["REMINDER_BOT_DATABASE", "cannot be created"]),
        (tmp_path / "missing.sqlite3", ["no database at"]),
    ):
        result = healthcheck(clean_env(REMINDER_BOT_DATABASE=str(path)))
        assert result.returncode == 1
        line = one_line(result)
        assert line.startswith("reminder-bot: unhealthy:"), line
        assert all(word in line for word in words), line


def record(database: Path, **times: int) -> None:
    db = open_database(database)
    db.conn.executemany("insert or replace into health values (?, ?)", list(times.items()))
    db.conn.close()


def test_check_names_each_stale_signal(tmp_path: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    now = 1_000_000
    record(database, started=now - 900, heartbeat=now - 10, polled=now - 20)
    assert health.check(database, max_age=60, poll_max_age=60, now=now).startswith("healthy")
    with pytest.raises(health.Unhealthy, match="heartbeat is 10 s old"):
        health.check(database, max_age=5, poll_max_age=60, now=now)
    with pytest.raises(health.Unhealthy, match="getUpdates 20 s ago.*POLL_MAX_AGE=10"):
        health.check(database, max_age=60, poll_max_age=10, now=now)
    # Before the first answered poll, the start counts.
    record(database, started=now - 5, heartbeat=now - 5, polled=now - 9000)
    assert health.check(database, max_age=60, poll_max_age=10, now=now).startswith("healthy")


def test_a_read_only_database_is_unhealthy(tmp_path: Path, monkeypatch) -> None:
    database = tmp_path / "bot.sqlite3"
    record(database, started=1, heartbeat=1)
    # As root, chmod does not stop writes: take the permission check's answer instead.
    monkeypatch.setattr(health.os, "access", lambda path, mode: False)
    with pytest.raises(health.Unhealthy, match="not writable"):
        health.check(database, max_age=60, poll_max_age=60, now=2)


def test_a_database_without_health_records_is_unhealthy(tmp_path: Path) -> None:
    database = tmp_path / "old.sqlite3"
    sqlite3.connect(database).execute("create table users (id integer)").connection.close()
    with pytest.raises(health.Unhealthy, match="no health records"):
        health.check(database, max_age=60, poll_max_age=60, now=2)


async def test_the_heartbeat_records_the_last_answered_get_updates(bot: BotHarness) -> None:
    await bot.send("/start", ALICE)
    heartbeat = bot.services.heartbeat
    assert heartbeat._job is not None, "the heartbeat is a repeating JobQueue job"
    assert heartbeat._job.job.trigger.interval.total_seconds() == health.HEARTBEAT_SECONDS
    before = time.time()
    await heartbeat._beat()
    with sqlite3.connect(bot.database) as conn:
        times = dict(conn.execute("select name, at from health").fetchall())
    assert times["heartbeat"] >= int(before)
    assert int(before) - 60 <= times["polled"] <= times["heartbeat"]
