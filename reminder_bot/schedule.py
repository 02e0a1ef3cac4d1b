"""Pure time math: reminder rules, quiet hours, pauses and the next due instant.

Nothing here reads the clock: every function takes ``now`` (an aware datetime) and returns aware
datetimes in UTC, so the dispatcher, the handlers and the tests agree on one definition of "next".

Rules are written in local wall-clock time. Two facts about wall time shape ``next_occurrence``:

* a wall time that does not exist (the spring-forward gap) is delivered at the first instant
  after the gap, on the same day; a nudge is never silently skipped;
* a wall time that exists twice (the fall-back fold) is delivered once, at its first occurrence
  (``fold=0``); a nudge is never repeated.

Slots that land on the same instant (several slots inside one gap) collapse into one delivery.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo

HABITS: tuple[str, ...] = ("hydrate", "move", "posture", "stretch")
# Scheduled messages that are not nudges (reminder_bot/outgoing.py): the weekly summary and the
# daily pain check-in are rows of ``schedules`` too, so quiet hours, pauses, downtime and
# restarts treat them exactly as nudges. Lists of habits (/schedule, presets, /stats) skip them.
SUMMARY = "summary"
CHECKIN = "checkin"
EXTRAS: tuple[str, ...] = (SUMMARY, CHECKIN)

ALL_DAYS: frozenset[int] = frozenset(range(7))
WEEKDAYS: frozenset[int] = frozenset(range(5))
WEEKENDS: frozenset[int] = frozenset({5, 6})

MIN_INTERVAL_MINUTES = 5
MAX_INTERVAL_MINUTES = 24 * 60
MAX_AT_TIMES = 24
# Far enough to pass any weekly rule whose slots are partly quiet; short enough to stay cheap.
SEARCH_DAYS = 15

_DAY_MINUTES = 24 * 60


def _check_wall_time(value: time, what: str) -> None:
    if not isinstance(value, time):
        raise TypeError(f"{what} must be a datetime.time, not {type(value).__name__}")
    if value.tzinfo is not None:
        raise ValueError(f"{what} must be a naive wall-clock time, got {value!r}")
    if value.second or value.microsecond:
        raise ValueError(f"{what} must be a whole minute, got {value.isoformat()}")


def _check_days(days: frozenset[int]) -> None:
    if not isinstance(days, frozenset):
        raise TypeError(f"days must be a frozenset[int], not {type(days).__name__}")
    if not days:
        raise ValueError("days must name at least one weekday")
    if not days <= ALL_DAYS:
        raise ValueError(f"days must be 0 (Monday) .. 6 (Sunday), got {sorted(days)}")


def _minute_of(value: time) -> int:
    return value.hour * 60 + value.minute


def _time_of(minute: int) -> time:
    return time(minute // 60 % 24, minute % 60)


@dataclass(frozen=True)
class Every:
    """Every ``minutes`` within a daily window from ``start`` to ``end`` (inclusive).

    Slots are start, start+N, ... counted in wall-clock minutes, so a DST change never shifts
    them. A window whose end is not after its start crosses midnight and belongs to the weekday
    it starts on (``22:00-02:00`` on Friday includes Saturday 01:00).
    """

    minutes: int
    start: time
    end: time
    days: frozenset[int] = field(default=ALL_DAYS)

    def __post_init__(self) -> None:
        if isinstance(self.minutes, bool) or not isinstance(self.minutes, int):
            raise TypeError("minutes must be an int")
        if not MIN_INTERVAL_MINUTES <= self.minutes <= MAX_INTERVAL_MINUTES:
            raise ValueError(
                f"minutes must be {MIN_INTERVAL_MINUTES}..{MAX_INTERVAL_MINUTES}, "
                f"got {self.minutes}"
            )
        _check_wall_time(self.start, "start")
        _check_wall_time(self.end, "end")
        if self.start == self.end:
            raise ValueError("the window's start and end must differ")
        _check_days(self.days)

    @property
    def window_minutes(self) -> int:
        length = _minute_of(self.end) - _minute_of(self.start)
        return length if length > 0 else length + _DAY_MINUTES

    def slot_offsets(self) -> range:
        """Minutes after the window's day's midnight; values >= 1440 fall on the next day."""
        first = _minute_of(self.start)
        return range(first, first + self.window_minutes + 1, self.minutes)


@dataclass(frozen=True)
class At:
    """Fixed local times (sorted, unique, 1..24 of them) on the chosen weekdays."""

    times: tuple[time, ...]
    days: frozenset[int] = field(default=ALL_DAYS)

    def __post_init__(self) -> None:
        if not isinstance(self.times, tuple):
            raise TypeError("times must be a tuple of datetime.time")
        if not 1 <= len(self.times) <= MAX_AT_TIMES:
            raise ValueError(f"give 1..{MAX_AT_TIMES} times, got {len(self.times)}")
        for value in self.times:
            _check_wall_time(value, "time")
        if any(a >= b for a, b in zip(self.times, self.times[1:], strict=False)):
            raise ValueError("times must be sorted and unique")
        _check_days(self.days)


@dataclass(frozen=True)
class Off:
    """No reminders for this habit."""


Rule = Every | At | Off


@dataclass(frozen=True)
class QuietHours:
    """No nudges from ``start`` (inclusive) to ``end`` (exclusive); may cross midnight."""

    start: time
    end: time

    def __post_init__(self) -> None:
        _check_wall_time(self.start, "start")
        _check_wall_time(self.end, "end")
        if self.start == self.end:
            raise ValueError("quiet hours' start and end must differ")


def slot_is_quiet(local_time: time, quiet: QuietHours | None) -> bool:
    """Whether a wall time falls inside quiet hours (``start`` is quiet, ``end`` is not)."""
    if quiet is None:
        return False
    value = local_time.replace(tzinfo=None, fold=0)
    if quiet.start < quiet.end:
        return quiet.start <= value < quiet.end
    return value >= quiet.start or value < quiet.end


def rule_days(rule: Rule) -> frozenset[int]:
    """The weekdays a rule fires on (empty for ``Off``)."""
    return frozenset() if isinstance(rule, Off) else rule.days


def _slot_minutes(rule: Rule, day: date) -> Sequence[int]:
    """Minutes after ``day``'s midnight of the slots whose window starts on ``day``."""
    if isinstance(rule, Off) or day.weekday() not in rule.days:
        return ()
    if isinstance(rule, At):
        return tuple(_minute_of(value) for value in rule.times)
    return rule.slot_offsets()


def wall_slots(rule: Rule, day: date) -> list[datetime]:
    """Naive local datetimes of the slots whose window starts on ``day``, in order.

    An ``Every`` window that crosses midnight yields slots dated the following day.
    """
    midnight = datetime.combine(day, time())
    return [midnight + timedelta(minutes=minute) for minute in _slot_minutes(rule, day)]


def local_slots_on(rule: Rule, day: date) -> list[time]:
    """Wall times of the slots whose window starts on ``day`` (some may be after midnight)."""
    return [slot.time() for slot in wall_slots(rule, day)]


def _offset_at(instant: datetime, zone: tzinfo) -> timedelta:
    offset = instant.astimezone(zone).utcoffset()
    assert offset is not None
    return offset


def resolve_wall_time(naive: datetime, zone: tzinfo) -> datetime:
    """The UTC instant a local wall time is delivered at.

    An ambiguous time resolves to its first occurrence; a nonexistent one to the end of its gap
    (the transition instant), found by bisection because zoneinfo has no public transition API.
    """
    first = naive.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if first.astimezone(zone).replace(tzinfo=None) == naive:
        return first
    # In a gap, fold=0 applies the pre-transition offset (landing after the transition) and
    # fold=1 the post-transition one (landing before it): the transition lies between them.
    low = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
    high = first
    if low > high:
        low, high = high, low
    before = _offset_at(low, zone)
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        middle = middle.replace(microsecond=0)
        if middle <= low:
            middle = low + timedelta(seconds=1)
        if _offset_at(middle, zone) == before:
            low = middle
        else:
            high = middle
    return high


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {value!r}")


def next_occurrence(
    rule: Rule,
    zone: tzinfo,
    now: datetime,
    *,
    quiet: QuietHours | None = None,
    paused_until: datetime | None = None,
) -> datetime | None:
    """The first slot strictly after ``now`` and at or after ``paused_until``, in UTC.

    Slots inside quiet hours are skipped, judged by the slot's wall time and by the wall time it
    is delivered at (they differ only for a slot moved out of a DST gap). Returns None for
    ``Off`` or when no slot exists within ``SEARCH_DAYS`` days of the later of the two bounds.
    """
    _require_aware(now, "now")
    if paused_until is not None:
        _require_aware(paused_until, "paused_until")
    if isinstance(rule, Off):
        return None
    bound = now if paused_until is None or paused_until <= now else paused_until
    # Two days back: a window crossing midnight, or a gap, can carry an earlier day's slot
    # past the bound.
    first_day = bound.astimezone(zone).date() - timedelta(days=2)

    def after_bound(slot: datetime) -> bool:
        instant = resolve_wall_time(slot, zone)
        return instant > now and (paused_until is None or instant >= paused_until)

    # Wall slots come in increasing wall order and the wall->instant mapping never goes
    # backwards (fold=0, gaps map to their end), so "after the bound" is monotone: bisect it
    # instead of resolving every slot of a busy day.
    for index in range(SEARCH_DAYS + 3):
        day = first_day + timedelta(days=index)
        midnight = datetime.combine(day, time())
        minutes = _slot_minutes(rule, day)
        if not minutes or not after_bound(midnight + timedelta(minutes=minutes[-1])):
            continue
        first = bisect_left(
            minutes, True, key=lambda minute: after_bound(midnight + timedelta(minutes=minute))
        )
        for minute in minutes[first:]:
            slot = midnight + timedelta(minutes=minute)
            if slot_is_quiet(slot.time(), quiet):
                continue
            instant = resolve_wall_time(slot, zone)
            # A slot pushed out of a DST gap must not land inside quiet hours either: what the
            # user sees is the wall time the message arrives at.
            if not slot_is_quiet(instant.astimezone(zone).time(), quiet):
                return instant
    return None


def next_window_start(
    rule_by_habit: Mapping[str, Rule],
    zone: tzinfo,
    now: datetime,
    quiet: QuietHours | None = None,
) -> datetime | None:
    """The first slot of any habit on a later local day than ``now``'s: what a bare ``/pause``
    pauses until. None when no habit has a slot in the search horizon."""
    _require_aware(now, "now")
    tomorrow = datetime.combine(now.astimezone(zone).date() + timedelta(days=1), time())
    start = resolve_wall_time(tomorrow, zone)
    found = [
        instant
        for rule in rule_by_habit.values()
        if (instant := next_occurrence(rule, zone, now, quiet=quiet, paused_until=start))
        is not None
    ]
    return min(found, default=None)
