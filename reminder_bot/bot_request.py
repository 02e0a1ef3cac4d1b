"""The bot's Bot API calls over HTTP: PTB's ``HTTPXRequest``, with every call that carries no
file sent through an httpcore connection pool (httpx's own layer below it) directly, as a JSON
body, over asyncio's streams (``asyncio_network.py``).

PTB stays the client (``Bot``, its parameters, its answers and its error mapping all run as
before); only the last step is shorter. httpx's client layer (building a ``Request``, merging
URL, headers and cookies, auth and redirect hooks, wrapping the ``Response``) was ~35% of the
CPU of each call in a 300/s burst, for nothing the Bot API uses (docs/performance.md). Uploads
(multipart: charts, exports) and calls the environment sends through a proxy still go through
httpx. The body is the Bot API's documented ``application/json``, nested objects (keyboards) as
JSON objects rather than PTB's form fields of JSON text; both are read the same by any Bot API
server.
"""

from __future__ import annotations

import json
import ssl
import urllib.request

import httpcore
import httpx
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

from reminder_bot.asyncio_network import AsyncioNetwork
from reminder_bot.write_gate import pass_gate

# As PTB says it when its own pool is full.
POOL_TIMEOUT = (
    "Pool timeout: All connections in the connection pool are occupied. Request was *not* sent "
    "to Telegram. Consider adjusting the connection pool size or the pool timeout."
)
_NETWORK_ERRORS = (
    httpcore.NetworkError,
    httpcore.ProtocolError,
    httpcore.UnsupportedProtocol,
    httpcore.ProxyError,
)
_DEFAULT_PORTS = {b"http": 80, b"https": 443}


class BotRequest(HTTPXRequest):
    """PTB's request for the bot's calls (not getUpdates): ``timeout`` seconds to connect, write
    and read, TLS by ``ssl_context``, at most ``limits.max_connections`` at once."""

    def __init__(self, *, timeout: float, ssl_context: ssl.SSLContext, limits: httpx.Limits):
        pool_size = limits.max_connections or 256
        super().__init__(
            connection_pool_size=pool_size,
            connect_timeout=timeout,
            read_timeout=timeout,
            write_timeout=timeout,
            httpx_kwargs={"verify": ssl_context, "limits": limits},
        )
        self._ssl_context = ssl_context
        self._limits = limits
        self._pool: httpcore.AsyncConnectionPool | None = self._build_pool()
        self._targets: dict[str, tuple[httpcore.URL, bytes] | None] = {}

    def _build_pool(self) -> httpcore.AsyncConnectionPool:
        return httpcore.AsyncConnectionPool(
            ssl_context=self._ssl_context,
            max_connections=self._limits.max_connections,
            max_keepalive_connections=self._limits.max_keepalive_connections,
            keepalive_expiry=self._limits.keepalive_expiry,
            network_backend=AsyncioNetwork(),
        )

    async def initialize(self) -> None:
        """Reopen after a shutdown, as PTB's request does (a new pool beside its new client)."""
        await super().initialize()
        if self._pool is None:
            self._pool = self._build_pool()

    async def shutdown(self) -> None:
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await pool.aclose()
        await super().shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """See ``BaseRequest.do_request``: the status code and the body of the answer."""
        timeouts = (read_timeout, write_timeout, connect_timeout, pool_timeout)
        direct = self._target(url)
        if (
            direct is None
            or self._pool is None
            or request_data is None
            or request_data.contains_files
        ):
            # httpx writes this one (an upload, a proxied call): the sender's window is passed
            # here rather than at the socket (write_gate.py).
            await pass_gate()
            return await super().do_request(url, method, request_data, *timeouts)
        target, host = direct
        body = json.dumps(request_data.parameters).encode()
        request = httpcore.Request(
            method,
            target,
            headers=[
                (b"Host", host),
                (b"User-Agent", self.USER_AGENT.encode()),
                (b"Accept", b"*/*"),
                (b"Content-Type", b"application/json"),
                (b"Content-Length", str(len(body)).encode()),
            ],
            content=body,
            extensions={"timeout": self._timeouts(*timeouts)},
        )
        try:
            response = await self._pool.handle_async_request(request)
            try:
                content = await response.aread()
            finally:
                await response.aclose()
        except httpcore.PoolTimeout as error:
            raise TimedOut(message=POOL_TIMEOUT) from error
        except httpcore.TimeoutException as error:
            raise TimedOut from error
        except _NETWORK_ERRORS as error:
            raise NetworkError(f"httpcore.{type(error).__name__}: {error}") from error
        return response.status, content

    def _target(self, url: str) -> tuple[httpcore.URL, bytes] | None:
        """The parsed URL and its Host header, or None when the environment names a proxy
        for it (``HTTPS_PROXY``...): httpx honours those, so such calls take httpx's path.
        Read once per URL; the bot calls a few dozen methods at most."""
        if url not in self._targets:
            self._targets[url] = None if _proxied(url) else _parse(url)
        return self._targets[url]

    def _timeouts(
        self,
        read: ODVInput[float],
        write: ODVInput[float],
        connect: ODVInput[float],
        pool: ODVInput[float],
    ) -> dict[str, float | None]:
        """PTB's rule: a timeout a call leaves out is the one this request was made with."""
        defaults = self._client.timeout
        chosen = {
            "read": defaults.read if isinstance(read, DefaultValue) else read,
            "write": defaults.write if isinstance(write, DefaultValue) else write,
            "connect": defaults.connect if isinstance(connect, DefaultValue) else connect,
            "pool": defaults.pool if isinstance(pool, DefaultValue) else pool,
        }
        return chosen  # type: ignore[return-value]  # DefaultValue replaced just above


def _parse(url: str) -> tuple[httpcore.URL, bytes]:
    target = httpcore.URL(url)
    host = b"[%s]" % target.host if b":" in target.host else target.host  # IPv6
    if target.port is not None and target.port != _DEFAULT_PORTS.get(target.scheme):
        host += b":%d" % target.port
    return target, host


def _proxied(url: str) -> bool:
    """Whether the environment's proxy variables send ``url`` through a proxy."""
    proxies = urllib.request.getproxies()
    scheme, _, rest = url.partition("://")
    if not (proxies.get(scheme.lower()) or proxies.get("all")):
        return False
    host = rest.split("/", 1)[0]
    return not urllib.request.proxy_bypass(host)
