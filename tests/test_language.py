"""The bot in the user's language, end to end over the emulator: Telegram's language_code until
the user picks one with /language, Spanish dates and errors, the command menu and descriptions
per language, and the health texts (nudges, /relief, /redflags) in Spanish too, each accepted by
the Bot API's HTML parser."""

from __future__ import annotations

from datetime import timedelta

import pytest
from conftest import ALICE, MONDAY_0700_UTC, BotHarness
from test_bot import buttons_of, nudges_at, press, rows, text_of

from reminder_bot import i18n
from reminder_bot.commands import bot_commands
from reminder_bot.content import NUDGE_HEADINGS, render_nudge, render_redflags, render_relief
from reminder_bot.emergency import LocalHelp
from reminder_bot.emulator import User
from reminder_bot.handlers.language import DESCRIPTION, SHORT_DESCRIPTION

# A Spanish-speaking client from Latin America: the primary subtag picks Spanish.
CARMEN = User(id=3001, first_name="Carmen", language_code="es-419")


def labels(call: dict[str, object]) -> list[str]:
    return [str(button["text"]) for button in buttons_of(call)]  # type: ignore[arg-type]


async def test_a_spanish_client_is_answered_in_spanish(bot: BotHarness) -> None:
    welcome = text_of(await bot.send("/start", CARMEN))
    assert "¡Hola, Carmen!" in welcome
    assert "hoy a las 09:00" in welcome  # 08:00 in Berlin on a Monday
    assert "lunes a viernes" in text_of(await bot.send("/schedule", CARMEN))
    # Dates and weekdays from Babel's Spanish data: Thursday 26 November, 08:00 in Berlin.
    assert "jue, 26 nov a las 08:00" in text_of(await bot.send("/pause 3d", CARMEN))
    error = text_of(await bot.send("/schedule move sometimes", CARMEN))
    assert "'sometimes' no es una regla" in error and "Por ejemplo:" in error
    assert "No conozco el comando /nope" in text_of(await bot.send("/nope", CARMEN))
    assert rows(bot, "select language, chosen_language from users") == [("es", None)]


async def test_language_switches_to_english_and_back(bot: BotHarness) -> None:
    await bot.send("/start", CARMEN)
    menu = await bot.send("/language", CARMEN)
    assert "¿En qué idioma" in text_of(menu)
    assert labels(menu) == ["English", "✓ Español"]
    await press(bot, menu, "English", CARMEN)
    edit = await bot.reply(CARMEN.id, "editMessageText")
    assert "From now on I'll write to you in English." in text_of(edit)
    assert not buttons_of(edit)
    # The pick wins over the Spanish client, for replies, dates and nudges alike.
    assert "<b>What I can do</b>" in text_of(await bot.send("/help", CARMEN))
    assert "Thu 26 Nov 08:00" in text_of(await bot.send("/pause 3d", CARMEN))
    assert rows(bot, "select language, chosen_language from users") == [("en", "en")]

    menu = await bot.send("/language", CARMEN)
    assert labels(menu) == ["✓ English", "Español"]
    await press(bot, menu, "Español", CARMEN)
    edit = await bot.reply(CARMEN.id, "editMessageText")
    assert "A partir de ahora te escribiré en español." in text_of(edit)
    assert "Lo que puedo hacer" in text_of(await bot.send("/help", CARMEN))


async def test_until_a_pick_the_bot_follows_the_client(bot: BotHarness) -> None:
    await bot.send("/start", ALICE)
    alice_in_spanish = User(id=ALICE.id, first_name="Alice", language_code="es")
    assert "Lo que puedo hacer" in text_of(await bot.send("/help", alice_in_spanish))
    # Nudges, sent outside any update, follow the stored language: Spanish buttons and text.
    nudge = (await nudges_at(bot, MONDAY_0700_UTC + timedelta(hours=1), 2))[0]
    assert [label[2:] for label in labels(nudge)] == ["Hecho", "Omitir", "10 min", "30 min", "1 h"]
    assert text_of(nudge).endswith("<i>Información general, no consejo médico.</i>")
    await press(bot, nudge, "Hecho", alice_in_spanish)
    assert "Hecho a las 09:00" in text_of(await bot.reply(ALICE.id, "editMessageText"))


async def test_a_pick_survives_the_client_and_a_second_start(bot: BotHarness) -> None:
    await bot.send("/start", CARMEN)
    menu = await bot.send("/language", CARMEN)
    await press(bot, menu, "English", CARMEN)
    await bot.reply(CARMEN.id, "editMessageText")
    assert "Welcome back" in text_of(await bot.send("/start", CARMEN))
    assert rows(bot, "select language from users") == [("en",)]


async def test_language_before_start_asks_for_start_in_the_clients_language(
    bot: BotHarness,
) -> None:
    assert "Envía /start" in text_of(await bot.send("/language", CARMEN))


async def test_menu_and_descriptions_are_published_per_language(bot: BotHarness) -> None:
    by_language = {}
    for method in ("setMyCommands", "setMyDescription", "setMyShortDescription"):
        calls = await bot.client.calls(0, method)
        assert calls and all(call["status"] == 200 for call in calls)
        by_language[method] = {call["params"].get("language_code"): call for call in calls}
        assert set(by_language[method]) == {None, "es"}
    menus = by_language["setMyCommands"]
    english = {c["command"]: c["description"] for c in menus[None]["params"]["commands"]}
    spanish = {c["command"]: c["description"] for c in menus["es"]["params"]["commands"]}
    assert list(spanish) == list(english) and "language" in spanish
    assert spanish["language"] == "Elegir el idioma en que te escribo"
    assert spanish["help"] == "Ver la lista de comandos"
    description = by_language["setMyDescription"]["es"]["params"]["description"]
    assert description.startswith("Te envío pequeños avisos")
    assert "menos probable" in description  # what exercise does, honestly
    short = by_language["setMyShortDescription"][None]["params"]["short_description"]
    assert short.startswith("Nudges to move and stretch")


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_profile_texts_fit_telegrams_limits(language: str) -> None:
    with i18n.language(language):
        assert len(i18n._(DESCRIPTION)) <= 512
        assert len(i18n._(SHORT_DESCRIPTION)) <= 120
        assert all(1 <= len(command.description) <= 256 for command in bot_commands())


# ----- health texts in Spanish ---------------------------------------------------------------

SPANISH_DISCLAIMER = "<i>Información general, no consejo médico.</i>"


async def test_a_spanish_user_gets_relief_redflags_and_nudges_in_spanish(
    bot: BotHarness,
) -> None:
    await bot.send("/start", CARMEN)  # the bot's zone, Europe/Berlin: 112, no UK helpline
    relief = text_of(await bot.send("/relief", CARMEN))
    assert relief.startswith("<b>Alivio rápido para el dolor de espalda o un espasmo</b>")
    assert "<b>1. Primero, revisa las señales de alarma</b>" in relief
    assert "detente aquí y llama al 112" in relief and "lee /redflags antes de seguir" in relief
    assert "evita el reposo en cama" in relief and "111" not in relief
    assert relief.splitlines()[-1].startswith("<i>Información general, no consejo médico.")
    assert "en una emergencia, llama al 112" in relief.splitlines()[-1]
    await bot.handled()  # and the safety gate's question that follows it

    redflags = text_of(await bot.send("/redflags", CARMEN))
    assert redflags.startswith("<b>Dolor de espalda: cuándo buscar ayuda</b>")
    tiers = [line for line in redflags.splitlines() if line.startswith("<b>")][1:]
    assert tiers == [
        "<b>1. Llama al 112 o ve a urgencias ahora</b>",
        "<b>2. Consigue cita con un médico para hoy mismo, o llama a una línea telefónica de "
        "atención médica</b>",
        "<b>3. Pide cita con tu médico de familia o con un fisioterapeuta</b>",
    ]
    assert "not medical advice" not in redflags + relief  # Spanish, whole
    await bot.handled()

    # 09:00 in Berlin: the desk-worker's first nudges, in Spanish with Spanish buttons.
    nudges = await nudges_at(bot, MONDAY_0700_UTC + timedelta(hours=1), 2, chat_id=CARMEN.id)
    with i18n.language("es"):
        headings = {i18n._(heading).split(":")[0] for heading in NUDGE_HEADINGS.values()}
    for nudge in nudges:
        text = text_of(nudge)
        assert text.split("</b>")[0].removeprefix("<b>").split(":")[0] in headings, text
        assert text.endswith(SPANISH_DISCLAIMER)
        shown = [label[2:] for label in labels(nudge)]
        assert shown == ["Hecho", "Omitir", "10 min", "30 min", "1 h"]


async def test_health_texts_follow_a_pick_of_english(bot: BotHarness) -> None:
    await bot.send("/start", CARMEN)
    menu = await bot.send("/language", CARMEN)
    await press(bot, menu, "English", CARMEN)
    await bot.reply(CARMEN.id, "editMessageText")
    relief = text_of(await bot.send("/relief", CARMEN))
    assert relief.startswith("<b>Quick relief for back pain or a spasm</b>")
    assert "call 112" in relief


async def test_every_spanish_health_text_is_accepted_by_the_bot_api(bot: BotHarness) -> None:
    """Each nudge, the routine and the checklist in Spanish pass Telegram's HTML entity parser
    (the sibling of test_bot's test for the English)."""
    from telegram.constants import ParseMode

    await bot.send("/start", CARMEN)
    content = bot.services.content
    with i18n.language("es"):
        texts = [
            render_nudge(n, content.disclaimer_short)
            for nudges in content.nudges.values()
            for n in nudges
        ]
        for number in (None, "112", "911", "999", "000", "111"):
            place = LocalHelp(number, uk=number in (None, "999"))
            texts += [render_relief(content, place), render_redflags(content, place)]
    assert all(text.endswith("</i>") and "{" not in text for text in texts)
    await bot.mark()
    for text in texts:
        await bot.application.bot.send_message(CARMEN.id, text, parse_mode=ParseMode.HTML)
    calls = await bot.wait_calls("sendMessage", chat_id=CARMEN.id, count=len(texts))
    assert [c["status"] for c in calls] == [200] * len(texts)
