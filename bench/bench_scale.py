"""Scale: 100,000 users x 4 habits in the database; peak RSS, start-up to first delivery, and CPU
and HTTP calls while idle for an hour of simulated time; the same database through the baseline.

Seeding: one nudge (user 100001, hydrate) is due at the current minute, i.e. at the moment the bot
starts; every other slot is an 'at HH:MM daily' rule between 3 h and 23 h ahead, so nothing else
comes due during the run. Ours runs with REMINDER_BOT_CLOCK_SPEED=60, so --idle 60 real seconds
are an hour of the bot's time: we measure its CPU seconds and every HTTP call other than
getUpdates in that window (target: no periodic wake-ups when nothing is due). The baseline
(bench/baseline_bot.py --jobs daily: one run_daily job per reminder) is measured for its start-up
(creating the jobs), RSS and idle CPU (it has no clock speed-up: its idle window is real time).

    python bench/bench_scale.py                 # 100,000 users, 60 s idle (about 4 min)
    python bench/bench_scale.py --quick         # 25,000 users, 20 s idle (about 1.5 min)
"""

from __future__ import annotations

import argparse
import random
import time
from typing import Any

import common
from common import HABITS, Emulator, hhmm, log

FIRST_USER = 100_001


def seed(path: Any, users: int, now: float, rng: random.Random) -> tuple[int, float]:
    first_slot = int(now // 60 * 60)
    ids = list(range(FIRST_USER, FIRST_USER + users))
    rows: list[tuple[int, str, str, int]] = []
    base = first_slot
    for uid in ids:
        for habit in HABITS:
            if uid == FIRST_USER and habit == "hydrate":
                rows.append((uid, habit, f"at {hhmm(first_slot)} daily", first_slot))
                continue
            due = base + rng.randrange(180, 23 * 60) * 60  # 3 h .. 23 h ahead, whole minutes
            rows.append((uid, habit, f"at {hhmm(due)} daily", due))
    seconds = common.seed_database(path, ids, rows)
    common.check_rules(path, 200)
    return first_slot, seconds


def run(design: str, users: int, idle: float, cap: float, rng: random.Random) -> dict[str, Any]:
    work = common.tmpdir(f"bench-scale-{design}-")
    database = work / "bot.sqlite3"
    emulator = Emulator(cap=cap, per_chat_rate=1.0)
    bot = None
    result: dict[str, Any] = {"design": design, "users": users, "schedules": users * 4}
    try:
        emulator.register([FIRST_USER])
        first_slot, seed_s = seed(database, users, time.time(), rng)
        result["seed_seconds"] = round(seed_s, 2)
        result["database_mb"] = round(database.stat().st_size / 1024 / 1024, 1)
        log(f"{design}: seeded {users * 4:,} schedules in {seed_s:.1f} s")
        if design == "ours":
            bot = common.ours(emulator.url, database, cap, REMINDER_BOT_CLOCK_SPEED="60")
        else:
            bot = common.baseline(emulator.url, database, cap, "--jobs", "daily")
        bot.start()
        polling = common.wait_polling(emulator, bot, timeout=600)
        result["polling_after_s"] = round(polling, 2) if polling is not None else None
        found = emulator.client.calls(0, "sendMessage", FIRST_USER, wait=15.0)
        ok = [c for c in found if c["status"] == 200]
        result["first_delivery_s"] = round(ok[0]["time"] - bot.started, 2) if ok else None
        ready = [(t, ln) for t, ln in bot.stdout_lines if ln.startswith("BASELINE-READY")]
        if ready:
            result["jobs_created_s"] = round(ready[0][0] - bot.started, 2)
            result["baseline_ready"] = ready[0][1]
        time.sleep(3.0)
        seq0 = emulator.client.last_seq()
        cpu0 = bot.cpu_now()
        t0 = time.monotonic()
        log(f"{design}: idle for {idle:g} s")
        time.sleep(idle)
        cpu1 = bot.cpu_now()
        elapsed = time.monotonic() - t0
        calls = emulator.calls(None, since=seq0)
        other = [c for c in calls if c["method"] != "getUpdates"]
        result.update(
            idle_real_seconds=round(elapsed, 1),
            idle_simulated_minutes=round(elapsed * (60 if design == "ours" else 1) / 60, 1),
            idle_cpu_seconds=round(cpu1 - cpu0, 3),
            idle_cpu_percent=round((cpu1 - cpu0) / elapsed * 100, 2),
            idle_calls_other_than_getUpdates=len(other),
            idle_call_methods=sorted({c["method"] for c in other}),
            idle_getUpdates=len(calls) - len(other),
            peak_rss_mb=round(bot.rss_mb(), 1),
            cpu_seconds_total=round(bot.cpu, 2),
            alive=bot.alive(),
        )
        result["bot_exceptions"] = common.exception_summary(bot.stdout_lines)
    finally:
        if bot is not None:
            bot.stop()
        emulator.stop()
    return result


ROWS = [
    ("schedules in the database", "schedules"),
    ("seeding (s)", "seed_seconds"),
    ("database (MB)", "database_mb"),
    ("process start -> polling (s)", "polling_after_s"),
    ("process start -> jobs created (s)", "jobs_created_s"),
    ("process start -> first delivery (s)", "first_delivery_s"),
    ("peak RSS (MB)", "peak_rss_mb"),
    ("idle window, real (s)", "idle_real_seconds"),
    ("idle window, bot clock (min)", "idle_simulated_minutes"),
    ("idle CPU (s)", "idle_cpu_seconds"),
    ("idle CPU (%)", "idle_cpu_percent"),
    ("idle HTTP calls besides getUpdates", "idle_calls_other_than_getUpdates"),
    ("idle getUpdates calls", "idle_getUpdates"),
    ("CPU seconds, whole run", "cpu_seconds_total"),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=100_000, help="4 habits each")
    parser.add_argument("--idle", type=float, default=60.0, help="idle window, real seconds")
    parser.add_argument("--cap", type=float, default=30.0)
    parser.add_argument("--designs", default="ours,baseline")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--quick", action="store_true", help="25,000 users, 20 s idle")
    args = parser.parse_args()
    if args.quick:
        args.users, args.idle = 25_000, 20.0
    common.announce()
    results = [
        run(d, args.users, args.idle, args.cap, random.Random(args.seed))
        for d in args.designs.split(",")
    ]
    from bench_burst import print_results

    print_results(f"Scale: {args.users:,} users x 4 habits", results, ROWS)
    out: dict[str, Any] = {"bench": "scale", "users": args.users}
    targets = {}
    for r in results:
        out[r["design"]] = r
        if r["design"] == "ours":
            targets = {
                "peak_rss_le_60mb": r["peak_rss_mb"] <= 60,
                "first_delivery_le_1s": r["first_delivery_s"] is not None
                and r["first_delivery_s"] <= 1.0,
                "no_idle_calls": r["idle_calls_other_than_getUpdates"] == 0,
            }
            print("targets (ours):", targets)
    if "ours" in out and "baseline" in out:
        out["rss_ratio"] = common.ratio(out["ours"]["peak_rss_mb"], out["baseline"]["peak_rss_mb"])
        out["polling_ratio"] = common.ratio(
            out["ours"]["polling_after_s"], out["baseline"]["polling_after_s"]
        )
    return common.finish(out, targets)


if __name__ == "__main__":
    raise SystemExit(main())
