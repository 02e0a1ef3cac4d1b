"""Faults: the burst with 10% of sendMessage calls failing at the emulator, through our bot.

Fault rules (each kind about 2.5% of sendMessage calls; the emulator tries rules in order, so
each rule's probability is conditioned on the earlier ones not matching): 429 (retry_after 1 and
2), 500, slow (the answer comes after --slow-delay s, past the bot's HTTP timeout, which is set to
--timeout through REMINDER_BOT_HTTP_TIMEOUT; half applied=False: the message is not created, half
applied=True: it is) and drop (the connection closes without an answer; half applied=False, half
applied=True). An applied timeout leaves the bot unable to know the
message went out, so an at-least-once sender duplicates it: duplicates are inevitable there, and
we count how many duplicates such applied timeouts explain.

Checks: 0 lost (every burst chat holds at least one nudge, read from the emulator's chats), and
every slot accounted for in the delivery log (exactly one row per slot, with a final status).

    python bench/bench_faults.py                  # 20,000 nudges at 30/s
    python bench/bench_faults.py --quick          # 6,000 nudges at 300/s
"""

from __future__ import annotations

import argparse
from collections import Counter
from typing import Any

import common
import httpx
from bench_burst import FIRST_USER, print_results, public, run_burst
from common import Emulator

FINAL = {"sent", "done", "skipped", "snoozed", "resent", "missed", "quiet", "stale", "failed",
         "blocked", "superseded"}  # fmt: skip


def fault_plan(share: float, slow_delay: float) -> list[dict[str, Any]]:
    half = share / 2
    plan = [
        {"kind": "429", "retry_after": 1, "p": half},
        {"kind": "429", "retry_after": 2, "p": half},
        {"kind": "500", "p": share},
        {"kind": "slow", "applied": False, "delay": slow_delay, "p": half},
        {"kind": "slow", "applied": True, "delay": slow_delay, "p": half},
        {"kind": "drop", "applied": False, "p": half},
        {"kind": "drop", "applied": True, "p": half},
    ]
    taken = 0.0
    for rule in plan:
        rule["probability"] = rule["p"] / (1 - taken)
        taken += rule["p"]
    return plan


def chat_messages(url: str, ids: list[int]) -> dict[int, int]:
    """How many bot messages each chat holds, from the emulator's chat state."""
    counts: dict[int, int] = {}
    with httpx.Client(base_url=url, timeout=60) as http:
        for uid in ids:
            r = http.get(f"/_emulator/chats/{uid}/messages")
            msgs = r.json().get("messages", []) if r.status_code == 200 else []
            counts[uid] = sum(1 for m in msgs if (m.get("from") or {}).get("is_bot"))
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--cap", type=float, default=30.0)
    parser.add_argument("--share", type=float, default=0.10, help="share of failing sends")
    parser.add_argument(
        "--timeout", type=float, default=10.0, help="the bot's REMINDER_BOT_HTTP_TIMEOUT"
    )
    parser.add_argument(
        "--slow-delay", type=float, default=15.0, help="answer delay of 'slow': > --timeout"
    )
    parser.add_argument("--quiet", type=float, default=25.0, help="stop after so long idle")
    parser.add_argument("--quick", action="store_true", help="6,000 nudges at 300/s")
    args = parser.parse_args()
    if args.quick:
        args.users, args.cap = 6000, 300.0
    common.announce()
    plan = fault_plan(args.share / 4, args.slow_delay)
    state: dict[str, Any] = {}

    def faults(emulator: Emulator) -> None:
        for rule in plan:
            kw = {k: v for k, v in rule.items() if k not in ("kind", "p")}
            emulator.client.add_fault(rule["kind"], method="sendMessage", **kw)
        state["emulator"] = emulator

    def during(emulator: Emulator, slot: float) -> dict[str, Any]:
        return {}

    # Read the chats and the fault hits before run_burst stops the emulator.
    def after(emulator: Emulator) -> dict[str, Any]:
        ids = list(range(FIRST_USER, FIRST_USER + args.users))
        rules = emulator.client._get("faults")["faults"]
        return {"chat_messages": chat_messages(emulator.url, ids), "fault_rules": rules}

    r = run_burst(
        "ours",
        args.users,
        args.cap,
        quiet=args.quiet,
        faults=faults,
        during=during,
        after=after,
        extra_expected=10**9,  # stop on silence: 200 counts include applied-slow duplicates
        env={"REMINDER_BOT_HTTP_TIMEOUT": f"{args.timeout:g}"},
    )
    extra = r["_after"]
    per_chat = extra["chat_messages"]
    rules = extra["fault_rules"]

    def rule_name(x: dict[str, Any]) -> str:
        if x["kind"] == "429":
            return f"429 retry_after={x['retry_after']}"
        if x["kind"] in ("slow", "drop"):
            return f"{x['kind']} {'applied' if x['applied'] else 'not applied'}"
        return str(x["kind"])

    hits = {rule_name(x): x["hits"] for x in rules}
    applied_timeouts = sum(
        x["hits"] for x in rules if x["kind"] in ("slow", "drop") and x["applied"]
    )
    # Per chat: a duplicate is explained if the chat saw at least as many timed-out calls
    # (no answer, or an answer after the client's timeout) as it has extra messages.
    timeouts: Counter[int] = Counter()
    for c in r["_calls"]:
        if c["status"] == 0 or (c["duration"] or 0) >= args.timeout:
            timeouts[c["chat_id"]] += 1
    chats_received = sum(1 for n in per_chat.values() if n >= 1)
    dup_messages = sum(max(0, n - 1) for n in per_chat.values())
    explained = sum(min(max(0, n - 1), timeouts[uid]) for uid, n in per_chat.items())
    rows = r["_rows"]
    statuses = Counter(x["status"] for x in rows)
    non_final = sum(n for s, n in statuses.items() if s not in FINAL)
    r.update(
        chats_with_nudge=chats_received,
        lost_in_chats=args.users - chats_received,
        duplicate_messages=dup_messages,
        duplicates_explained_by_applied_timeouts=explained,
        applied_timeout_faults=applied_timeouts,
        fault_hits=hits,
        fault_hits_total=sum(x["hits"] for x in rules),
        rows_non_final=non_final,
    )
    print_results(
        f"Faults: {args.users:,} nudges at {args.cap:g}/s, {args.share:.0%} of sends failing",
        [r],
        [
            ("slots", "users"),
            ("chats holding the nudge", "chats_with_nudge"),
            ("lost (chats without it)", "lost_in_chats"),
            ("duplicate messages", "duplicate_messages"),
            ("  explained by applied timeouts", "duplicates_explained_by_applied_timeouts"),
            ("applied timeouts injected", "applied_timeout_faults"),
            ("faults injected", "fault_hits_total"),
            ("delivery rows (slots logged)", "slots_logged"),
            ("slots without a row", "slots_without_row"),
            ("slots with several rows", "slots_with_several_rows"),
            ("rows without a final status", "rows_non_final"),
            ("achieved rate (msg/s)", "rate"),
            ("rate / cap", "rate_over_cap"),
            ("lateness p50 (s)", "lateness_p50"),
            ("lateness p95 (s)", "lateness_p95"),
            ("lateness p99 (s)", "lateness_p99"),
            ("CPU seconds (drain)", "cpu_seconds_drain"),
            ("peak RSS (MB)", "peak_rss_mb"),
            ("stopped because", "stop_reason"),
        ],
    )
    print("fault hits:", hits)
    print("delivery log statuses:", dict(statuses))
    targets = {
        "zero_lost": r["lost_in_chats"] == 0,
        "every_slot_one_row": r["slots_without_row"] == 0 and r["slots_with_several_rows"] == 0,
        "every_row_final": non_final == 0,
        "duplicates_all_explained": dup_messages == r["duplicates_explained_by_applied_timeouts"],
    }
    print("targets (ours):", targets)
    out = {"bench": "faults", "users": args.users, "cap": args.cap, "share": args.share,
           "ours": public(r), "delivery_statuses": dict(statuses), "targets": targets,
           "machine": common.machine()}  # fmt: skip
    out["ours"].pop("chat_messages", None)
    common.emit_json(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
