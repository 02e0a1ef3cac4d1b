"""The bot's HTTP requests (``BotRequest``) over real HTTP: calls without files as JSON through
httpcore, uploads through httpx, and network trouble mapped to PTB's errors as PTB maps it."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from reminder_bot.app import tls_context
from reminder_bot.bot_request import POOL_TIMEOUT, BotRequest
from reminder_bot.emulator import EmulatorClient, User
from reminder_bot.emulator.testing import TEST_TOKEN
from reminder_bot.in_flight import connection_limits


@pytest.fixture
async def bot(emulator: EmulatorClient) -> AsyncIterator[Bot]:
    request = BotRequest(timeout=5.0, ssl_context=tls_context(), limits=connection_limits())
    ptb = Bot(TEST_TOKEN, base_url=emulator.base_url, request=request)
    async with ptb:
        yield ptb


async def test_a_keyboard_arrives_as_json_objects(
    emulator: EmulatorClient, bot: Bot, make_user: Callable[..., User]
) -> None:
    ada = make_user("Ada")
    emulator.register(ada)
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("✅ Done", callback_data="1:n:d:7")]])
    sent = await bot.send_message(ada.id, "Time for water 💧 «ñ»", reply_markup=keyboard)
    assert sent.text == "Time for water 💧 «ñ»" and sent.reply_markup == keyboard
    [call] = emulator.calls(method="sendMessage")
    assert call["params"]["reply_markup"] == {
        "inline_keyboard": [[{"text": "✅ Done", "callback_data": "1:n:d:7"}]]
    }
    [stored] = emulator.messages(ada.id)
    assert stored["text"] == "Time for water 💧 «ñ»"


async def test_an_upload_still_goes_as_multipart(
    emulator: EmulatorClient, bot: Bot, make_user: Callable[..., User]
) -> None:
    ada = make_user("Ada")
    emulator.register(ada)
    sent = await bot.send_document(ada.id, b"day,done\n", filename="export.csv", caption="ok")
    assert sent.document is not None and sent.document.file_name == "export.csv"
    assert emulator.file_bytes(sent.document.file_id) == b"day,done\n"


async def test_the_bot_api_error_is_ptbs(emulator: EmulatorClient, bot: Bot) -> None:
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await bot.send_message(987_654_321, "nobody is here")


def chat_payload() -> RequestData:
    return RequestData([RequestParameter.from_input("chat_id", 1)])


@contextlib.asynccontextmanager
async def silent_server() -> AsyncIterator[tuple[int, list[asyncio.StreamWriter]]]:
    """A port that accepts connections and reads, and never answers; the connections made."""
    connections: list[asyncio.StreamWriter] = []

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(writer)
        await reader.read(65536)

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1], connections
    finally:
        for writer in connections:
            writer.close()
        server.close()


async def test_no_answer_is_a_timeout_and_a_full_pool_says_so() -> None:
    async with silent_server() as (port, connections):
        request = BotRequest(timeout=0.3, ssl_context=tls_context(), limits=connection_limits(1))
        await request.initialize()
        url = f"http://127.0.0.1:{port}/bot{TEST_TOKEN}/sendMessage"
        first = asyncio.create_task(
            request.do_request(url, "POST", chat_payload(), read_timeout=2.0)
        )
        await asyncio.sleep(0.2)  # the pool's one connection is the first call's
        with pytest.raises(TimedOut) as pool_error:
            await request.do_request(url, "POST", chat_payload(), pool_timeout=0.2)
        assert pool_error.value.message == POOL_TIMEOUT
        with pytest.raises(TimedOut) as read_error:
            await first
        assert read_error.value.message != POOL_TIMEOUT
        assert len(connections) == 1
        await request.shutdown()


async def test_nobody_listening_is_a_network_error() -> None:
    async with silent_server() as (port, _connections):
        pass  # closed again: nothing listens on the port now
    request = BotRequest(timeout=1.0, ssl_context=tls_context(), limits=connection_limits())
    await request.initialize()
    url = f"http://127.0.0.1:{port}/bot{TEST_TOKEN}/sendMessage"
    with pytest.raises(NetworkError, match="httpcore.ConnectError"):
        await request.do_request(url, "POST", chat_payload())
    await request.shutdown()


async def test_a_call_after_shutdown_is_refused_and_initialize_reopens(
    emulator: EmulatorClient,
) -> None:
    request = BotRequest(timeout=5.0, ssl_context=tls_context(), limits=connection_limits())
    url = f"{emulator.base_url}{TEST_TOKEN}/getMe"
    assert (await request.do_request(url, "POST", chat_payload()))[0] == 200
    await request.shutdown()
    with pytest.raises(RuntimeError, match="not initialized"):
        await request.do_request(url, "POST", chat_payload())
    await request.initialize()
    assert (await request.do_request(url, "POST", chat_payload()))[0] == 200
    await request.shutdown()
