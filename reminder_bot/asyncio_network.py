"""httpcore's network layer on asyncio's own streams, for the bot's calls without files
(``bot_request.py``).

httpcore reaches the network through a backend, and its default one goes through anyio: a
cancel scope around every read and write, and a fresh dict of socket attributes each time a
pooled connection is checked before reuse. That was ~8% of the CPU of each nudge in a 300/s
burst (docs/performance.md). The bot runs on asyncio alone (PTB's loop), so this backend uses
asyncio's streams as they are: timeouts by ``asyncio.timeout``, TLS by ``StreamWriter.start_tls``,
errors mapped to httpcore's as its anyio backend maps them.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import Iterable
from typing import Any

import httpcore

from reminder_bot.write_gate import pass_gate

# RFC 8305's recommended delay before trying a host's next address (anyio's default too).
HAPPY_EYEBALLS_DELAY = 0.25  # seconds


class AsyncioStream(httpcore.AsyncNetworkStream):
    """One connection: asyncio's reader and writer, with httpcore's timeouts and errors (the
    methods take httpcore's ``timeout`` arguments: its interface, hence the noqa ASYNC109)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:  # noqa: ASYNC109
        try:
            async with asyncio.timeout(timeout):
                return await self._reader.read(max_bytes)
        except TimeoutError as error:
            raise httpcore.ReadTimeout(f"no answer within {timeout} s") from error
        except OSError as error:
            raise httpcore.ReadError(str(error) or type(error).__name__) from error

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:  # noqa: ASYNC109
        if not buffer:
            return
        await pass_gate()  # the sender's start window, for the request's first bytes
        try:
            self._writer.write(buffer)
            async with asyncio.timeout(timeout):
                await self._writer.drain()
        except TimeoutError as error:
            raise httpcore.WriteTimeout(f"could not write within {timeout} s") from error
        except OSError as error:
            raise httpcore.WriteError(str(error) or type(error).__name__) from error

    async def aclose(self) -> None:
        # Not awaiting the close: a TLS peer that never answers the shutdown would hold the
        # pool's close (and the bot's stop) for asyncio's 30 s shutdown timeout.
        self._writer.close()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,  # noqa: ASYNC109
    ) -> AsyncioStream:
        try:
            async with asyncio.timeout(timeout):
                await self._writer.start_tls(ssl_context, server_hostname=server_hostname)
        except TimeoutError as error:
            self._writer.close()
            raise httpcore.ConnectTimeout(f"no TLS handshake within {timeout} s") from error
        except (OSError, ssl.SSLError) as error:
            self._writer.close()
            raise httpcore.ConnectError(str(error) or type(error).__name__) from error
        return self

    def get_extra_info(self, info: str) -> Any:
        if info == "is_readable":
            # httpcore asks before reusing an idle connection: the server closed it (EOF or an
            # error arrived while it was idle), so the request must take a new one.
            return (
                self._reader.at_eof()
                or self._reader.exception() is not None
                or self._writer.transport.is_closing()
            )
        if info == "client_addr":
            return self._writer.get_extra_info("sockname")
        if info == "server_addr":
            return self._writer.get_extra_info("peername")
        if info in ("ssl_object", "socket"):
            return self._writer.get_extra_info(info)
        return None


class AsyncioNetwork(httpcore.AsyncNetworkBackend):
    """TCP connections for an ``httpcore.AsyncConnectionPool`` (``network_backend=``)."""

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> AsyncioStream:
        try:
            async with asyncio.timeout(timeout):
                reader, writer = await asyncio.open_connection(
                    host,
                    port,
                    local_addr=(local_address, 0) if local_address else None,
                    happy_eyeballs_delay=HAPPY_EYEBALLS_DELAY,
                )
        except TimeoutError as error:
            raise httpcore.ConnectTimeout(f"no connection within {timeout} s") from error
        except OSError as error:
            raise httpcore.ConnectError(str(error) or type(error).__name__) from error
        sock: socket.socket | None = writer.get_extra_info("socket")
        if sock is not None:
            for option in socket_options or ():
                sock.setsockopt(*option)
        return AsyncioStream(reader, writer)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
