"""``reminder-bot healthcheck``: the running bot records a heartbeat and its last answered
getUpdates (in webhook mode: getWebhookInfo, and Telegram's trouble reaching the webhook) in the
``health`` table; the command reads them from another process."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import subprocess
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import ALICE, BotHarness
from telegram import WebhookInfo
from test_cli import ERROR_TIMEOUT, BotProcess, clean_env, reminder_bot

from reminder_bot import app as bot_app
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
        assert one_line(result).startswith("healthy (polling): heartbeat")
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


URL = "https://bot.example.org/tg"


def info(url: str = URL, pending: int = 0, error_at: float | None = None) -> WebhookInfo:
    when = datetime.fromtimestamp(error_at, UTC) if error_at is not None else None
    message = "Connection refused" if error_at is not None else None
    return WebhookInfo(url, False, pending, last_error_date=when, last_error_message=message)


@pytest.mark.parametrize(
    ("webhook", "trouble"),
    [
        (info(), None),
        (info(pending=3), None),  # waiting, but nothing failed
        (info(pending=3, error_at=1_000), "Connection refused (3 waiting)"),
        (info(pending=3, error_at=999), None),  # failed while the bot was down (before 1000)
        (info(pending=0, error_at=1_000), None),  # Telegram got past it
        (info(url=""), "set to 'nothing'"),  # another instance polls with this token
        (info(url="https://elsewhere.example/x"), "set to 'https://elsewhere.example/x'"),
    ],
)
def test_webhook_trouble(webhook: WebhookInfo, trouble: str | None) -> None:
    found = health.webhook_trouble(webhook, URL, since=1_000)
    if trouble is None:
        assert found is None
    else:
        assert found is not None and trouble in found, found


def test_check_in_webhook_mode_names_each_stale_signal(tmp_path: Path) -> None:
    database = tmp_path / "bot.sqlite3"
    now = 1_000_000
    # An old getUpdates from an earlier polling run is not looked at.
    times = {"started": now - 900, "heartbeat": now - 10, "polled": now - 9000}

    def verdict(**more: int) -> str:
        record(database, **{**times, **more})
        return health.check(database, max_age=60, poll_max_age=60, now=now, webhook=True)

    assert verdict(webhook_checked=now - 10, received=now - 100).startswith(
        "healthy (webhook): heartbeat 10 s ago, getWebhookInfo answered 10 s ago, "
        "last update received 100 s ago"
    )
    assert "received none since the start" in verdict(received=now - 1000)
    with pytest.raises(health.Unhealthy, match="webhook mode: .*getWebhookInfo 70 s ago"):
        verdict(webhook_checked=now - 70)
    with pytest.raises(health.Unhealthy, match="webhook mode: .*trouble 30 s ago and no update"):
        verdict(webhook_checked=now - 10, webhook_error=now - 30, received=now - 100)
    # An update arrived after the trouble, or none is current: healthy.
    assert verdict(webhook_error=now - 30, received=now - 20).startswith("healthy (webhook)")
    assert verdict(webhook_error=0, received=now - 100).startswith("healthy (webhook)")


async def webhook_error(bot: BotHarness) -> WebhookInfo:
    """Until Telegram (the emulator) reports failing to POST to the webhook."""
    for _ in range(500):
        found = await bot.application.bot.get_webhook_info()
        if found.last_error_date is not None:
            return found
        await asyncio.sleep(0.01)
    raise TimeoutError("the emulator never reported a webhook error")


async def test_the_heartbeat_watches_the_webhook(
    webhook_bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    bot = webhook_bot
    await bot.send("/start", ALICE)
    heartbeat = bot.services.heartbeat

    def verdict() -> str:
        return health.check(
            bot.database, max_age=60, poll_max_age=60, now=time.time(), webhook=True
        )

    await heartbeat._beat()
    first = verdict()
    assert first.startswith("healthy (webhook)") and "none since the start" not in first, first
    # Telegram cannot reach the webhook: the server is down while the bot runs on.
    await bot.application.updater.stop()
    await bot.client.send_text(ALICE, "/help")
    await webhook_error(bot)
    with caplog.at_level(logging.INFO, logger="reminder_bot.health"):
        await heartbeat._beat()
        await heartbeat._beat()
        with pytest.raises(health.Unhealthy, match="updates are not reaching the bot"):
            verdict()
        # Back: the queued update arrives, and the next beat sees the trouble is over.
        await bot_app.receive_updates(bot.application)
        await bot.reply(ALICE.id)
        await heartbeat._beat()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "Telegram cannot deliver updates to http://" in warnings[0]
    assert any("trouble is over" in r.getMessage() for r in caplog.records)
    assert verdict().startswith("healthy (webhook)")
