"""The health texts in Spanish go through the checks the English go through: every nudge,
/relief and /redflags rendered in Spanish is valid Telegram HTML within the length limits (the
worst case too, and the loader refuses a translation over them), ends with the Spanish
disclaimer, keeps the red-flag tiers most urgent first with the emergency number filled in, and
says what the English says (the same numbers, the same cautions, nothing from facts section 6;
the forbidden lists are in test_content_render)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterator

import pytest
from test_content_render import (
    FORBIDDEN_ES,
    PLACES,
    _sentences,
    _tier_blocks,
    all_nudges,
    check_telegram_html,
)

import reminder_bot.content.render as render_module
from reminder_bot import i18n
from reminder_bot.config import ConfigError
from reminder_bot.content import (
    LOCAL_EMERGENCY_NUMBER,
    MESSAGE_MAX_CHARS,
    NUDGE_MAX_CHARS,
    NUDGE_SETS,
    RELIEF_STEP_IDS,
    Content,
    load_content,
    render_nudge,
    render_redflags,
    render_relief,
)
from reminder_bot.emergency import LocalHelp

ES = "es"
LOCAL_ES = "número de emergencias de tu país"
# The longest /relief and /redflags: the words instead of a number, and the UK headings.
WORST = LocalHelp(None, uk=True)


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


def es(text: str) -> str:
    with i18n.language(ES):
        return i18n._(text)


def rendered_es(content: Content) -> Iterator[tuple[str, str, str]]:
    """(name, html, the Spanish disclaimer it must end with) for every message, in Spanish."""
    short, long = es(content.disclaimer_short), es(content.disclaimer_long)
    with i18n.language(ES):
        for nudge in all_nudges(content):
            yield nudge.id, render_nudge(nudge, content.disclaimer_short), short
        for place in PLACES:
            filled = long.replace("{emergency}", place.emergency_number or LOCAL_ES)
            yield f"relief-{place}", render_relief(content, place), filled
            yield f"redflags-{place}", render_redflags(content, place), filled


def test_the_spanish_catalogue_is_used(content: Content) -> None:
    assert es(LOCAL_EMERGENCY_NUMBER) == LOCAL_ES
    assert es(content.disclaimer_short) == "Información general, no consejo médico."
    with i18n.language("es-419"):
        assert render_relief(content, WORST).startswith("<b>Alivio rápido")


def test_every_spanish_message_is_valid_html_and_ends_with_the_disclaimer(
    content: Content,
) -> None:
    names = []
    for name, message, disclaimer in rendered_es(content):
        text = check_telegram_html(message)  # parses; visible length 1-4096
        assert message.endswith(f"<i>{html.escape(disclaimer, quote=False)}</i>"), name
        assert "{" not in text and "}" not in text, name  # every placeholder filled in
        names.append(name)
    assert len(names) == len(all_nudges(content)) + 2 * len(PLACES)


def test_spanish_nudges_fit_a_phone_screen(content: Content) -> None:
    with i18n.language(ES):
        for nudge in all_nudges(content):
            text = check_telegram_html(render_nudge(nudge, content.disclaimer_short))
            assert len(text) <= NUDGE_MAX_CHARS, nudge.id


@pytest.mark.parametrize("render", [render_relief, render_redflags])
def test_the_worst_case_fits_telegram(
    content: Content, render: Callable[[Content, LocalHelp], str]
) -> None:
    with i18n.language(ES):
        longest = max(len(check_telegram_html(render(content, place))) for place in PLACES)
        assert longest == len(check_telegram_html(render(content, WORST)))
    assert longest <= MESSAGE_MAX_CHARS


def _too_long_in_spanish(monkeypatch: pytest.MonkeyPatch, english: str) -> None:
    """Make the Spanish of one text far longer than any limit; other texts stay as they are."""
    translate = render_module._

    def fake(message: str) -> str:
        if message == english and i18n.current_language() == ES:
            return "Demasiado largo. " * 300
        return translate(message)

    monkeypatch.setattr(render_module, "_", fake)


def test_the_loader_refuses_a_nudge_too_long_in_spanish(
    content: Content, monkeypatch: pytest.MonkeyPatch
) -> None:
    _too_long_in_spanish(monkeypatch, content.nudges["hydrate"][0].text)
    with pytest.raises(
        ConfigError,
        match=r"nudges\.toml: hydrate\[0\]\.text: the rendered nudge is \d+ characters in 'es' "
        r"\(its translation in locale/es/LC_MESSAGES/content\.po\); keep it under 700",
    ):
        load_content()


def test_the_loader_refuses_a_checklist_too_long_in_spanish(
    content: Content, monkeypatch: pytest.MonkeyPatch
) -> None:
    _too_long_in_spanish(monkeypatch, content.redflags.tiers[2].signs[0])
    with pytest.raises(
        ConfigError, match=r"redflags\.toml: tier: the rendered message is \d+ characters in 'es'"
    ):
        load_content()


@pytest.mark.parametrize("place", PLACES, ids=str)
def test_spanish_redflags_most_urgent_first_with_the_number(
    content: Content, place: LocalHelp
) -> None:
    with i18n.language(ES):
        message = render_redflags(content, place)
    blocks = _tier_blocks(message)
    assert len(blocks) == len(content.redflags.tiers) == 3
    for number, (block, tier) in enumerate(zip(blocks, content.redflags.tiers, strict=True), 1):
        heading = tier.heading_uk if place.uk and tier.heading_uk else tier.heading
        filled = html.escape(es(heading), quote=False)
        filled = filled.replace("{emergency}", place.emergency_number or LOCAL_ES)
        assert block.startswith(f"<b>{number}. {filled}</b>"), tier.id
    emergency, same_day, routine = blocks
    assert f"Llama al {place.emergency_number or LOCAL_ES} o ve a urgencias ahora" in emergency
    assert "para hoy mismo" in same_day
    # NHS 111 only where the zone maps to the UK: in New Zealand 111 is the emergency number.
    assert ("111 en el Reino Unido" in same_day) == place.uk
    assert ("111" in same_day) == place.uk
    assert "médico de familia o con un fisioterapeuta" in routine
    # numbness in ONE leg is a same-day sign, not an emergency one
    assert "una pierna" not in emergency and "una pierna" in same_day
    assert "las dos piernas" in emergency


@pytest.mark.parametrize("place", PLACES, ids=str)
def test_spanish_relief_order_and_number(content: Content, place: LocalHelp) -> None:
    with i18n.language(ES):
        blocks = _tier_blocks(render_relief(content, place))
    assert len(blocks) == len(RELIEF_STEP_IDS)
    for number, (block, step) in enumerate(zip(blocks, content.relief.steps, strict=True), 1):
        assert block.startswith(f"<b>{number}. {html.escape(es(step.title), quote=False)}</b>"), (
            step.id
        )
    first = blocks[0]
    assert "/redflags" in first and f"llama al {place.emergency_number or LOCAL_ES}" in first
    assert "accidente grave" in first and "caída leve" in first
    same_day = first[first.index("detente aquí") :]
    for sign in ("fiebre", "has tenido cáncer", "perdiendo peso sin intentarlo", "por la noche"):
        assert sign in same_day, sign
    assert "/redflags antes de seguir" in same_day and "médico hoy" in same_day
    assert "111" not in first or place.emergency_number == "111"
    assert "evita el reposo en cama" in blocks[1]
    assert "15-20 minutos" in blocks[2] and "entumecida" in blocks[2]
    assert "farmacéutico" in blocks[3] and "prospecto" in blocks[3]
    assert "detente si el dolor se agudiza" in blocks[4]
    assert "días" in blocks[6] and "semanas" in blocks[6]


def _all_texts(content: Content) -> Iterator[str | None]:
    """Every English data text of the shipped content (None where an item has none)."""
    yield content.disclaimer_short
    yield content.disclaimer_long
    for nudge in all_nudges(content):
        yield from (nudge.text, nudge.exercise, nudge.hold, nudge.reps, nudge.caution)
        yield from nudge.steps
    yield from (content.relief.title, content.relief.intro)
    yield from (content.redflags.title, content.redflags.intro)
    for step in content.relief.steps:
        yield from (step.title, step.text)
    for tier in content.redflags.tiers:
        yield from (tier.heading, tier.heading_uk, tier.lead, tier.note, *tier.signs)


def test_spanish_says_the_same_numbers(content: Content) -> None:
    """Doses, amounts, ages, temperatures and phone numbers: the English ones, every text."""
    number = re.compile(r"\d+(?:[.,]\d+)?")
    catalogue = i18n.translations(ES)
    texts = {text for text in _all_texts(content) if text}
    assert len(texts) > 150
    for text in texts:
        spanish = catalogue.gettext(text)
        assert spanish != text or not re.search(r"[a-z]{3}", text), f"untranslated: {text}"
        found = sorted(n.replace(",", ".") for n in number.findall(spanish))
        assert found == sorted(number.findall(text)), text


def test_spanish_cautions_ride_on_every_nudge_of_their_sets(content: Content) -> None:
    with i18n.language(ES):
        for nudge_set in NUDGE_SETS:
            for nudge in content.nudges[nudge_set.name]:
                text = check_telegram_html(render_nudge(nudge, content.disclaimer_short))
                fluids = "salvo que un médico te haya indicado limitar los líquidos" in text
                assert fluids == (nudge_set.name == "hydrate"), nudge.id
                words = (
                    "Embarazada",
                    "operación reciente",
                    "prótesis articular",
                    "fisioterapeuta",
                )
                assert all(w in text for w in words) == nudge_set.structured, nudge.id
                assert ("30 minutos" in text) == (nudge_set.name == "activity"), nudge.id
                if nudge_set.structured:
                    assert "detente si el dolor se agudiza" in text, nudge.id


def test_spanish_water_is_never_a_back_pain_treatment(content: Content) -> None:
    for nudge in content.nudges["hydrate"]:
        spanish = es(nudge.text)
        assert not re.search(r"espalda|espasmo|dolor|disco|múscul|calambre", spanish, re.I)


def test_spanish_posture_is_comfort_not_cure(content: Content) -> None:
    texts = [es(nudge.text) for nudge in content.nudges["posture"]]
    for text in texts:
        if re.search(r"preven|previen|cura|trata|arregl|corrig", text, re.I):
            assert "poca evidencia" in text, text
    assert any("la mejor postura es la siguiente" in text for text in texts)


def test_spanish_standing_work_is_never_told_to_stand_up(content: Content) -> None:
    for nudge in content.nudges["move-standing"]:
        spanish = es(nudge.text)
        assert not re.search(r"levánta|ponte de pie|escritorio|de estar sentad", spanish, re.I)


def test_spanish_redflags_never_reassure(content: Content) -> None:
    with i18n.language(ES):
        for place in PLACES:
            text = check_telegram_html(render_redflags(content, place)).lower()
            assert not re.search(r"\bbien\b|\bnada\b|tranquil", text), place


def test_spanish_paracetamol_appears_only_as_not_recommended(content: Content) -> None:
    hits = [s for s in _sentences(content, ES) if "paracetamol" in s.lower()]
    assert hits and all("por sí solo no se recomienda" in s for s in hits)


@pytest.mark.parametrize(
    "claim",
    [
        "Guarda reposo en cama unos días.",
        "Alterna calor y frío para el espasmo.",
        "Toma paracetamol.",
        "El magnesio relaja los espasmos.",
        "Prueba con aceites esenciales.",
        "Una faja lumbar te sujeta la espalda.",
        "Tranquilo, estás bien.",
        "Los médicos recomiendan levantarse cada 30 minutos.",
        "Toma 400 mg cada 8 horas.",
        "Pide un relajante muscular.",
        "Este estiramiento cura el dolor.",
        "Te garantizamos alivio.",
        "Caminar cuenta tanto como estirar.",
        "Descarga la espalda.",
    ],
)
def test_the_spanish_forbidden_list_catches_each_claim(claim: str) -> None:
    caught = [
        pattern
        for pattern, allowed in FORBIDDEN_ES
        if re.search(pattern, claim, re.I) and not (allowed and re.search(allowed, claim, re.I))
    ]
    assert caught, claim
