"""The delivery rules as pure functions: what a due slot becomes after downtime, in quiet hours,
around a pause and across DST days, and which button presses a nudge still takes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from reminder_bot.delivery_rules import (
    SNOOZE,
    SNOOZE_CHOICES,
    ResendBlock,
    accepts_action,
    latest_slot_in_window,
    plan_due_slot,
    resend_blocked,
    resend_is_quiet,
    restart_interval,
    stale_before,
)
from reminder_bot.parsing import parse_quiet, parse_rule
from reminder_bot.status import DeliveryStatus

BERLIN = ZoneInfo("Europe/Berlin")
SYDNEY = ZoneInfo("Australia/Sydney")
CATCH_UP = timedelta(minutes=30)
MISSED, QUIET = DeliveryStatus.MISSED, DeliveryStatus.QUIET


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def berlin(*args: int, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=BERLIN, fold=fold).astimezone(UTC)


def local(text: str | None, zone: ZoneInfo = BERLIN) -> datetime | None:
    """``"2026-11-23 09:00"`` in ``zone`` (the first of a repeated wall time), as UTC."""
    if text is None:
        return None
    return datetime.fromisoformat(text).replace(tzinfo=zone).astimezone(UTC)


@dataclass(frozen=True)
class Case:
    """A due ``slot`` looked at ``now``: what is logged, what is sent, what is due next."""

    rule: str
    slot: str
    now: str
    send: str | None
    next_due: str | None
    logged: tuple[tuple[str, DeliveryStatus], ...] = ()
    quiet: str | None = None
    paused_until: str | None = None
    zone: ZoneInfo = BERLIN


EVERY_45 = "every 45m from 09:00 to 17:30"
DAY = "2026-11-23"  # a Monday in winter (UTC+1)
PLANS = {
    "on time": Case(EVERY_45, f"{DAY} 09:00", f"{DAY} 09:00", f"{DAY} 09:00", f"{DAY} 09:45"),
    "down minutes, inside the catch-up window: sent late, next after now": Case(
        EVERY_45, f"{DAY} 09:00", f"{DAY} 09:29", f"{DAY} 09:00", f"{DAY} 09:45"
    ),
    "down two hours: the old slot missed, only the latest in the window sent": Case(
        EVERY_45,
        slot=f"{DAY} 09:00",
        now=f"{DAY} 11:20",
        logged=((f"{DAY} 09:00", MISSED),),
        send=f"{DAY} 11:15",
        next_due=f"{DAY} 12:00",
    ),
    "down two hours with no slot in the window: missed, nothing sent": Case(
        "at 09:00 daily",
        slot=f"{DAY} 09:00",
        now=f"{DAY} 11:00",
        logged=((f"{DAY} 09:00", MISSED),),
        send=None,
        next_due="2026-11-24 09:00",
    ),
    "down three days: one missed row, today's slot sent, never a backlog": Case(
        "at 09:00 daily",
        f"{DAY} 09:00",
        "2026-11-26 09:10",
        "2026-11-26 09:00",
        "2026-11-27 09:00",
        logged=((f"{DAY} 09:00", MISSED),),
    ),
    "quiet hours across midnight began after the slot was scheduled": Case(
        "at 23:00 daily",
        f"{DAY} 23:00",
        f"{DAY} 23:00",
        send=None,
        next_due=None,
        logged=((f"{DAY} 23:00", QUIET),),
        quiet="22:00-07:00",
    ),
    "the next slot is the first one after quiet hours end": Case(
        "every 60m from 06:00 to 09:00",
        f"{DAY} 08:00",
        f"{DAY} 08:00",
        f"{DAY} 08:00",
        f"{DAY} 09:00",
        quiet="22:00-07:00",
    ),
    "late into quiet hours (slot 21:50, back at 22:05): logged quiet": Case(
        "at 21:50 daily",
        f"{DAY} 21:50",
        f"{DAY} 22:05",
        None,
        "2026-11-24 21:50",
        logged=((f"{DAY} 21:50", QUIET),),
        quiet="22:00-07:00",
    ),
    "down through a pause: missed, nothing from the pause is sent": Case(
        "at 09:00 daily",
        f"{DAY} 09:00",
        "2026-11-25 12:10",
        None,
        "2026-11-26 09:00",
        logged=((f"{DAY} 09:00", MISSED),),
        paused_until="2026-11-25 12:00",
    ),
    "down until just after a pause ended: the slot at its end is sent": Case(
        "every 30m from 09:00 to 17:00",
        f"{DAY} 09:00",
        "2026-11-25 12:10",
        "2026-11-25 12:00",
        "2026-11-25 12:30",
        logged=((f"{DAY} 09:00", MISSED),),
        paused_until="2026-11-25 12:00",
    ),
    "spring forward: 02:30 does not exist and comes at 03:00; next day 02:30": Case(
        "at 02:30 daily", "2027-03-28 03:00", "2027-03-28 03:00", "2027-03-28 03:00",
        "2027-03-29 02:30",
    ),
    "fall back: 02:30 exists twice and is sent once; the next is tomorrow's": Case(
        "at 02:30 daily", "2026-10-25 02:30", "2026-10-25 02:30", "2026-10-25 02:30",
        "2026-10-26 02:30",
    ),
    "southern spring forward (Sydney): 02:15 comes at 03:00": Case(
        "at 02:15 daily", "2026-10-04 03:00", "2026-10-04 03:00", "2026-10-04 03:00",
        "2026-10-05 02:15", zone=SYDNEY,
    ),
}  # fmt: skip


@pytest.mark.parametrize("case", PLANS.values(), ids=PLANS.keys())
def test_plan_due_slot(case: Case) -> None:
    slot, now = local(case.slot, case.zone), local(case.now, case.zone)
    assert slot is not None and now is not None
    plan = plan_due_slot(
        slot,
        parse_rule(case.rule),
        case.zone,
        quiet=parse_quiet(case.quiet) if case.quiet else None,
        paused_until=local(case.paused_until, case.zone),
        now=now,
        catch_up=CATCH_UP,
    )
    assert plan.logged == tuple((local(when, case.zone), status) for when, status in case.logged)
    assert plan.send == local(case.send, case.zone)
    assert plan.next_due == local(case.next_due, case.zone)
    assert plan.supersedes_queued == (case.send is not None)


def test_fall_back_during_downtime_counts_real_time() -> None:
    """Every hour from 00:00 on the fall-back day, the bot back at 02:10 UTC (03:10 CET): the
    latest slot in the window is 03:00 CET, one real hour after 02:00 CEST."""
    plan = plan_due_slot(
        berlin(2026, 10, 25, 0, 0),
        parse_rule("every 60m from 00:00 to 05:00"),
        BERLIN,
        quiet=None,
        paused_until=None,
        now=utc(2026, 10, 25, 2, 10),
        catch_up=CATCH_UP,
    )
    assert plan.logged == ((berlin(2026, 10, 25, 0, 0), MISSED),)
    assert plan.send == utc(2026, 10, 25, 2, 0)
    assert plan.next_due == utc(2026, 10, 25, 3, 0)


def test_latest_slot_in_window_includes_its_end_and_excludes_its_start() -> None:
    rule = parse_rule("every 30m from 09:00 to 12:00")
    start, end = berlin(2026, 11, 23, 9, 30), berlin(2026, 11, 23, 10, 30)
    found = latest_slot_in_window(rule, BERLIN, start, end, quiet=None, paused_until=None)
    assert found == end
    assert latest_slot_in_window(rule, BERLIN, start, start, quiet=None, paused_until=None) is None


def test_stale_before_is_the_stale_limit_back_from_now() -> None:
    assert stale_before(utc(2026, 11, 23, 9, 30), timedelta(minutes=30)) == utc(2026, 11, 23, 9)


@pytest.mark.parametrize(
    ("local", "quiet", "expected"),
    [
        (time(23, 0), "22:00-07:00", True),
        (time(6, 59), "22:00-07:00", True),
        (time(7, 0), "22:00-07:00", False),
        (time(12, 0), "13:00-14:00", False),
        (time(13, 30), "13:00-14:00", True),
        (time(23, 0), None, False),
    ],
)
def test_resend_is_quiet(local: time, quiet: str | None, expected: bool) -> None:
    now = datetime.combine(date(2026, 11, 23), local, tzinfo=BERLIN).astimezone(UTC)
    assert resend_is_quiet(now, BERLIN, parse_quiet(quiet) if quiet else None) is expected


S = DeliveryStatus


@pytest.mark.parametrize(
    ("status", "action", "accepted"),
    [
        (S.SENT, S.DONE, True),
        (S.SENT, S.SNOOZED, True),
        (S.SENT, S.SKIPPED, True),
        (S.RESENT, S.DONE, True),
        (S.RESENT, S.SKIPPED, True),
        (S.RESENT, S.SNOOZED, False),  # a nudge comes back once
        (S.DONE, S.DONE, False),
        (S.SNOOZED, S.SKIPPED, False),
        (S.QUEUED, S.DONE, False),
        (S.SENDING, S.DONE, False),
        (S.STALE, S.DONE, False),
        (S.SUPERSEDED, S.SKIPPED, False),
    ],
)
def test_accepts_action(status: DeliveryStatus, action: DeliveryStatus, accepted: bool) -> None:
    assert accepts_action(status, action) is accepted


# ----- snooze lengths and the adaptive move timer ------------------------------------------------


@pytest.mark.parametrize(
    ("at", "quiet", "paused_until", "expected"),
    [
        # (when the snoozed nudge would come back, quiet hours, pause end, why it may not)
        (utc(2026, 11, 23, 19, 0), "21:30-07:30", None, None),  # 20:00 Berlin
        (utc(2026, 11, 23, 20, 30), "21:30-07:30", None, ResendBlock.QUIET),  # 21:30: quiet
        (utc(2026, 11, 23, 20, 29), "21:30-07:30", None, None),  # a minute before
        (utc(2026, 11, 24, 6, 30), "21:30-07:30", None, None),  # 07:30: quiet has ended
        (utc(2026, 11, 23, 12, 0), None, utc(2026, 11, 23, 13, 0), ResendBlock.PAUSED),
        (utc(2026, 11, 23, 13, 0), None, utc(2026, 11, 23, 13, 0), None),  # the pause's end
        (utc(2026, 11, 23, 20, 30), "21:30-07:30", utc(2026, 11, 24), ResendBlock.PAUSED),
    ],
)
def test_a_snooze_never_comes_back_in_quiet_hours_or_a_pause(
    at: datetime, quiet: str | None, paused_until: datetime | None, expected: object
) -> None:
    quiet_hours = parse_quiet(quiet) if quiet else None
    assert resend_blocked(at, BERLIN, quiet_hours, paused_until) == expected


def test_snooze_choices_start_with_the_old_ten_minutes() -> None:
    assert SNOOZE == SNOOZE_CHOICES[0] == timedelta(minutes=10)
    assert SNOOZE_CHOICES == tuple(sorted(SNOOZE_CHOICES))


MOVE = "every 45m from 09:00 to 17:30 on weekdays"


@pytest.mark.parametrize(
    ("rule", "pressed", "quiet", "paused_until", "expected"),
    [
        # (move's rule, Done pressed at (UTC; Berlin is +1), quiet, pause end, next move nudge)
        (MOVE, utc(2026, 11, 23, 8, 7), None, None, utc(2026, 11, 23, 8, 52)),  # 09:52 local
        (MOVE, utc(2026, 11, 23, 15, 44), None, None, utc(2026, 11, 23, 16, 29)),  # 17:29
        # Past the window's end (18:15): the first slot of the next weekday, on the grid.
        (MOVE, utc(2026, 11, 23, 16, 30), None, None, utc(2026, 11, 24, 8, 0)),
        # Friday evening: Monday's first slot (weekdays only).
        (MOVE, utc(2026, 11, 27, 16, 30), None, None, utc(2026, 11, 30, 8, 0)),
        # Into quiet hours (13:15 local, quiet 13:00-14:00): the grid's next slot after, 14:15.
        (MOVE, utc(2026, 11, 23, 11, 30), "13:00-14:00", None, utc(2026, 11, 23, 13, 15)),
        # Into a pause (to 11:00 local): the grid's first slot after its end, 11:15.
        (MOVE, utc(2026, 11, 23, 8, 0), None, utc(2026, 11, 23, 10, 0), utc(2026, 11, 23, 10, 15)),
        # A window crossing midnight, on the day it started.
        (
            "every 1h from 22:00 to 02:00",
            utc(2026, 11, 23, 22, 30),
            None,
            None,
            utc(2026, 11, 23, 23, 30),
        ),
        # Fixed times keep their times.
        ("at 10:00,15:00 daily", utc(2026, 11, 23, 8, 0), None, None, None),
        ("off", utc(2026, 11, 23, 8, 0), None, None, None),
    ],
)
def test_done_restarts_the_interval_from_the_press(
    rule: str,
    pressed: datetime,
    quiet: str | None,
    paused_until: datetime | None,
    expected: datetime | None,
) -> None:
    quiet_hours = parse_quiet(quiet) if quiet else None
    got = restart_interval(
        parse_rule(rule), BERLIN, pressed, quiet=quiet_hours, paused_until=paused_until
    )
    assert got == expected
