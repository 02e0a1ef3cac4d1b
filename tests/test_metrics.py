"""Prometheus metrics: the real bot over the emulator, scraped over real HTTP at /metrics and
read with prometheus-client's own parser; the figures are checked against the emulator's call
log and the delivery log."""

from __future__ import annotations

import socket
import sqlite3
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import psutil
import pytest
import telegram
from conftest import ALICE, BOB, MONDAY_0700_UTC, BotHarness
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from reminder_bot import __version__
from reminder_bot.config import ConfigError
from reminder_bot.emulator import EmulatorClient
from reminder_bot.metrics import Hooks
from reminder_bot.prometheus_metrics import Metrics

NINE_BERLIN = MONDAY_0700_UTC + timedelta(hours=1)  # hydrate and move are due for everyone


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def listening_ports() -> set[int]:
    return {
        conn.laddr.port
        for conn in psutil.Process().net_connections(kind="inet")
        if conn.status == psutil.CONN_LISTEN
    }


@pytest.fixture
def port() -> int:
    return free_port()


@pytest.fixture
async def scraped(
    emulator: EmulatorClient, tmp_path: Path, port: int
) -> AsyncIterator[BotHarness]:
    emulator.set_limits(per_chat_rate=20, per_chat_burst=3, global_rate=600, global_burst=30)
    harness = BotHarness(
        emulator.url,
        tmp_path / "bot.sqlite3",
        MONDAY_0700_UTC,
        REMINDER_BOT_METRICS_PORT=str(port),
    )
    await harness.start()
    yield harness
    await harness.stop()
    await harness.client.aclose()


async def scrape(port: int) -> dict[str, list[Sample]]:
    """GET /metrics; the samples of each family, by family name."""
    async with httpx.AsyncClient() as client:
        answer = await client.get(f"http://127.0.0.1:{port}/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    return {f.name: f.samples for f in text_string_to_metric_families(answer.text)}


def value(samples: list[Sample], name: str, **labels: str) -> float:
    found = [s.value for s in samples if s.name == name and labels.items() <= s.labels.items()]
    assert found, (name, labels)
    return sum(found)


def logged(database: Path) -> dict[tuple[str, str], int]:
    with sqlite3.connect(database) as conn:
        rows = conn.execute("select status, habit, count(*) from deliveries group by 1, 2")
        return {(status, habit): n for status, habit, n in rows}


async def test_metrics_report_what_the_bot_did(
    scraped: BotHarness, emulator: EmulatorClient, port: int
) -> None:
    for user in (ALICE, BOB):
        await scraped.send("/start", user)
    emulator.add_fault("429", method="sendMessage", chat_id=ALICE.id, count=1, retry_after=1)
    await scraped.set_time(NINE_BERLIN)
    await scraped.handled()
    await scraped.services.metrics.refresh()
    metrics = await scrape(port)

    nudges = metrics["reminder_bot_nudges"]
    for habit in ("hydrate", "move"):
        assert value(nudges, "reminder_bot_nudges_total", status="sent", habit=habit) == 2
    assert value(nudges, "reminder_bot_nudges_total", status="sent") == 4
    assert value(nudges, "reminder_bot_nudges_total", status="failed") == 0  # exported as 0
    retries = metrics["reminder_bot_telegram_retry_after"]
    assert value(retries, "reminder_bot_telegram_retry_after_total", method="sendMessage") == 1
    # Every sendMessage attempt the emulator saw (the 429 too) was timed, once.
    calls = await scraped.client.calls(0, "sendMessage")
    requests = metrics["reminder_bot_telegram_request_duration_seconds"]
    count = "reminder_bot_telegram_request_duration_seconds_count"
    assert value(requests, count, method="sendMessage") == len(calls) == 2 + 4 + 1
    # The manual clock stood still at the slot: every nudge was on time.
    lateness = metrics["reminder_bot_nudge_lateness_seconds"]
    assert value(lateness, "reminder_bot_nudge_lateness_seconds_count") == 4
    assert value(lateness, "reminder_bot_nudge_lateness_seconds_bucket", le="0.5") == 4
    assert value(metrics["reminder_bot_active_users"], "reminder_bot_active_users") == 2
    assert value(metrics["reminder_bot_nudges_pending"], "reminder_bot_nudges_pending") == 0
    build = metrics["reminder_bot_build_info"]
    assert value(build, "reminder_bot_build_info", version=__version__) == 1
    assert value(build, "reminder_bot_build_info", ptb=telegram.__version__) == 1
    assert value(metrics["process_start_time_seconds"], "process_start_time_seconds") > 0


async def test_missed_slots_and_pauses_follow_the_delivery_log(
    scraped: BotHarness, port: int
) -> None:
    for user in (ALICE, BOB):
        await scraped.send("/start", user)
    await scraped.set_time(NINE_BERLIN)
    await scraped.handled()
    await scraped.send("/pause 2h", ALICE)
    # 100 minutes on: Bob's 09:45 move and 10:00 posture are past the 30-minute catch-up.
    await scraped.set_time(NINE_BERLIN + timedelta(minutes=100))
    await scraped.handled()
    scraped.services.metrics.users_per_hop = 1  # counted across hops, one user each
    await scraped.services.metrics.refresh()
    metrics = await scrape(port)

    truth = logged(scraped.database)
    assert truth[("missed", "move")] == 1 and truth[("missed", "posture")] == 1
    nudges = metrics["reminder_bot_nudges"]
    for (status, habit), n in truth.items():
        assert value(nudges, "reminder_bot_nudges_total", status=status, habit=habit) == n
    assert value(nudges, "reminder_bot_nudges_total") == sum(truth.values())
    assert value(metrics["reminder_bot_active_users"], "reminder_bot_active_users") == 1


async def test_without_a_port_the_bot_opens_none(emulator: EmulatorClient, tmp_path: Path) -> None:
    harness = BotHarness(emulator.url, tmp_path / "bot.sqlite3", MONDAY_0700_UTC)
    before = listening_ports()
    await harness.start()
    try:
        assert type(harness.services.metrics) is Hooks
        assert listening_ports() == before
    finally:
        await harness.stop()
        await harness.client.aclose()


@pytest.fixture
def taken(port: int) -> Iterator[int]:
    with socket.socket() as holder:
        holder.bind(("0.0.0.0", port))
        holder.listen()
        yield port


async def test_a_port_in_use_stops_the_start_naming_the_setting(
    emulator: EmulatorClient, tmp_path: Path, taken: int
) -> None:
    harness = BotHarness(
        emulator.url,
        tmp_path / "bot.sqlite3",
        MONDAY_0700_UTC,
        REMINDER_BOT_METRICS_PORT=str(taken),
    )
    try:
        with pytest.raises(ConfigError, match=f"REMINDER_BOT_METRICS_PORT={taken}.*in use"):
            await harness.start()
        assert isinstance(harness.services.metrics, Metrics)
        assert await harness.client.calls(0, "sendMessage") == []
    finally:
        await harness.stop()
        await harness.client.aclose()
