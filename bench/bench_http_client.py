"""Client-side CPU of one sendMessage through each HTTP path the bot could take, side by side.

Starts the emulator as its own process (limits off), then sends the same sendMessage calls
(``Bot.do_api_request``, as ``nudge_payload.raw_send`` does) through:

- ``httpx``: PTB's own ``HTTPXRequest``, form fields through the httpx client;
- ``httpcore-anyio``: ``BotRequest``'s JSON body straight into an httpcore pool with httpcore's
  default network backend (anyio);
- ``ours``: ``BotRequest`` as shipped, the same pool over asyncio's streams
  (``reminder_bot/asyncio_network.py``).

The designs alternate round by round in one process, so machine noise hits them alike; the
figure is this process's CPU time per call (the emulator's is not in it). Medians over rounds.

    python bench/bench_http_client.py [--calls 2000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
import warnings
from typing import Any

import common
import httpcore
from telegram import Bot
from telegram.request import BaseRequest, HTTPXRequest

from reminder_bot.app import tls_context
from reminder_bot.bot_request import BotRequest
from reminder_bot.emulator.testing import TEST_TOKEN
from reminder_bot.in_flight import connection_limits

USER_ID = 777


class AnyioBotRequest(BotRequest):
    """``BotRequest`` with httpcore's default (anyio) network backend."""

    def _build_pool(self) -> httpcore.AsyncConnectionPool:
        limits = connection_limits()
        return httpcore.AsyncConnectionPool(
            ssl_context=tls_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
        )


def request_for(design: str) -> BaseRequest:
    if design == "httpx":
        return HTTPXRequest(connection_pool_size=8)
    kind = AnyioBotRequest if design == "httpcore-anyio" else BotRequest
    return kind(timeout=10.0, ssl_context=tls_context(), limits=connection_limits())


async def cpu_per_call(base_url: str, design: str, calls: int) -> float:
    """CPU milliseconds per sendMessage (after a few warm-up calls)."""
    bot = Bot(TEST_TOKEN, base_url=base_url, request=request_for(design))
    keyboard = {"inline_keyboard": [[{"text": "✅ Done", "callback_data": "1:n:7:d"}]]}
    kwargs = {"chat_id": USER_ID, "text": "Time for water 💧", "reply_markup": keyboard}
    async with bot:
        for _ in range(20):
            await bot.do_api_request("sendMessage", api_kwargs=kwargs)
        started = time.process_time()
        for _ in range(calls):
            await bot.do_api_request("sendMessage", api_kwargs=kwargs)
        return (time.process_time() - started) / calls * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    common.announce()
    warnings.filterwarnings("ignore", message=r"Please use 'Bot\.sendMessage'")
    designs = ["ours", "httpcore-anyio", "httpx"]
    emulator = common.Emulator(cap=1_000_000, per_chat_rate=1_000_000, per_chat_burst=1_000_000)
    try:
        emulator.register([USER_ID], connections=1)
        base_url = f"{emulator.url}/bot"
        figures: dict[str, list[float]] = {design: [] for design in designs}
        for round_number in range(args.rounds):
            order = designs[round_number % 3 :] + designs[: round_number % 3]
            for design in order:
                figures[design].append(asyncio.run(cpu_per_call(base_url, design, args.calls)))
            common.log(f"round {round_number + 1}: " + ", ".join(
                f"{d} {figures[d][-1]:.3f} ms" for d in designs
            ))  # fmt: skip
    finally:
        emulator.stop()
    medians = {design: statistics.median(values) for design, values in figures.items()}
    rows: list[list[Any]] = [
        [design, medians[design], min(figures[design]), max(figures[design])]
        + [common.ratio(medians["ours"], medians[design])]
        for design in designs
    ]
    common.print_table(
        f"CPU ms per sendMessage in the client ({args.calls} calls x {args.rounds} rounds)",
        ["design", "median", "min", "max", "ours / design"],
        rows,
    )
    out = {"bench": "http_client", "calls": args.calls, "rounds": args.rounds, "ms": figures}
    return common.finish(out, {"ours_cheapest": medians["ours"] == min(medians.values())})


if __name__ == "__main__":
    raise SystemExit(main())
