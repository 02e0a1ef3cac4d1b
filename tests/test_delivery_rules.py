"""The delivery rules as pure functions: what a due slot becomes after downtime, in quiet hours,
around a pause and across DST days, and which button presses a nudge still takes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from reminder_bot.delivery_rules import (
    accepts_action,
    latest_slot_in_window,
    plan_due_slot,
    resend_is_quiet,
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


PLANS = [
    # (id, rule, zone, quiet, paused_until, slot, now, logged, send, next_due)
    (
        "on time",
        "every 45m from 09:00 to 17:30",
        BERLIN,
        None,
        None,
        berlin(2026, 11, 23, 9, 0),
        berlin(2026, 11, 23, 9, 0),
        (),
        berlin(2026, 11, 23, 9, 0),
        berlin(2026, 11, 23, 9, 45),
    ),
    (
        "down for minutes, inside the catch-up window: sent late, next after now",
        "every 45m from 09:00 to 17:30",
        BERLIN,
        None,
        None,
        berlin(2026, 11, 23, 9, 0),
        berlin(2026, 11, 23, 9, 29),
        (),
        berlin(2026, 11, 23, 9, 0),
        berlin(2026, 11, 23, 9, 45),
    ),
    (
        "down two hours: the old slot missed, only the latest slot in the window sent",
        "every 45m from 09:00 to 17:30",
        BERLIN,
        None,
        None,
        berlin(2026, 11, 23, 9, 0),
        berlin(2026, 11, 23, 11, 20),
        ((berlin(2026, 11, 23, 9, 0), MISSED),),
        berlin(2026, 11, 23, 11, 15),
        berlin(2026, 11, 23, 12, 0),
    ),
    (
        "down two hours with no slot in the window: missed, nothing sent",
        "at 09:00 daily",
        BERLIN,
        None,
        None,
        berlin(2026, 11, 23, 9, 0),
        berlin(2026, 11, 23, 11, 0),
        ((berlin(2026, 11, 23, 9, 0), MISSED),),
        None,
        berlin(2026, 11, 24, 9, 0),
    ),
    (
        "down three days: one missed row, today's slot sent, never a backlog",
        "at 09:00 daily",
        BERLIN,
        None,
        None,
        berlin(2026, 11, 23, 9, 0),
        berlin(2026, 11, 26, 9, 10),
        ((berlin(2026, 11, 23, 9, 0), MISSED),),
        berlin(2026, 11, 26, 9, 0),
        berlin(2026, 11, 27, 9, 0),
    ),
    (
        "quiet hours across midnight began after the slot was scheduled",
        "at 23:00 daily",
        BERLIN,
        "22:00-07:00",
        None,
        berlin(2026, 11, 23, 23, 0),
        berlin(2026, 11, 23, 23, 0),
        ((berlin(2026, 11, 23, 23, 0), QUIET),),
        None,
        None,
    ),
    (
        "quiet hours: the next slot is the first one after they end",
        "every 60m from 06:00 to 09:00",
        BERLIN,
        "22:00-07:00",
        None,
        berlin(2026, 11, 23, 8, 0),
        berlin(2026, 11, 23, 8, 0),
        (),
        berlin(2026, 11, 23, 8, 0),
        berlin(2026, 11, 23, 9, 0),
    ),
    (
        "late into quiet hours (a slot at 21:50, the bot back at 22:05): logged quiet",
        "at 21:50 daily",
        BERLIN,
        "22:00-07:00",
        None,
        berlin(2026, 11, 23, 21, 50),
        berlin(2026, 11, 23, 22, 5),
        ((berlin(2026, 11, 23, 21, 50), QUIET),),
        None,
        berlin(2026, 11, 24, 21, 50),
    ),
    (
        "down through a pause: missed, nothing from the pause is sent",
        "at 09:00 daily",
        BERLIN,
        None,
        berlin(2026, 11, 25, 12, 0),
        berlin(2026, 11, 23, 9, 0),
        berlin(2026, 11, 25, 12, 10),
        ((berlin(2026, 11, 23, 9, 0), MISSED),),
        None,
        berlin(2026, 11, 26, 9, 0),
    ),
    (
        "down until just after a pause ended: the slot at its end is sent",
        "every 30m from 09:00 to 17:00",
        BERLIN,
        None,
        berlin(2026, 11, 25, 12, 0),
        berlin(2026, 11, 23, 9, 0),
        berlin(2026, 11, 25, 12, 10),
        ((berlin(2026, 11, 23, 9, 0), MISSED),),
        berlin(2026, 11, 25, 12, 0),
        berlin(2026, 11, 25, 12, 30),
    ),
    (
        "spring forward: 02:30 does not exist and comes at 03:00; the next is 02:30 again",
        "at 02:30 daily",
        BERLIN,
        None,
        None,
        berlin(2027, 3, 28, 3, 0),
        berlin(2027, 3, 28, 3, 0),
        (),
        berlin(2027, 3, 28, 3, 0),
        berlin(2027, 3, 29, 2, 30),
    ),
    (
        "fall back: 02:30 exists twice and is sent once; the next is tomorrow's",
        "at 02:30 daily",
        BERLIN,
        None,
        None,
        berlin(2026, 10, 25, 2, 30),
        berlin(2026, 10, 25, 2, 30),
        (),
        berlin(2026, 10, 25, 2, 30),
        berlin(2026, 10, 26, 2, 30),
    ),
    (
        "fall back during downtime: the latest slot in the window, counted in real time",
        "every 60m from 00:00 to 05:00",
        BERLIN,
        None,
        None,
        berlin(2026, 10, 25, 0, 0),
        utc(2026, 10, 25, 2, 10),
        ((berlin(2026, 10, 25, 0, 0), MISSED),),
        utc(2026, 10, 25, 2, 0),
        utc(2026, 10, 25, 3, 0),
    ),
    (
        "southern hemisphere spring forward (Sydney, first Sunday of October)",
        "at 02:15 daily",
        SYDNEY,
        None,
        None,
        datetime(2026, 10, 4, 3, 0, tzinfo=SYDNEY).astimezone(UTC),
        datetime(2026, 10, 4, 3, 0, tzinfo=SYDNEY).astimezone(UTC),
        (),
        datetime(2026, 10, 4, 3, 0, tzinfo=SYDNEY).astimezone(UTC),
        datetime(2026, 10, 5, 2, 15, tzinfo=SYDNEY).astimezone(UTC),
    ),
]


@pytest.mark.parametrize(
    ("rule", "zone", "quiet", "paused", "slot", "now", "logged", "send", "next_due"),
    [case[1:] for case in PLANS],
    ids=[case[0] for case in PLANS],
)
def test_plan_due_slot(rule, zone, quiet, paused, slot, now, logged, send, next_due) -> None:
    plan = plan_due_slot(
        slot,
        parse_rule(rule),
        zone,
        quiet=parse_quiet(quiet) if quiet else None,
        paused_until=paused,
        now=now,
        catch_up=CATCH_UP,
    )
    assert plan.logged == logged
    assert plan.send == send
    assert plan.next_due == next_due
    assert plan.supersedes_queued == (send is not None)


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
