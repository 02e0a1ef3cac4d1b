"""Who may use the bot (REMINDER_BOT_ALLOWED_USERS, REMINDER_BOT_ADMINS), /admin, and group
chats: end to end over the emulator, plus the pure "today" range and the /admin text."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from conftest import ALICE, BOB, MONDAY_0700_UTC, BotHarness
from telegram import BotCommandScopeChat

from reminder_bot import i18n
from reminder_bot.callbacks import LanguagePick, encode
from reminder_bot.emulator import EmulatorClient, User
from reminder_bot.emulator.testing import new_user
from reminder_bot.handlers.admin import admin_text, today_range
from reminder_bot.handlers.fallbacks import addressed_to
from reminder_bot.status import DeliveryStatus
from reminder_bot.store.stats import LastError, Stats, UserCounts

ADMIN = User(id=1003, first_name="Ada", language_code="en")
GROUP = -100500
BOT_NAME = "reminder_test_bot"  # the emulator's bot


def rows(bot: BotHarness, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(bot.database) as conn:
        return conn.execute(sql, params).fetchall()


def everything_stored(bot: BotHarness) -> list[tuple[str, tuple[Any, ...]]]:
    """Every row of every table, named by its table."""
    tables = [name for (name,) in rows(bot, "select name from sqlite_master where type='table'")]
    assert {"users", "schedules", "deliveries", "nudge_cycles", "health"} <= set(tables)
    return [(table, row) for table in tables for row in rows(bot, f'select * from "{table}"')]


def text_of(call: dict[str, Any]) -> str:
    return str(call["params"]["text"])


@pytest.fixture
async def gated(emulator: EmulatorClient, tmp_path: Path) -> AsyncIterator[BotHarness]:
    """The bot for Alice (allowed) and Ada (an admin) only."""
    emulator.set_limits(per_chat_rate=20, per_chat_burst=3, global_rate=600, global_burst=30)
    env = {"REMINDER_BOT_ALLOWED_USERS": str(ALICE.id), "REMINDER_BOT_ADMINS": str(ADMIN.id)}
    harness = BotHarness(emulator.url, tmp_path / "bot.sqlite3", MONDAY_0700_UTC, **env)
    await harness.start()
    yield harness
    await harness.stop()
    await harness.client.aclose()


# ----- who may use it ----------------------------------------------------------------------------


async def test_a_stranger_is_refused_once_and_leaves_no_trace(
    gated: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    bot = gated
    assert "Alice" in text_of(await bot.send("/start", ALICE))
    stranger = new_user("Mallory", language_code="es-419")

    refusal = await bot.send("hola, mi texto secreto", stranger)
    text = text_of(refusal)
    assert f"<code>{stranger.id}</code>" in text and "operador" in text  # Spanish, with the id
    # Whatever else they send or do: silence, and nothing stored.
    await bot.mark()
    await bot.client.send_text(stranger, "/start")
    await bot.client.send_text(stranger, "/language")
    [first] = [m for m in await bot.client.messages(stranger.id) if "secreto" in m["text"]]
    await bot.client.edit_text(stranger, first["message_id"], "/start otro texto secreto")
    await bot.client.block(stranger.id)
    await bot.client.unblock(stranger.id)
    await bot.client.set_membership(stranger, GROUP)  # in a group their id would show
    await bot.client.send_text(stranger, f"/start@{BOT_NAME}", chat_id=GROUP)
    await bot.no_calls("sendMessage", stranger.id)
    await bot.no_calls("sendMessage", GROUP)
    # A press on a button (forged on the refusal): answered, so its spinner stops, and no more.
    message_id = refusal["response"]["result"]["message_id"]
    await bot.client.press_button(
        stranger, message_id, data=encode(LanguagePick("es")), force=True
    )
    answer = await bot.reply(None, "answerCallbackQuery")
    assert str(stranger.id) in answer["params"]["text"]
    await bot.no_calls("editMessageText")

    stored = everything_stored(bot)
    assert any(table == "users" for table, _ in stored)  # Alice's row: the check can see rows
    for table, row in stored:
        assert stranger.id not in row and GROUP not in row, table
        assert not any("Mallory" in str(v) or "secreto" in str(v) for v in row), table
    ours = [r for r in caplog.records if r.name.startswith("reminder_bot.handlers")]
    assert ours and not any(
        "secreto" in r.getMessage() or "Mallory" in r.getMessage() for r in ours
    )
    # Alice is still served.
    assert "Alice" in text_of(await bot.send("/start", ALICE))


async def test_without_an_allow_list_everyone_may(bot: BotHarness) -> None:
    someone = new_user("Zoe")
    assert "Zoe" in text_of(await bot.send("/start", someone))
    assert rows(bot, "select count(*) from users where id = ?", someone.id) == [(1,)]


# ----- /admin ------------------------------------------------------------------------------------


async def test_admin_sees_the_figures_and_others_do_not_see_admin(gated: BotHarness) -> None:
    bot = gated
    await bot.send("/start", ALICE)
    await bot.send("/start", ADMIN)  # admins may use the bot without being on the list
    await bot.set_time(MONDAY_0700_UTC + timedelta(hours=1))  # 09:00 Berlin: 2 nudges each
    nudges = await bot.wait_calls("sendMessage", count=4)
    await bot.settle()
    done = next(c for c in nudges if c["params"]["chat_id"] == ALICE.id)
    data = done["params"]["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    await bot.mark()
    await bot.client.press_button(ALICE, done["response"]["result"]["message_id"], data=data)
    await bot.reply(None, "answerCallbackQuery")
    await bot.handled()

    report = await bot.send("/admin", ADMIN)
    assert report["status"] == 200  # Telegram's HTML parser takes it
    text = text_of(report)
    assert "<b>Users: 2</b>" in text
    assert "active 2 · paused 0 · stopped 0 · blocked 0" in text
    assert "💧 Hydrate 2 · 🚶 Move 2 · 🪑 Posture 2 · 🤸 Stretch 2" in text
    assert "sent 3 · done 1" in text
    assert "(since midnight, Europe/Berlin)" in text
    assert "Failed in the last 24 hours: 0" in text
    assert "Nudges waiting to be sent: 0" in text
    assert "version 0.1.0" in text and " · up " in text

    # To anyone else /admin does not exist: the unknown-command answer, word for word.
    unknown = text_of(await bot.send("/nosuchthing", ALICE))
    assert text_of(await bot.send("/admin", ALICE)) == unknown.replace("/nosuchthing", "/admin")
    assert "/admin" not in text_of(await bot.send("/help", ALICE))
    assert "/admin" in text_of(await bot.send("/help", ADMIN))
    # The menu: the admin's chat has /admin, everyone else's does not.
    tg = bot.application.bot
    admin_menu = await tg.get_my_commands(scope=BotCommandScopeChat(ADMIN.id))
    assert "admin" in [c.command for c in admin_menu]
    assert "admin" not in [c.command for c in await tg.get_my_commands()]
    spanish = await tg.get_my_commands(scope=BotCommandScopeChat(ADMIN.id), language_code="es")
    assert "admin" in [c.command for c in spanish] and spanish != admin_menu


# ----- groups ------------------------------------------------------------------------------------


async def test_in_a_group_the_bot_points_to_a_private_chat_once(bot: BotHarness) -> None:
    await bot.mark()
    await bot.client.set_membership(ALICE, GROUP, chat_title="Office")
    notice = await bot.reply(GROUP)
    assert notice["status"] == 200 and "private chats only" in text_of(notice)
    [[button]] = notice["params"]["reply_markup"]["inline_keyboard"]
    assert button["url"] == f"https://t.me/{BOT_NAME}"
    # Told once: commands for it, plain talk and commands for other bots get no answer.
    await bot.mark()
    for text in (f"/start@{BOT_NAME}", "/help", "good morning", "/start@other_bot"):
        await bot.client.send_text(BOB, text, chat_id=GROUP)
    await bot.no_calls("sendMessage")
    # Removed and invited again: greeted again.
    await bot.client.set_membership(ALICE, GROUP, added=False)
    await bot.no_calls("sendMessage")
    await bot.client.set_membership(BOB, GROUP)
    assert "private chats only" in text_of(await bot.reply(GROUP))
    await bot.handled()
    bookkeeping = ("health", "_sqlite_migrations")
    assert [row for row in everything_stored(bot) if row[0] not in bookkeeping] == []


async def test_a_command_in_a_group_it_was_not_greeted_in(bot: BotHarness) -> None:
    await bot.mark()
    await bot.client.send_text(ALICE, "/settings@other_bot", chat_id=GROUP)
    await bot.client.send_text(ALICE, "hello", chat_id=GROUP)
    await bot.no_calls("sendMessage")
    await bot.client.send_text(
        {"id": 4242, "first_name": "Eva", "language_code": "es"},
        f"/start@{BOT_NAME.upper()}",
        chat_id=GROUP,
    )
    notice = text_of(await bot.reply(GROUP))
    assert "chats privados" in notice  # in the language of whoever asked
    await bot.mark()
    await bot.client.send_text(ALICE, f"/start@{BOT_NAME}", chat_id=GROUP)
    await bot.no_calls("sendMessage")
    assert rows(bot, "select count(*) from users") == [(0,)]


@pytest.mark.parametrize(
    ("text", "addressed"),
    [
        ("/start", True),
        (f"/start@{BOT_NAME}", True),
        (f"/start@{BOT_NAME.upper()} now", True),
        ("/start@other_bot", False),
        ("hello /start", False),
        ("", False),
    ],
)
def test_addressed_to(text: str, addressed: bool) -> None:
    assert addressed_to(text, BOT_NAME) is addressed


# ----- today, in the admin's zone ----------------------------------------------------------------


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "zone", "start", "end"),
    [
        # Berlin in winter, UTC+1
        (utc(2026, 11, 23, 7), "Europe/Berlin", utc(2026, 11, 22, 23), utc(2026, 11, 23, 23)),
        # 23:30 UTC is already tomorrow in Berlin
        (utc(2026, 11, 23, 23, 30), "Europe/Berlin", utc(2026, 11, 23, 23), utc(2026, 11, 24, 23)),
        # spring forward: a 23-hour day; fall back: a 25-hour day
        (utc(2026, 3, 29, 12), "Europe/Berlin", utc(2026, 3, 28, 23), utc(2026, 3, 29, 22)),
        (utc(2026, 10, 25, 12), "Europe/Berlin", utc(2026, 10, 24, 22), utc(2026, 10, 25, 23)),
        # Havana skips midnight itself (00:00 -> 01:00): the day starts at the jump
        (utc(2026, 3, 8, 12), "America/Havana", utc(2026, 3, 8, 5), utc(2026, 3, 9, 4)),
        (
            utc(2026, 11, 23, 20),
            "Asia/Kolkata",
            utc(2026, 11, 23, 18, 30),
            utc(2026, 11, 24, 18, 30),
        ),
        (utc(2026, 11, 23, 7), "UTC", utc(2026, 11, 23), utc(2026, 11, 24)),
    ],
)
def test_today_range(now: datetime, zone: str, start: datetime, end: datetime) -> None:
    first, last = today_range(now, ZoneInfo(zone))
    assert (first, last) == (start, end)
    assert first.tzinfo is UTC and first <= now < last


# ----- the /admin text ---------------------------------------------------------------------------

STATS = Stats(
    users=UserCounts(total=7, active=3, paused=1, stopped=2, blocked=1),
    schedules={"hydrate": 4, "stretch": 1},
    nudges={DeliveryStatus.FAILED: 1, DeliveryStatus.DONE: 2, DeliveryStatus.SENT: 5},
    failed=1,
    last_error=LastError(
        "Bad Request: can't parse <entities>", utc(2026, 11, 23, 8), DeliveryStatus.FAILED
    ),
    started=utc(2026, 11, 20),
)


def test_admin_text() -> None:
    text = admin_text(
        STATS,
        zone=ZoneInfo("Europe/Berlin"),
        now=utc(2026, 11, 23, 9),
        pending=12,
        uptime=timedelta(days=3, hours=2),
        version="1.2.3",
    )
    assert text.splitlines() == [
        "<b>📊 Bot status</b>",
        "version 1.2.3 · up 3 days",
        "",
        "<b>Users: 7</b>",
        "active 3 · paused 1 · stopped 2 · blocked 1",
        "",
        "<b>Schedules with a next nudge</b>",
        "💧 Hydrate 4 · 🤸 Stretch 1",
        "",
        "<b>Nudges today</b> (since midnight, Europe/Berlin)",
        "sent 5 · done 2 · failed 1",  # in the order of a nudge's life
        "",
        "<b>Failed in the last 24 hours: 1</b>",
        "Last error (today 09:00, failed):",
        "<code>Bad Request: can't parse &lt;entities&gt;</code>",
        "Nudges waiting to be sent: 12",
    ]


def test_admin_text_of_an_empty_bot_in_spanish() -> None:
    with i18n.language("es"):
        text = admin_text(
            Stats(users=UserCounts()),
            zone=ZoneInfo("UTC"),
            now=utc(2026, 11, 23, 9),
            pending=0,
            uptime=None,
            version="1.2.3",
        )
    assert "Usuarios: 0" in text
    assert "ningún aviso pendiente" in text and "sent" not in text
    assert "Last error" not in text and "Último error" not in text


# ----- the figures, from a real database ---------------------------------------------------------


async def test_admin_stats_count_users_by_state_and_slots_in_the_range(tmp_path: Path) -> None:
    from reminder_bot.presets import builtin_presets_dir, load_presets
    from reminder_bot.store import Store

    now = MONDAY_0700_UTC
    preset = load_presets(builtin_presets_dir())["desk-worker"]
    store = Store(tmp_path / "stats.sqlite3", {"move": ["m1"], "hydrate": ["h1"]})
    try:
        for user_id in range(1, 6):
            await store.start_user(user_id, user_id, "U", "en", "Europe/Berlin", preset, now)
        await store.set_pause(2, now + timedelta(hours=2), now)
        await store.set_pause(3, now - timedelta(minutes=1), now)  # a pause already over
        await store.deactivate(4, "stopped", now)
        await store.deactivate(5, "blocked", now)
        claim = await store.claim(now + timedelta(hours=1), limit=100, catch_up=timedelta(hours=1))
        failed = claim.deliveries[0]
        await store.mark(failed.id, DeliveryStatus.FAILED, "Bad Request: chat not found")
        await store.record_health({"started": 1_800_000_000})
        day = (now, now + timedelta(days=1))
        stats = await store.admin_stats(*day, now - timedelta(hours=24), now)
        later = await store.admin_stats(now + timedelta(days=1), now + timedelta(days=2), now, now)
    finally:
        store.close()
    assert stats.users == UserCounts(total=5, active=2, paused=1, stopped=1, blocked=1)
    # Three users with nudges on (the paused one too), four habits each.
    assert stats.schedules == {"hydrate": 3, "move": 3, "posture": 3, "stretch": 3}
    # 09:00 Berlin: hydrate and move for the two not paused at the time
    assert len(claim.deliveries) == 4
    assert stats.nudges == {DeliveryStatus.QUEUED: 3, DeliveryStatus.FAILED: 1}
    assert stats.failed == 1
    assert stats.last_error is not None and "chat not found" in stats.last_error.text
    assert stats.started == datetime.fromtimestamp(1_800_000_000, UTC)
    assert later.nudges == {} and later.failed == 1  # outside the range: none


def test_once_per_remembers_a_bounded_number() -> None:
    from reminder_bot.handlers.access import OncePer

    once = OncePer(limit=2)
    assert [once.first(1), once.first(1), once.first(2), once.first(3)] == [1, 0, 1, 1]
    assert once.first(1)  # the oldest was forgotten to stay within the limit
    once.forget(3)
    assert once.first(3) and not once.first(3)
