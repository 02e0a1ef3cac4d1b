"""Bounded data: the database a year of use leaves, and how long the daily roll-up takes
(reminder_bot/store/retention.py: delivery-log rows past 90 days become daily counts).

The scheme. A year of delivery rows for 100,000 users is about 285 million rows (~33 GB with
the mix below): too much to seed on a 2-core machine in minutes. Every user's rows are
independent of the others', so the size and the roll-up's work grow in proportion to the users;
the benchmark seeds a SAMPLE of users (``--sample``, default 1,000), each with a full
simulated year, measures everything on it and also shows the figures scaled to ``--users``
(default 100,000), labelled "x N (extrapolated)". ``--sample 100000`` measures the full
population instead (hours, ~35 GB).

The sample, by the project's own presets and scheduling code (``schedule.next_occurrence`` with
the preset's quiet hours, in 12 time zones from UTC-8 to UTC+13):
  30% active   desk-worker preset all year (24 nudges on weekdays, 1 at weekends)
  30% light    gentle preset all year (about 7 a day)
  40% trial    desk-worker for their first 2-6 weeks of the year, then /stop (no rows since)
Each row's status follows a fixed mix (mostly done or unanswered, some skipped, snoozed,
missed, quiet, stale, failed); columns are filled as the bot fills them.

The run: seed slots for 366 days up to ``now`` (bulk insert-select, synchronous=OFF, the
log's indexes built after the load: seeding only); measure the database holding the year
raw (no roll-up ever ran); roll up the backlog at ``now - 1 day`` (what the first roll-up after
an upgrade does: 275 days); measure the steady state (90 days raw + counts for the rest); then
the daily roll-up at ``now`` (one day's rows, the job's daily work). Sizes are the file and
WAL after a checkpoint, the pages in use (deleted rows leave free pages that new rows reuse),
the compact size (``VACUUM INTO``) and, in it, the delivery log (table and indexes) and the
daily counts (SQLite's dbstat). Roll-up times are the real ``retention.roll_up`` through
``Store`` (one hop per batch); each hop's time is how long it held the writer thread.

    python bench/bench_retention.py                  # 1,000 users seeded, about 3 min
    python bench/bench_retention.py --sample 10000   # 10x less extrapolation: ~30 min, 4 GB
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sqlite3
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import common
from common import log, print_table

from reminder_bot.clock import to_epoch
from reminder_bot.presets import builtin_presets_dir, load_presets
from reminder_bot.schedule import next_occurrence
from reminder_bot.store import Store, open_database
from reminder_bot.store.retention import DEFAULT_BATCH, RollUp, roll_up

NOW = datetime(2026, 11, 30, 3, 30, tzinfo=UTC)  # the daily job's quiet hour
YEAR = timedelta(days=366)
RETENTION = timedelta(days=90)
ZONES = (
    "America/Los_Angeles", "America/Mexico_City", "America/New_York", "America/Bogota",
    "America/Argentina/Buenos_Aires", "Europe/London", "Europe/Madrid", "Europe/Berlin",
    "Asia/Kolkata", "Asia/Tokyo", "Australia/Sydney", "Pacific/Auckland",
)  # fmt: skip
# (kind, preset, share of users)
KINDS = (("active", "desk-worker", 30), ("light", "gentle", 30), ("trial", "desk-worker", 40))
# (status, per mille) of the rows of a slot that came due; sent-ish statuses carry a message
STATUS_MIX = (
    ("done", 380), ("sent", 380), ("skipped", 60), ("resent", 50), ("snoozed", 10),
    ("missed", 40), ("quiet", 30), ("stale", 20), ("failed", 10), ("superseded", 20),
)  # fmt: skip
SENT_ISH = ("done", "sent", "skipped", "resent", "snoozed")
ACTED = ("done", "skipped", "snoozed")


def mix_rows() -> list[tuple[int, str, int, int]]:
    """(hash 0..999, status, whether it was sent, whether a button was pressed): the status mix
    as a lookup table, so each seeded row costs one hash and one key lookup."""
    rows, h = [], 0
    for status, share in STATUS_MIX:
        for _ in range(share):
            rows.append((h, status, int(status in SENT_ISH), int(status in ACTED)))
            h += 1
    return rows


def plan_rows(start: datetime, end: datetime) -> list[tuple[str, str, int, str, int]]:
    """Every slot of each preset in each zone in [start, end): (zone, preset, day, habit, slot);
    day counts UTC days from ``start``."""
    presets = load_presets(builtin_presets_dir())
    rows = []
    for zone_name in ZONES:
        zone = ZoneInfo(zone_name)
        for preset_name in {preset for _, preset, _ in KINDS}:
            preset = presets[preset_name]
            for habit, rule in preset.rules.items():
                slot = next_occurrence(rule, zone, start, quiet=preset.quiet, paused_until=None)
                while slot is not None and slot < end:
                    day = (slot - start).days
                    rows.append((zone_name, preset_name, day, habit, to_epoch(slot)))
                    slot = next_occurrence(rule, zone, slot, quiet=preset.quiet, paused_until=None)
    return rows


def kind_of(n: int) -> tuple[str, str]:
    """The n-th user's kind and preset: the shares of KINDS over every ten users."""
    edge = 0
    for kind, preset, share in KINDS:
        edge += share // 10
        if n % 10 < edge:
            return kind, preset
    raise AssertionError("KINDS' shares add up to 100")


def seed_users(conn: sqlite3.Connection, sample: int, days: int) -> None:
    """Users (and their schedules and nudge bags) in the bot's tables; their kind, zone and
    days of use in ``bench_users``."""
    conn.execute(
        "create table bench_users (id integer primary key, zone text, preset text, "
        "first_day integer, last_day integer)"
    )
    users, kinds = [], []
    for n in range(sample):
        uid = 100_001 + n
        kind, preset = kind_of(n)
        zone = ZONES[n // 10 % len(ZONES)]
        last = 14 + n % 29 if kind == "trial" else days
        users.append((uid, uid, f"U{uid}", "en", zone, 0 if kind == "trial" else 1, preset))
        kinds.append((uid, zone, preset, 0, last))
    conn.executemany(
        "insert into users (id, chat_id, first_name, language, timezone, active, preset, "
        "created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, 0, 0)",
        users,
    )
    conn.executemany("insert into bench_users values (?, ?, ?, ?, ?)", kinds)
    seen = '["' + '", "'.join(f"desk-stretch-{i:02d}" for i in range(8)) + '"]'
    for habit in common.HABITS:
        conn.execute(
            "insert into schedules select id, ?, 'every 90m from 09:00 to 18:00 on weekdays', "
            "null from users",
            [habit],
        )
        conn.execute(
            "insert into nudge_cycles select id, ?, ?, 'desk-stretch-03' from users",
            [habit, seen],
        )


def insert_day_sql() -> str:
    """SQL: one UTC day's delivery rows of every user, in slot order as the bot writes them."""
    return (
        "insert into deliveries (user_id, chat_id, habit, slot, nudge_id, status, message_id, "
        "queued_at, sent_at, acted_at, attempts, error) "
        "select u.id, u.id, p.habit, p.slot, p.habit || '-' || (m.h % 12), m.status, "
        "case when m.sent then u.id * 1000 + m.h end, p.slot, "
        "case when m.sent then p.slot + 1 end, case when m.acted then p.slot + 60 + m.h end, "
        "m.sent or m.status = 'failed', "
        "case when m.status = 'failed' then 'Bad Request: chat not found' end "
        "from plan p join bench_users u on u.zone = p.zone and u.preset = p.preset "
        "join mix m on m.h = (u.id * 2654435761 + p.slot / 60 * 40503) % 1000 "
        "where p.day = ? and u.first_day <= p.day and p.day < u.last_day order by p.slot, u.id"
    )


def seed(path: Path, sample: int) -> dict[str, Any]:
    """The database of ``sample`` users after a year with no roll-up; seconds it took."""
    open_database(path).conn.close()  # the bot's schema, migrations and all
    started = time.perf_counter()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("pragma journal_mode=memory")
    conn.execute("pragma synchronous=off")  # seeding only: the bot never runs like this
    conn.execute("pragma cache_size=-1000000")
    indexes = conn.execute(
        "select name, sql from sqlite_master where type = 'index' and tbl_name = 'deliveries' "
        "and sql is not null"
    ).fetchall()
    for name, _ in indexes:
        conn.execute(f"drop index {name}")
    start = NOW - YEAR
    plan = plan_rows(start, NOW + timedelta(minutes=1))
    conn.execute("begin")
    conn.execute("create temp table plan (zone, preset, day, habit, slot)")
    conn.executemany("insert into plan values (?, ?, ?, ?, ?)", plan)
    conn.execute("create index temp.plan_day on plan (day)")
    conn.execute("create temp table mix (h integer primary key, status, sent, acted)")
    conn.executemany("insert into mix values (?, ?, ?, ?)", mix_rows())
    seed_users(conn, sample, YEAR.days + 1)
    conn.execute("create index bench_users_kind on bench_users (zone, preset)")
    insert = insert_day_sql()
    for day in range(YEAR.days + 1):
        conn.execute(insert, [day])
    conn.execute("drop table bench_users")
    conn.execute("commit")
    loaded = time.perf_counter() - started
    for _, sql in indexes:
        conn.execute(sql)
    conn.close()
    return {"load_s": loaded, "index_s": time.perf_counter() - started - loaded}


# Bytes of the delivery log (the table and its indexes) and of the daily counts (SQLite's dbstat).
_PARTS = (
    "select case when name = 'daily_counts' then 'counts' else 'log' end, sum(pgsize) "
    "from dbstat where name = 'daily_counts' or name = 'deliveries' "
    "or name like 'idx_deliveries_%' group by 1"
)


def measure(path: Path, label: str) -> dict[str, Any]:
    """Sizes after a checkpoint, and rows, of the database at ``path``."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("pragma wal_checkpoint(truncate)")
        page = conn.execute("pragma page_size").fetchone()[0]
        pages = conn.execute("pragma page_count").fetchone()[0]
        free = conn.execute("pragma freelist_count").fetchone()[0]
        rows = {
            table: conn.execute(f"select count(*) from {table}").fetchone()[0]
            for table in ("users", "deliveries", "daily_counts")
        }
        wal = Path(f"{path}-wal")
        compact = path.with_suffix(".compact")
        compact.unlink(missing_ok=True)
        conn.execute("vacuum into ?", [str(compact)])
        compact_bytes = compact.stat().st_size
        with sqlite3.connect(compact) as packed:
            parts = dict(packed.execute(_PARTS).fetchall())
        compact.unlink()
    finally:
        conn.close()
    return {
        "state": label,
        "file_bytes": path.stat().st_size + (wal.stat().st_size if wal.exists() else 0),
        "in_use_bytes": (pages - free) * page,
        "compact_bytes": compact_bytes,
        "log_bytes": parts.get("log", 0),
        "counts_bytes": parts.get("counts", 0),
        **{f"{table}_rows": n for table, n in rows.items()},
    }


class TimedStore:
    """The store, timing each hop of the roll-up (how long the writer thread was held)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.hops: list[float] = []

    async def roll_up_batch(self, *args: Any) -> RollUp:
        started = time.perf_counter()
        done = await self.store.roll_up_batch(*args)
        self.hops.append(time.perf_counter() - started)
        return done


def timed_roll_up(path: Path, now: datetime, batch: int, label: str) -> dict[str, Any]:
    async def run() -> tuple[RollUp, list[float], float]:
        store = Store(path)
        try:
            timed = TimedStore(store)
            started = time.perf_counter()
            done = await roll_up(timed, now, RETENTION, batch=batch)  # type: ignore[arg-type]
            return done, timed.hops, time.perf_counter() - started
        finally:
            store.close()

    done, hops, seconds = asyncio.run(run())
    rows = done.counted + done.dropped + done.kept
    return {
        "roll_up": label,
        "rows": rows,
        "counted": done.counted,
        "kept": done.kept,
        "seconds": seconds,
        "rows_per_s": rows / seconds if seconds else None,
        "batches": done.batches,
        "hop_median_ms": statistics.median(hops) * 1000,
        "hop_max_ms": max(hops) * 1000,
    }


def mb(n: float) -> float:
    return n / 1024 / 1024


def report(sizes: list[dict[str, Any]], runs: list[dict[str, Any]], scale: float) -> None:
    """The measured tables, then (when only a sample was seeded) the same scaled to --users."""
    factors = [(1.0, "measured")]
    if scale != 1:
        factors.append((scale, f"x {scale:,.0f} (extrapolated to --users)"))
    for factor, tag in factors:
        print_table(
            f"database, {tag}",
            ["state", "file+WAL MB", "in use MB", "compact MB", "log MB", "counts MB"]
            + ["deliveries", "daily_counts"],
            [
                [s["state"], mb(s["file_bytes"] * factor), mb(s["in_use_bytes"] * factor)]
                + [mb(s[f"{part}_bytes"] * factor) for part in ("compact", "log", "counts")]
                + [int(s["deliveries_rows"] * factor), int(s["daily_counts_rows"] * factor)]
                for s in sizes
            ],
        )
        print_table(
            f"roll-up, {tag}",
            ["roll-up", "rows", "seconds", "rows/s", "batches", "hop median ms", "hop max ms"],
            [
                [r["roll_up"], int(r["rows"] * factor), r["seconds"] * factor, r["rows_per_s"]]
                + [int(r["batches"] * factor), r["hop_median_ms"], r["hop_max_ms"]]
                for r in runs
            ],
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=100_000, help="the population reported")
    parser.add_argument("--sample", type=int, default=1_000, help="users actually seeded")
    parser.add_argument("--batch", type=int, default=DEFAULT_BATCH, help="rows per transaction")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    common.announce()
    path = common.tmpdir("bench-retention-") / "bot.sqlite3"
    log(f"seeding {args.sample:,} users with a year of delivery rows into {path}")
    seeded = seed(path, args.sample)
    log(f"seeded in {seeded['load_s']:.1f} s + indexes {seeded['index_s']:.1f} s")
    sizes = [measure(path, "a year raw (never rolled up)")]
    runs = [timed_roll_up(path, NOW - timedelta(days=1), args.batch, "backlog (275 days)")]
    log(f"backlog rolled up in {runs[0]['seconds']:.1f} s")
    sizes.append(measure(path, "steady state (90 days raw)"))
    runs.append(timed_roll_up(path, NOW, args.batch, "daily (1 day)"))
    sizes.append(measure(path, "after the daily roll-up"))
    report(sizes, runs, args.users / args.sample)
    if not args.keep:
        shutil.rmtree(path.parent)
    out = {"users": args.users, "sample": args.sample, "batch": args.batch, **seeded}
    return common.finish({**out, "sizes": sizes, "roll_ups": runs}, {})


if __name__ == "__main__":
    raise SystemExit(main())
