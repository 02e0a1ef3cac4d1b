"""In flight at Telegram's latency: every sendMessage answered after --latency seconds (the
emulator's "slow" fault, applied), nudges due together at the 30/s cap; how many nudges are
in flight (delivery-log rows ``sending``, sampled every 20 ms: the ones a crash could repeat),
and --kills SIGKILLs during the drain, each followed by a restart on the same database, showing
that a kill repeats at most the nudges it caught ``sending`` and every repeat is traced.

    python bench/bench_inflight.py                       # 1,200 nudges, 100 ms, 5 kills (~2 min)

The in-flight samples come from the first half of the drain, before any kill (afterwards the
rows a kill left ``sending`` stay so until resent).
    python bench/bench_inflight.py --kills 0             # only the in-flight figures
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import common
from common import HABITS, Emulator, hhmm, log, percentile

from reminder_bot.in_flight import RoundTrips

FIRST_USER = 100_001


def sending(database: Path) -> set[int]:
    """Users whose row is ``sending`` now (read-only; the bot may be writing)."""
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
    try:
        rows = conn.execute("select user_id from deliveries where status = 'sending'").fetchall()
    finally:
        conn.close()
    return {user for (user,) in rows}


class Sampler(threading.Thread):
    """Counts the rows ``sending`` every ``interval`` seconds while ``on`` is set."""

    def __init__(self, database: Path, interval: float = 0.02) -> None:
        super().__init__(daemon=True)
        self.database, self.interval = database, interval
        self.counts: list[int] = []
        self.on = threading.Event()
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(self.interval):
            if self.on.is_set():
                try:
                    self.counts.append(len(sending(self.database)))
                except sqlite3.Error:
                    pass


def every_chat(emulator: Emulator, chats: set[int], until: float) -> str:
    """Wait until every chat got its nudge (the duplicates a kill causes make a count of
    accepted sends reach the number of chats too early)."""
    while time.time() < until:
        got = {c["chat_id"] for c in emulator.calls("sendMessage") if c["status"] == 200}
        if chats <= got:
            return "every chat has its nudge"
        time.sleep(2.0)
    return "timeout"


def run(args: argparse.Namespace) -> dict[str, Any]:
    work = common.tmpdir("bench-inflight-")
    database = work / "bot.sqlite3"
    emulator = Emulator(cap=args.cap, per_chat_rate=1.0)
    ids = list(range(FIRST_USER, FIRST_USER + args.users))
    bot = None
    try:
        emulator.register(ids)
        emulator.client.add_fault(
            "slow", method="sendMessage", delay=args.latency, applied=True, probability=1.0
        )
        slot = common.ceil_minute(time.time() + 10)
        common.seed_database(
            database, ids, [(u, HABITS[u % 4], f"at {hhmm(slot)} daily", slot) for u in ids]
        )
        drain = args.users / args.cap
        rng = random.Random(args.seed)
        # The first half of the drain is left alone for the in-flight samples: after a kill the
        # rows it left ``sending`` stay so until they are resent, and would count as in flight.
        kill_at = sorted(slot + rng.uniform(drain * 0.5, drain * 0.9) for _ in range(args.kills))
        time.sleep(max(0.0, slot - time.time() - 6))
        sampler = Sampler(database)
        sampler.start()
        at_kills: list[set[int]] = []
        bot = common.ours(emulator.url, database, args.cap)
        bot.start()
        common.wait_polling(emulator, bot)
        time.sleep(max(0.0, slot - time.time()))
        sampler.on.set()
        for moment in kill_at:
            time.sleep(max(0.0, moment - time.time()))
            sampler.stop.set()
            assert bot.proc is not None
            bot.proc.kill()
            bot.proc.wait(30)
            at_kills.append(sending(database))
            log(f"killed at +{moment - slot:.1f} s: {len(at_kills[-1])} rows sending")
            bot = common.ours(emulator.url, database, args.cap)
            bot.start()
            common.wait_polling(emulator, bot)
        why = every_chat(emulator, set(ids), until=slot + drain * 2 + 120)
        sampler.stop.set()
        log(f"stopped waiting: {why}")
        bot.stop()
        calls = emulator.calls("sendMessage")
        report = common.analyze(calls, {uid: float(slot) for uid in ids})
    finally:
        if bot is not None and bot.alive():
            bot.stop()
        emulator.stop()
    shown = Counter(c["chat_id"] for c in calls if c["status"] == 200 and c["chat_id"] in set(ids))
    duplicated = {user for user, n in shown.items() if n > 1}
    caught = set().union(*at_kills) if at_kills else set()
    counts = sampler.counts
    return {
        "users": args.users,
        "cap": args.cap,
        "latency_s": args.latency,
        # in_flight.RoundTrips: twice the pace times the shortest round trip, which is the
        # emulator's delay plus a few milliseconds of our own (10% allowed).
        "slots_allowed": RoundTrips(args.cap).slots_at(args.latency * 1.1),
        "sending_p50": percentile(counts, 50),
        "sending_p95": percentile(counts, 95),
        "sending_max": max(counts, default=None),
        "sending_mean": round(sum(counts) / len(counts), 2) if counts else None,
        "samples": len(counts),
        "delivered": report.delivered,
        "lost": report.lost,
        "duplicated": report.duplicated,
        "rate_over_cap": common.ratio(report.rate, args.cap),
        "http_429": report.http_429,
        "most_accepted_in_any_1s": report.most_in_one_second,
        # One process's own pace, without a restart in the window.
        "most_in_any_1s_before_a_kill": common.most_in_window(
            [t for t in common.received(calls) if not kill_at or t < kill_at[0]]
        ),
        "kills": len(at_kills),
        "sending_at_each_kill": [len(s) for s in at_kills],
        "repeated_by_each_kill": [len(s & duplicated) for s in at_kills],
        "repeats_not_caught_sending": len(duplicated - caught),
        "stop_reason": why,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1200)
    parser.add_argument("--cap", type=float, default=30.0)
    parser.add_argument("--latency", type=float, default=0.1, help="seconds per sendMessage")
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    common.announce()
    r = run(args)
    rows = [(key.replace("_", " "), value) for key, value in r.items()]
    common.print_table(
        f"In flight: {args.users:,} nudges at {args.cap:g}/s, answers after {args.latency:g} s",
        ["", "ours"],
        rows,
    )
    most_caught = max(r["sending_at_each_kill"], default=0)
    per_kill = zip(r["repeated_by_each_kill"], r["sending_at_each_kill"], strict=True)
    targets = {
        "zero_lost": r["lost"] == 0,
        "every_repeat_caught_sending": r["repeats_not_caught_sending"] == 0,
        "each_kill_repeats_at_most_what_it_caught": all(n <= c for n, c in per_kill),
        "in_flight_within_slots": (r["sending_max"] or 0) <= r["slots_allowed"]
        and most_caught <= r["slots_allowed"],
    }
    print("targets (ours):", targets)
    return common.finish({"bench": "inflight", **r}, targets)


if __name__ == "__main__":
    raise SystemExit(main())
