"""Translation of every user-facing text through gettext.

The language is per update (the user's), so it lives in a context variable that handlers set
before doing any work; code deep inside the package just calls ``_()``.
"""

from __future__ import annotations

import contextvars
import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "reminder_bot"
DEFAULT_LANGUAGE = "en"

_language: contextvars.ContextVar[str] = contextvars.ContextVar(
    "reminder_bot_language", default=DEFAULT_LANGUAGE
)


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The catalogue for a language code such as ``es`` or ``pt-BR``; English when none exists."""
    candidates = [language.replace("-", "_"), language.split("-")[0].split("_")[0]]
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=candidates, fallback=True)


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
    return _language.set(language or DEFAULT_LANGUAGE)


@contextmanager
def language(code: str | None) -> Iterator[None]:
    """Run a block in one user's language."""
    token = set_language(code)
    try:
        yield
    finally:
        _language.reset(token)
