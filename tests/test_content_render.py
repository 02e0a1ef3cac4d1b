"""The shipped content, rendered: valid Telegram HTML, safe wording, translated at render time."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest

import reminder_bot.content.render as render_module
from reminder_bot import i18n
from reminder_bot.content import (
    NUDGE_MAX_CHARS,
    NUDGE_SET_NAMES,
    NUDGE_SETS,
    RELIEF_STEP_IDS,
    Content,
    Nudge,
    load_content,
    render_nudge,
    render_redflags,
    render_relief,
)
from reminder_bot.emergency import LocalHelp, local_help
from reminder_bot.schedule import HABITS

LOCAL = "your local emergency number"
# Every kind of place the texts tell apart: no certain number, the certain numbers, the UK.
PLACES: list[LocalHelp] = [
    LocalHelp(),
    LocalHelp("112"),
    LocalHelp("911"),
    LocalHelp("999", uk=True),
    LocalHelp("000"),
    LocalHelp("111"),  # New Zealand: 111 is the emergency number there
    LocalHelp(None, uk=True),
]


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


def all_nudges(content: Content) -> list[Nudge]:
    return [nudge for name in NUDGE_SET_NAMES for nudge in content.nudges[name]]


def all_rendered(content: Content) -> Iterator[tuple[str, str, str]]:
    """(name, html, the disclaimer it must end with) for every message the content can make."""
    for nudge in all_nudges(content):
        yield nudge.id, render_nudge(nudge, content.disclaimer_short), content.disclaimer_short
    for place in PLACES:
        long = content.disclaimer_long.replace("{emergency}", place.emergency_number or LOCAL)
        yield f"relief-{place}", render_relief(content, place), long
        yield f"redflags-{place}", render_redflags(content, place), long


# ---------------------------------------------------------------------------------------------
# A strict Telegram HTML checker


class TelegramHTMLError(AssertionError):
    pass


class _StrictTelegramHTML(HTMLParser):
    """Accepts only what the bot may send: <b>, <i>, <u> without attributes, properly nested,
    and the entities Telegram knows (&lt; &gt; &amp; &quot; and numeric ones)."""

    ALLOWED_TAGS = frozenset({"b", "i", "u"})
    ALLOWED_ENTITIES = frozenset({"lt", "gt", "amp", "quot"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.raw_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.ALLOWED_TAGS or attrs:
            raise TelegramHTMLError(f"tag <{tag} {attrs}> is not allowed")
        if tag in self.stack:
            raise TelegramHTMLError(f"<{tag}> nested inside itself")
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise TelegramHTMLError(f"self-closing <{tag}/> is not allowed")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            raise TelegramHTMLError(f"</{tag}> does not close {self.stack}")
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if "<" in data or ">" in data or "&" in data:
            raise TelegramHTMLError(f"unescaped markup character in {data!r}")
        self.raw_text.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in self.ALLOWED_ENTITIES:
            raise TelegramHTMLError(f"entity &{name}; is not supported by Telegram")
        self.raw_text.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.raw_text.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        raise TelegramHTMLError("comments are not allowed")

    def handle_decl(self, decl: str) -> None:
        raise TelegramHTMLError("declarations are not allowed")

    def handle_pi(self, data: str) -> None:
        raise TelegramHTMLError("processing instructions are not allowed")

    def unknown_decl(self, data: str) -> None:
        raise TelegramHTMLError("declarations are not allowed")


def check_telegram_html(message: str) -> str:
    """Raise unless ``message`` parses as Telegram HTML; return the visible text."""
    parser = _StrictTelegramHTML()
    parser.feed(message)
    parser.close()
    if parser.rawdata:  # anything HTMLParser kept back is an unfinished tag or entity
        raise TelegramHTMLError(f"unfinished markup: {parser.rawdata!r}")
    if parser.stack:
        raise TelegramHTMLError(f"unclosed tags {parser.stack}")
    text = html.unescape("".join(parser.raw_text))
    length = len(text.encode("utf-16-le")) // 2  # Telegram counts UTF-16 code units
    if not text.strip() or length > 4096:
        raise TelegramHTMLError(f"visible length {length} is outside 1-4096")
    return text


@pytest.mark.parametrize(
    "bad",
    [
        "<b>open",
        "</i>",
        "<a href='x'>x</a>",
        "<br/>",
        "a < b",
        "a & b",
        "&nbsp;",
        "<b><b>x</b></b>",
        "<b><i>x</b></i>",
        "",
        "x" * 4097,
    ],
)
def test_checker_rejects(bad: str) -> None:
    with pytest.raises(TelegramHTMLError):
        check_telegram_html(bad)


def test_checker_accepts() -> None:
    assert check_telegram_html("<b>a</b> &lt;3 &amp; <i>b <u>c</u></i> &#x27;") == "a <3 & b c '"


# ---------------------------------------------------------------------------------------------
# The shipped content


def test_shipped_content_loads_with_enough_nudges(content: Content) -> None:
    assert set(content.nudges) == set(NUDGE_SET_NAMES) and set(HABITS) <= set(content.nudges)
    for nudge_set in NUDGE_SETS:
        nudges = content.nudges[nudge_set.name]
        assert len(nudges) >= nudge_set.minimum, nudge_set.name
        assert {nudge.habit for nudge in nudges} == {nudge_set.habit}, nudge_set.name
        assert {nudge.kind for nudge in nudges} == {nudge_set.name}, nudge_set.name
    texts = [nudge.text for nudge in all_nudges(content)]
    assert len(set(texts)) == len(texts), "nudges repeat a text"


def test_no_exercise_is_repeated_word_for_word(content: Content) -> None:
    """Each exercise or activity comes once: no second item with the same steps or name."""
    structured = [nudge for nudge in all_nudges(content) if nudge.exercise]
    for key in (lambda n: n.exercise, lambda n: n.steps):
        values = [key(nudge) for nudge in structured]
        assert len(set(values)) == len(values), values


def test_find_nudge_finds_every_set(content: Content) -> None:
    for nudge in all_nudges(content):
        assert content.find_nudge(nudge.id) == nudge
    activity = content.find_nudge("activity-swim")
    assert activity is not None and activity.habit == "stretch" and activity.kind == "activity"


def test_every_item_has_a_source(content: Content) -> None:
    for nudge in all_nudges(content):
        assert nudge.source.strip(), nudge.id
    for step in content.relief.steps:
        assert step.source.strip(), step.id
    for tier in content.redflags.tiers:
        assert tier.source.strip(), tier.id


def test_structured_nudges_are_structured(content: Content) -> None:
    for nudge_set in NUDGE_SETS:
        for nudge in content.nudges[nudge_set.name]:
            if nudge_set.structured:
                assert nudge.exercise and nudge.steps and nudge.hold and nudge.reps, nudge.id
            else:
                assert nudge.exercise is None and not nudge.steps, nudge.id


VETTED_EXERCISES = {
    "cat-camel", "child's pose", "pelvic tilt", "bridge", "bird dog", "knee-to-chest",
    "seated hamstring stretch",
}  # fmt: skip
VETTED_ACTIVITIES = {"walking", "swimming", "cycling"}


@pytest.mark.parametrize(
    ("name", "vetted"), [("stretch", VETTED_EXERCISES), ("activity", VETTED_ACTIVITIES)]
)
def test_exercises_and_activities_come_from_the_vetted_routines(
    content: Content, name: str, vetted: set[str]
) -> None:
    """Section 5: the desk stretches are the seven routines, each once; the ~30-minute
    activities are their own set, never sent as a desk stretch."""
    nudges = content.nudges[name]
    assert {(nudge.exercise or "").lower() for nudge in nudges} == vetted
    for nudge in nudges:
        rendered = render_nudge(nudge, content.disclaimer_short)
        assert "stop if the pain sharpens" in rendered
        assert ("30 minutes" in rendered) == (name == "activity"), nudge.id


def test_exercise_doses_cite_the_client_routines_not_a_trial(content: Content) -> None:
    """The doses come from the client's articles (facts section 5); Steffens 2016 supports
    exercise with education in general, so it is cited only by a text that says so."""
    for nudge in content.nudges["stretch"]:
        assert "client's articles" in nudge.source, nudge.id
        if "Steffens" in nudge.source:
            assert "studies" in nudge.text and "learning about your back" in nudge.text


def test_break_lengths_are_our_product_choice(content: Content) -> None:
    """ "2-5 minutes" and the like are ours, not WHO's: the source says so."""
    for nudge in all_nudges(content):
        if re.search(r"\b(?:\d+-\d+|few|couple of) minutes\b", nudge.text) and not nudge.exercise:
            assert "product choice" in nudge.source, nudge.id


def test_cautions_ride_on_every_nudge_of_their_sets(content: Content) -> None:
    for nudge_set in NUDGE_SETS:
        for nudge in content.nudges[nudge_set.name]:
            text = check_telegram_html(render_nudge(nudge, content.disclaimer_short))
            fluids = "unless a doctor has told you to limit fluids" in text
            assert fluids == (nudge_set.name == "hydrate"), nudge.id
            exercise = all(
                words in text
                for words in ("Pregnant", "recent surgery", "joint replacement", "physiotherapist")
            )
            assert exercise == nudge_set.structured, nudge.id


def _litres(text: str) -> list[str]:
    return re.findall(r"(\d+(?:\.\d+)?) litres?", text)


def test_hydrate_amounts_agree_with_efsa(content: Content) -> None:
    """EFSA 2010, stated the same way everywhere: 2.0 L (women) and 2.5 L (men) from food and
    drink together; about a fifth from food, so about 1.6 L and 2.0 L from drinks."""
    stated = 0
    for nudge in content.nudges["hydrate"]:
        amounts = _litres(nudge.text)
        if "pregnan" in nudge.text.lower():
            assert amounts == ["0.3", "0.7"], nudge.id
            continue
        if not amounts:
            continue
        stated += 1
        assert set(amounts) <= {"1.6", "2.0", "2.5"}, nudge.id
        if "food and drink" in nudge.text:  # the totals, women first
            assert amounts[:2] == ["2.0", "2.5"], nudge.id
        if "drinks" in nudge.text:  # the share from drinks, women first
            assert amounts[amounts.index("1.6") + 1] == "2.0", nudge.id
    assert stated >= 3


def test_standing_work_is_never_told_to_stand_up(content: Content) -> None:
    for nudge in content.nudges["move-standing"]:
        assert not re.search(r"\bstand up\b|\bget up\b|\bdesk\b|from sitting", nudge.text, re.I)


def test_every_message_is_valid_telegram_html_and_ends_with_the_disclaimer(
    content: Content,
) -> None:
    for name, message, disclaimer in all_rendered(content):
        try:
            check_telegram_html(message)
        except TelegramHTMLError as error:
            pytest.fail(f"{name}: {error}")
        assert message.endswith(f"<i>{html.escape(disclaimer, quote=False)}</i>"), name


def test_nudges_fit_a_phone_screen(content: Content) -> None:
    for nudge in all_nudges(content):
        text = check_telegram_html(render_nudge(nudge, content.disclaimer_short))
        assert len(text) <= NUDGE_MAX_CHARS, nudge.id


def _tier_blocks(message: str) -> list[str]:
    return re.split(r"\n\n(?=<b>\d\. )", message)[1:]


@pytest.mark.parametrize("place", PLACES, ids=str)
def test_redflags_tiers_most_urgent_first_with_the_number(
    content: Content, place: LocalHelp
) -> None:
    assert [tier.id for tier in content.redflags.tiers] == ["emergency", "same-day", "routine"]
    message = render_redflags(content, place)
    blocks = _tier_blocks(message)
    assert len(blocks) == 3
    emergency, same_day, routine = blocks
    assert "emergency department" in emergency
    assert f"Call {place.emergency_number or LOCAL}" in emergency
    assert "same-day" in same_day
    # NHS 111 only where the zone maps to the UK: in New Zealand 111 is the emergency number.
    assert ("111 in the UK" in same_day) == place.uk
    assert ("111" in same_day) == place.uk
    assert "GP or physiotherapist" in routine
    # numbness in ONE leg is a same-day sign, not an emergency one
    assert "one leg" not in emergency and "one leg" in same_day
    assert "both legs" in emergency


@pytest.mark.parametrize(
    ("zone", "uk_helpline"),
    [("Europe/London", True), ("GB", True), ("Pacific/Auckland", False), ("Europe/Jersey", False),
     ("America/New_York", False), ("UTC", False)],
)  # fmt: skip
def test_the_uk_helpline_follows_the_time_zone(
    content: Content, zone: str, uk_helpline: bool
) -> None:
    assert ("111 in the UK" in render_redflags(content, local_help(zone))) == uk_helpline


@pytest.mark.parametrize("place", PLACES, ids=str)
def test_relief_order_and_number(content: Content, place: LocalHelp) -> None:
    assert tuple(step.id for step in content.relief.steps) == RELIEF_STEP_IDS
    message = render_relief(content, place)
    blocks = _tier_blocks(message)
    assert len(blocks) == len(RELIEF_STEP_IDS)
    first = blocks[0]
    assert "/redflags" in first and f"call {place.emergency_number or LOCAL}" in first
    # the emergency signs include pain after an accident or a fall (facts section 1) ...
    assert "serious accident" in first and "minor fall" in first
    # ... and the same-day signs send people to /redflags before going on (facts section 2)
    same_day = first[first.index("stop here") :]
    for sign in ("fever", "had cancer", "losing weight without trying", "worse at night"):
        assert sign in same_day, sign
    assert "/redflags before going on" in same_day
    assert "111" not in first or place.emergency_number == "111"
    assert "avoid bed rest" in blocks[1]
    assert "15-20 minutes" in blocks[2] and "numb" in blocks[2]
    assert "pharmacist" in blocks[3] and "leaflet" in blocks[3]
    assert "stop if the pain sharpens" in blocks[4]
    assert "days to weeks" in blocks[6]


# Each rule: a claim the content must not make, and the context in which the words are allowed
# (the same sentence must match it), or None when the words may never appear.
FORBIDDEN: list[tuple[str, str | None]] = [
    (r"\bbed rest\b", r"avoid bed rest|helps more than bed rest"),
    (r"\b(?:alternat\w*|switch\w*)\b.*\bcold\b|\bhot and cold\b", r"not enough evidence"),
    (r"\bparacetamol\b|\bacetaminophen\b", r"on its own is not recommended"),
    (r"\bmagnesium\b|\bpotassium\b|\bcalcium\b|\bsupplement", None),
    (r"\bessential oils?\b|\bherbal\b|\bwillow\b|\baromatherap", None),
    (r"\bback belts?\b|\bcorsets?\b|\binsoles?\b|\btraction\b|\bTENS\b", None),
    (r"\byou are fine\b|\byou're fine\b|\byou are ok\b|\bnothing to worry\b", None),
    (
        r"\bevery \d+ (?:minutes|mins)\b|\bevery (?:half an )?hour\b|\bdoctors (?:say|recommend)",
        None,
    ),
    (r"\b\d+\s*(?:mg|milligrams?|ml)\b|\btablets?\b|\bpills?\b", None),
    (r"muscle relaxant|diazepam|codeine|tramadol|opioid|prescription", None),
    (r"\bcures?\b", r"not a cure"),
    (r"\bguarantee", None),
    (r"counts as much as stretching", None),
    (r"\boff-?load", None),
]


# The same rules for the Spanish health texts (content-facts.md sections 4-6 in Spanish words):
# a translation says what the English says, so it may name these only where the English does.
FORBIDDEN_ES: list[tuple[str, str | None]] = [
    (
        r"\breposo en cama\b|\bguardar cama\b|\bquedarte en (?:la )?cama\b",
        r"evita el reposo en cama|ayuda más que el reposo en cama",
    ),
    (
        r"\b(?:altern\w*|cambiar entre|pasar de)\b.*\bfr[ií]o\b|\bcalor y fr[ií]o\b"
        r"|\bfr[ií]o y calor\b",
        r"no hay suficiente evidencia",
    ),
    (r"\bparacetamol\b|\bacetaminof[eé]n\b", r"por sí solo,? no se recomienda"),
    (r"\bmagnesio\b|\bpotasio\b|\bcalcio\b|\bsuplemento", None),
    (r"\baceites? esenciales?\b|\bherbal\w*|\bhierbas?\b|\bsauce\b|\baromaterapia", None),
    (
        r"\bfajas?\b|\bcors[eé]s?\b|\bcorsets?\b|\bplantillas?\b|\btracci[oó]n\b|\bTENS\b"
        r"|electroestimulaci",
        None,
    ),
    (
        r"\bestás bien\b|\bno es nada\b|\bno tienes nada\b|\bnada (?:de|por lo) que preocupar"
        r"|\bno te preocupes\b",
        None,
    ),
    (
        r"\bcada \d+ (?:minutos|min)\b|\bcada (?:media )?hora\b"
        r"|\blos médicos (?:dicen|recomiendan)",
        None,
    ),
    (
        r"\b\d+\s*(?:mg|miligramos?|ml|mililitros?)\b|\bcomprimidos?\b|\bpastillas?\b"
        r"|\btabletas?\b|\bp[ií]ldoras?\b|\bc[aá]psulas?\b",
        None,
    ),
    (
        r"relajantes? muscular(?:es)?|diazepam|code[ií]na|tramadol|opioide|opiáceo"
        r"|\breceta|\bprescri",
        None,
    ),
    (r"\bcura(?:s|r|n)?\b", r"no una cura"),
    (r"\bgaranti", None),
    (r"cuenta tanto como estirar", None),
    (r"\bdescarga(?:r)? (?:la|tu) espalda", None),
]
# Every language the bot speaks has its list: a new language's health texts are checked too.
FORBIDDEN_BY_LANGUAGE: dict[str, list[tuple[str, str | None]]] = {
    "en": FORBIDDEN,
    "es": FORBIDDEN_ES,
}


def _sentences(content: Content, language: str = "en") -> list[str]:
    texts: list[str] = []
    with i18n.language(language):
        for _name, message, _disclaimer in all_rendered(content):
            texts.append(check_telegram_html(message))
    return [s for text in texts for s in re.split(r"(?<=[.!?])\s+|\n", text) if s.strip()]


def test_every_language_has_its_forbidden_list() -> None:
    assert set(i18n.LANGUAGES) <= set(FORBIDDEN_BY_LANGUAGE)


@pytest.mark.parametrize(
    ("language", "pattern", "allowed"),
    [(code, *rule) for code, rules in FORBIDDEN_BY_LANGUAGE.items() for rule in rules],
)
def test_forbidden_claims_are_absent(
    content: Content, language: str, pattern: str, allowed: str | None
) -> None:
    """Nothing from facts section 6 is presented as effective, in any language."""
    for sentence in _sentences(content, language):
        if re.search(pattern, sentence, re.IGNORECASE):
            assert allowed is not None and re.search(allowed, sentence, re.IGNORECASE), sentence


def test_paracetamol_appears_only_as_not_recommended(content: Content) -> None:
    hits = [s for s in _sentences(content) if "paracetamol" in s.lower()]
    assert hits and all("not recommended" in s for s in hits)


def test_water_is_never_a_back_pain_treatment(content: Content) -> None:
    for nudge in content.nudges["hydrate"]:
        assert not re.search(r"back|spasm|pain|disc|muscle|cramp", nudge.text, re.I), nudge.id


def test_posture_is_comfort_not_cure(content: Content) -> None:
    for nudge in content.nudges["posture"]:
        if re.search(r"prevent|cure|treat|fix", nudge.text, re.I):
            assert "little evidence" in nudge.text, nudge.id
    assert any("the best posture is the next one" in n.text for n in content.nudges["posture"])


def test_redflags_never_reassure(content: Content) -> None:
    for place in PLACES:
        text = check_telegram_html(render_redflags(content, place)).lower()
        assert "fine" not in text and "nothing" not in text


def test_renderers_translate_every_text(content: Content, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every data text and label goes through _() at render time (msgids: the English texts)."""
    asked: list[str] = []

    def fake(message: str) -> str:
        asked.append(message)
        return (
            message.upper()
            .replace("{EMERGENCY}", "{emergency}")
            .replace("{EXERCISE}", "{exercise}")
        )

    monkeypatch.setattr(render_module, "_", fake)
    nudge = content.nudges["stretch"][0]
    message = render_nudge(nudge, content.disclaimer_short)
    assert {nudge.text, nudge.exercise, nudge.hold, nudge.reps, *nudge.steps} <= set(asked)
    assert {"How long:", "Repeat:", content.disclaimer_short} <= set(asked)
    visible = check_telegram_html(message)
    assert visible == visible.upper()
    assert nudge.caution in asked
    activity = content.nudges["activity"][0]
    render_nudge(activity, content.disclaimer_short)
    assert {activity.exercise, "How often:", activity.caution} <= set(asked)
    relief = render_relief(content, LocalHelp())
    for step in content.relief.steps:
        assert {step.title, step.text} <= set(asked)
    assert LOCAL in asked and LOCAL.upper() in relief
    render_redflags(content, LocalHelp("112"))
    render_redflags(content, LocalHelp("999", uk=True))
    for tier in content.redflags.tiers:
        assert {tier.heading, *tier.signs} <= set(asked)
        assert not tier.heading_uk or tier.heading_uk in asked
    assert content.disclaimer_long in asked


def test_text_with_markup_characters_is_escaped() -> None:
    nudge = Nudge(id="x", habit="move", text='Tom & Jerry say "a < b" > c', source="s")
    message = render_nudge(nudge, "Not <advice> & so on")
    assert check_telegram_html(message).startswith("🚶 Time to move\nTom & Jerry say")
