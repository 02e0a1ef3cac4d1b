"""The safety gate under /relief and /redflags, end to end over the emulator: Yes gives the
emergency and same-day advice with the number for the user's zone and pauses stretch nudges for
7 days (other habits go on; a button resumes them), No thanks, in English and Spanish."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import ALICE, BOB, MONDAY_0700_UTC, BotHarness
from test_bot import buttons_of, rows, text_of

from reminder_bot.callbacks import SafetyAnswer, decode, encode
from reminder_bot.config import ConfigError
from reminder_bot.content.datafile import CONTENT_DIR
from reminder_bot.content.safety import load_safety
from reminder_bot.emulator import User
from reminder_bot.emulator.client_kinds import press_any
from reminder_bot.schedule import SUMMARY, At, Off

ANA = User(id=1003, first_name="Ana", language_code="es")
CARL = User(id=1004, first_name="Carl", language_code="en")
NOON_UTC = time(11, 0)  # 12:00 in Berlin (UTC+1 in winter)
# MONDAY_0700_UTC is 08:00 in Berlin: a Yes then pauses stretch until next Monday 08:00.
PAUSED_UNTIL = "Mon 30 Nov 08:00"


def message_id(call: dict[str, Any]) -> int:
    return int(call["response"]["result"]["message_id"])


async def register(bot: BotHarness, user: User = ALICE) -> None:
    """/start, then posture and stretch at 12:00 daily and nothing else on a schedule."""
    await bot.send("/start", user)
    store, now = bot.services.store, bot.clock.now()
    noon = At((time(12, 0),), frozenset(range(7)))
    for habit, rule in (("hydrate", Off()), ("move", Off()), (SUMMARY, Off())):
        await store.set_rule(user.id, habit, rule, now)
    for habit in ("posture", "stretch"):
        await store.set_rule(user.id, habit, noon, now)
    bot.services.dispatcher.kick()
    await bot.handled()


async def ask(bot: BotHarness, command: str, user: User = ALICE) -> dict[str, Any]:
    """Send ``command``; return its second message, the gate with Yes and No."""
    await bot.mark()
    await bot.client.send_text(user, command)
    sheet, gate = await bot.wait_calls("sendMessage", chat_id=user.id, count=2)
    assert "<b>" in text_of(sheet)
    return gate


async def answer(
    bot: BotHarness, gate: dict[str, Any], choice: SafetyAnswer, user: User = ALICE
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Press Yes or No on ``gate``; (the press's answer, the message that follows)."""
    await bot.mark()
    data = encode(choice)
    await bot.client.press_button(user, message_id(gate), data=data, force=True)
    toast = await bot.reply(None, "answerCallbackQuery")
    return toast, await bot.reply(user.id)


def pause_of(bot: BotHarness, user: User = ALICE) -> datetime | None:
    [(until,)] = rows(
        bot, "select paused_until from schedules where user_id = ? and habit = 'stretch'", user.id
    )
    return None if until is None else datetime.fromtimestamp(until, UTC)


async def nudged_habits(bot: BotHarness, when: datetime, count: int) -> list[str]:
    """The habits nudged at ``when`` (the dispatcher settled: none other was sent)."""
    await bot.set_time(when)
    await bot.wait_calls("sendMessage", chat_id=ALICE.id, count=count)
    await bot.settle()
    sent = rows(
        bot,
        "select habit from deliveries where slot = ? and status = 'sent' order by habit",
        int(when.timestamp()),
    )
    return [habit for (habit,) in sent]


async def test_yes_gives_the_advice_and_pauses_stretch_for_seven_days(bot: BotHarness) -> None:
    await register(bot)
    gate = await ask(bot, "/redflags")
    assert "Do any of these apply to you?" in text_of(gate)
    assert [b["text"] for b in buttons_of(gate)] == ["Yes", "No"]
    _toast, advice = await answer(bot, gate, SafetyAnswer.YES)
    text = text_of(advice)
    assert "call 112 or go to the emergency department now" in text  # Berlin: 112
    assert "same-day appointment with a doctor" in text
    assert f"paused for 7 days, until {PAUSED_UNTIL}" in text
    assert [b["text"] for b in buttons_of(advice)] == ["▶️ Resume stretch reminders"]
    assert text.splitlines()[-1].startswith("<i>General information, not medical advice.")
    edit = await bot.reply(ALICE.id, "editMessageText")
    assert "You answered: Yes" in text_of(edit) and not buttons_of(edit)
    assert pause_of(bot) == MONDAY_0700_UTC + timedelta(days=7)
    # During the week posture still comes at noon, stretch does not; after it, both.
    tuesday_noon = datetime.combine(MONDAY_0700_UTC.date() + timedelta(days=1), NOON_UTC, UTC)
    assert await nudged_habits(bot, tuesday_noon, 1) == ["posture"]
    next_monday_noon = tuesday_noon + timedelta(days=6)
    assert await nudged_habits(bot, next_monday_noon, 2) == ["posture", "stretch"]


async def test_the_resume_button_brings_stretch_back_at_once(bot: BotHarness) -> None:
    await register(bot)
    _toast, advice = await answer(bot, await ask(bot, "/redflags"), SafetyAnswer.YES)
    await bot.mark()
    resume = encode(SafetyAnswer.RESUME)
    await bot.client.press_button(ALICE, message_id(advice), data=resume)
    toast = await bot.reply(None, "answerCallbackQuery")
    assert "Stretch reminders are back on." in toast["params"]["text"]
    edit = await bot.reply(ALICE.id, "editMessageText")
    assert "back on" in text_of(edit) and not buttons_of(edit)
    assert pause_of(bot) is None
    noon = datetime.combine(MONDAY_0700_UTC.date(), NOON_UTC, UTC)
    assert await nudged_habits(bot, noon, 2) == ["posture", "stretch"]
    # A second press (an old copy of the button) says so and changes nothing.
    await bot.mark()
    await bot.client.press_button(ALICE, message_id(advice), data=resume, force=True)
    toast = await bot.reply(None, "answerCallbackQuery")
    assert "not paused" in toast["params"]["text"]
    assert pause_of(bot) is None


async def test_yes_twice_starts_the_week_again_and_never_adds_one(bot: BotHarness) -> None:
    await register(bot)
    gate = await ask(bot, "/relief")
    await answer(bot, gate, SafetyAnswer.YES)
    await bot.advance(timedelta(days=1))
    _toast, advice = await answer(bot, gate, SafetyAnswer.YES)
    assert "until Tue 1 Dec 08:00" in text_of(advice)
    assert pause_of(bot) == MONDAY_0700_UTC + timedelta(days=8)
    await bot.no_calls("editMessageText")  # the question was answered already


async def test_a_double_tap_answers_both_and_breaks_nothing(bot: BotHarness) -> None:
    await register(bot)
    gate = await ask(bot, "/redflags")
    await bot.mark()
    for _ in range(2):  # both sent before the bot sees either: each still shows the buttons
        await bot.client.press_button(ALICE, message_id(gate), data=encode(SafetyAnswer.YES))
    await bot.wait_calls("answerCallbackQuery", count=2)
    await bot.handled()
    sent = await bot.client.calls(bot.seq, "sendMessage", ALICE.id)
    assert len(sent) == 2 and all("paused for 7 days" in text_of(call) for call in sent)
    assert pause_of(bot) == MONDAY_0700_UTC + timedelta(days=7)


async def test_no_says_thanks_and_removes_the_buttons(bot: BotHarness) -> None:
    await register(bot)
    toast, thanks = await answer(bot, await ask(bot, "/redflags"), SafetyAnswer.NO)
    assert toast["params"]["text"] == "Thank you."
    assert "Thank you for checking." in text_of(thanks)
    assert "fine" not in text_of(thanks)  # never tells anyone they are fine
    edit = await bot.reply(ALICE.id, "editMessageText")
    assert "You answered: No" in text_of(edit) and not buttons_of(edit)
    assert pause_of(bot) is None


async def test_relief_asks_about_the_urgent_signs_it_lists(bot: BotHarness) -> None:
    await register(bot)
    gate = text_of(await ask(bot, "/relief"))
    for sign in ("both legs", "bladder or bowels", "Chest pain", "/redflags"):
        assert sign in gate
    assert gate.rstrip().endswith("Do any of these apply to you?</b>")


async def test_before_start_yes_gives_the_advice_and_pauses_nothing(bot: BotHarness) -> None:
    _toast, advice = await answer(bot, await ask(bot, "/relief", CARL), SafetyAnswer.YES, CARL)
    assert "call 112 or go to the emergency department now" in text_of(advice)
    assert "paused" not in text_of(advice) and not buttons_of(advice)


async def test_spanish(bot: BotHarness) -> None:
    await register(bot, ANA)
    gate = await ask(bot, "/redflags", ANA)
    assert "¿Te pasa alguna de estas cosas?" in text_of(gate)
    assert [b["text"] for b in buttons_of(gate)] == ["Sí", "No"]
    _toast, advice = await answer(bot, gate, SafetyAnswer.YES, ANA)
    text = text_of(advice)
    assert "llama al 112 o ve a urgencias ahora" in text
    assert "pausados 7 días, hasta lun, 30 nov a las 08:00" in text
    assert [b["text"] for b in buttons_of(advice)] == ["▶️ Reanudar los estiramientos"]


async def test_a_press_on_someone_elses_question_is_refused(bot: BotHarness) -> None:
    await register(bot)
    await bot.client.register(BOB)
    gate = await ask(bot, "/redflags")
    await bot.mark()
    await bot.client.press_button(
        BOB, message_id(gate), data=encode(SafetyAnswer.YES), chat_id=ALICE.id
    )
    toast = await bot.reply(None, "answerCallbackQuery")
    assert "for someone else" in toast["params"]["text"]
    await bot.no_calls("sendMessage")
    await bot.no_calls("editMessageText")
    assert pause_of(bot) is None


async def test_a_question_gone_from_the_chat_still_gets_the_answer(bot: BotHarness) -> None:
    """Deleted, or too old for Telegram to show: the advice comes as a new message."""
    await register(bot)
    await bot.mark()
    await press_any(bot.client, ALICE, 9999, encode(SafetyAnswer.YES))
    await bot.reply(None, "answerCallbackQuery")
    advice = await bot.reply(ALICE.id)
    assert "call 112" in text_of(advice) and "paused for 7 days" in text_of(advice)
    await bot.no_calls("editMessageText")


@pytest.mark.parametrize("data", ["1:g:maybe", "1:g:", "1:g:yes:stretch", "1:g:RESUME"])
async def test_junk_data_is_out_of_date(bot: BotHarness, data: str) -> None:
    await register(bot)
    gate = await ask(bot, "/redflags")
    await bot.mark()
    await bot.client.press_button(ALICE, message_id(gate), data=data, force=True)
    toast = await bot.reply(None, "answerCallbackQuery")
    assert toast["params"]["text"] == "This button is no longer valid."
    assert pause_of(bot) is None


def test_the_resume_button_round_trips() -> None:
    assert encode(SafetyAnswer.RESUME) == "1:g:resume"
    assert decode("1:g:resume") is SafetyAnswer.RESUME


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("call {emergency} or go", "call 112 or go", "yes.emergency: must name the number"),
        ("[no]\ntext =", "[no]\ntexts =", "no.texts: unknown key"),
        ('relief_more = "', 'relief_more = "<b>', "gate.relief_more: must be plain text"),
        ('source = "content-facts.md section 3', "#", "pain.source: missing"),
    ],
)
def test_a_broken_safety_file_is_named(tmp_path: Path, old: str, new: str, problem: str) -> None:
    text = (CONTENT_DIR / "safety.toml").read_text()
    assert old in text
    (tmp_path / "safety.toml").write_text(text.replace(old, new, 1))
    with pytest.raises(ConfigError, match=re.escape(problem)):
        load_safety(tmp_path)
