"""Any update, any input: Hypothesis drives the real bot over the emulator with thousands of
generated updates (commands with random arguments, unicode of every class, texts up to 4,096
characters, edits, photos, stickers, voice, locations, contacts, groups, a channel, blocks,
button presses with forged or stale data) and checks after every batch that

* nothing reached the error handler (no ERROR record, no apology in any reply);
* every call the bot made passed the emulator's Telegram checks (HTTP 200), and every button
  press was answered;
* invalid input left the database exactly as it was (a dump of every table, before and after);
* commands for another bot got no answer, groups heard the private-chat notice at most once,
  and the channel nothing;
* and at the end, the bot still answers a normal command within a second.

One bot runs for the whole test in a thread of its own; each Hypothesis example is a batch of
updates. ``FUZZ_UPDATES`` (default 1400) sets how many updates the two tests deliver together:
``FUZZ_UPDATES=10000 python -m pytest -q tests/test_fuzz.py`` for the run by hand.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from reminder_bot.emulator import EmulatorClient, User
from reminder_bot.emulator.client_kinds import press_any
from tests.conftest import ALICE, MONDAY_0700_UTC, BotHarness
from tests.fuzz_driver import ErrorRecords, Fuzz, LiveBot
from tests.fuzz_strategies import Act, World, any_acts, invalid_acts

UPDATES = int(os.environ.get("FUZZ_UPDATES", "1400"))
BATCH = 120  # updates per Hypothesis example at most
PHASES = tuple(p for p in Phase if os.environ.get("FUZZ_SHRINK") or p is not Phase.shrink)


async def meet(h: BotHarness) -> World:
    """Ten users send /start; the clock moves two hours so they get nudges (whose ids the
    forged presses borrow); two strangers never start."""
    users = tuple(
        User(7_000_001 + i, f"User{i}", language_code=("es", "en", "es-419", None)[i % 4])
        for i in range(10)
    )
    for user in users:
        await h.send("/start", user)
    for _ in range(8):  # to 09:00 UTC in steps, so no slot is "missed"
        await h.advance(timedelta(minutes=15))
        await h.settle()
    with sqlite3.connect(h.database) as db:
        deliveries = tuple(r[0] for r in db.execute("select id from deliveries"))
    strangers = (User(7_100_001, "Stranger", language_code="de"), User(7_100_002, "Anon"))
    return World(
        users=users,
        strangers=strangers,
        groups=(-4001, -1_001_000_000_077),
        quiet_group=-4002,
        channel=-1_002_000_000_001,
        delivery_ids=deliveries,
        probe={"other_bot": 0, "non_text": 1},
    )


@pytest.fixture
def fuzz(emulator: EmulatorClient, tmp_path: Path) -> Iterator[tuple[LiveBot, Fuzz]]:
    """The bot in its own thread, the cast met, ERROR records captured."""
    emulator.set_limits(per_chat_rate=0, global_rate=0)
    errors = ErrorRecords()
    logging.getLogger().addHandler(errors)
    live = LiveBot()
    # Fast replies; no per-user flood limit: the fuzzing is many people, not one flooding.
    env = {
        "REMINDER_BOT_CHAT_RATE": "1000",
        "REMINDER_BOT_GLOBAL_RATE": "5000",
        "REMINDER_BOT_USER_RATE": "1000000",
    }

    async def start() -> Fuzz:
        h = BotHarness(emulator.url, tmp_path / "bot.sqlite3", MONDAY_0700_UTC, **env)
        await h.start()
        driver = Fuzz(h, await meet(h), errors)
        await driver.learn_chats()
        return driver

    driver = live.run(start())
    yield live, driver
    live.run(driver.h.stop())
    live.run(driver.h.client.aclose())
    live.close()
    logging.getLogger().removeHandler(errors)


def feed(
    live: LiveBot, driver: Fuzz, acts: st.SearchStrategy[Act], invalid: bool, target: int
) -> None:
    """Hypothesis examples of up to BATCH acts each, until ``target`` updates reached the bot."""

    @settings(
        max_examples=max(1, target // 50),
        deadline=None,
        suppress_health_check=list(HealthCheck),
        # The bot lives on between examples, so a shrunk batch may pass where the whole one
        # failed: shrinking is slow and often flaky here. FUZZ_SHRINK=1 turns it on.
        phases=PHASES,
    )
    @given(st.lists(acts, min_size=1, max_size=BATCH))
    def batch(batch: list[Act]) -> None:
        live.run(driver.play(batch, invalid))

    start = driver.delivered
    while driver.delivered - start < target:
        batch()


@pytest.mark.timeout(max(120, UPDATES // 10))
@pytest.mark.parametrize("invalid", [True, False], ids=["invalid-input", "any-update"])
def test_no_update_breaks_the_bot(fuzz: tuple[LiveBot, Fuzz], invalid: bool) -> None:
    """Half the updates in each: invalid ones, with the database compared before and after
    each batch; then any update at all (valid ones change the database, rightly)."""
    live, driver = fuzz
    started = time.monotonic()
    acts = invalid_acts(driver.world) if invalid else any_acts(driver.world)
    feed(live, driver, acts, invalid, UPDATES // 2)
    report(driver, started)
    told = {group: driver.notices[group] for group in driver.addressed}
    assert set(told.values()) <= {1}, f"groups told not exactly once: {told}"
    live.run(still_answers(driver))


def report(driver: Fuzz, started: float) -> None:
    """How many updates, how fast, where the time went (shown with ``-s``)."""
    seconds = time.monotonic() - started
    timing = {k: round(v, 1) for k, v in driver.timing.items()}
    sys.stderr.write(
        f"\nfuzz: {driver.delivered} updates in {seconds:.1f} s "
        f"({driver.delivered / seconds:.0f}/s); {timing}; known gaps seen: {dict(driver.gaps)}\n"
    )


async def still_answers(driver: Fuzz) -> None:
    """After it all, a normal command is answered within a second."""
    user = driver.world.users[-1]
    await driver.client.unblock(user.id)
    started = time.monotonic()
    await driver.h.mark()
    await driver.client.send_text(user, "/help")
    await driver.h.wait_calls("sendMessage", chat_id=user.id, within=1.0)
    sys.stderr.write(f"fuzz: /help answered {time.monotonic() - started:.3f} s after\n")


async def test_start_stores_the_language_the_bot_speaks(bot: BotHarness) -> None:
    """Found by the fuzzing: /start stored "es-419" and the next update rewrote it to "es"."""
    user = User(7_200_001, "Lucía", language_code="es-419")
    await bot.send("/start", user)
    with sqlite3.connect(bot.database) as db:
        assert db.execute("select language from users where id = ?", [user.id]).fetchall() == [
            ("es",)
        ]


async def test_a_long_bad_argument_gets_a_short_answer(bot: BotHarness) -> None:
    """Found by the fuzzing: the error quoted all 4,000 characters of a bad time zone, the
    reply went over Telegram's 4,096 and the user got "something went wrong" instead."""
    await bot.send("/start")
    answer = await bot.send("/timezone " + "啄" * 4000)
    assert answer["status"] == 200
    assert "Europe/Berlin" in answer["params"]["text"]


async def test_a_settings_press_on_a_message_without_text_sends_the_menu_anew(
    bot: BotHarness,
) -> None:
    """Found by the fuzzing: a settings button pressed on a message of the bot's that has no
    text (here the /export file; a chart's caption is no text either) was edited with
    editMessageText, which Telegram refuses: 400 "there is no text in the message to edit"."""
    await bot.send("/start")
    await bot.mark()
    await bot.client.send_text(ALICE, "/export")
    export = await bot.reply(ALICE.id, "sendDocument")
    await bot.mark()
    await press_any(bot.client, ALICE, export["response"]["result"]["message_id"], "1:s:h")
    menu = await bot.reply(ALICE.id)
    assert "reply_markup" in menu["params"] and menu["status"] == 200
    await bot.no_calls("editMessageText")


async def test_a_settings_press_on_a_message_gone_sends_the_menu_anew(bot: BotHarness) -> None:
    """Found by the fuzzing: a settings button of a message Telegram no longer shows (date 0)
    was edited anyway: 400 "message to edit not found", and an apology."""
    await bot.send("/start")
    await bot.mark()
    await press_any(bot.client, ALICE, 4242, "1:s:h")
    menu = await bot.reply(ALICE.id)
    assert "reply_markup" in menu["params"] and menu["status"] == 200
    await bot.no_calls("editMessageText")
