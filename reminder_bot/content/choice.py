"""Which nudge to send next: which set a slot draws from, then a shuffle bag per user and set,
so texts vary without repeats.

Pure: the caller keeps the state (the ids seen in this cycle, the last id sent) and passes the
slot's local time and the random generator, so a seeded one gives the same order in tests.
"""

from __future__ import annotations

import random
from collections.abc import Collection, Sequence
from datetime import datetime, time

from reminder_bot.content.model import NUDGE_SET_NAMES, WORK_SETTINGS

# A stretch slot on a Saturday or Sunday, or from 17:00 local on a weekday, is away from the
# desk: it suggests one of the ~30-minute activities (walking, swimming, cycling) instead.
ACTIVITY_SET = "activity"
ACTIVITY_FROM = time(17, 0)
WEEKEND = frozenset({5, 6})


def nudge_set(habit: str, slot: datetime, work: str = WORK_SETTINGS[0]) -> str:
    """The set (``content.model.NUDGE_SETS``) a due slot of ``habit`` draws from.

    ``slot`` is the slot in the user's time zone; ``work`` is the kind of work of the user's
    preset: a set named ``<habit>-<work>`` replaces the habit's own where there is one.
    """
    if habit == "stretch" and (slot.weekday() in WEEKEND or slot.time() >= ACTIVITY_FROM):
        return ACTIVITY_SET
    for_work = f"{habit}-{work}"
    return for_work if for_work in NUDGE_SET_NAMES else habit


# A new cycle holds back the previous cycle's final ids: no id comes back within
# ``hold_back(len(ids)) + 1`` sends, while each pick still has ``len(ids) - hold_back`` ids
# to choose from (at least FRESH_CHOICES, or two thirds of a small set). The preset's busiest
# 3 days set how many nudges a habit needs (tests/test_content_freshness.py): standard wording
# loses its effect, fresh wording holds up (ux-notes.md, Drink Less and HeartSteps).
FRESH_CHOICES = 7
# Held-back ids are stored ahead of the new cycle's ids with this prefix: they are not ids of
# the set, so the choice reads them only as the recent past, never as seen in this cycle.
HELD = "held:"


def hold_back(count: int) -> int:
    """How many of the last cycle's final ids a new cycle of a ``count``-id set holds back."""
    return max(count // 3, count - FRESH_CHOICES)


def choose_nudge(
    nudge_ids: Sequence[str],
    seen_in_cycle: Collection[str],
    last: str | None,
    rng: random.Random,
    recent: Collection[str] = (),
) -> tuple[str, bool]:
    """Shuffle bag: the next nudge id and whether a new cycle started.

    Every id comes once before any comes again, and never the same id twice in a row, also
    across a cycle boundary (only impossible with a single id); ids in ``recent`` (sent
    lately) are skipped too while any other id is left. The caller stores the state: after a
    restart ``seen_in_cycle`` becomes ``{chosen}``, otherwise it gains ``chosen``.
    Ids in ``seen_in_cycle`` that are no longer in ``nudge_ids`` (content changed) are ignored.
    """
    if not nudge_ids:
        raise ValueError("choose_nudge needs at least one nudge id")
    ids = list(dict.fromkeys(nudge_ids))  # keep order (deterministic for a seeded rng)
    seen = set(seen_in_cycle)
    remaining = [nudge_id for nudge_id in ids if nudge_id not in seen]
    restarted = not remaining
    if restarted:
        remaining = ids
    held = {last, *recent}
    fresh = [nudge_id for nudge_id in remaining if nudge_id not in held]
    if fresh:
        remaining = fresh
    elif len(remaining) > 1 and last in remaining:
        remaining = [nudge_id for nudge_id in remaining if nudge_id != last]
    return rng.choice(remaining), restarted


def next_nudge(
    ids: Sequence[str], seen: Sequence[str], last: str | None, rng: random.Random
) -> tuple[str, list[str]]:
    """The next nudge id and the cycle's new seen list, for the caller to store.

    ``seen`` is the stored list (in sending order): the ids held back from the last cycle
    (prefixed ``HELD``), then this cycle's. Stale ids in it are kept, as the store has always
    kept them, and ignored by the choice. Raises ValueError when ``ids`` is empty.
    """
    keep = hold_back(len(set(ids)))
    past = [entry.removeprefix(HELD) for entry in seen]
    recent = past[-keep:] if keep else []
    chosen, restarted = choose_nudge(ids, seen, last, rng, recent)
    if not restarted:
        return chosen, [*seen, chosen]
    known = set(ids)
    tail = [nudge_id for nudge_id in past if nudge_id in known][-keep:] if keep else []
    return chosen, [*(HELD + nudge_id for nudge_id in tail), chosen]
