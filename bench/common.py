"""Shared helpers for the delivery benchmarks (bench_burst, bench_scale, bench_interactive,
bench_faults).

Everything here drives REAL processes over HTTP: the emulator (``python -m reminder_bot.emulator``)
and a bot (``python -m reminder_bot run`` or ``bench/baseline_bot.py``), each its own process.
The benchmark process itself stays idle while a bot drains (it polls the emulator's cheap
``/_emulator/stats`` once a second) so it steals as little of the shared CPU as possible.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import os
import platform
import re
import shlex
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psutil

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from reminder_bot.emulator import EmulatorClient  # noqa: E402

TOKEN = "123456:BENCH"
PY = sys.executable
HABITS = ("hydrate", "move", "posture", "stretch")


# ----- small utilities -------------------------------------------------------------------------


def command_line() -> str:
    return " ".join(shlex.quote(a) for a in ["python", *sys.argv])


def machine() -> dict[str, Any]:
    return {
        "nproc": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "loadavg_1m": round(os.getloadavg()[0], 2),
    }


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, math.ceil(p / 100 * len(ordered)) - 1))
    return ordered[k]


def fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def print_table(title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    cells = [[str(c) for c in columns]] + [[fmt(v) for v in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(columns))]
    print(title)
    for n, row in enumerate(cells):
        print(
            "  "
            + "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if n == 0:
            print("  " + "  ".join("-" * w for w in widths))
    sys.stdout.flush()


def emit_json(payload: dict[str, Any]) -> None:
    print(json.dumps(payload, default=str, separators=(", ", ": ")), flush=True)


def announce() -> None:
    """Print how the run was started and on what machine, before any figure."""
    print("command:", command_line())
    print("machine:", machine())


def finish(out: dict[str, Any], targets: dict[str, Any]) -> int:
    """Print the run's JSON line (figures, targets, machine); the exit code."""
    emit_json({**out, "targets": targets, "machine": machine()})
    return 0


def ceil_minute(epoch: float) -> int:
    return int(math.ceil(epoch / 60.0) * 60)


def hhmm(epoch: int) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%H:%M")


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or b == 0:
        return None
    return a / b


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ----- the emulator ----------------------------------------------------------------------------


class Emulator:
    """``python -m reminder_bot.emulator --port 0`` as a child process."""

    def __init__(
        self,
        *,
        cap: float,
        per_chat_rate: float = 1.0,
        per_chat_burst: float = 3.0,
        global_burst: float | None = None,
        max_calls: int = 200_000,
        seed: int | None = 1,
    ) -> None:
        args = [
            PY, "-m", "reminder_bot.emulator", "--port", "0",
            "--global-rate", f"{cap:g}",
            "--global-burst", f"{global_burst if global_burst is not None else cap:g}",
            "--per-chat-rate", f"{per_chat_rate:g}",
            "--per-chat-burst", f"{per_chat_burst:g}",
            "--max-calls", str(max_calls),
        ]  # fmt: skip
        if seed is not None:
            args += ["--seed", str(seed)]
        self.proc = subprocess.Popen(
            args,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        match = re.search(r"(http://[\d.]+:\d+)", line)
        if not match:
            self.proc.kill()
            raise RuntimeError(f"emulator did not start: {line!r}")
        self.url = match.group(1)
        # Drain the rest of the banner in the background so the pipe never fills.
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()
        self.client = EmulatorClient(self.url, timeout=120.0)
        self.ps = psutil.Process(self.proc.pid)

    def register(self, user_ids: Iterable[int], connections: int = 8) -> None:
        """Make each user's private chat known to the emulator (sendMessage needs the chat).
        Keep-alive HTTP/1.1 written on bare streams: ~4,000 users/s (an async httpx client
        managed ~100/s here)."""
        ids = list(user_ids)
        host, port = self.url.removeprefix("http://").split(":")

        async def worker(chunk: list[int]) -> None:
            reader, writer = await asyncio.open_connection(host, int(port))
            for uid in chunk:
                body = json.dumps({"user": {"id": uid, "first_name": f"U{uid}"}}).encode()
                writer.write(
                    (
                        f"POST /_emulator/users HTTP/1.1\r\nHost: {host}\r\n"
                        "Content-Type: application/json\r\n"
                        f"Content-Length: {len(body)}\r\n\r\n"
                    ).encode()
                    + body
                )
                status = await reader.readline()
                if b" 200 " not in status:
                    raise RuntimeError(f"registering user {uid}: {status!r}")
                length = 0
                while (line := await reader.readline()) not in (b"\r\n", b""):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":", 1)[1])
                await reader.readexactly(length)
            writer.close()

        async def run() -> None:
            await asyncio.gather(*(worker(ids[i::connections]) for i in range(connections)))

        asyncio.run(run())

    def sent_ok(self) -> int:
        """How many sendMessage calls got a 200 so far (cheap: from the counters)."""
        stats = self.client.stats()
        return int(stats["per_method"].get("sendMessage", {}).get("200", 0))

    def stats(self) -> dict[str, Any]:
        return self.client.stats()

    def calls(self, method: str | None = "sendMessage", since: int = 0) -> list[dict[str, Any]]:
        """Every call after ``since`` (oldest first), paginated; params kept, response trimmed."""
        found: list[dict[str, Any]] = []
        while True:
            page = self.client.calls(since, method, limit=5000)
            if not page:
                return found
            for call in page:
                response = call.get("response") or {}
                found.append(
                    {
                        "seq": call["seq"],
                        "time": call["time"],
                        "duration": call.get("duration"),
                        "method": call["method"],
                        "chat_id": call["chat_id"],
                        "status": call["status"],
                        "text": (call.get("params") or {}).get("text", ""),
                        "retry_after": (response.get("parameters") or {}).get("retry_after"),
                    }
                )
            since = page[-1]["seq"]

    def stop(self) -> None:
        self.client.close()
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


# ----- database seeding ------------------------------------------------------------------------


def create_schema(path: Path) -> None:
    """The bot's own schema: opening reminder_bot.store.Store applies its migrations."""
    from reminder_bot.store import Store

    store = Store(path)
    store.close()


def seed_database(
    path: Path,
    users: Iterable[int],
    schedules: Iterable[tuple[int, str, str, int | None]],
    *,
    timezone: str = "UTC",
) -> float:
    """Bulk-insert users and schedules (user_id, habit, rule, next_due) in one transaction.
    Returns the seconds it took (schema creation included)."""
    started = time.perf_counter()
    create_schema(path)
    now = int(time.time())
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous=OFF")
        conn.execute("BEGIN")
        conn.executemany(
            "insert into users (id, chat_id, first_name, language, timezone, quiet, "
            "paused_until, active, preset, created_at, updated_at) "
            "values (?, ?, ?, 'en', ?, NULL, NULL, 1, NULL, ?, ?)",
            ((uid, uid, f"U{uid}", timezone, now, now) for uid in users),
        )
        conn.executemany(
            "insert into schedules (user_id, habit, rule, next_due) values (?, ?, ?, ?)",
            schedules,
        )
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return time.perf_counter() - started


def check_rules(path: Path, sample: int = 200) -> None:
    """Spot-check that seeded rules parse and agree with next_due (next occurrence after now)."""
    from reminder_bot.clock import from_epoch
    from reminder_bot.parsing import parse_rule
    from reminder_bot.schedule import next_occurrence

    conn = sqlite3.connect(path)
    rows = conn.execute(
        "select rule, next_due from schedules where next_due is not null order by random() "
        "limit ?",
        [sample],
    ).fetchall()
    conn.close()
    for rule_text, next_due in rows:
        due = from_epoch(next_due)
        rule = parse_rule(rule_text)
        from datetime import timedelta

        expected = next_occurrence(rule, UTC, due - timedelta(seconds=1))
        if expected != due:
            raise AssertionError(f"seeded rule {rule_text!r} disagrees with next_due {due}")


def delivery_log(path: Path) -> list[dict[str, Any]]:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        rows = conn.execute(
            "select user_id, chat_id, habit, slot, status, attempts, error from deliveries"
        ).fetchall()
    finally:
        conn.close()
    return [dict(r) for r in rows]


# ----- bot processes -----------------------------------------------------------------------------


@dataclass
class Sample:
    t: float
    cpu: float
    rss: int


@dataclass
class BotProcess:
    """A bot as a child process, sampled with psutil (CPU seconds, RSS, children included)."""

    argv: list[str]
    env: dict[str, str]
    interval: float = 0.15
    proc: subprocess.Popen[str] | None = None
    started: float = 0.0  # time.time() at Popen
    started_mono: float = 0.0
    samples: list[Sample] = field(default_factory=list)
    peak_rss: int = 0
    cpu: float = 0.0
    stdout_lines: list[tuple[float, str]] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def start(self) -> None:
        self.started = time.time()
        self.started_mono = time.monotonic()
        self.proc = subprocess.Popen(
            self.argv,
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.ps = psutil.Process(self.proc.pid)
        threading.Thread(target=self._sample, daemon=True).start()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        for line in self.proc.stdout:
            self.stdout_lines.append((time.time(), line.rstrip("\n")))

    def _measure(self) -> tuple[float, int] | None:
        try:
            procs = [self.ps, *self.ps.children(recursive=True)]
        except psutil.Error:
            return None
        cpu = 0.0
        rss = 0
        for p in procs:
            try:
                t = p.cpu_times()
                cpu += t.user + t.system
                rss += p.memory_info().rss
            except psutil.Error:
                pass
        return cpu, rss

    def _sample(self) -> None:
        while not self._stop.is_set():
            m = self._measure()
            if m is None:
                break
            if self.proc is not None and self.proc.poll() is not None:
                break
            cpu, rss = m
            self.cpu = max(self.cpu, cpu)
            self.peak_rss = max(self.peak_rss, rss)
            self.samples.append(Sample(time.monotonic(), cpu, rss))
            self._stop.wait(self.interval)

    def cpu_now(self) -> float:
        m = self._measure()
        if m is not None:
            self.cpu = max(self.cpu, m[0])
        return self.cpu

    def main_thread_cpu(self) -> float:
        """CPU seconds of the process's main thread (the bot's event loop), 0 if it is gone."""
        try:
            for thread in self.ps.threads():
                if thread.id == self.ps.pid:
                    return thread.user_time + thread.system_time
        except psutil.Error:
            pass
        return 0.0

    def rss_mb(self) -> float:
        return self.peak_rss / 1024 / 1024

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout: float = 30.0) -> int | None:
        if self.proc is None:
            return None
        self.cpu_now()
        self._stop.set()
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        return self.proc.returncode

    def output(self, last: int = 30) -> str:
        return "\n".join(line for _, line in self.stdout_lines[-last:])


def bot_env(emulator_url: str, database: Path, cap: float, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": emulator_url,
        "REMINDER_BOT_DATABASE": str(database),
        "REMINDER_BOT_GLOBAL_RATE": f"{cap:g}",
        "REMINDER_BOT_LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("TELEGRAM_BOT_TOKEN_FILE", None)
    env.update(extra)
    return env


def ours(emulator_url: str, database: Path, cap: float, **extra: str) -> BotProcess:
    return BotProcess(
        [PY, "-m", "reminder_bot", "run"], bot_env(emulator_url, database, cap, **extra)
    )


def baseline(
    emulator_url: str, database: Path, cap: float, *args: str, **extra: str
) -> BotProcess:
    return BotProcess(
        [PY, str(ROOT / "bench" / "baseline_bot.py"), *args],
        bot_env(emulator_url, database, cap, **extra),
    )


def profile(bot: BotProcess, out: str) -> subprocess.Popen[bytes]:
    """Sample ``bot`` with py-spy (100 Hz, by thread; only threads on the CPU) until it exits;
    collapsed stacks go to ``out``. py-spy runs beside the bot, so its CPU is not in the bot's
    figures, but pausing the bot for each sample slows it a little: profile runs are for where
    the time goes, not for the rate."""
    assert bot.proc is not None
    spy = str(Path(PY).with_name("py-spy"))
    argv = [spy, "record", "--pid", str(bot.proc.pid), "--threads", "-f", "raw", "-o", out]
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def wait_polling(emulator: Emulator, bot: BotProcess, timeout: float = 120.0) -> float | None:
    """Seconds from the bot's process start until its first getUpdates (None: never)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and bot.alive():
        # A long-poll getUpdates is logged when it returns; run_polling's deleteWebhook comes
        # right before it.
        with contextlib.suppress(AssertionError):
            found = emulator.client.wait_for_calls("deleteWebhook", within=1.0)
            return found[0]["time"] - bot.started
    return None


def drain(
    emulator: Emulator,
    bot: BotProcess,
    *,
    expected: int,
    baseline_ok: int,
    until: float,
    quiet: float,
    not_before: float,
) -> str:
    """Wait until ``expected`` new 200 sendMessages, ``until`` (epoch), or no progress for
    ``quiet`` seconds after ``not_before`` (epoch); return why it stopped."""
    last_n, last_change = -1, time.time()
    while True:
        now = time.time()
        try:
            n = emulator.sent_ok() - baseline_ok
        except httpx.HTTPError:
            n = last_n
        if n != last_n:
            last_n, last_change = n, now
        if n >= expected:
            return "all delivered"
        if now >= until:
            return "timeout"
        if not bot.alive():
            return "bot exited"
        if now > not_before and now - max(last_change, not_before) > quiet:
            return f"no progress for {quiet:g} s"
        time.sleep(1.0)


# ----- analysis --------------------------------------------------------------------------------


@dataclass
class SlotReport:
    slots: int
    delivered: int
    lost: int
    duplicated: int  # extra 200 sendMessages beyond one per slot
    rate: float | None  # delivered messages per second from first to last delivery
    first: float | None  # epoch of the first delivery
    last: float | None
    lateness: list[float]  # first successful delivery minus slot time, per delivered slot
    http_429: int
    other_errors: int
    attempts: int
    most_in_one_second: int  # accepted sends in the busiest 1-second window (the cap's rule)

    def p(self, q: float) -> float | None:
        return percentile(self.lateness, q)


def received(calls: list[dict[str, Any]], chats: Any = None) -> list[float]:
    """When the emulator received each accepted call (its ``time`` is when it answered, which a
    slow fault delays), sorted; only calls to ``chats`` if given."""
    return sorted(
        c["time"] - c.get("duration", 0.0)
        for c in calls
        if c["status"] == 200 and (chats is None or c["chat_id"] in chats)
    )


def most_in_window(times: Sequence[float], window: float = 1.0) -> int:
    """The most of the sorted ``times`` in any half-open window [s, s + window)."""
    most = start = 0
    for end, t in enumerate(times):
        while t - times[start] >= window:
            start += 1
        most = max(most, end - start + 1)
    return most


def analyze(calls: list[dict[str, Any]], slots: dict[int, float]) -> SlotReport:
    """One slot per chat: ``slots`` maps chat_id -> slot epoch; only calls to those chats count."""
    ok: dict[int, list[float]] = defaultdict(list)
    http_429 = other = attempts = 0
    for call in calls:
        cid = call["chat_id"]
        if cid not in slots:
            continue
        attempts += 1
        if call["status"] == 200:
            ok[cid].append(call["time"])
        elif call["status"] == 429:
            http_429 += 1
        else:
            other += 1
    firsts = sorted(min(times) for times in ok.values())
    all_ok = sorted(t for times in ok.values() for t in times)
    rate = None
    if len(all_ok) >= 2 and all_ok[-1] > all_ok[0]:
        rate = (len(all_ok) - 1) / (all_ok[-1] - all_ok[0])
    lateness = [min(times) - slots[cid] for cid, times in ok.items()]
    return SlotReport(
        slots=len(slots),
        delivered=len(ok),
        lost=len(slots) - len(ok),
        duplicated=sum(len(t) - 1 for t in ok.values()),
        rate=rate,
        first=firsts[0] if firsts else None,
        last=all_ok[-1] if all_ok else None,
        lateness=lateness,
        http_429=http_429,
        other_errors=other,
        attempts=attempts,
        most_in_one_second=most_in_window(received(calls, slots)),
    )


def exception_summary(lines: list[tuple[float, str]], top: int = 6) -> dict[str, int]:
    """Count the exception lines (``module.Error: message``) a process logged, by kind."""
    counts: Counter[str] = Counter()
    for _, line in lines:
        m = re.match(
            r"^([a-zA-Z_.]+(?:Error|Exception|TimedOut|RetryAfter|Forbidden)):? ?(.*)", line
        )
        if m:
            detail = re.sub(r"\d+(\.\d+)?", "N", m.group(2))[:60]
            counts[f"{m.group(1)}: {detail}"] += 1
        elif "was missed by" in line:
            counts["apscheduler: job run time was missed (skipped)"] += 1
    return dict(counts.most_common(top))


def status_counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    return dict(Counter(r["status"] for r in rows))


def tmpdir(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))
