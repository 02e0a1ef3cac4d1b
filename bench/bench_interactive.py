"""Interactive: replies to people while a burst drains. During the burst of bench_burst, other
registered users (outside the burst) send /help at random times through the emulator's control
interface; reply latency = emulator time of the bot's first accepted sendMessage to that chat
minus the injection time. Our bot (replies overtake queued nudges) vs the baseline (PTB timerbot
style with a trivial /help handler, no priorities).

    python bench/bench_interactive.py                  # 20,000 nudges at 30/s, 200 commands
    python bench/bench_interactive.py --quick          # 6,000 nudges at 300/s, 100 commands
"""

from __future__ import annotations

import argparse
import random
import time
from typing import Any

import common
from bench_burst import OTHER_USER, print_results, public, run_burst
from common import Emulator, percentile

from reminder_bot.emulator import EmulatorClient


def injector(commands: int, window: float, text: str, seed: int):  # type: ignore[no-untyped-def]
    """Inject ``commands`` commands from distinct users at random instants of the window."""

    def during(emulator: Emulator, slot: float) -> dict[str, Any]:
        rng = random.Random(seed)
        offsets = sorted(rng.uniform(0.5, window) for _ in range(commands))
        sent: list[tuple[int, float]] = []
        with EmulatorClient(emulator.url) as client:
            for n, offset in enumerate(offsets):
                time.sleep(max(0.0, slot + offset - time.time()))
                uid = OTHER_USER + n
                started = time.time()
                client.send_text({"id": uid, "first_name": f"U{uid}"}, text)
                sent.append((uid, started))
        return {"injected": sent}

    return during


def latencies(
    calls: list[dict[str, Any]], injected: list[tuple[int, float]]
) -> list[float | None]:
    by_chat: dict[int, list[float]] = {}
    for c in calls:
        if c["status"] == 200:
            by_chat.setdefault(c["chat_id"], []).append(c["time"])
    out: list[float | None] = []
    for uid, t in injected:
        replies = [x for x in by_chat.get(uid, []) if x >= t]
        out.append(min(replies) - t if replies else None)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20_000, help="nudges in the burst")
    parser.add_argument("--cap", type=float, default=30.0)
    parser.add_argument("--commands", type=int, default=200, help="users sending a command")
    parser.add_argument("--text", default="/help")
    parser.add_argument("--designs", default="ours,baseline,baseline-aio")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="6,000 nudges at 300/s, 100 commands")
    args = parser.parse_args()
    if args.quick:
        args.users, args.cap, args.commands = 6000, 300.0, 100
    common.announce()
    window = 0.8 * args.users / args.cap  # inside the drain of a bot that keeps the cap
    results = []
    for design in args.designs.split(","):
        r = run_burst(
            design,
            args.users,
            args.cap,
            other_users=args.commands,
            during=injector(args.commands, window, args.text, args.seed),
            extra_expected=args.commands,
        )
        injected = r["_side"].get("injected", [])
        lat = latencies(r["_calls"], injected)
        got = [x for x in lat if x is not None]
        r.update(
            commands=len(injected),
            replied=len(got),
            unanswered=len(lat) - len(got),
            reply_p50=percentile(got, 50),
            reply_p95=percentile(got, 95),
            reply_max=percentile(got, 100),
            injection_window_s=round(window, 1),
        )
        results.append(r)
    rows = [
        ("commands injected", "commands"),
        ("replied", "replied"),
        ("unanswered", "unanswered"),
        ("reply latency p50 (s)", "reply_p50"),
        ("reply latency p95 (s)", "reply_p95"),
        ("reply latency max (s)", "reply_max"),
        ("nudges delivered", "delivered"),
        ("nudges lost", "lost"),
        ("nudge rate (msg/s)", "rate"),
        ("nudge lateness p95 (s)", "lateness_p95"),
        ("first nudge after slot (s)", "first_delivery_after_slot"),
        ("CPU seconds (drain)", "cpu_seconds_drain"),
        ("stopped because", "stop_reason"),
    ]
    print_results(
        f"Interactive: {args.commands} x {args.text} during a burst of {args.users:,} at "
        f"{args.cap:g}/s",
        results,
        rows,
    )
    out: dict[str, Any] = {"bench": "interactive", "users": args.users, "cap": args.cap}
    for r in results:
        out[r["design"]] = public(r)
        if r["design"] == "ours":
            out["targets"] = {
                "reply_p95_le_0_3s": r["reply_p95"] is not None and r["reply_p95"] <= 0.3,
                "first_delivery_le_0_2s": (r["first_delivery_after_slot"] or 99) <= 0.2,
                "all_answered": r["unanswered"] == 0,
            }
            print("targets (ours):", out["targets"])
    out["machine"] = common.machine()
    common.emit_json(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
