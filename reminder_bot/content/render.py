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
from reminder_bot.emergency import LocalHelp
from reminder_bot.i18n import N_, _

# What the texts say when the user's country (from the time zone) is not certain.
LOCAL_EMERGENCY_NUMBER = N_("your local emergency number")

# By nudge set (content.model.NUDGE_SETS); structured ones name their exercise.
NUDGE_HEADINGS: Mapping[str, str] = {
    "hydrate": N_("💧 Water break"),
    "move": N_("🚶 Time to move"),
    "move-standing": N_("🔄 Change position"),
    "posture": N_("🪑 Posture check"),
    "stretch": N_("🧘 Stretch: {exercise}"),
    "activity": N_("🚴 Activity idea: {exercise}"),
}
# The labels of a structured nudge's how-long and how-many lines, by set.
_DOSE_LABELS: Mapping[str, tuple[str, str]] = {
    "stretch": (N_("How long:"), N_("Repeat:")),
    "activity": (N_("How long:"), N_("How often:")),
}


def _t(text: str) -> str:
    """Translate a data text and escape it; only the renderer adds tags."""
    return html.escape(_(text), quote=False)


def _with_number(text: str, local: LocalHelp) -> str:
    """Translate, escape, then fill in the number (a translation keeps the placeholder)."""
    number = local.emergency_number or _(LOCAL_EMERGENCY_NUMBER)
    return _t(text).replace(EMERGENCY_PLACEHOLDER, html.escape(number, quote=False))


def visible_length(message: str) -> int:
    """Length as Telegram counts it after parsing entities: UTF-16 code units of the text."""
    text = html.unescape(re.sub(r"<[^>]*>", "", message))
    return len(text.encode("utf-16-le")) // 2


def _structured_lines(nudge: Nudge, kind: str) -> list[str]:
    """The numbered steps, how long and how often, and the go-gently line."""
    how_long, how_many = _DOSE_LABELS.get(kind, _DOSE_LABELS["stretch"])
    lines = [f"{number}. {_t(step)}" for number, step in enumerate(nudge.steps, 1)]
    if nudge.hold:
        lines.append(f"<b>{_t(how_long)}</b> {_t(nudge.hold)}")
    if nudge.reps:
        lines.append(f"<b>{_t(how_many)}</b> {_t(nudge.reps)}")
    lines.append(f"<i>{_t(N_('Go gently, and stop if the pain sharpens.'))}</i>")
    return lines


def render_nudge(nudge: Nudge, disclaimer: str) -> str:
    """One nudge as Telegram HTML, in the current language, ending with the disclaimer."""
    kind = nudge.kind or nudge.habit
    heading = _(NUDGE_HEADINGS.get(kind, kind))
    if nudge.exercise:
        heading = heading.format(exercise=_(nudge.exercise))
    lines = [f"<b>{html.escape(heading, quote=False)}</b>", _t(nudge.text)]
    if nudge.exercise:
        lines += _structured_lines(nudge, kind)
    if nudge.caution:
        lines.append(f"<i>{_t(nudge.caution)}</i>")
    return "\n".join(lines) + f"\n\n<i>{_t(disclaimer)}</i>"


def _heading(sheet: Sheet) -> str:
    return f"<b>{_t(sheet.title)}</b>" + (f"\n{_t(sheet.intro)}" if sheet.intro else "")


def render_relief(content: Content, local: LocalHelp) -> str:
    """The /relief routine, with the number ``local`` names (or "your local emergency
    number")."""
    parts = [_heading(content.relief)]
    for number, step in enumerate(content.relief.steps, 1):
        parts.append(
            f"<b>{number}. {_with_number(step.title, local)}</b>\n{_with_number(step.text, local)}"
        )
    parts.append(f"<i>{_with_number(content.disclaimer_long, local)}</i>")
    return "\n\n".join(parts)


def render_redflags(content: Content, local: LocalHelp) -> str:
    """The /redflags checklist, most urgent tier first; a UK heading only where ``local.uk``."""
    parts = [_heading(content.redflags)]
    for number, tier in enumerate(content.redflags.tiers, 1):
        heading = tier.heading_uk if local.uk and tier.heading_uk else tier.heading
        lines = [f"<b>{number}. {_with_number(heading, local)}</b>"]
        if tier.lead:
            lines.append(_t(tier.lead))
        lines += [f"• {_t(sign)}" for sign in tier.signs]
        if tier.note:
            lines.append(f"<i>{_t(tier.note)}</i>")
        parts.append("\n".join(lines))
    parts.append(f"<i>{_with_number(content.disclaimer_long, local)}</i>")
    return "\n\n".join(parts)
