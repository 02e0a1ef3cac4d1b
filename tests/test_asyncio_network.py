"""The bot's calls without files over asyncio's streams (``asyncio_network.py``), through
``BotRequest`` and real servers: HTTPS verified against the certificate's authority, a
keep-alive connection the server closed, and the environment's proxy variables."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import AsyncIterator

import pytest
import trustme
from aiohttp import web
from telegram.error import NetworkError
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from reminder_bot.app import tls_context
from reminder_bot.bot_request import BotRequest
from reminder_bot.emulator.testing import TEST_TOKEN
from reminder_bot.in_flight import connection_limits

ANSWER = {"ok": True, "result": {"message_id": 7}}


@contextlib.asynccontextmanager
async def bot_api(
    *, tls: ssl.SSLContext | None = None, keepalive: float = 75.0
) -> AsyncIterator[tuple[str, list[str]]]:
    """A server answering every method as Telegram answers a send; its base URL and the
    remote port of each call (one port per connection)."""
    ports: list[str] = []

    async def answer(request: web.Request) -> web.Response:
        await request.read()
        ports.append(str(request.transport.get_extra_info("peername")[1]))  # type: ignore[union-attr]
        return web.json_response(ANSWER)

    app = web.Application()
    app.router.add_post("/{path:.*}", answer)
    runner = web.AppRunner(app, keepalive_timeout=keepalive)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=tls)
    await site.start()
    port = runner.addresses[0][1]
    scheme = "https" if tls else "http"
    try:
        yield f"{scheme}://localhost:{port}/bot{TEST_TOKEN}", ports
    finally:
        await runner.cleanup()


def payload() -> RequestData:
    return RequestData([RequestParameter.from_input("chat_id", 1)])


@contextlib.asynccontextmanager
async def opened(ssl_context: ssl.SSLContext) -> AsyncIterator[BotRequest]:
    request = BotRequest(timeout=5.0, ssl_context=ssl_context, limits=connection_limits())
    await request.initialize()
    try:
        yield request
    finally:
        await request.shutdown()


@pytest.fixture(scope="module")
def authority() -> trustme.CA:
    return trustme.CA()


async def test_https_is_verified_against_the_trusted_authority(authority: trustme.CA) -> None:
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("localhost").configure_cert(server_tls)
    trusting = ssl.create_default_context()
    authority.configure_trust(trusting)
    async with bot_api(tls=server_tls) as (base, ports):
        async with opened(trusting) as request:
            for _ in range(3):
                status, body = await request.do_request(f"{base}/sendMessage", "POST", payload())
                assert status == 200 and b'"message_id": 7' in body
        assert len(ports) == 3 and len(set(ports)) == 1  # one TLS connection, kept alive
        async with opened(tls_context()) as request:  # the system's authorities only
            with pytest.raises(NetworkError, match="(?i)certificate verify failed"):
                await request.do_request(f"{base}/sendMessage", "POST", payload())


async def test_a_connection_the_server_closed_is_replaced_not_reused() -> None:
    async with bot_api(keepalive=0.1) as (base, ports):
        async with opened(tls_context()) as request:
            assert (await request.do_request(f"{base}/getMe", "POST", payload()))[0] == 200
            await asyncio.sleep(0.5)  # the server closes the idle connection after 0.1 s
            assert (await request.do_request(f"{base}/getMe", "POST", payload()))[0] == 200
    assert len(ports) == 2 and ports[0] != ports[1]


async def test_the_environments_proxy_is_used_unless_the_host_is_exempt(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with bot_api() as (base, ports):
        nothing_listens = "http://127.0.0.1:9"  # discard: refused on any test machine
        monkeypatch.setenv("HTTP_PROXY", nothing_listens)
        monkeypatch.delenv("NO_PROXY", raising=False)
        monkeypatch.delenv("no_proxy", raising=False)
        async with opened(tls_context()) as request:
            with pytest.raises(NetworkError):
                await request.do_request(f"{base}/sendMessage", "POST", payload())
        assert ports == []  # the call went to the proxy, not past it
        monkeypatch.setenv("NO_PROXY", "localhost")
        async with opened(tls_context()) as request:
            assert (await request.do_request(f"{base}/sendMessage", "POST", payload()))[0] == 200
        assert len(ports) == 1
