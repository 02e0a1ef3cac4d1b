"""Pytest plugin: one emulator for the whole test session, reset for every test.

Load it with ``pytest_plugins = ["reminder_bot.emulator.testing"]`` in the top conftest.py.

* ``session_emulator``: the ``EmulatorThread`` serving the session.
* ``emulator``: a sync ``EmulatorClient`` on it, after a reset (no chats, calls or faults).
* ``async_emulator``: the same as an ``AsyncEmulatorClient``, for tests on an event loop.
* ``ptb_bot``: a real PTB ``Bot`` pointed at it (token ``TEST_TOKEN``).
* ``make_user``: ``new_user``, a User factory whose ids never repeat within the session.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
import pytest_asyncio
from telegram import Bot

from .client import AsyncEmulatorClient, EmulatorClient, User
from .runner import EmulatorThread

TEST_TOKEN = "123456789:TEST-token_for_the_emulator"

# Well above the hand-picked ids tests use (1001, 1002...), so the two never meet.
_user_ids = itertools.count(10_000_001)


def new_user(first_name: str = "User", **fields: Any) -> User:
    """A User with an id no other ``new_user`` call in this process hands out."""
    return User(id=next(_user_ids), first_name=first_name, **fields)


@pytest.fixture(scope="session")
def session_emulator() -> Iterator[EmulatorThread]:
    """The session's one emulator, in a background thread."""
    with EmulatorThread() as server:
        yield server


@pytest.fixture
def emulator(session_emulator: EmulatorThread) -> Iterator[EmulatorClient]:
    """A sync client on the session emulator, reset for this test."""
    with EmulatorClient(session_emulator.url) as client:
        client.reset()
        yield client


@pytest_asyncio.fixture
async def async_emulator(emulator: EmulatorClient) -> AsyncIterator[AsyncEmulatorClient]:
    """An async client on the session emulator, reset for this test."""
    async with AsyncEmulatorClient(emulator.url) as client:
        yield client


@pytest_asyncio.fixture
async def ptb_bot(emulator: EmulatorClient) -> AsyncIterator[Bot]:
    """A PTB Bot talking to the session emulator, reset for this test."""
    bot = Bot(TEST_TOKEN, base_url=emulator.base_url, base_file_url=f"{emulator.url}/file/bot")
    async with bot:
        yield bot


@pytest.fixture
def make_user() -> Callable[..., User]:
    """``new_user``: ``make_user("Ada", language_code="de")`` gives a User with a fresh id."""
    return new_user
