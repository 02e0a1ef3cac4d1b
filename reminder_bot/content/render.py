"""Content as Telegram HTML (``parse_mode="HTML"``), in the language of the current update.

The renderers add all structure (bold headings, numbered steps, the disclaimer) and escape every
text, so no data file can break Telegram's HTML parser, and they pass every text through ``_()``
at render time, so a catalogue can translate it (the msgids are the English data texts).

Sources stay in the data for reviewers and are not shown: a nudge must fit a phone screen, and a
citation list would double it. Every nudge ends with the short disclaimer line, /relief and
/redflags with the long one (the disclaimer model of the vetted facts).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

from reminder_bot.content.model import EMERGENCY_PLACEHOLDER, Content, Nudge, Sheet
from reminder_bot.i18n import N_, _

# What the texts say when the user's country (from the time zone) is not certain.
LOCAL_EMERGENCY_NUMBER = N_("your local emergency number")

HABIT_HEADINGS: Mapping[str, str] = {
    "hydrate": N_("💧 Water break"),
    "move": N_("🚶 Time to move"),
    "posture": N_("🪑 Posture check"),
    "stretch": N_("🧘 Stretch: {exercise}"),
}


def _t(text: str) -> str:
    """Translate a data text and escape it; only the renderer adds tags."""
    return html.escape(_(text), quote=False)


def _with_number(text: str, emergency_number: str | None) -> str:
    """Translate, escape, then fill in the number (a translation keeps the placeholder)."""
    number = emergency_number if emergency_number else _(LOCAL_EMERGENCY_NUMBER)
    return _t(text).replace(EMERGENCY_PLACEHOLDER, html.escape(number, quote=False))


def visible_length(message: str) -> int:
    """Length as Telegram counts it after parsing entities: UTF-16 code units of the text."""
    text = html.unescape(re.sub(r"<[^>]*>", "", message))
    return len(text.encode("utf-16-le")) // 2


def render_nudge(nudge: Nudge, disclaimer: str) -> str:
    """One nudge as Telegram HTML, in the current language, ending with the disclaimer."""
    if nudge.habit == "stretch":
        heading = _(HABIT_HEADINGS["stretch"]).format(exercise=_(nudge.exercise or ""))
        lines = [f"<b>{html.escape(heading, quote=False)}</b>", _t(nudge.text)]
        lines += [f"{number}. {_t(step)}" for number, step in enumerate(nudge.steps, 1)]
        if nudge.hold:
            lines.append(f"<b>{_t(N_('How long:'))}</b> {_t(nudge.hold)}")
        if nudge.reps:
            lines.append(f"<b>{_t(N_('Repeat:'))}</b> {_t(nudge.reps)}")
        lines.append(f"<i>{_t(N_('Go gently, and stop if the pain sharpens.'))}</i>")
    else:
        heading = _(HABIT_HEADINGS.get(nudge.habit, nudge.habit))
        lines = [f"<b>{html.escape(heading, quote=False)}</b>", _t(nudge.text)]
    return "\n".join(lines) + f"\n\n<i>{_t(disclaimer)}</i>"


def _heading(sheet: Sheet) -> str:
    return f"<b>{_t(sheet.title)}</b>" + (f"\n{_t(sheet.intro)}" if sheet.intro else "")


def render_relief(content: Content, emergency_number: str | None) -> str:
    """The /relief routine; ``emergency_number`` None means "your local emergency number"."""
    parts = [_heading(content.relief)]
    for number, step in enumerate(content.relief.steps, 1):
        parts.append(
            f"<b>{number}. {_with_number(step.title, emergency_number)}</b>\n"
            f"{_with_number(step.text, emergency_number)}"
        )
    parts.append(f"<i>{_with_number(content.disclaimer_long, emergency_number)}</i>")
    return "\n\n".join(parts)


def render_redflags(content: Content, emergency_number: str | None) -> str:
    """The /redflags checklist, most urgent tier first."""
    parts = [_heading(content.redflags)]
    for number, tier in enumerate(content.redflags.tiers, 1):
        lines = [f"<b>{number}. {_with_number(tier.heading, emergency_number)}</b>"]
        if tier.lead:
            lines.append(_t(tier.lead))
        lines += [f"• {_t(sign)}" for sign in tier.signs]
        if tier.note:
            lines.append(f"<i>{_t(tier.note)}</i>")
        parts.append("\n".join(lines))
    parts.append(f"<i>{_with_number(content.disclaimer_long, emergency_number)}</i>")
    return "\n\n".join(parts)
