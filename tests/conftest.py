"""Shared fixtures: a real emulator on loopback and the real bot running against it over HTTP,
with a clock the test moves by hand."""

from __future__ import annotations

import functools
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import pytest

from reminder_bot import app as bot_app
from reminder_bot.clock import ManualClock
from reminder_bot.config import Config, load
from reminder_bot.emulator import AsyncEmulatorClient, EmulatorClient, User

pytest_plugins = ["reminder_bot.emulator.testing"]

TOKEN = "123456:TEST"
# Obviously fake, with a secret part long enough that the log filter redacts it on its own.
FAKE_TOKEN = "123456:TEST-fake-secret-part"
ALICE = User(id=1001, first_name="Alice", language_code="en")
BOB = User(id=1002, first_name="Bob", language_code="en")
# A Monday morning in winter: Europe/Berlin is UTC+1.
MONDAY_0700_UTC = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)
WEBHOOK_SECRET = "test-webhook-secret_0123456789"
WEBHOOK_PATH = "/telegram/hook"
Mode = Literal["polling", "webhook"]


def free_port() -> int:
    """A port nothing listens on now (the OS picks it), for a webhook to listen on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def webhook_env(port: int) -> dict[str, str]:
    """Webhook mode on loopback: the emulator POSTs straight to the bot, no proxy between."""
    return {
        "REMINDER_BOT_WEBHOOK_URL": f"http://127.0.0.1:{port}{WEBHOOK_PATH}",
        "REMINDER_BOT_WEBHOOK_LISTEN": f"127.0.0.1:{port}",
        "REMINDER_BOT_WEBHOOK_SECRET": WEBHOOK_SECRET,
    }


@functools.cache
def data_files(presets_dir: Path | None, default_preset: str) -> bot_app.DataFiles:
    """Content and presets, read and checked once per session for each such setting (the
    bot reads them at every start; the files don't change under a test run)."""
    return bot_app.load_data_files(
        load(
            {
                "TELEGRAM_BOT_TOKEN": TOKEN,
                "REMINDER_BOT_DEFAULT_PRESET": default_preset,
                **({"REMINDER_BOT_PRESETS_DIR": str(presets_dir)} if presets_dir else {}),
            }
        )
    )


def bot_config(url: str, database: Path, **overrides: str) -> Config:
    env = {
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": url,
        "REMINDER_BOT_DATABASE": str(database),
        "REMINDER_BOT_TIMEZONE": "Europe/Berlin",
        # The emulator allows bursts per chat; the bot's own pacing is what we test, faster.
        "REMINDER_BOT_CHAT_RATE": "20",
        "REMINDER_BOT_GLOBAL_RATE": "200",
        **overrides,
    }
    return load(env)


class BotHarness:
    """The real bot, started in this event loop, talking HTTP to the emulator. ``mode``
    "webhook" has the emulator POST updates to the bot's webhook (on one port for the
    harness's life, as a deployment keeps its URL) instead of the bot long-polling."""

    def __init__(
        self, url: str, database: Path, start: datetime, mode: Mode = "polling", **env: str
    ) -> None:
        self.url = url
        self.database = database
        self.clock = ManualClock(start)
        self.webhook_port = free_port()
        self.env = env
        self.mode: Mode = mode
        self.client = AsyncEmulatorClient(url)
        self.seq = 0
        self.handled_up_to = 0  # updates up to this id are known to be handled
        self.handled_before: set[int] = set()  # updates handled by an earlier run
        self.application: Any = None

    async def start(self) -> None:
        webhook = webhook_env(self.webhook_port) if self.mode == "webhook" else {}
        config = bot_config(self.url, self.database, **webhook, **self.env)
        self.application = bot_app.build_application(
            config, clock=self.clock, data=data_files(config.presets_dir, config.default_preset)
        )
        await bot_app.start_in_loop(self.application)

    async def stop(self) -> None:
        if self.application is not None:
            await bot_app.stop_in_loop(self.application)
            # Stopping waits for every fetched update's handlers; the next run won't see them.
            self.handled_before |= self.application.update_processor.handled_ids
            self.application = None

    async def restart(self) -> None:
        await self.stop()
        await self.start()

    @property
    def services(self) -> Any:
        return self.application.bot_data.services

    async def mark(self) -> int:
        """Remember where the call log is, so the next wait looks only at newer calls."""
        self.seq = int((await self.client.stats())["last_seq"])
        return self.seq

    async def send(self, text: str, user: User = ALICE) -> dict[str, Any]:
        """The user writes ``text``; returns the bot's reply (its sendMessage call)."""
        await self.mark()
        await self.client.send_text(user, text)
        return await self.reply(user.id)

    async def reply(
        self, chat_id: int | None, method: str = "sendMessage", within: float = 10.0
    ) -> dict[str, Any]:
        calls = await self.wait_calls(method, chat_id=chat_id, count=1, within=within)
        return calls[0]

    async def wait_calls(
        self, method: str, *, chat_id: int | None = None, count: int = 1, within: float = 10.0
    ) -> list[dict[str, Any]]:
        """Wait (without blocking the bot, which shares this loop) until calls arrive."""
        return await self.client.wait_for_calls(
            method, chat_id=chat_id, since=self.seq, count=count, within=within
        )

    async def no_calls(self, method: str, chat_id: int | None = None) -> None:
        """Assert the bot made no such call, after a positive barrier: everything injected so
        far was handled and the dispatcher has settled, so "nothing" is a proven nothing."""
        await self.handled()
        calls = await self.client.calls(self.seq, method, chat_id)
        assert calls == [], [c["params"].get("text", "")[:80] for c in calls]

    async def handled(self, within: float = 10.0) -> None:
        """Wait until every update injected so far was acknowledged (by the bot's next
        getUpdates offset, or a 2xx answer to its webhook POST) and its handlers have finished,
        then until the dispatcher settles. Raises on timeout; never returns early."""
        last = int((await self.client.stats())["last_update_id"])
        for update_id in range(self.handled_up_to + 1, last + 1):
            await self.client.acknowledged(update_id, within=within)
            if update_id not in self.handled_before:
                await self.application.update_processor.handled(update_id, within=within)
        self.handled_up_to = max(self.handled_up_to, last)
        await self.settle(within)

    async def advance(self, delta: timedelta) -> None:
        await self.mark()
        self.clock.advance(delta)

    async def set_time(self, when: datetime) -> None:
        await self.mark()
        self.clock.set(when)

    async def settle(self, within: float = 10.0) -> None:
        """Wait until the dispatcher has acted on the clock's current time: due slots claimed,
        their sends finished and logged. Raises TimeoutError rather than giving up quietly."""
        await self.services.dispatcher.settled(self.clock.now(), within=within)


async def running_bot(
    emulator: EmulatorClient, tmp_path: Path, mode: Mode
) -> AsyncIterator[BotHarness]:
    # Telegram's own limits scaled up 20x, in step with the bot's settings in bot_config, so
    # tests run fast; the emulator still answers 429 if the bot outpaces them.
    emulator.set_limits(per_chat_rate=20, per_chat_burst=3, global_rate=600, global_burst=30)
    harness = BotHarness(emulator.url, tmp_path / "bot.sqlite3", MONDAY_0700_UTC, mode)
    await harness.start()
    yield harness
    await harness.stop()
    await harness.client.aclose()


@pytest.fixture
async def bot(
    request: pytest.FixtureRequest, emulator: EmulatorClient, tmp_path: Path
) -> AsyncIterator[BotHarness]:
    """The bot, long-polling; a test that must hold in both modes takes it in each with
    ``@pytest.mark.parametrize("bot", ["polling", "webhook"], indirect=True)``."""
    async for harness in running_bot(emulator, tmp_path, getattr(request, "param", "polling")):
        yield harness


@pytest.fixture
async def webhook_bot(emulator: EmulatorClient, tmp_path: Path) -> AsyncIterator[BotHarness]:
    """The bot in webhook mode: the emulator POSTs each update to it."""
    async for harness in running_bot(emulator, tmp_path, "webhook"):
        yield harness
