"""Rate limits (429 with retry_after) and scripted faults."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from emulator_helpers import ADA, BOB, api
from telegram import Bot
from telegram.error import NetworkError, RetryAfter, TimedOut
from telegram.request import HTTPXRequest

from reminder_bot.emulator import Emulator, EmulatorClient
from reminder_bot.emulator.testing import TEST_TOKEN

# ---- rate limits ---------------------------------------------------------------------------


async def test_per_chat_rate_limit_gives_retry_after(
    emulator: EmulatorClient, ptb_bot: Bot
) -> None:
    emulator.register(ADA)
    emulator.set_limits(per_chat_rate=1, per_chat_burst=3)
    for i in range(3):
        await ptb_bot.send_message(ADA.id, f"burst {i}")
    with pytest.raises(RetryAfter) as err:
        await ptb_bot.send_message(ADA.id, "one too many")
    assert err.value.retry_after.total_seconds() == 1
    resp = api(emulator, "sendMessage", data={"chat_id": ADA.id, "text": "raw"})
    assert resp.status_code == 429
    assert resp.headers["Retry-After"] == "1"
    assert resp.json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 1",
        "parameters": {"retry_after": 1},
    }
    assert await ptb_bot.send_chat_action(ADA.id, "typing")  # not a message: not limited
    statuses = [c["status"] for c in emulator.calls(method="sendMessage", chat_id=ADA.id)]
    assert statuses == [200, 200, 200, 429, 429]


@pytest.mark.parametrize(
    ("limits", "chats", "sends", "expected_retry"),
    [
        ({"global_rate": 2, "global_burst": 2, "per_chat_rate": 0}, [1001, 1002, 1003], 3, 1),
        ({"group_per_minute": 20, "group_burst": 2, "per_chat_rate": 0}, [-5], 3, 3),
    ],
)
async def test_global_and_group_limits(
    emulator: EmulatorClient,
    ptb_bot: Bot,
    limits: dict[str, float],
    chats: list[int],
    sends: int,
    expected_retry: int,
) -> None:
    emulator.register(ADA)
    emulator.register(BOB)
    emulator.register({"id": 1003, "first_name": "Cy"})
    emulator.send_text(ADA, "hi", chat_id=-5)
    emulator.set_limits(**limits)
    for i in range(sends - 1):
        await ptb_bot.send_message(chats[i % len(chats)], "ok")
    with pytest.raises(RetryAfter) as err:
        await ptb_bot.send_message(chats[(sends - 1) % len(chats)], "limited")
    assert err.value.retry_after.total_seconds() == expected_retry


# ---- fault injection -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "exception", "match", "applied"),
    [
        ({"kind": "429", "retry_after": 7}, RetryAfter, "Flood control exceeded", False),
        ({"kind": "500"}, NetworkError, "Internal Server Error", False),
        ({"kind": "502"}, NetworkError, "Bad Gateway", False),
        ({"kind": "slow", "delay": 1.0, "applied": True}, TimedOut, None, True),
        ({"kind": "slow", "delay": 1.0, "applied": False}, TimedOut, None, False),
        ({"kind": "drop", "applied": True}, NetworkError, None, True),
        ({"kind": "drop", "applied": False}, NetworkError, None, False),
    ],
)
async def test_fault_injection(
    emulator: EmulatorClient,
    fault: dict[str, Any],
    exception: type[Exception],
    match: str | None,
    applied: bool,
) -> None:
    emulator.register(ADA)
    emulator.add_fault(method="sendMessage", chat_id=ADA.id, count=1, **fault)
    request = HTTPXRequest(read_timeout=0.4, connect_timeout=2)
    async with Bot(TEST_TOKEN, base_url=emulator.base_url, request=request) as b:
        with pytest.raises(exception, match=match) as err:
            await b.send_message(ADA.id, "maybe")
        if fault["kind"] == "429":
            assert err.value.retry_after.total_seconds() == 7  # type: ignore[attr-defined]
        if fault["kind"] == "slow":
            await asyncio.sleep(fault["delay"] + 0.2)  # let the late answer happen
        assert len(emulator.messages(ADA.id)) == (1 if applied else 0)
        msg = await b.send_message(ADA.id, "next one works")  # count=1: the rule is used up
        assert msg.text == "next one works"


def test_fault_probability_is_seedable() -> None:
    def pattern(seed: int) -> list[bool]:
        e = Emulator(seed=seed)
        e.faults.add("500", probability=0.5)
        return [e.faults.match("getme", {}) is not None for _ in range(40)]

    assert pattern(7) == pattern(7)
    assert pattern(7) != pattern(8)
    assert 5 < sum(pattern(7)) < 35
