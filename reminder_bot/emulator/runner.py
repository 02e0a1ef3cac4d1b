"""Running the emulator: on the current event loop, in a background thread, or as a program
(``python -m reminder_bot.emulator`` / ``reminder-bot emulator``)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from .limits import Limits
from .server import Emulator


@dataclass
class RunningEmulator:
    """A started emulator: ``url`` is ``http://host:port`` (append ``/bot`` for PTB)."""

    emulator: Emulator
    runner: web.AppRunner
    host: str
    port: int
    url: str = field(init=False)

    def __post_init__(self) -> None:
        self.url = f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """What to give PTB's ``base_url``."""
        return f"{self.url}/bot"

    async def stop(self) -> None:
        """Close the server and every connection."""
        await self.runner.cleanup()


async def start_emulator(
    host: str = "127.0.0.1", port: int = 0, **options: Any
) -> RunningEmulator:
    """Start an emulator on this event loop; keyword arguments go to ``Emulator``."""
    emulator = Emulator(**options)
    runner = web.AppRunner(emulator.app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host, port, reuse_address=True)
    await site.start()
    server = site._server
    assert server is not None
    sockets = getattr(server, "sockets", None) or []
    actual = sockets[0].getsockname()[1] if sockets else port
    return RunningEmulator(emulator, runner, host, int(actual))


class EmulatorThread:
    """Runs an emulator on its own event loop in a background thread (for sync tests).

    ``with EmulatorThread() as emu: ... emu.url`` (``emu.running`` has the rest). Touch
    ``emu.emulator`` state only through ``emu.call(fn, ...)``, which runs on the emulator's loop.
    """

    def __init__(self, host: str = "127.0.0.1", port: int = 0, **options: Any) -> None:
        self.host = host
        self._port = port
        self.options = options
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="telegram-emulator", daemon=True)
        self._running: RunningEmulator | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self._running = self.loop.run_until_complete(
                start_emulator(self.host, self._port, **self.options)
            )
        except BaseException as exc:  # reported to the starting thread
            self._error = exc
            self._ready.set()
            return
        self._ready.set()
        self.loop.run_forever()
        self.loop.run_until_complete(self._running.stop())
        self.loop.close()

    def start(self) -> EmulatorThread:
        """Start serving; returns once it listens."""
        self._thread.start()
        self._ready.wait(10)
        if self._error is not None:
            raise RuntimeError("emulator failed to start") from self._error
        return self

    def stop(self) -> None:
        """Stop serving and end the thread."""
        if self._thread.is_alive():
            self.loop.call_soon_threadsafe(self.loop.stop)
            self._thread.join(10)

    def __enter__(self) -> EmulatorThread:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def running(self) -> RunningEmulator:
        """The started emulator (AssertionError before ``start``)."""
        assert self._running is not None, "not started"
        return self._running

    @property
    def emulator(self) -> Emulator:
        """Its state; touch it only through ``call``."""
        return self.running.emulator

    @property
    def url(self) -> str:
        """``http://host:port``."""
        return self.running.url

    def call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run ``fn(*args, **kwargs)`` on the emulator's loop and return its result."""

        async def run() -> Any:
            return fn(*args, **kwargs)

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(10)


def banner(url: str) -> str:
    """How to drive an emulator at ``url``, printed when it starts (first line: its address)."""
    return (
        f"Telegram Bot API emulator listening on {url}\n"
        f"  point the bot at it:  TELEGRAM_API_URL={url}\n"
        f"  bot API:              curl {url}/bot123456:TEST/getMe\n"
        f"  a user writes:        curl -X POST {url}/_emulator/inject/message -d "
        '\'{"user": {"id": 1001, "first_name": "Ada"}, "text": "/start"}\'\n'
        f"  what the bot did:     curl '{url}/_emulator/calls?since=0&wait=5'\n"
        f"  a chat's messages:    curl {url}/_emulator/chats/1001/messages\n"
        "  stop with Ctrl-C\n"
    )


def serve(host: str = "127.0.0.1", port: int = 8081, **options: Any) -> None:
    """Run the emulator until SIGINT/SIGTERM, after printing how to drive it."""

    async def main() -> None:
        running = await start_emulator(host, port, **options)
        sys.stdout.write(banner(running.url))
        sys.stdout.flush()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, stop.set)
        try:
            await stop.wait()
        finally:
            await running.stop()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())


def build_arg_parser() -> argparse.ArgumentParser:
    """The command line of ``python -m reminder_bot.emulator``."""
    p = argparse.ArgumentParser(
        prog="python -m reminder_bot.emulator", description="Local Telegram Bot API emulator"
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8081, help="0 picks a free port")
    p.add_argument("--username", default="reminder_test_bot", help="the bot's username")
    p.add_argument("--token", default=None, help="accept only this token (others: 401)")
    p.add_argument("--seed", type=int, default=None, help="seed for fault probabilities and ids")
    p.add_argument("--max-calls", type=int, default=200_000, help="call log capacity")
    defaults = Limits()
    for name in Limits.names():
        p.add_argument(
            f"--{name.replace('_', '-')}",
            type=float,
            default=getattr(defaults, name),
            help=f"{Limits.meaning(name)} (default %(default)g)",
        )
    return p


def main(argv: list[str] | None = None) -> None:
    """Run the emulator from the command line."""
    args = build_arg_parser().parse_args(argv)
    limits = {name: getattr(args, name) for name in Limits.names()}
    serve(
        args.host,
        args.port,
        bot_username=args.username,
        token=args.token,
        seed=args.seed,
        max_calls=args.max_calls,
        **limits,
    )
