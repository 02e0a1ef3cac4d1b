"""Health content: the data files beside this module, checked, rendered and chosen from.

The data files (``*.toml`` here) hold plain English text, each item with the ``source`` it rests
on (the vetted health facts the project is written from). Inside, by concern:

- ``model``: the values (``Content``, ``Nudge``; the /relief and /redflags types live there);
- ``loader``: reading and checking the files (``load_content``, ``default_content``);
- ``render``: Telegram HTML in the current language (``render_nudge``...);
- ``choice``: which set a slot draws from (``nudge_set``), which nudge comes next
  (``next_nudge``).

Everything is pure: loading reads only the given folder, rendering reads only the current
language, and the choice takes its random generator as an argument.
"""

from __future__ import annotations

from reminder_bot.content.choice import ACTIVITY_SET, choose_nudge, next_nudge, nudge_set
from reminder_bot.content.datafile import CONTENT_DIR
from reminder_bot.content.loader import (
    MESSAGE_MAX_CHARS,
    NUDGE_MAX_CHARS,
    default_content,
    load_content,
)
from reminder_bot.content.model import (
    MIN_NUDGES_PER_HABIT,
    NUDGE_SET_NAMES,
    NUDGE_SETS,
    REDFLAG_TIER_IDS,
    RELIEF_STEP_IDS,
    WORK_SETTINGS,
    Content,
    Nudge,
    NudgeSet,
)
from reminder_bot.content.render import (
    LOCAL_EMERGENCY_NUMBER,
    NUDGE_HEADINGS,
    render_nudge,
    render_redflags,
    render_relief,
    visible_length,
)

__all__ = [
    "ACTIVITY_SET",
    "CONTENT_DIR",
    "LOCAL_EMERGENCY_NUMBER",
    "MESSAGE_MAX_CHARS",
    "MIN_NUDGES_PER_HABIT",
    "NUDGE_HEADINGS",
    "NUDGE_MAX_CHARS",
    "NUDGE_SETS",
    "NUDGE_SET_NAMES",
    "REDFLAG_TIER_IDS",
    "RELIEF_STEP_IDS",
    "WORK_SETTINGS",
    "Content",
    "Nudge",
    "NudgeSet",
    "choose_nudge",
    "default_content",
    "load_content",
    "next_nudge",
    "nudge_set",
    "render_nudge",
    "render_redflags",
    "render_relief",
    "visible_length",
]
