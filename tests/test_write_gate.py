"""The sender's start window passed at the socket (``write_gate.py``): once per call, before its
first bytes, on both of BotRequest's paths; and a delay between the sender and the socket no
longer bunches the calls at the receiver."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest
from telegram import Bot
from telegram.ext import ExtBot

from reminder_bot.app import tls_context
from reminder_bot.bot_request import BotRequest
from reminder_bot.emulator import EmulatorClient, User
from reminder_bot.emulator.testing import TEST_TOKEN
from reminder_bot.in_flight import connection_limits
from reminder_bot.sender import Sender
from reminder_bot.write_gate import gated, pass_gate


async def test_a_gate_is_passed_once_and_none_passes_at_once() -> None:
    passed: list[str] = []

    async def gate() -> None:
        passed.append("gate")

    await pass_gate()  # no call around it: nothing to pass
    with gated(gate):
        with gated(None):  # a call inside a call does not take the outer call's gate
            await pass_gate()
        assert passed == []
        await pass_gate()
        await pass_gate()  # the same call's body
    assert passed == ["gate"]
    await pass_gate()
    assert passed == ["gate"]


@pytest.fixture
async def bot(emulator: EmulatorClient) -> AsyncIterator[Bot]:
    request = BotRequest(timeout=5.0, ssl_context=tls_context(), limits=connection_limits())
    async with Bot(TEST_TOKEN, base_url=emulator.base_url, request=request) as ptb:
        yield ptb


@pytest.mark.parametrize("upload", [False, True], ids=["json", "upload"])
async def test_each_call_passes_its_gate_before_the_server_sees_it(
    emulator: EmulatorClient, bot: Bot, make_user: Callable[..., User], upload: bool
) -> None:
    ada = make_user("Ada")
    emulator.register(ada)
    seen_before_gate: list[int] = []
    before = len(emulator.calls(method=None))  # getMe, as the bot started

    async def gate() -> None:
        seen_before_gate.append(len(emulator.calls(method=None)))

    for _ in range(3):
        with gated(gate):
            if upload:
                await bot.send_document(ada.id, b"day,done\n", filename="export.csv")
            else:
                await bot.send_message(ada.id, "Time for water")
    # Each gate ran once, when the server had seen only the calls before it.
    assert seen_before_gate == [before, before + 1, before + 2]


def busiest(times: list[float], window: float) -> int:
    times = sorted(times)
    return max(sum(1 for t in times[i:] if t - start < window) for i, start in enumerate(times))


async def test_a_stall_on_the_way_to_the_socket_does_not_bunch_the_sends(
    emulator: EmulatorClient, make_user: Callable[..., User]
) -> None:
    """Ten calls are held between the sender and the socket until a later one gets there (as
    a stalled loop holds them), then let go at once: the receiver still sees at most the cap
    in any second. Checked before the call, the window let them all out together with the
    calls after them (29 in one second here)."""
    users = [make_user(f"U{i}") for i in range(60)]
    for user in users:
        emulator.register(user)
    released = asyncio.Event()
    entered = 0

    class StallingRequest(BotRequest):
        async def do_request(self, url, *args, **kwargs):  # type: ignore[no-untyped-def]
            nonlocal entered
            if url.endswith("/sendMessage"):
                entered += 1
                if entered == 31:
                    released.set()
                elif 20 < entered <= 30:
                    await released.wait()
            return await super().do_request(url, *args, **kwargs)

    sender = Sender(global_rate=20, chat_rate=100, window_at_socket=True)
    request = StallingRequest(timeout=5.0, ssl_context=tls_context(), limits=connection_limits())
    bot = ExtBot(TEST_TOKEN, base_url=emulator.base_url, request=request, rate_limiter=sender)
    async with bot:
        await asyncio.gather(*(bot.send_message(user.id, "Stand up") for user in users))
    arrivals = [call["time"] for call in emulator.calls(method="sendMessage")]
    assert len(arrivals) == 60
    # 0.9 s, not 1: the receiver's clock may see a request some ms early or late.
    assert busiest(arrivals, 0.9) <= 20, busiest(arrivals, 0.9)
