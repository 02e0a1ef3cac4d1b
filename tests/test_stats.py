"""/stats end to end over the emulator: a month of a default-preset user's nudges and presses
gives the same numbers in /stats as the delivery log counted with SQL here (a day rolled up by
retention still counts); Spanish; no history; the 14/30-day button; the weekly summary sent by
the dispatcher on Sunday 18:00 local, kept out of quiet hours, once across a restart, never when
off."""

from __future__ import annotations

import contextlib
import random
import re
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from conftest import ALICE, MONDAY_0700_UTC, BotHarness
from test_bot import buttons_of, rows, start

from reminder_bot import i18n, stats_report
from reminder_bot.clock import from_epoch
from reminder_bot.emulator import EmulatorClient, User
from reminder_bot.emulator.client_kinds import batch
from reminder_bot.emulator.media import image_size
from reminder_bot.outgoing import CAPTION_LIMIT
from reminder_bot.schedule import SUMMARY, Off
from reminder_bot.store.retention import roll_up

NINE = MONDAY_0700_UTC + timedelta(hours=1)  # 09:00 in Berlin: the first nudges
SUNDAY_18 = datetime(2026, 11, 29, 17, 0, tzinfo=UTC)  # 18:00 in Berlin
HABIT_LINES = {
    "hydrate": "💧 Hydrate",
    "move": "🚶 Move",
    "posture": "🪑 Posture",
    "stretch": "🤸 Stretch",
}
# Written out here, not imported: the test counts "sent" and "done" as the docs define them.
SENT = ("sent", "done", "skipped", "snoozed", "resent")
PRESSES = (("Done", 50), ("Skip", 15), ("10 min", 15), (None, 20))


@pytest.fixture
async def fast_bot(emulator: EmulatorClient, tmp_path: Path) -> AsyncIterator[BotHarness]:
    """The bot with Telegram's pacing lifted: a month of nudges and presses is ~1,400 calls in
    one chat, which 20 a second (the other tests' pace) would make a minute long; pacing is not
    what these tests are about."""
    emulator.set_limits(per_chat_rate=5000, per_chat_burst=500, global_rate=5000, global_burst=500)
    harness = BotHarness(
        emulator.url,
        tmp_path / "bot.sqlite3",
        MONDAY_0700_UTC,
        REMINDER_BOT_CHAT_RATE="5000",
        REMINDER_BOT_GLOBAL_RATE="5000",
    )
    await harness.start()
    yield harness
    await harness.stop()
    await harness.client.aclose()


def next_wake(db: sqlite3.Connection, after: datetime) -> datetime | None:
    """The next instant the dispatcher has something for Alice: a due slot or a snooze."""
    found = db.execute(
        "select min(t) from (select next_due as t from schedules where user_id = ? "
        "union all select snooze_due from deliveries where user_id = ? and status = 'snoozed')"
        " where t > ?",
        [ALICE.id, ALICE.id, int(after.timestamp())],
    ).fetchone()[0]
    return None if found is None else from_epoch(found)


def press_action(call: dict[str, Any], label: str) -> dict[str, Any]:
    data = next(b["callback_data"] for b in buttons_of(call) if label in b["text"])
    message_id = call["response"]["result"]["message_id"]
    return {
        "action": "inject/callback",
        "user": ALICE.as_dict(),
        "message_id": message_id,
        "data": data,
    }


async def live_month(bot: BotHarness, days: int, seed: int = 15) -> None:
    """Every slot of ``days`` days, with a seeded Done / Skip / Snooze / nothing on each first
    send (a snoozed nudge's second showing is left alone). Each step waits for the nudges due
    then and for the answers to its presses (so the next slot is where those presses put it),
    not for the dispatcher to settle: that also waits out the last mark's group commit (20 ms)
    at each of the month's ~470 steps."""
    rng = random.Random(seed)
    end = bot.clock.now() + timedelta(days=days)
    await bot.mark()
    with contextlib.closing(sqlite3.connect(bot.database)) as db:
        while (wake := next_wake(db, bot.clock.now())) is not None and wake < end:
            due = due_at(db, wake)
            bot.clock.set(wake)
            sent = await bot.client.wait_for_calls(
                "sendMessage", chat_id=ALICE.id, since=bot.seq, count=due
            )
            assert len(sent) == due
            calls = sent + await press_some(bot, rng, sent)
            bot.seq = max(call["seq"] for call in calls)
    await bot.handled()


def due_at(db: sqlite3.Connection, wake: datetime) -> int:
    """How many nudges come at ``wake``: slots due then, and snoozed nudges coming back."""
    at = int(wake.timestamp())
    slots = db.execute(
        "select count(*) from schedules where user_id = ? and next_due = ?", [ALICE.id, at]
    ).fetchone()[0]
    snoozes = db.execute(
        "select count(*) from deliveries where user_id = ? and status = 'snoozed' "
        "and snooze_due = ?",
        [ALICE.id, at],
    ).fetchone()[0]
    return int(slots + snoozes)


async def press_some(
    bot: BotHarness, rng: random.Random, sent: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Press on the nudges just sent as the seeded pattern says; the presses' answers."""
    actions = []
    for call in sent:
        if not any("10 min" in button["text"] for button in buttons_of(call)):
            continue  # a resend (no snooze), or not a nudge
        label = rng.choices([p for p, _ in PRESSES], [w for _, w in PRESSES])[0]
        if label is not None:
            actions.append(press_action(call, label))
    if not actions:
        return []
    await batch(bot.client, actions)
    return await bot.client.wait_for_calls(
        "answerCallbackQuery", since=bot.seq, count=len(actions)
    )


def expected(bot: BotHarness, today: date) -> dict[str, list[tuple[int, int]]]:
    """(done, sent) today, in 7 and in 30 days per habit, counted from the log with SQL."""
    by_day = rows(
        bot,
        f"select habit, date(slot, 'unixepoch', '+1 hours'), "  # Berlin: UTC+1 all month
        f"sum(status in ({', '.join('?' * len(SENT))})), sum(status = 'done') "
        "from deliveries where user_id = ? and habit in ('hydrate', 'move', 'posture', "
        "'stretch') group by 1, 2",
        *SENT,
        ALICE.id,
    )
    out: dict[str, list[tuple[int, int]]] = {}
    for habit in HABIT_LINES:
        windows = []
        for length in (1, 7, 30):
            first = (today - timedelta(days=length - 1)).isoformat()
            inside = [r for r in by_day if r[0] == habit and first <= r[1] <= today.isoformat()]
            windows.append((sum(r[3] for r in inside), sum(r[2] for r in inside)))
        out[habit] = windows
    return out


def shown(caption: str) -> dict[str, list[tuple[int, int]]]:
    """The (done, sent) pairs /stats shows for each habit: "3/7 · 20/35 · 80/150 (53%)"."""
    out = {}
    for habit, label in HABIT_LINES.items():
        line = re.search(rf"<b>{label}</b>  (\S+) · (\S+) · (\S+)", caption)
        assert line is not None, caption
        pairs = [part.split("/") if part != "–" else ("0", "0") for part in line.groups()]
        out[habit] = [(int(done), int(sent)) for done, sent in pairs]  # "–": nothing sent
    return out


async def stats_photo(bot: BotHarness, user: User = ALICE) -> dict[str, Any]:
    await bot.mark()
    await bot.client.send_text(user, "/stats")
    return await bot.reply(user.id, "sendPhoto")


async def test_a_month_of_presses_gives_the_logs_numbers(fast_bot: BotHarness) -> None:
    bot = fast_bot
    await start(bot)
    # No weekly summary: its charts would only slow the month down.
    await bot.services.store.set_rule(ALICE.id, SUMMARY, Off(), bot.clock.now())
    await live_month(bot, 30)
    statuses = dict(rows(bot, "select status, count(*) from deliveries group by 1"))
    assert statuses["done"] > 100 and statuses["skipped"] > 20 and statuses["resent"] > 20
    today = bot.clock.now().astimezone(ZoneInfo("Europe/Berlin")).date()
    await bot.set_time(datetime.combine(today, datetime.min.time(), UTC) + timedelta(hours=19))
    want = expected(bot, today)
    # The month's first day is rolled up into daily counts: its rows leave the log.
    first_day = rows(
        bot,
        "select count(*) from deliveries where slot < ?",
        int((MONDAY_0700_UTC + timedelta(hours=17)).timestamp()),
    )[0][0]
    rolled = await roll_up(bot.services.store, bot.clock.now(), timedelta(days=29))
    assert rolled.counted == first_day > 20
    photo = await stats_photo(bot)
    assert photo["status"] == 200
    assert shown(photo["params"]["caption"]) == want
    assert want["move"][2][1] > 200  # a month of the default preset's move nudges


async def test_no_history_is_a_friendly_text_and_no_chart(bot: BotHarness) -> None:
    await start(bot)
    reply = await bot.send("/stats")
    assert "No progress to show yet" in reply["params"]["text"]
    await bot.no_calls("sendPhoto")


async def test_stats_in_spanish_and_the_30_day_button(fast_bot: BotHarness) -> None:
    bot = fast_bot
    await start(bot)
    await live_month(bot, 2)
    spanish = User(id=ALICE.id, first_name="Alice", language_code="es")
    photo = await stats_photo(bot, spanish)
    caption = photo["params"]["caption"]
    assert "Tu progreso" in caption and "Hidratación" in caption
    width, _height = image_size(await bot.client.file_bytes(file_id(photo)))
    assert width == 1080
    assert [b["text"] for b in buttons_of(photo)] == ["📈 Últimos 30 días"]
    message_id = photo["response"]["result"]["message_id"]
    await bot.mark()
    await bot.client.press_button(spanish, message_id, text="📈 Últimos 30 días")
    edit = await bot.reply(ALICE.id, "editMessageMedia")
    assert edit["status"] == 200
    assert [b["text"] for b in buttons_of(edit)] == ["📈 Últimos 14 días"]
    assert edit["response"]["result"]["caption"].startswith("📊 Tu progreso")
    assert file_id(edit) != file_id(photo)


def file_id(call: dict[str, Any]) -> str:
    return str(call["response"]["result"]["photo"][-1]["file_id"])


# ----- the weekly summary ----------------------------------------------------------------------


async def a_done_monday(bot: BotHarness) -> None:
    await start(bot)
    await bot.set_time(NINE)
    await bot.settle()
    calls = await bot.client.calls(bot.seq, "sendMessage", ALICE.id)
    await batch(bot.client, [press_action(call, "Done") for call in calls])
    await bot.handled()


async def test_the_weekly_summary_comes_on_sunday_at_18_with_the_chart(bot: BotHarness) -> None:
    await a_done_monday(bot)
    await bot.set_time(SUNDAY_18 - timedelta(minutes=1))
    await bot.settle()
    await bot.no_calls("sendPhoto")
    await bot.set_time(SUNDAY_18)
    summary = await bot.reply(ALICE.id, "sendPhoto")
    assert summary["status"] == 200
    caption = summary["params"]["caption"]
    assert "Your week" in caption and "<b>🚶 Move</b>  1/" in caption
    assert "/stats" in caption
    await bot.settle()
    assert rows(bot, "select status from deliveries where habit = ?", SUMMARY) == [("sent",)]


async def test_the_summary_once_across_a_restart_between_claim_and_send(
    bot: BotHarness,
) -> None:
    await a_done_monday(bot)
    # Telegram holds the first attempt off: the summary is claimed and under way at the stop.
    await bot.client.add_fault("429", method="sendphoto", count=1, retry_after=60)
    await bot.set_time(SUNDAY_18)
    await bot.wait_calls("sendPhoto")
    assert rows(bot, "select status from deliveries where habit = ?", SUMMARY) == [("sending",)]
    await bot.restart()
    await bot.set_time(SUNDAY_18 + timedelta(minutes=5))
    await bot.settle()
    photos = await bot.client.calls(0, "sendPhoto", ALICE.id)
    assert [call["status"] for call in photos] == [429, 200]
    await bot.set_time(SUNDAY_18 + timedelta(minutes=20))
    await bot.settle()
    await bot.no_calls("sendPhoto")
    assert rows(bot, "select status from deliveries where habit = ?", SUMMARY) == [("sent",)]


async def test_no_summary_in_quiet_hours_or_when_off(bot: BotHarness) -> None:
    await a_done_monday(bot)
    await bot.send("/quiet 17:00-19:00")
    await bot.set_time(SUNDAY_18 + timedelta(minutes=1))
    await bot.settle()
    await bot.no_calls("sendPhoto")
    await bot.send("/quiet off")
    await bot.services.store.set_rule(ALICE.id, SUMMARY, Off(), bot.clock.now())
    await bot.set_time(SUNDAY_18 + timedelta(days=7))
    await bot.settle()
    await bot.no_calls("sendPhoto")
    assert rows(bot, "select count(*) from deliveries where habit = ?", SUMMARY) == [(0,)]


async def test_stats_shows_the_pain_trend_and_its_line(fast_bot: BotHarness) -> None:
    bot = fast_bot
    await start(bot)
    await live_month(bot, 1)
    before = await stats_photo(bot)
    assert "Back pain" not in before["params"]["caption"]
    with contextlib.closing(sqlite3.connect(bot.database)) as db, db:  # as taps keep them
        for back, pain in enumerate((3, 4, 4, 5)):
            day = (NINE - timedelta(days=back)).date().isoformat()
            db.execute("insert into checkins values (?, ?, ?, 0)", [ALICE.id, day, pain])
    after = await stats_photo(bot)
    assert "Back pain, last 7 days: 4 check-ins, average 4/10." in after["params"]["caption"]
    _width, taller = image_size(await bot.client.file_bytes(file_id(after)))
    _width, shorter = image_size(await bot.client.file_bytes(file_id(before)))
    assert taller > shorter  # the pain panel


async def test_stats_before_start_asks_for_start(bot: BotHarness) -> None:
    reply = await bot.send("/stats")
    assert "Send /start" in reply["params"]["text"]
    await bot.no_calls("sendPhoto")


def test_figures_too_long_for_a_caption_follow_the_photo() -> None:
    with i18n.language("en"):
        short = stats_report.split_caption("📊 a few figures")
        caption, rest = stats_report.split_caption("x" * (CAPTION_LIMIT + 1))
    assert short == ("📊 a few figures", None)
    assert rest == "x" * (CAPTION_LIMIT + 1) and "the figures follow" in caption


async def test_no_summary_during_a_pause(bot: BotHarness) -> None:
    await a_done_monday(bot)
    await bot.set_time(SUNDAY_18 - timedelta(minutes=30))
    await bot.settle()
    await bot.send("/pause 2h")
    await bot.set_time(SUNDAY_18 + timedelta(minutes=1))
    await bot.settle()
    await bot.no_calls("sendPhoto")
    next_due = rows(bot, "select next_due from schedules where habit = ?", SUMMARY)[0][0]
    assert from_epoch(next_due) == SUNDAY_18 + timedelta(days=7)


async def test_a_summary_that_cannot_be_composed_is_logged_failed_not_left_queued(
    bot: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(delivery: Any) -> Any:
        raise RuntimeError("no figures today")

    await start(bot)
    bot.services.dispatcher.composers[SUMMARY] = broken  # a fake at the composer boundary
    await bot.set_time(SUNDAY_18)
    await bot.settle()
    await bot.no_calls("sendPhoto")
    [(status, error)] = rows(bot, "select status, error from deliveries where habit = ?", SUMMARY)
    assert status == "failed" and "no figures today" in error
    assert "composing summary" in caplog.text
    # The bot goes on: a command is answered, next week's summary is scheduled.
    assert "Your schedule" in (await bot.send("/schedule"))["params"]["text"]
    assert rows(
        bot,
        "select count(*) from schedules where habit = ? and next_due > ?",
        SUMMARY,
        int(SUNDAY_18.timestamp()),
    ) == [(1,)]
