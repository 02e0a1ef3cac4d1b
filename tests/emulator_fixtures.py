"""Pytest fixtures around the Telegram Bot API emulator (import them into conftest.py).

``emulator_server`` runs one emulator per session in a background thread; ``emu`` hands each test
a reset emulator through the sync control client; ``ptb_bot`` is a real PTB ``Bot`` pointed at it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from telegram import Bot

from reminder_bot.emulator import EmulatorThread
from reminder_bot.emulator_client import EmulatorClient, User

TEST_TOKEN = "123456789:TEST-token_for_the_emulator"
ADA = User(id=1001, first_name="Ada", last_name="Lovelace", username="ada", language_code="en")
BOB = User(id=1002, first_name="Bob", language_code="de")


@pytest.fixture(scope="session")
def emulator_server() -> Iterator[EmulatorThread]:
    with EmulatorThread() as server:
        yield server


@pytest.fixture
def emu(emulator_server: EmulatorThread) -> Iterator[EmulatorClient]:
    client = EmulatorClient(emulator_server.url)
    client.reset()
    try:
        yield client
    finally:
        client.close()


@pytest.fixture
async def ptb_bot(emu: EmulatorClient) -> AsyncIterator[Bot]:
    b = Bot(TEST_TOKEN, base_url=emu.base_url, base_file_url=f"{emu.url}/file/bot")
    async with b:
        yield b
