"""Webhook mode end to end: the emulator POSTs updates to the bot's webhook (as Telegram does
after setWebhook) instead of the bot long-polling; the same session works, only POSTs with the
secret get in, updates wait while the bot is down, and a bot started without the URL polls
again."""

from __future__ import annotations

import socket
import sqlite3
import subprocess
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from conftest import (
    ALICE,
    MONDAY_0700_UTC,
    WEBHOOK_PATH,
    WEBHOOK_SECRET,
    BotHarness,
    free_port,
    webhook_env,
)
from test_bot import buttons_of, nudges_at, press, rows, text_of
from test_cli import (
    ADA,
    ERROR_TIMEOUT,
    BotProcess,
    assert_clean_exit,
    clean_env,
    reminder_bot,
    say,
)
from test_settings import tap

from reminder_bot.emulator import EmulatorClient


async def webhook_info(bot: BotHarness) -> Any:
    return await bot.application.bot.get_webhook_info()


async def test_a_whole_session_by_webhook(webhook_bot: BotHarness) -> None:
    bot = webhook_bot
    info = await webhook_info(bot)
    assert info.url == f"http://127.0.0.1:{bot.webhook_port}{WEBHOOK_PATH}"
    welcome = await bot.send("/start")
    assert "Alice" in text_of(welcome)
    # A settings button: the menu opens under the welcome.
    opened = await tap(bot, welcome["response"]["result"]["message_id"], "⚙️ Settings")
    assert len(opened.sent) == 1 and opened.answer["callback_query_id"]
    # A nudge at its time, and its Done button.
    nudge = (await nudges_at(bot, MONDAY_0700_UTC + timedelta(hours=1), 2))[0]
    shown = [b["text"][2:] for b in buttons_of(nudge)]
    assert shown == ["Done", "Skip", "10 min", "30 min", "1 h"]
    await press(bot, nudge, "Done")
    assert "Done at 09:00" in text_of(await bot.reply(ALICE.id, "editMessageText"))
    relief = text_of(await bot.send("/relief"))
    assert "General information, not medical advice." in relief

    # Down: Telegram keeps what is written meanwhile and POSTs it once the bot is back.
    await bot.stop()
    await bot.mark()
    await bot.client.send_text(ALICE, "/help")
    assert len(await bot.client.pending_updates()) == 1
    await bot.start()
    assert "/schedule" in text_of(await bot.reply(ALICE.id))
    await bot.handled()
    assert await bot.client.calls(0, "getUpdates") == [], "webhook mode never polls"
    assert rows(bot, "select count(*) from users") == [(1,)]
    assert ("done",) in rows(bot, "select status from deliveries")
    assert (await webhook_info(bot)).pending_update_count == 0


def update(update_id: int, text: str) -> dict[str, Any]:
    """A complete private-chat message from Alice, as Telegram would POST it."""
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": {"id": ALICE.id, "type": "private", "first_name": ALICE.first_name},
            "from": {"id": ALICE.id, "is_bot": False, "first_name": ALICE.first_name},
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
        },
    }


async def test_only_posts_with_the_secret_get_in(webhook_bot: BotHarness) -> None:
    bot = webhook_bot
    await bot.send("/start")  # the emulator knows Alice's chat from here on
    await bot.handled()
    await bot.mark()
    url = f"http://127.0.0.1:{bot.webhook_port}{WEBHOOK_PATH}"
    forged = {"wrong": {"X-Telegram-Bot-Api-Secret-Token": "not-the-secret"}, "missing": {}}
    async with httpx.AsyncClient(timeout=10) as http:
        for number, headers in enumerate(forged.values(), start=900_001):
            answer = await http.post(url, json=update(number, "/stop"), headers=headers)
            assert answer.status_code == 403, (headers, answer.status_code)
        right = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
        answer = await http.post(url, json=update(900_003, "/help"), headers=right)
        assert answer.status_code == 200
    processor = bot.application.update_processor
    await processor.handled(900_003, within=10)
    # Alice's updates run in order, so a forged /stop let in would have run (and replied) first.
    replies = await bot.client.calls(bot.seq, "sendMessage", ALICE.id)
    assert ["/schedule" in text_of(call) for call in replies] == [True]
    assert {900_001, 900_002}.isdisjoint(processor.handled_ids)
    assert rows(bot, "select active from users") == [(1,)]


async def test_a_bot_started_without_the_url_polls_again(webhook_bot: BotHarness) -> None:
    bot = webhook_bot
    await bot.send("/start")
    await bot.stop()
    await bot.mark()
    await bot.client.send_text(ALICE, "/help")  # waits for whichever way the bot comes back
    bot.mode = "polling"
    await bot.start()
    assert "/schedule" in text_of(await bot.reply(ALICE.id))
    assert (await bot.client.calls(0, "deleteWebhook")) != []
    assert (await webhook_info(bot)).url == ""
    assert await bot.client.calls(bot.seq, "getUpdates") != []
    assert "Europe/Berlin" in text_of(await bot.send("/start"))


def test_sigterm_stops_a_webhook_bot_in_order(emulator: EmulatorClient, tmp_path: Path) -> None:
    env = clean_env(
        TELEGRAM_BOT_TOKEN="123456:TEST",
        TELEGRAM_API_URL=emulator.url,
        REMINDER_BOT_DATABASE=str(tmp_path / "bot.sqlite3"),
        # PTB logs setWebhook's parameters at DEBUG, the secret among them.
        REMINDER_BOT_LOG_LEVEL="DEBUG",
        **webhook_env(free_port()),
    )
    bot = BotProcess(tmp_path, env)
    try:
        bot.wait_ready()
        assert "Hi Ada!" in say(emulator, "/start", ADA)["params"]["text"]
        checked = run("healthcheck", env)
        assert checked.returncode == 0, checked.stderr
        assert checked.stdout.startswith("healthy (webhook): heartbeat"), checked.stdout
        assert_clean_exit(bot, bot.stop())
    finally:
        bot.kill()
    assert "receiving updates by webhook" in bot.stderr
    assert "setWebhook" in bot.stderr
    assert WEBHOOK_SECRET not in bot.stderr and "123456:TEST" not in bot.stderr
    with sqlite3.connect(tmp_path / "bot.sqlite3") as conn:
        assert conn.execute("select id from users").fetchall() == [(ADA.id,)]


def run(command: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        reminder_bot(command), env=env, capture_output=True, text=True, timeout=ERROR_TIMEOUT
    )


def test_a_webhook_url_without_a_secret_is_refused(tmp_path: Path) -> None:
    env = clean_env(
        TELEGRAM_BOT_TOKEN="123456:TEST",
        TELEGRAM_API_URL="http://127.0.0.1:9",  # never called
        REMINDER_BOT_DATABASE=str(tmp_path / "bot.sqlite3"),
        REMINDER_BOT_WEBHOOK_URL="https://bot.example.org/tg",
    )
    started = run("run", env)
    assert started.returncode == 2, started.stderr
    assert started.stderr.startswith("reminder-bot: configuration error: REMINDER_BOT_WEBHOOK_URL")
    assert "REMINDER_BOT_WEBHOOK_SECRET" in started.stderr
    assert not (tmp_path / "bot.sqlite3").exists()
    checked = run("check-config", env)
    assert checked.returncode != 0
    assert "REMINDER_BOT_WEBHOOK_SECRET" in checked.stderr, checked.stderr


def test_a_listen_port_in_use_is_named(emulator: EmulatorClient, tmp_path: Path) -> None:
    port = free_port()
    env = clean_env(
        TELEGRAM_BOT_TOKEN="123456:TEST",
        TELEGRAM_API_URL=emulator.url,
        REMINDER_BOT_DATABASE=str(tmp_path / "bot.sqlite3"),
        **webhook_env(port),
    )
    with socket.create_server(("127.0.0.1", port)):  # another program holds the port
        started = run("run", env)
    assert started.returncode == 2, started.stderr
    assert f"REMINDER_BOT_WEBHOOK_LISTEN=127.0.0.1:{port}" in started.stderr
    assert emulator.calls(0, "setWebhook") == [], "Telegram was told before the port was ours"
