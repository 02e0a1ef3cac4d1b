from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reminder_bot.schedule import (
    ALL_DAYS,
    HABITS,
    WEEKDAYS,
    WEEKENDS,
    At,
    Every,
    Off,
    QuietHours,
    Rule,
    local_slots_on,
    next_occurrence,
    next_window_start,
    resolve_wall_time,
    slot_is_quiet,
    wall_slots,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
SYDNEY = ZoneInfo("Australia/Sydney")
KOLKATA = ZoneInfo("Asia/Kolkata")
CHATHAM = ZoneInfo("Pacific/Chatham")
FIXED = timezone(timedelta(hours=-3, minutes=-30))
ZONES: list[tzinfo] = [BERLIN, NEW_YORK, SYDNEY, KOLKATA, CHATHAM, ZoneInfo("UTC"), FIXED]

MINUTE = timedelta(minutes=1)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def t(text: str) -> time:
    return time.fromisoformat(text)


DAILY_0230 = At((t("02:30"),), ALL_DAYS)


# --- explicit examples -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "zone", "now", "expected"),
    [
        # Berlin spring-forward: 02:30 does not exist, delivered at the gap's end (03:00 CEST).
        (DAILY_0230, BERLIN, utc(2026, 3, 28, 12), utc(2026, 3, 29, 1, 0)),
        # Berlin fall-back: 02:30 exists twice, fires at the first (CEST) one only.
        (DAILY_0230, BERLIN, utc(2026, 10, 24, 12), utc(2026, 10, 25, 0, 30)),
        (DAILY_0230, BERLIN, utc(2026, 10, 25, 0, 30), utc(2026, 10, 26, 1, 30)),
        (DAILY_0230, BERLIN, utc(2026, 10, 25, 1, 0), utc(2026, 10, 26, 1, 30)),
        # New York: gap 02:00-03:00 EST->EDT, fold 01:00-02:00 EDT->EST.
        (DAILY_0230, NEW_YORK, utc(2026, 3, 7, 12), utc(2026, 3, 8, 7, 0)),
        (At((t("01:30"),), ALL_DAYS), NEW_YORK, utc(2026, 10, 31, 12), utc(2026, 11, 1, 5, 30)),
        (At((t("01:30"),), ALL_DAYS), NEW_YORK, utc(2026, 11, 1, 5, 30), utc(2026, 11, 2, 6, 30)),
        # Sydney: gap in October (02:00 AEST -> 03:00 AEDT), fold in April (03:00 -> 02:00).
        (DAILY_0230, SYDNEY, utc(2026, 10, 3, 0), utc(2026, 10, 3, 16, 0)),
        (DAILY_0230, SYDNEY, utc(2026, 4, 4, 0), utc(2026, 4, 4, 15, 30)),
        (DAILY_0230, SYDNEY, utc(2026, 4, 4, 15, 30), utc(2026, 4, 5, 16, 30)),
        # Chatham (+12:45/+13:45): the clock jumps 02:45 -> 03:45 in September.
        (At((t("03:00"),), ALL_DAYS), CHATHAM, utc(2026, 9, 26, 0), utc(2026, 9, 26, 14, 0)),
        # ...and falls back 03:45 -> 02:45 in April: 03:00 fires once, at +13:45.
        (At((t("03:00"),), ALL_DAYS), CHATHAM, utc(2026, 4, 4, 0), utc(2026, 4, 4, 13, 15)),
        (At((t("03:00"),), ALL_DAYS), CHATHAM, utc(2026, 4, 4, 13, 15), utc(2026, 4, 5, 14, 15)),
        # Kolkata has no DST: 09:00 IST is always 03:30 UTC.
        (At((t("09:00"),), ALL_DAYS), KOLKATA, utc(2026, 3, 29, 0), utc(2026, 3, 29, 3, 30)),
        (At((t("09:00"),), ALL_DAYS), KOLKATA, utc(2026, 10, 25, 4), utc(2026, 10, 26, 3, 30)),
        # Fixed offsets work too.
        (At((t("09:00"),), ALL_DAYS), FIXED, utc(2026, 1, 1, 0), utc(2026, 1, 1, 12, 30)),
        # Weekday filter: Friday after the slot -> Monday.
        (At((t("09:00"),), WEEKDAYS), BERLIN, utc(2026, 5, 15, 9), utc(2026, 5, 18, 7, 0)),
        (At((t("09:00"),), WEEKENDS), BERLIN, utc(2026, 5, 11, 9), utc(2026, 5, 16, 7, 0)),
        # A window crossing midnight belongs to the day it starts on: Friday 22:00-02:00 gives
        # Saturday 01:00, but Sunday's window is not there.
        (
            Every(60, t("22:00"), t("02:00"), frozenset({4})),
            UTC,
            utc(2026, 5, 16, 0, 30),
            utc(2026, 5, 16, 1, 0),
        ),
        (
            Every(60, t("22:00"), t("02:00"), frozenset({4})),
            UTC,
            utc(2026, 5, 16, 2, 0),
            utc(2026, 5, 22, 22, 0),
        ),
        # Strictly after now.
        (At((t("09:00"),), ALL_DAYS), UTC, utc(2026, 5, 1, 9), utc(2026, 5, 2, 9)),
        (At((t("09:00"), t("12:00")), ALL_DAYS), UTC, utc(2026, 5, 1, 9), utc(2026, 5, 1, 12)),
        # A window shorter than the interval has one slot.
        (
            Every(120, t("09:00"), t("10:00"), ALL_DAYS),
            UTC,
            utc(2026, 5, 1, 9),
            utc(2026, 5, 2, 9),
        ),
    ],
)
def test_next_occurrence_examples(
    rule: Rule, zone: tzinfo, now: datetime, expected: datetime
) -> None:
    result = next_occurrence(rule, zone, now)
    assert result == expected
    assert result is not None and result.utcoffset() == timedelta(0)


def run(
    rule: Rule,
    zone: tzinfo,
    now: datetime,
    count: int,
    **kwargs: object,
) -> list[datetime]:
    out = []
    for _ in range(count):
        found = next_occurrence(rule, zone, now, **kwargs)  # type: ignore[arg-type]
        if found is None:
            break
        out.append(found)
        now = found
    return out


def walls(instants: list[datetime], zone: tzinfo) -> list[str]:
    return [i.astimezone(zone).strftime("%m-%d %H:%M") for i in instants]


def test_every_30_minutes_across_berlin_spring_forward() -> None:
    rule = Every(30, t("00:00"), t("04:00"), ALL_DAYS)
    got = run(rule, BERLIN, utc(2026, 3, 28, 12), 7)
    # 02:00 and 02:30 do not exist: they collapse with 03:00 into one delivery.
    assert walls(got, BERLIN) == [
        "03-29 00:00", "03-29 00:30", "03-29 01:00", "03-29 01:30",
        "03-29 03:00", "03-29 03:30", "03-29 04:00",
    ]  # fmt: skip


def test_every_30_minutes_across_berlin_fall_back() -> None:
    rule = Every(30, t("00:00"), t("04:00"), ALL_DAYS)
    got = run(rule, BERLIN, utc(2026, 10, 24, 12), 9)
    assert [g.strftime("%H:%M") for g in got] == [
        "22:00", "22:30", "23:00", "23:30", "00:00", "00:30", "02:00", "02:30", "03:00",
    ]  # fmt: skip
    # 02:00 and 02:30 fire once, in summer time (the first occurrence).
    assert walls(got, BERLIN)[4:6] == ["10-25 02:00", "10-25 02:30"]
    assert got[4].astimezone(BERLIN).utcoffset() == timedelta(hours=2)


def test_quiet_hours_crossing_midnight() -> None:
    quiet = QuietHours(t("22:00"), t("07:00"))
    rule = Every(60, t("20:00"), t("08:00"), ALL_DAYS)
    got = run(rule, UTC, utc(2026, 5, 1, 19), 6, quiet=quiet)
    # 22:00 is quiet (start), 07:00 is allowed (end).
    assert [g.strftime("%d %H:%M") for g in got] == [
        "01 20:00", "01 21:00", "02 07:00", "02 08:00", "02 20:00", "02 21:00",
    ]  # fmt: skip


def test_quiet_hours_covering_every_slot_gives_none() -> None:
    quiet = QuietHours(t("12:00"), t("13:00"))
    rule = At((t("12:00"), t("12:30")), ALL_DAYS)
    assert next_occurrence(rule, BERLIN, utc(2026, 5, 1), quiet=quiet) is None


def test_slot_moved_out_of_a_gap_into_quiet_hours_is_dropped() -> None:
    # 02:30 is not quiet, but it would arrive at 03:00, which is.
    quiet = QuietHours(t("03:00"), t("06:00"))
    got = next_occurrence(DAILY_0230, BERLIN, utc(2026, 3, 28, 12), quiet=quiet)
    assert got == utc(2026, 3, 30, 0, 30)


def test_off_never_fires() -> None:
    assert next_occurrence(Off(), BERLIN, utc(2026, 5, 1)) is None


@pytest.mark.parametrize(
    ("paused_until", "expected"),
    [
        (utc(2026, 5, 1, 10, 1), utc(2026, 5, 1, 11)),
        (utc(2026, 5, 1, 11), utc(2026, 5, 1, 11)),  # a slot exactly at the end of a pause fires
        (utc(2026, 5, 1, 8), utc(2026, 5, 1, 10)),  # a pause already over changes nothing
        (utc(2026, 5, 3, 17, 30), utc(2026, 5, 4, 9)),
        (utc(2026, 6, 1, 0), utc(2026, 6, 1, 9)),  # far beyond now: searched from the pause
    ],
)
def test_pause(paused_until: datetime, expected: datetime) -> None:
    rule = Every(60, t("09:00"), t("17:00"), ALL_DAYS)
    now = utc(2026, 5, 1, 9, 30)
    assert next_occurrence(rule, UTC, now, paused_until=paused_until) == expected


def test_naive_datetimes_are_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        next_occurrence(DAILY_0230, BERLIN, datetime(2026, 5, 1))  # noqa: DTZ001
    with pytest.raises(ValueError, match="timezone-aware"):
        next_occurrence(DAILY_0230, BERLIN, utc(2026, 5, 1), paused_until=datetime(2026, 5, 2))  # noqa: DTZ001


@pytest.mark.parametrize(
    ("value", "quiet", "expected"),
    [
        ("22:00", QuietHours(t("22:00"), t("07:00")), True),
        ("23:59", QuietHours(t("22:00"), t("07:00")), True),
        ("00:00", QuietHours(t("22:00"), t("07:00")), True),
        ("06:59", QuietHours(t("22:00"), t("07:00")), True),
        ("07:00", QuietHours(t("22:00"), t("07:00")), False),
        ("21:59", QuietHours(t("22:00"), t("07:00")), False),
        ("12:00", QuietHours(t("12:00"), t("14:00")), True),
        ("14:00", QuietHours(t("12:00"), t("14:00")), False),
        ("11:59", QuietHours(t("12:00"), t("14:00")), False),
        ("03:00", None, False),
    ],
)
def test_slot_is_quiet(value: str, quiet: QuietHours | None, expected: bool) -> None:
    assert slot_is_quiet(t(value), quiet) is expected


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Every(4, t("09:00"), t("10:00"), ALL_DAYS), "minutes"),
        (lambda: Every(1441, t("09:00"), t("10:00"), ALL_DAYS), "minutes"),
        (lambda: Every(30, t("09:00"), t("09:00"), ALL_DAYS), "differ"),
        (lambda: Every(30, t("09:00"), t("10:00"), frozenset()), "at least one"),
        (lambda: Every(30, t("09:00"), t("10:00"), frozenset({7})), "0 \\(Monday\\)"),
        (lambda: Every(30, t("09:00:30"), t("10:00"), ALL_DAYS), "whole minute"),
        (lambda: At((), ALL_DAYS), "1..24"),
        (lambda: At((t("10:00"), t("09:00")), ALL_DAYS), "sorted"),
        (lambda: At((t("10:00"), t("10:00")), ALL_DAYS), "sorted"),
        (lambda: At(tuple(time(h) for h in range(24)) + (t("23:30"),), ALL_DAYS), "1..24"),
        (lambda: QuietHours(t("22:00"), t("22:00")), "differ"),
    ],
)
def test_invalid_values(make: Callable[[], object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        make()


def test_local_slots_on() -> None:
    monday = date(2026, 5, 11)
    assert local_slots_on(Every(45, t("09:00"), t("11:00"), WEEKDAYS), monday) == [
        t("09:00"), t("09:45"), t("10:30"),
    ]  # fmt: skip
    assert local_slots_on(Every(45, t("09:00"), t("11:00"), WEEKENDS), monday) == []
    assert local_slots_on(Every(120, t("23:00"), t("01:00"), ALL_DAYS), monday) == [
        t("23:00"), t("01:00"),
    ]  # fmt: skip
    assert local_slots_on(Off(), monday) == []
    assert HABITS == ("hydrate", "move", "posture", "stretch")


def test_next_window_start() -> None:
    rules: dict[str, Rule] = {
        "hydrate": Every(90, t("09:00"), t("18:00"), WEEKDAYS),
        "move": Every(45, t("08:30"), t("17:30"), WEEKDAYS),
        "posture": Off(),
        "stretch": At((t("12:30"),), ALL_DAYS),
    }
    # Friday 10:00 Berlin: Saturday has only the stretch.
    assert next_window_start(rules, BERLIN, utc(2026, 5, 15, 8)) == utc(2026, 5, 16, 10, 30)
    # Thursday: Friday's move window opens at 08:30.
    assert next_window_start(rules, BERLIN, utc(2026, 5, 14, 8)) == utc(2026, 5, 15, 6, 30)
    # Even just before midnight, tonight's slots do not count.
    late = {"move": Every(60, t("22:00"), t("23:59"), ALL_DAYS)}
    assert next_window_start(late, UTC, utc(2026, 5, 14, 21)) == utc(2026, 5, 15, 22)
    # ...but a window crossing midnight has slots on the next local day.
    cross = {"move": Every(60, t("22:00"), t("02:00"), ALL_DAYS)}
    assert next_window_start(cross, UTC, utc(2026, 5, 14, 21)) == utc(2026, 5, 15, 0)
    assert next_window_start({"move": Off()}, UTC, utc(2026, 5, 14, 21)) is None
    quiet = QuietHours(t("08:00"), t("09:00"))
    assert next_window_start(rules, BERLIN, utc(2026, 5, 14, 8), quiet) == utc(2026, 5, 15, 7)


@pytest.mark.parametrize(
    ("naive", "zone", "expected"),
    [
        (datetime(2026, 3, 29, 2, 0), BERLIN, utc(2026, 3, 29, 1, 0)),  # noqa: DTZ001
        (datetime(2026, 3, 29, 2, 59), BERLIN, utc(2026, 3, 29, 1, 0)),  # noqa: DTZ001
        (datetime(2026, 3, 29, 3, 0), BERLIN, utc(2026, 3, 29, 1, 0)),  # noqa: DTZ001
        (datetime(2026, 9, 27, 2, 45), CHATHAM, utc(2026, 9, 26, 14, 0)),  # noqa: DTZ001
        (datetime(2026, 10, 25, 2, 30), BERLIN, utc(2026, 10, 25, 0, 30)),  # noqa: DTZ001
        # Samoa skipped a whole day in 2011: the slot goes to the gap's end, the next midnight.
        (datetime(2011, 12, 30, 9, 0), ZoneInfo("Pacific/Apia"), utc(2011, 12, 30, 10, 0)),  # noqa: DTZ001
    ],
)
def test_resolve_wall_time(naive: datetime, zone: tzinfo, expected: datetime) -> None:
    assert resolve_wall_time(naive, zone) == expected


# --- properties --------------------------------------------------------------------------------


@cache
def transition_days(zone: tzinfo) -> tuple[datetime, ...]:
    """UTC midnights of the days on which the zone's offset changes, 2020-2030."""
    days = []
    day = utc(2020, 1, 1)
    previous = day.astimezone(zone).utcoffset()
    while day.year < 2031:
        day += timedelta(days=1)
        offset = day.astimezone(zone).utcoffset()
        if offset != previous:
            days.append(day - timedelta(days=1))
        previous = offset
    return tuple(days)


@st.composite
def zones_and_nows(draw: st.DrawFn) -> tuple[tzinfo, datetime]:
    zone = draw(st.sampled_from(ZONES))
    transitions = transition_days(zone)
    near_transition: bool = draw(st.booleans())
    if transitions and near_transition:
        base = draw(st.sampled_from(transitions))
        now = base + timedelta(seconds=draw(st.integers(-2 * 86400, 2 * 86400)))
    else:
        now = draw(
            st.datetimes(datetime(2000, 1, 1), datetime(2037, 12, 31), timezones=st.just(UTC))  # noqa: DTZ001
        )
    return zone, now


# Wall times near 00:00-04:00 are where the DST transitions are.
wall_times = st.one_of(
    st.builds(time, st.integers(0, 23), st.integers(0, 59)),
    st.builds(time, st.integers(0, 4), st.sampled_from([0, 15, 30, 45, 59])),
)
day_sets = st.one_of(
    st.sampled_from([ALL_DAYS, WEEKDAYS, WEEKENDS]),
    st.frozensets(st.integers(0, 6), min_size=1),
)


@st.composite
def everies(draw: st.DrawFn) -> Every:
    start = draw(wall_times)
    end = draw(wall_times.filter(lambda value: value != start))
    minutes = draw(st.one_of(st.sampled_from([5, 15, 30, 45, 60, 90, 1440]), st.integers(5, 1440)))
    return Every(minutes, start, end, draw(day_sets))


@st.composite
def ats(draw: st.DrawFn) -> At:
    times = draw(st.lists(wall_times, min_size=1, max_size=6, unique=True))
    return At(tuple(sorted(times)), draw(day_sets))


rules = st.one_of(everies(), ats())


@st.composite
def quiet_hours(draw: st.DrawFn) -> QuietHours | None:
    if draw(st.booleans()):
        return None
    start = draw(wall_times)
    end = draw(wall_times.filter(lambda value: value != start))
    return QuietHours(start, end)


def is_slot(rule: Rule, wall: datetime) -> bool:
    """Whether a naive local datetime is one of the rule's slots, computed independently."""
    if isinstance(rule, Off):
        return False
    if isinstance(rule, At):
        return wall.weekday() in rule.days and wall.time() in rule.times
    length = (rule.end.hour * 60 + rule.end.minute - rule.start.hour * 60 - rule.start.minute) % (
        24 * 60
    )
    for day in (wall.date(), wall.date() - timedelta(days=1)):
        if day.weekday() not in rule.days:
            continue
        delta = (wall - datetime.combine(day, rule.start)) // MINUTE
        if 0 <= delta <= length and delta % rule.minutes == 0:
            return True
    return False


def oracle(
    rule: Rule,
    zone: tzinfo,
    now: datetime,
    until: datetime,
    quiet: QuietHours | None,
    paused_until: datetime | None,
) -> list[datetime]:
    """Every delivery instant in (now, until], by scanning each UTC minute."""
    out = []
    instant = now.replace(second=0, microsecond=0) + MINUTE
    previous = (instant - MINUTE).astimezone(zone).replace(tzinfo=None)
    while instant <= until:
        local = instant.astimezone(zone)
        wall = local.replace(tzinfo=None)
        if local.fold == 0 and wall > previous:
            step = wall - previous
            # After a gap this instant stands for every wall time the clock jumped over.
            covered = (
                [wall]
                if step == MINUTE
                else [previous + MINUTE * k for k in range(1, step // MINUTE + 1)]
            )
            if (
                (paused_until is None or instant >= paused_until)
                and not slot_is_quiet(wall.time(), quiet)
                and any(is_slot(rule, w) and not slot_is_quiet(w.time(), quiet) for w in covered)
            ):
                out.append(instant)
        previous = max(previous, wall)
        instant += MINUTE
    return out


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    zone_now=zones_and_nows(),
    rule=rules,
    quiet=quiet_hours(),
    pause_hours=st.one_of(st.none(), st.integers(-5, 40)),
)
def test_iterating_matches_a_minute_by_minute_scan(
    zone_now: tuple[tzinfo, datetime],
    rule: Rule,
    quiet: QuietHours | None,
    pause_hours: int | None,
) -> None:
    zone, now = zone_now
    paused_until = None if pause_hours is None else now + timedelta(hours=pause_hours, seconds=7)
    until = now + timedelta(days=2)
    got = []
    cursor = now
    while True:
        found = next_occurrence(rule, zone, cursor, quiet=quiet, paused_until=paused_until)
        if found is None or found > until:
            break
        got.append(found)
        cursor = found

    # Strictly increasing, after now, not before the pause's end, in UTC.
    assert all(a < b for a, b in zip(got, got[1:], strict=False))
    assert all(g > now and g.utcoffset() == timedelta(0) for g in got)
    assert paused_until is None or all(g >= paused_until for g in got)
    local = [g.astimezone(zone) for g in got]
    # Never the same wall-clock slot twice, never inside quiet hours.
    assert len({w.replace(tzinfo=None) for w in local}) == len(local)
    assert not any(slot_is_quiet(w.time(), quiet) for w in local)
    # Every result is a real slot, or the end of a gap that swallowed one.
    for g, w in zip(got, local, strict=True):
        before = (g - MINUTE).astimezone(zone).replace(tzinfo=None)
        assert is_slot(rule, w.replace(tzinfo=None)) or (
            w.replace(tzinfo=None) - before > MINUTE
        ), (g, w)
    # No skipped day or slot: exactly what a brute-force scan finds.
    assert got == oracle(rule, zone, now, until, quiet, paused_until)


@settings(max_examples=80, deadline=None)
@given(zone_now=zones_and_nows(), rule=rules, quiet=quiet_hours())
def test_a_day_with_a_usable_slot_is_never_skipped(
    zone_now: tuple[tzinfo, datetime], rule: Rule, quiet: QuietHours | None
) -> None:
    zone, now = zone_now
    got = run(rule, zone, now, 150, quiet=quiet)
    if not got:
        return
    delivered = set(got)
    first_day = now.astimezone(zone).date() + timedelta(days=1)
    last_day = got[-1].astimezone(zone).date() - timedelta(days=2)
    day = first_day
    while day <= last_day:
        usable = [
            resolve_wall_time(slot, zone)
            for slot in wall_slots(rule, day)
            if not slot_is_quiet(slot.time(), quiet)
            and not slot_is_quiet(resolve_wall_time(slot, zone).astimezone(zone).time(), quiet)
        ]
        assert not usable or delivered & set(usable), day
        day += timedelta(days=1)
