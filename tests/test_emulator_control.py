"""The control API and its clients, the fixtures, and a whole PTB Application on top."""

from __future__ import annotations

import inspect
import threading
import time
from collections.abc import Callable

import httpx
import pytest
from emulator_helpers import ADA, BOB, api
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from reminder_bot.emulator import (
    AsyncEmulatorClient,
    EmulatorClient,
    EmulatorError,
    User,
    start_emulator,
)
from reminder_bot.emulator.testing import TEST_TOKEN

# ---- the call log --------------------------------------------------------------------------


def test_calls_log_filters_and_wait(emulator: EmulatorClient) -> None:
    emulator.register(ADA)
    emulator.register(BOB)
    start = emulator.last_seq()
    api(emulator, "sendMessage", data={"chat_id": ADA.id, "text": "a"})
    api(emulator, "sendMessage", data={"chat_id": BOB.id, "text": "b"})
    api(emulator, "getMe")
    calls = emulator.calls(since=start)
    assert [c["method"] for c in calls] == ["sendMessage", "sendMessage", "getMe"]
    assert [c["seq"] for c in calls] == [start + 1, start + 2, start + 3]
    assert [c["method"] for c in emulator.calls(since=start, limit=2)] == ["sendMessage"] * 2
    first = calls[0]
    assert first["status"] == 200 and first["response"]["result"]["text"] == "a"
    assert first["params"] == {"chat_id": ADA.id, "text": "a"}
    assert isinstance(first["time"], float) and isinstance(first["monotonic"], float)
    by_bob = emulator.calls(method="sendmessage", chat_id=BOB.id)
    assert [c["params"]["text"] for c in by_bob] == ["b"]
    assert emulator.calls(since=start + 3) == []
    with pytest.raises(EmulatorError, match=r"(?s)expected 1 sendPhoto call.*#\d+ getMe"):
        emulator.wait_for_calls("sendPhoto", since=start, within=0.3)
    stats = emulator.stats()
    assert stats["per_method"]["sendMessage"]["200"] == 2
    assert stats["requests_per_s"] > 0


def test_wait_for_calls_returns_when_the_calls_arrive(emulator: EmulatorClient) -> None:
    emulator.register(ADA)
    since = emulator.last_seq()
    texts = {"data": {"chat_id": ADA.id, "text": "x"}}
    timers = [threading.Timer(0.2 * n, api, (emulator, "sendMessage"), texts) for n in (1, 2)]
    for timer in timers:
        timer.start()
    started = time.monotonic()
    # ``timeout`` is the older name of ``within``; both bound the wait.
    calls = emulator.wait_for_calls("sendMessage", chat_id=ADA.id, since=since, count=2, timeout=5)
    assert time.monotonic() - started < 2
    assert [c["params"]["text"] for c in calls] == ["x", "x"]
    [any_call, _] = emulator.wait_for_calls(since=since, within=0)  # any method
    assert any_call["seq"] == since + 1
    for timer in timers:
        timer.join()


# ---- the control API's HTTP protocol ---------------------------------------------------------


@pytest.mark.parametrize(
    ("verb", "path", "status", "error"),
    [
        ("GET", "nonsense", 400, "unknown control action GET /_emulator/nonsense"),
        ("GET", "chats/999/messages", 404, "no chat 999"),
        ("GET", "files/nope", 404, "no file nope"),
        ("POST", "users", 400, "user"),
        ("POST", "limits?per_chat_speed=2", 400, "ValueError: unknown limit 'per_chat_speed'"),
        ("POST", "faults?kind=teapot", 400, "ValueError: fault kind must be one of"),
    ],
)
def test_control_errors(
    emulator: EmulatorClient, verb: str, path: str, status: int, error: str
) -> None:
    resp = httpx.request(verb, f"{emulator.url}/_emulator/{path}")
    assert resp.status_code == status
    assert resp.json()["ok"] is False
    assert resp.json()["error"].startswith(error)


def test_fault_routes_by_verb(emulator: EmulatorClient) -> None:
    url = f"{emulator.url}/_emulator/faults"
    added = httpx.post(url, json={"kind": "500", "count": "2", "applied": "false"}).json()
    assert added["fault"]["count"] == 2 and added["fault"]["applied"] is False
    assert [r["kind"] for r in httpx.get(url).json()["faults"]] == ["500"]
    assert emulator.faults()[0]["id"] == added["fault"]["id"]
    assert httpx.delete(url).json() == {"ok": True, "faults": []}
    emulator.add_fault("429")
    assert httpx.post(f"{url}/clear").json() == {"ok": True, "faults": []}
    assert emulator.faults() == []


# ---- the clients and the fixtures ------------------------------------------------------------


def test_sync_client_mirrors_every_async_method() -> None:
    public = {
        name
        for name, fn in inspect.getmembers(AsyncEmulatorClient, inspect.iscoroutinefunction)
        if not name.startswith("_")
    }
    assert public - {"aclose"} <= set(dir(EmulatorClient))
    assert EmulatorClient.send_text.__doc__ == AsyncEmulatorClient.send_text.__doc__


def test_sync_client_closes_its_thread(emulator: EmulatorClient) -> None:
    with EmulatorClient(emulator.url) as client:
        assert client.register(ADA)["id"] == ADA.id
        thread = client._thread
    assert not thread.is_alive()
    client.close()  # twice is fine


def test_make_user_never_repeats_an_id(make_user: Callable[..., User]) -> None:
    users = [make_user(), make_user("Cy", language_code="de")]
    assert users[1].first_name == "Cy" and users[1].language_code == "de"
    assert len({u.id for u in users} | {ADA.id, BOB.id}) == 4


async def test_start_emulator_on_the_running_loop() -> None:
    running = await start_emulator(bot_username="other_bot", global_rate=5)
    try:
        async with httpx.AsyncClient() as client:
            me = (await client.get(f"{running.url}/bot42:x/getMe")).json()["result"]
            limits = (await client.get(f"{running.url}/_emulator/limits")).json()["limits"]
        assert (me["id"], me["username"]) == (42, "other_bot")
        assert limits["global_rate"] == 5
    finally:
        await running.stop()


# ---- a whole PTB Application ----------------------------------------------------------------


async def test_ptb_application_polling_receives_commands_and_buttons(
    async_emulator: AsyncEmulatorClient,
) -> None:
    seen: list[str] = []

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        seen.append(f"start {context.args}")
        await update.effective_message.reply_text(
            "Hi!",
            reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("OK", callback_data="ok")]]),
        )

    async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        seen.append(f"button {query.data}")
        await query.answer("Thanks")
        await query.edit_message_text("Confirmed")

    emu = async_emulator
    app = (
        Application.builder()
        .token(TEST_TOKEN)
        .base_url(emu.base_url)
        .get_updates_read_timeout(5)
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(button))
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(timeout=1, poll_interval=0)
    try:
        since = await emu.last_seq()
        await emu.acknowledged(await emu.send_text(ADA, "/start@reminder_test_bot now"))
        [reply] = await emu.wait_for_calls("sendMessage", chat_id=ADA.id, since=since)
        message_id = reply["response"]["result"]["message_id"]
        await emu.acknowledged(await emu.press_button(ADA, message_id, text="OK"))
        await emu.wait_for_calls("editMessageText", chat_id=ADA.id, since=since)
        answers = await emu.wait_for_calls("answerCallbackQuery", since=since)
        assert answers[0]["status"] == 200
        assert seen == ["start ['now']", "button ok"]
        assert [m["text"] for m in await emu.messages(ADA.id)] == [
            "/start@reminder_test_bot now",
            "Confirmed",
        ]
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
