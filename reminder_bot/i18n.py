"""Translation of every user-facing text through gettext, with Babel's catalogues and locale data.

The language is per update (the user's), so it lives in a context variable that handlers set
before doing any work; code deep inside the package just calls ``_()``.

Catalogues live in ``locale/<language>/LC_MESSAGES/`` in two domains: ``reminder_bot`` (the
interface: buttons, replies, errors, command descriptions) and ``content`` (the health texts of
``content/*.toml``), which ``_()`` consults when the interface catalogue lacks a message. A
message translated in neither is shown in English. The ``.po`` files are the source: in a work
tree (and an editable install) they are compiled in memory when first needed; a wheel ships only
the ``.mo`` files ``hatch_build.py`` compiled, so running never depends on a build step.
"""

from __future__ import annotations

import contextvars
import gettext
import io
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from babel import Locale

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "reminder_bot"
CONTENT_DOMAIN = "content"
DEFAULT_LANGUAGE = "en"
# The bot's English writes dates day first with a 24-hour clock ("Mon 3 Mar 09:00"), as
# British English does; other languages use their own CLDR conventions.
_DATE_LOCALES = {"en": "en_GB"}

_language: contextvars.ContextVar[str] = contextvars.ContextVar(
    "reminder_bot_language", default=DEFAULT_LANGUAGE
)


def _catalogue_languages() -> tuple[str, ...]:
    found = {
        path.parent.parent.name
        for pattern in (f"*/LC_MESSAGES/{DOMAIN}.po", f"*/LC_MESSAGES/{DOMAIN}.mo")
        for path in LOCALE_DIR.glob(pattern)
    }
    return tuple(sorted(found - {DEFAULT_LANGUAGE}))


# Every language the bot speaks, English first: the /language choices and the command menus.
LANGUAGES: tuple[str, ...] = (DEFAULT_LANGUAGE, *_catalogue_languages())


def pick_language(code: str | None) -> str:
    """The language to use for an IETF tag from Telegram: its primary subtag when the bot
    speaks it (``es-419`` -> ``es``), else English."""
    primary = (code or "").replace("_", "-").split("-")[0].lower()
    return primary if primary in LANGUAGES else DEFAULT_LANGUAGE


def _compile_po(path: Path) -> gettext.GNUTranslations:
    """A ``.po`` file compiled in memory with Babel, as ``pybabel compile`` would write it."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with path.open("rb") as source:
        catalogue = read_po(source, abort_invalid=True)
    compiled = io.BytesIO()
    write_mo(compiled, catalogue)  # untranslated and fuzzy messages are left out
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def _catalogue(language: str, domain: str) -> gettext.GNUTranslations | None:
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    source = folder / f"{domain}.po"
    if source.exists():  # a work tree: the .po is the truth (a stray .mo may be stale)
        return _compile_po(source)
    compiled = folder / f"{domain}.mo"
    if compiled.exists():  # an installed wheel
        with compiled.open("rb") as file:
            return gettext.GNUTranslations(file)
    return None


@cache
def _translations(language: str) -> gettext.NullTranslations:
    interface = _catalogue(language, DOMAIN)
    content = _catalogue(language, CONTENT_DOMAIN)
    if interface is None:
        return content or gettext.NullTranslations()
    if content is not None:
        interface.add_fallback(content)
    return interface


def translations(language: str | None) -> gettext.NullTranslations:
    """The catalogues for a language code such as ``es`` or ``es-419``; English when none."""
    return _translations(pick_language(language))


def _(message: str) -> str:
    """Translate ``message`` into the current update's language."""
    return translations(_language.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message that depends on a count."""
    return translations(_language.get()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet (module-level constants)."""
    return message


def current_language() -> str:
    return _language.get()


def set_language(language: str | None) -> contextvars.Token[str]:
    return _language.set(pick_language(language))


@contextmanager
def language(code: str | None) -> Iterator[None]:
    """Run a block in one user's language."""
    token = set_language(code)
    try:
        yield
    finally:
        _language.reset(token)


@cache
def _babel_locale(language: str) -> Locale:
    return Locale.parse(_DATE_LOCALES.get(language, language))


def babel_locale() -> Locale:
    """Babel's locale for the current language: weekday and month names, date patterns."""
    return _babel_locale(_language.get())


def language_name(code: str) -> str:
    """A language's name in that language, as its speakers look for it: "English", "Español"."""
    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]
