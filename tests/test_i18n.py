"""Translations: the templates are current, every language's interface catalogue is complete and
keeps the English placeholders, markup and commands, health texts carry their sources for the
translator and are complete where listed (else they fall back to English, whole), and the wheel
ships compiled catalogues."""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

from reminder_bot import i18n
from reminder_bot.content import load_content

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "reminder_bot" / "locale"
TRANSLATED = [code for code in i18n.LANGUAGES if code != i18n.DEFAULT_LANGUAGE]
# Languages whose health texts (the ``content`` domain) are translated and must stay complete:
# no message missing or fuzzy, the same placeholders, markup and commands as the English.
CONTENT_COMPLETE: set[str] = {"es"}

PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")
TAG = re.compile(r"</?[a-z]+[^>]*>")
COMMAND = re.compile(r"(?<![\w/])/[a-z]+")


def read(path: Path) -> Catalog:
    with path.open("rb") as file:
        return read_po(file, abort_invalid=True)


def forms(value: str | tuple[str, ...] | list[str] | None) -> list[str]:
    if value is None:
        return [""]
    return [value] if isinstance(value, str) else list(value)


def kept(texts: list[str], pattern: re.Pattern[str]) -> Counter[str]:
    """What ``pattern`` finds, counted once per kind across the forms of one message."""
    found: Counter[str] = Counter()
    for text in texts:
        found |= Counter(pattern.findall(text))
    return found


def problems(message: Message) -> list[str]:
    """What is wrong with one translated message: a placeholder, tag or command changed."""
    english, translated = forms(message.id), forms(message.string)
    wrong = []
    for what, pattern in (("placeholders", PLACEHOLDER), ("markup", TAG), ("commands", COMMAND)):
        if kept(english, pattern) != kept(translated, pattern):
            wrong.append(f"{what} differ: {message.id!r} -> {message.string!r}")
    return wrong


def catalogue(language: str, domain: str) -> Catalog:
    return read(LOCALE / language / "LC_MESSAGES" / f"{domain}.po")


def test_catalogue_templates_are_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "extract_messages.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_templates_split_interface_and_health_texts() -> None:
    interface = (LOCALE / "reminder_bot.pot").read_text()
    content = (LOCALE / "content.pot").read_text()
    assert 'msgid "I don\'t know you yet. Send /start to begin."' in interface
    assert 'msgid "⏰ Snoozed until {time}"' in interface
    assert 'msgid "General information, not medical advice."' in content
    assert 'msgid "your local emergency number"' in content  # set inside health sentences
    assert 'msgid "General information, not medical advice."' not in interface
    # Sources are for translators and reviewers: comments beside the texts, never a message.
    assert "Bull et al." not in interface
    assert "#. source: WHO 2020 guidelines (Bull et al., BJSM 2020)\n" in content
    assert not [m.id for m in read(LOCALE / "content.pot") if "Bull et al." in str(m.id)]


def test_spanish_is_offered() -> None:
    assert i18n.LANGUAGES[0] == "en" and "es" in i18n.LANGUAGES


def incomplete(language: str, domain: str) -> tuple[list[str], list[str], list[str]]:
    """(missing, fuzzy, wrong) of a language's catalogue against the domain's template."""
    template = read(LOCALE / f"{domain}.pot")
    translated = catalogue(language, domain)
    missing, fuzzy, wrong = [], [], []
    for message in template:
        if not message.id:
            continue
        found = translated.get(message.id)
        if found is None or not all(forms(found.string)):
            missing.append(str(message.id))
        elif found.fuzzy:
            fuzzy.append(str(message.id))
        else:
            wrong += problems(found)
    return missing, fuzzy, wrong


@pytest.mark.parametrize(
    ("language", "domain"),
    [(code, i18n.DOMAIN) for code in TRANSLATED]
    + [(code, i18n.CONTENT_DOMAIN) for code in sorted(CONTENT_COMPLETE)],
)
def test_catalogue_is_complete(language: str, domain: str) -> None:
    """The interface of every language; the health texts of the languages listed as complete."""
    missing, fuzzy, wrong = incomplete(language, domain)
    hint = "run: python scripts/extract_messages.py --update, then translate"
    assert missing == [], f"untranslated in {language}/{domain} ({hint}): {missing}"
    assert fuzzy == [], f"fuzzy in {language}/{domain}: check and clear them: {fuzzy}"
    assert wrong == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_translated_health_texts_keep_placeholders_and_markup(language: str) -> None:
    """Even a language whose health texts are not complete yet keeps them intact."""
    translated = catalogue(language, i18n.CONTENT_DOMAIN)
    done = [m for m in translated if m.id and all(forms(m.string)) and not m.fuzzy]
    assert [p for m in done for p in problems(m)] == []


def test_complete_health_texts_are_offered_languages() -> None:
    assert CONTENT_COMPLETE <= set(TRANSLATED)


def _comment(message: Message) -> str:
    return " ".join(" ".join(message.auto_comments).split())


def _sourced_texts() -> list[tuple[str, str]]:
    """(text, source) for every text of a content item that names its source."""
    content = load_content()
    pairs = [(content.disclaimer_short, content.disclaimer_source)]
    pairs.append((content.disclaimer_long, content.disclaimer_source))
    for nudges in content.nudges.values():
        for nudge in nudges:
            texts = [nudge.text, nudge.exercise, nudge.hold, nudge.reps, *nudge.steps]
            pairs += [(text, nudge.source) for text in texts if text]
    for step in content.relief.steps:
        pairs += [(step.title, step.source), (step.text, step.source)]
    for tier in content.redflags.tiers:
        texts = [tier.heading, tier.heading_uk, tier.lead, tier.note, *tier.signs]
        pairs += [(text, tier.source) for text in texts if text]
    return pairs


@pytest.mark.parametrize(
    "path", [LOCALE / "content.pot", *sorted(LOCALE.glob("*/LC_MESSAGES/content.po"))], ids=str
)
def test_every_health_text_carries_its_source(path: Path) -> None:
    """Each text of an item (nudge, caution, step, tier, disclaimer) has the item's source as
    its extracted comment, so the translator and the reviewer see it beside the text."""
    messages = {m.id: m for m in read(path) if m.id}
    pairs = _sourced_texts()
    assert len(pairs) > 150
    unsourced = [
        text for text, source in pairs if f"source: {source}" not in _comment(messages[text])
    ]
    assert unsourced == []
    for caution in {n.caution for ns in load_content().nudges.values() for n in ns if n.caution}:
        assert _comment(messages[caution]).startswith("source: content-facts.md section 7")


@pytest.mark.parametrize("path", sorted(LOCALE.glob("*/LC_MESSAGES/*.po")), ids=str)
def test_every_catalogue_compiles(path: Path) -> None:
    assert i18n._compile_po(path).info()["language"] == path.parent.parent.name


@pytest.mark.parametrize("code", [None, "en", "pt-BR", "zz", ""])
def test_languages_without_a_catalogue_are_english(code: str | None) -> None:
    with i18n.language(code):
        assert i18n._("Done") == "Done"
        assert i18n.ngettext("every hour", "every {n} hours", 2) == "every {n} hours"
        assert i18n.current_language() == "en"
    assert i18n.current_language() == "en"


@pytest.mark.parametrize(
    ("code", "language"),
    [("es", "es"), ("es-419", "es"), ("ES", "es"), ("es_MX", "es"), ("en-GB", "en"),
     ("pt-br", "en"), ("", "en"), (None, "en")],
)  # fmt: skip
def test_the_primary_subtag_picks_the_language(code: str | None, language: str) -> None:
    assert i18n.pick_language(code) == language


def test_spanish_interface_and_health_texts() -> None:
    with i18n.language("es-419"):
        assert i18n._("Done") == "Hecho"
        assert i18n.ngettext("every hour", "every {n} hours", 1) == "cada hora"
        assert i18n.ngettext("every hour", "every {n} hours", 3) == "cada {n} horas"
        # Health texts come from the content catalogue, behind the interface one.
        assert i18n._("General information, not medical advice.") == (
            "Información general, no consejo médico."
        )
        assert i18n._("a message no catalogue has") == "a message no catalogue has"


def test_health_texts_fall_back_to_english_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A language without a content catalogue shows its health texts in English, whole."""
    folder = tmp_path / "xx" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    only_interface = Catalog(locale="es", domain=i18n.DOMAIN)
    only_interface.add("Done", "Hecho")
    with (folder / f"{i18n.DOMAIN}.po").open("wb") as file:
        write_po(file, only_interface)
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    translations = i18n._translations.__wrapped__("xx")
    assert translations.gettext("Done") == "Hecho"
    text = "General information, not medical advice."
    assert translations.gettext(text) == text


def test_language_names_are_their_own() -> None:
    assert [i18n.language_name(code) for code in ("en", "es")] == ["English", "Español"]


def test_wheel_ships_compiled_catalogues_only(tmp_path: Path) -> None:
    wheel = pytest.importorskip("hatchling.builders.wheel")
    built = list(
        wheel.WheelBuilder(str(ROOT)).build(directory=str(tmp_path), versions=["standard"])
    )
    names = zipfile.ZipFile(built[0]).namelist()
    catalogues = sorted(p.relative_to(ROOT) for p in LOCALE.glob("*/LC_MESSAGES/*.po"))
    assert catalogues
    for source in catalogues:
        assert source.with_suffix(".mo").as_posix() in names
    assert not [name for name in names if name.endswith((".po", ".pot"))]
