"""/export: everything stored about the user, as one JSON document, and nothing about anyone
else; /forget deletes from the very tables it reads."""

from __future__ import annotations

import json
from datetime import timedelta

from conftest import ALICE, BOB, MONDAY_0700_UTC, BotHarness

from reminder_bot.store.export import ORDER_BY
from reminder_bot.store.sql import USER_TABLES


def test_export_reads_the_tables_forget_empties() -> None:
    assert set(ORDER_BY) == set(USER_TABLES)


async def test_export_sends_the_users_own_data(bot: BotHarness) -> None:
    await bot.send("/start")
    await bot.send("/start", BOB)
    await bot.send("/quiet 22:00-07:00")
    await bot.set_time(MONDAY_0700_UTC + timedelta(hours=1))  # 09:00 in Berlin: nudges
    await bot.wait_calls("sendMessage", chat_id=ALICE.id, count=2)
    await bot.settle()

    await bot.mark()
    await bot.client.send_text(ALICE, "/export")
    sent = await bot.reply(ALICE.id, "sendDocument")
    assert sent["params"]["caption"].startswith("Everything I store about you")
    result = sent["response"]["result"]
    assert result["document"]["file_name"] == "reminder-bot-2026-11-23.json"
    document = json.loads(await bot.client.file_bytes(result["document"]["file_id"]))

    assert document["exported_at"] == "2026-11-23T08:00:00+00:00"
    [user] = document["user"]
    assert (user["id"], user["first_name"], user["quiet"]) == (ALICE.id, "Alice", "22:00-07:00")
    assert user["created_at"] == "2026-11-23T07:00:00+00:00"
    assert sorted(s["habit"] for s in document["schedules"]) == [
        "hydrate",
        "move",
        "posture",
        "stretch",
        "summary",
    ]
    assert document["deliveries"], "the nudges just sent"
    assert {d["slot"] for d in document["deliveries"]} == {"2026-11-23T08:00:00+00:00"}
    # Nothing about Bob anywhere in Alice's file.
    text = json.dumps(document)
    assert str(BOB.id) not in text and "Bob" not in text


async def test_export_before_start_asks_for_start(bot: BotHarness) -> None:
    reply = await bot.send("/export")
    assert reply["method"] == "sendMessage"
    assert "/start" in reply["params"]["text"]
