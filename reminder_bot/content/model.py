"""The health content as values: nudges, the /relief routine, the /redflags checklist.

Texts are the plain English of the data files (the msgids); ``render`` adds the structure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# The one placeholder a text may hold: filled in at render time, because the number depends on
# the user's time zone.
EMERGENCY_PLACEHOLDER = "{emergency}"

# The routine's order is part of its safety: red flags first, then keep moving, and so on.
RELIEF_STEP_IDS: tuple[str, ...] = (
    "red-flags",
    "keep-moving",
    "heat",
    "pain-relief",
    "gentle-movement",
    "massage",
    "reassurance",
)
# Most urgent first, so nobody reads "see a GP" before "call the emergency number".
REDFLAG_TIER_IDS: tuple[str, ...] = ("emergency", "same-day", "routine")


@dataclass(frozen=True)
class Nudge:
    id: str
    habit: str
    text: str
    source: str
    exercise: str | None = None
    steps: tuple[str, ...] = ()
    hold: str | None = None
    reps: str | None = None


@dataclass(frozen=True)
class ReliefStep:
    id: str
    title: str
    text: str
    source: str


@dataclass(frozen=True)
class RedFlagTier:
    id: str
    heading: str
    lead: str
    signs: tuple[str, ...]
    note: str
    source: str


@dataclass(frozen=True)
class Sheet:
    """A long message (/relief, /redflags): a title, an optional intro, then numbered items."""

    title: str
    intro: str


@dataclass(frozen=True)
class Relief(Sheet):
    steps: tuple[ReliefStep, ...]


@dataclass(frozen=True)
class RedFlags(Sheet):
    tiers: tuple[RedFlagTier, ...]


@dataclass(frozen=True)
class Content:
    nudges: Mapping[str, tuple[Nudge, ...]]
    relief: Relief
    redflags: RedFlags
    disclaimer_short: str
    disclaimer_long: str
    disclaimer_source: str = ""

    def nudge_ids(self, habit: str) -> tuple[str, ...]:
        return tuple(nudge.id for nudge in self.nudges.get(habit, ()))

    def find_nudge(self, nudge_id: str) -> Nudge | None:
        for nudges in self.nudges.values():
            for nudge in nudges:
                if nudge.id == nudge_id:
                    return nudge
        return None
