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


# The kinds of work a preset can be for (its ``work`` key); a set named ``<habit>-<work>``
# replaces the habit's own set for people doing that work. Sitting is the default.
WORK_SETTINGS: tuple[str, ...] = ("sitting", "standing")


@dataclass(frozen=True)
class NudgeSet:
    """One ``[[name]]`` array of nudges.toml: a shuffle bag that a habit's slots draw from.

    ``structured`` items name an exercise or activity, with steps, how long and how often;
    ``caution``: every item carries the set's ``[caution.<name>]`` line (the loader insists).
    """

    name: str
    habit: str
    minimum: int
    structured: bool = False
    caution: bool = False


# The fewest nudges in a habit's own set, so that reminders vary (exercises: one each). The
# default preset's busiest 3 days need more where a habit comes often: no text may come back
# within 3 days, and a set of n holds back ``choice.hold_back(n)`` (hydrate 21 slots in 3
# days, so 27; move 36, so 42; tests/test_content_freshness.py).
MIN_NUDGES_PER_HABIT = 20
# Every set, in file order. Which one a slot draws from: ``choice.nudge_set``.
NUDGE_SETS: tuple[NudgeSet, ...] = (
    NudgeSet("hydrate", "hydrate", 27, caution=True),
    NudgeSet("move", "move", 42),
    # Breaks for people on their feet all day (presets with work = "standing").
    NudgeSet("move-standing", "move", 5),
    NudgeSet("posture", "posture", MIN_NUDGES_PER_HABIT),
    # One per vetted exercise (content-facts.md section 5).
    NudgeSet("stretch", "stretch", 7, structured=True, caution=True),
    # The ~30-minute activities, on stretch slots away from the desk (weekends, evenings).
    NudgeSet("activity", "stretch", 3, structured=True, caution=True),
)
NUDGE_SET_NAMES: tuple[str, ...] = tuple(nudge_set.name for nudge_set in NUDGE_SETS)


@dataclass(frozen=True)
class Nudge:
    """One nudge. ``kind`` is the set it belongs to (the habit's own set when empty). A
    structured one names ``exercise`` (an exercise or an activity) with ``steps``, ``hold``
    (how long) and ``reps`` (how many times, or how often); ``caution`` is its set's line."""

    id: str
    habit: str
    text: str
    source: str
    exercise: str | None = None
    steps: tuple[str, ...] = ()
    hold: str | None = None
    reps: str | None = None
    kind: str = ""
    caution: str = ""


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
    # The heading for people whose time zone maps to the UK (it may name NHS 111); empty: same.
    heading_uk: str
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
    # By set name (``NUDGE_SET_NAMES``): each habit's own set, and the others.
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
