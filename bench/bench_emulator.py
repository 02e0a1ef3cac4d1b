"""Throughput of the Telegram Bot API emulator under sendMessage load.

Starts ``python -m reminder_bot.emulator --port 0`` as a subprocess with rate limits off, then
several client processes (each with several keep-alive connections) post form-encoded
sendMessage calls, as PTB does, for a fixed time. Prints a table and a final JSON line.

    python bench/bench_emulator.py [--seconds 10] [--processes 2] [--connections 8]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import re
import subprocess
import sys
import time
from urllib.parse import urlencode

import aiohttp

TOKEN = "123456:BENCH"


async def _register(url: str, first_user: int, connections: int) -> None:
    async with aiohttp.ClientSession() as session:
        for uid in range(first_user, first_user + connections):
            body = {"user": {"id": uid, "first_name": f"U{uid}"}}
            async with session.post(f"{url}/_emulator/users", json=body) as resp:
                resp.raise_for_status()


async def _client(url: str, seconds: float, connections: int, first_user: int) -> dict:
    """Keep-alive HTTP/1.1 clients written on bare streams, so the load generator stays cheaper
    than the server it measures (a full HTTP client library would eat the shared CPU)."""
    await _register(url, first_user, connections)
    host, port = url.removeprefix("http://").split(":")
    latencies: list[float] = []
    errors = 0
    deadline = time.monotonic() + seconds

    async def worker(uid: int) -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(host, int(port))
        n = 0
        while time.monotonic() < deadline:
            n += 1
            body = urlencode({"chat_id": uid, "text": f"Time to stretch #{n}"}).encode()
            head = (
                f"POST /bot{TOKEN}/sendMessage HTTP/1.1\r\nHost: {host}\r\n"
                "Content-Type: application/x-www-form-urlencoded\r\n"
                f"Content-Length: {len(body)}\r\n\r\n"
            ).encode()
            started = time.perf_counter()
            writer.write(head + body)
            status_line = await reader.readline()
            length = 0
            while (line := await reader.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            await reader.readexactly(length)
            if b" 200 " not in status_line:
                errors += 1
            latencies.append(time.perf_counter() - started)
        writer.close()

    await asyncio.gather(*(worker(uid) for uid in range(first_user, first_user + connections)))
    return {"count": len(latencies), "errors": errors, "latencies": latencies}


def _run_client(args: tuple[str, float, int, int], out: mp.Queue) -> None:  # type: ignore[type-arg]
    out.put(asyncio.run(_client(*args)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--connections", type=int, default=8, help="per client process")
    args = parser.parse_args()

    limits_off = ["--per-chat-rate", "0", "--group-per-minute", "0", "--global-rate", "0"]
    server = subprocess.Popen(
        [sys.executable, "-m", "reminder_bot.emulator", "--port", "0", *limits_off],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert server.stdout is not None
        line = server.stdout.readline()
        match = re.search(r"(http://[\d.]+:\d+)", line)
        if not match:
            print(f"emulator did not start: {line!r}", file=sys.stderr)
            return 1
        url = match.group(1)
        queue: mp.Queue = mp.Queue()  # type: ignore[type-arg]
        procs = [
            mp.Process(
                target=_run_client,
                args=((url, args.seconds, args.connections, 10_000 + 1_000 * i), queue),
            )
            for i in range(args.processes)
        ]
        started = time.monotonic()
        for p in procs:
            p.start()
        results = [queue.get(timeout=args.seconds + 60) for _ in procs]
        elapsed = time.monotonic() - started
        for p in procs:
            p.join()
        stats = json.loads(
            __import__("urllib.request").request.urlopen(f"{url}/_emulator/stats").read()
        )["stats"]
    finally:
        server.terminate()
        server.wait(10)

    total = sum(r["count"] for r in results)
    errors = sum(r["errors"] for r in results)
    lat = sorted(x for r in results for x in r["latencies"])

    def pct(p: float) -> float:
        return lat[min(len(lat) - 1, int(p * len(lat)))] * 1000 if lat else float("nan")

    rps = total / args.seconds
    rows = [
        ("client processes", f"{args.processes}"),
        ("connections per process", f"{args.connections}"),
        ("duration (s)", f"{args.seconds:.1f} (wall {elapsed:.1f})"),
        ("requests", f"{total}"),
        ("errors (non-200)", f"{errors}"),
        ("requests/s", f"{rps:,.0f}"),
        ("latency p50 (ms)", f"{pct(0.50):.2f}"),
        ("latency p99 (ms)", f"{pct(0.99):.2f}"),
        ("server-side calls logged", f"{stats['total']}"),
        ("cpu cores", f"{os.cpu_count()}"),
    ]
    width = max(len(k) for k, _ in rows)
    print("Telegram Bot API emulator: sendMessage throughput")
    for key, value in rows:
        print(f"  {key:<{width}}  {value}")
    print(
        json.dumps(
            {
                "bench": "emulator",
                "requests_per_s": round(rps, 1),
                "requests": total,
                "errors": errors,
                "p50_ms": round(pct(0.5), 3),
                "p99_ms": round(pct(0.99), 3),
                "processes": args.processes,
                "connections": args.connections,
                "seconds": args.seconds,
            }
        )
    )
    return 0 if errors == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
