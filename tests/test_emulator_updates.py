"""Handing updates to the bot: getUpdates, long polling, webhooks, and acknowledgement."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web
from emulator_helpers import ADA, api
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update

from reminder_bot.emulator import AsyncEmulatorClient, EmulatorClient


@contextlib.asynccontextmanager
async def webhook_server(
    handler: Callable[[web.Request], Awaitable[web.Response]],
) -> AsyncIterator[str]:
    """A webhook endpoint on this event loop; yields its URL."""
    app = web.Application()
    app.router.add_post("/hook", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        yield f"http://127.0.0.1:{port}/hook"
    finally:
        await runner.cleanup()


# ---- updates -------------------------------------------------------------------------------


async def test_get_updates_offset_limit_and_negative_offset(
    emulator: EmulatorClient, ptb_bot: Bot
) -> None:
    for i in range(5):
        emulator.send_text(ADA, f"m{i}")
    ups = await ptb_bot.get_updates(limit=2)
    assert [u.message.text for u in ups] == ["m0", "m1"]
    assert len(await ptb_bot.get_updates(limit=0)) == 1  # clamped to 1
    assert len(await ptb_bot.get_updates(limit=1000)) == 5  # clamped to 100
    ups = await ptb_bot.get_updates(offset=ups[1].update_id + 1)  # confirms m0, m1
    assert [u.message.text for u in ups] == ["m2", "m3", "m4"]
    assert [u.message.text for u in await ptb_bot.get_updates()] == ["m2", "m3", "m4"]
    ups = await ptb_bot.get_updates(offset=-1)  # forgets all but the last
    assert [u.message.text for u in ups] == ["m4"]
    assert [u.message.text for u in await ptb_bot.get_updates()] == ["m4"]
    assert await ptb_bot.get_updates(offset=ups[0].update_id + 1) == ()


async def test_long_poll_returns_as_soon_as_an_update_arrives(
    emulator: EmulatorClient, ptb_bot: Bot
) -> None:
    started = time.monotonic()
    poll = asyncio.create_task(ptb_bot.get_updates(timeout=10, read_timeout=15))
    await asyncio.sleep(0.3)
    await asyncio.to_thread(emulator.send_text, ADA, "/start")
    ups = await poll
    elapsed = time.monotonic() - started
    assert elapsed < 2, elapsed
    [update] = ups
    assert update.message.text == "/start"
    [entity] = update.message.entities
    assert (entity.type, entity.offset, entity.length) == ("bot_command", 0, 6)
    started = time.monotonic()
    assert await ptb_bot.get_updates(offset=update.update_id + 1, timeout=1) == ()
    assert time.monotonic() - started >= 0.9


async def test_allowed_updates_are_remembered(emulator: EmulatorClient, ptb_bot: Bot) -> None:
    emulator.register(ADA)
    msg = await ptb_bot.send_message(
        ADA.id,
        "pick",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("A", callback_data="a")]]),
    )
    await ptb_bot.get_updates(allowed_updates=["callback_query"])
    emulator.send_text(ADA, "ignored")
    emulator.press_button(ADA, msg.message_id, data="a")
    ups = await ptb_bot.get_updates()  # no allowed_updates: the previous filter still holds
    assert [u.callback_query.data for u in ups] == ["a"]
    await ptb_bot.get_updates(offset=ups[-1].update_id + 1, allowed_updates=[])  # default again
    emulator.send_text(ADA, "seen")
    assert [u.message.text for u in await ptb_bot.get_updates()] == ["seen"]


async def test_second_poller_terminates_the_first(emulator: EmulatorClient, ptb_bot: Bot) -> None:
    first = asyncio.create_task(ptb_bot.get_updates(timeout=5, read_timeout=10))
    await asyncio.sleep(0.3)
    resp = await asyncio.to_thread(api, emulator, "getUpdates", data={"timeout": 0})
    assert resp.status_code == 200
    with pytest.raises(Exception, match="terminated by other getUpdates request"):
        await first


async def test_webhook_delivery_secret_and_conflict(
    emulator: EmulatorClient, async_emulator: AsyncEmulatorClient, ptb_bot: Bot
) -> None:
    received: list[tuple[dict[str, Any], str | None]] = []

    async def hook(request: web.Request) -> web.Response:
        received.append(
            (await request.json(), request.headers.get("X-Telegram-Bot-Api-Secret-Token"))
        )
        return web.Response(text="ok")

    async with webhook_server(hook) as url:
        await async_emulator.send_text(ADA, "queued before")
        assert await ptb_bot.set_webhook(url, secret_token="s3cr3t", drop_pending_updates=True)
        info = await ptb_bot.get_webhook_info()
        assert (info.url, info.pending_update_count) == (url, 0)
        with pytest.raises(Exception, match="can't use getUpdates method while webhook is active"):
            await ptb_bot.get_updates()
        await async_emulator.acknowledged(await async_emulator.send_text(ADA, "/start"))
        [(payload, secret)] = received
        assert secret == "s3cr3t"
        assert payload["message"]["text"] == "/start"
        assert Update.de_json(payload, ptb_bot).message.from_user.id == ADA.id
        bad = api(emulator, "getUpdates")
        assert bad.status_code == 409
        assert bad.json()["description"].startswith("Conflict: can't use getUpdates method")
        assert await ptb_bot.delete_webhook()
        assert await ptb_bot.get_updates() == ()


# ---- acknowledgement: the barrier tests wait on ---------------------------------------------


async def test_long_polling_acknowledges_with_a_higher_offset(
    emulator: EmulatorClient, ptb_bot: Bot
) -> None:
    first = emulator.send_text(ADA, "one")
    second = emulator.send_text(ADA, "two")
    assert [u.update_id for u in await ptb_bot.get_updates()] == [first, second]
    # Fetched is not acknowledged: a bot may still die before it handles the update.
    with pytest.raises(
        AssertionError,
        match=rf"update {first} was not acknowledged by the bot within 0.2s: still queued "
        r"\(2 pending\): the bot has not confirmed any update",
    ):
        emulator.acknowledged(first, within=0.2)
    await ptb_bot.get_updates(offset=first + 1)
    emulator.acknowledged(first, within=0)
    with pytest.raises(AssertionError, match=f"last getUpdates offset is {first + 1}"):
        emulator.acknowledged(second, within=0.1)


async def test_acknowledged_returns_as_soon_as_the_bot_confirms(
    async_emulator: AsyncEmulatorClient, ptb_bot: Bot
) -> None:
    update_id = await async_emulator.send_text(ADA, "/start")
    waiting = asyncio.create_task(async_emulator.acknowledged(update_id, within=10))
    [update] = await ptb_bot.get_updates()
    await asyncio.sleep(0.2)
    assert not waiting.done()
    started = time.monotonic()
    await ptb_bot.get_updates(offset=update.update_id + 1)
    await asyncio.wait_for(waiting, 2)
    assert time.monotonic() - started < 1


async def test_updates_that_never_reach_the_bot_fail_at_once(
    emulator: EmulatorClient, ptb_bot: Bot
) -> None:
    await ptb_bot.get_updates(allowed_updates=["callback_query"])
    filtered = emulator.send_text(ADA, "ignored")
    await ptb_bot.get_updates(allowed_updates=[])
    dropped = emulator.send_text(ADA, "dropped")
    assert await ptb_bot.delete_webhook(drop_pending_updates=True)
    started = time.monotonic()
    for update_id, why in [
        (filtered, "filtered out by allowed_updates"),
        (dropped, "dropped before the bot acknowledged it"),
        (dropped + 1, f"no update {dropped + 1} was injected"),
    ]:
        with pytest.raises(AssertionError, match=why):
            emulator.acknowledged(update_id, within=5)
    assert time.monotonic() - started < 2  # nothing waits for a fate that cannot change


async def test_webhook_acknowledges_with_a_2xx_answer(
    async_emulator: AsyncEmulatorClient, ptb_bot: Bot
) -> None:
    answer = {"status": 500}

    async def hook(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(status=answer["status"])

    async with webhook_server(hook) as url:
        assert await ptb_bot.set_webhook(url)
        update_id = await async_emulator.send_text(ADA, "/start")
        with pytest.raises(
            AssertionError, match="has not answered it with 2xx; last error: Wrong response"
        ):
            await async_emulator.acknowledged(update_id, within=0.3)
        answer["status"] = 204
        await async_emulator.acknowledged(update_id, within=5)
        assert await async_emulator.pending_updates() == []
        assert await ptb_bot.delete_webhook()
