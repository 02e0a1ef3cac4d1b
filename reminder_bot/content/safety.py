"""The safety gate's texts (``safety.toml``): the question under /relief and /redflags, the
answers to Yes and No, and the suggestion under a week of pain check-ins; read, checked and
rendered as Telegram HTML in the current language, like the other health texts."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reminder_bot.content.datafile import CONTENT_DIR, DataFile
from reminder_bot.content.render import _t, _with_number
from reminder_bot.emergency import LocalHelp

FILE_NAME = "safety.toml"
_SOURCE_WHY = "every health text names the facts it rests on"


@dataclass(frozen=True)
class SafetyTexts:
    question: str
    relief_lead: str
    relief_signs: tuple[str, ...]
    relief_more: str
    yes_intro: str
    yes_emergency: str
    yes_same_day: str
    yes_same_day_uk: str
    yes_routine: str
    yes_more: str
    no_text: str
    pain_high: str
    pain_rising: str
    pain_suggestion: str


def _section(file: DataFile, name: str, keys: tuple[str, ...]) -> dict[str, str]:
    """The texts ``keys`` of table ``[name]``, each required, and its source."""
    table = file.data.get(name)
    if not isinstance(table, dict):
        raise file.error(name, f"missing; add [{name}] with {', '.join(keys)} and source")
    file.check_keys(table, name, (*keys, "source", *(("relief_signs",) if name == "gate" else ())))
    file.source(table, name, "content-facts.md section 1", _SOURCE_WHY)
    return {key: file.text(table, name, key, "...", placeholders=True) for key in keys}


def load_safety(directory: Path | None = None) -> SafetyTexts:
    """Read and check ``safety.toml``; ConfigError names the file and the key."""
    file = DataFile((CONTENT_DIR if directory is None else directory) / FILE_NAME)
    file.check_keys(file.data, "", ("gate", "yes", "no", "pain"))
    gate = _section(file, "gate", ("question", "relief_lead", "relief_more"))
    yes = _section(
        file, "yes", ("intro", "emergency", "same_day", "same_day_uk", "routine", "more")
    )
    if "{emergency}" not in yes["emergency"]:
        raise file.error("yes.emergency", "must name the number to call with {emergency}")
    no = _section(file, "no", ("text",))
    pain = _section(file, "pain", ("high", "rising", "suggestion"))
    signs = file.text_list(file.data["gate"], "gate", "relief_signs", "Chest pain", _SOURCE_WHY)
    return SafetyTexts(
        question=gate["question"],
        relief_lead=gate["relief_lead"],
        relief_signs=signs,
        relief_more=gate["relief_more"],
        **{f"yes_{key}": value for key, value in yes.items()},
        no_text=no["text"],
        **{f"pain_{key}": value for key, value in pain.items()},
    )


@cache
def default_safety() -> SafetyTexts:
    """The shipped texts, loaded once."""
    return load_safety()


def render_gate(texts: SafetyTexts, *, relief: bool) -> str:
    """The question; after /relief, first the short list of the signs it asks about."""
    question = f"<b>{_t(texts.question)}</b>"
    if not relief:
        return question
    signs = "\n".join(f"• {_t(sign)}" for sign in texts.relief_signs)
    return f"{_t(texts.relief_lead)}\n{signs}\n{_t(texts.relief_more)}\n\n{question}"


def render_yes(texts: SafetyTexts, local: LocalHelp, disclaimer: str, note: str = "") -> str:
    """What to do, most urgent first, with the number ``local`` names, then ``note`` (HTML: what
    the bot did about it); ends with ``disclaimer`` (the long one)."""
    same_day = texts.yes_same_day_uk if local.uk else texts.yes_same_day
    steps = (texts.yes_emergency, same_day, texts.yes_routine)
    lines = [f"<b>{_t(texts.yes_intro)}</b>"]
    lines += [f"• {_with_number(step, local)}" for step in steps]
    lines.append(_t(texts.yes_more))
    parts = ["\n".join(lines), note, f"<i>{_with_number(disclaimer, local)}</i>"]
    return "\n\n".join(part for part in parts if part)


def render_no(texts: SafetyTexts) -> str:
    """The thanks for "No" (never "you are fine")."""
    return _t(texts.no_text)


def render_pain_advice(texts: SafetyTexts, *, rising: bool) -> str:
    """Why (pain high, or getting worse), then the suggestion; HTML-escaped."""
    why = texts.pain_rising if rising else texts.pain_high
    return f"{_t(why)} {_t(texts.pain_suggestion)}"
