"""The rules of delivery as pure functions of values, ``now`` passed in: what becomes of a due
slot after downtime or in quiet hours, when a queued nudge is stale, whether a snoozed nudge may
come back, and which button presses a nudge still accepts. The store runs the SQL these
decisions call for and nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from enum import StrEnum

from reminder_bot.schedule import Every, QuietHours, Rule, next_occurrence, slot_is_quiet
from reminder_bot.status import ANSWERABLE, UNCONFIRMED, DeliveryStatus


@dataclass(frozen=True)
class SlotPlan:
    """What to do with a habit's due slot: which slots to log without sending (and as what),
    which slot to send, if any, and the habit's next due time."""

    logged: tuple[tuple[datetime, DeliveryStatus], ...]
    send: datetime | None
    next_due: datetime | None

    @property
    def supersedes_queued(self) -> bool:
        """A slot sent now makes any older ``queued`` row of the habit ``superseded``: only the
        newest slot is worth resending after a crash."""
        return self.send is not None


def plan_due_slot(
    slot: datetime,
    rule: Rule,
    zone: tzinfo,
    *,
    quiet: QuietHours | None,
    paused_until: datetime | None,
    now: datetime,
    catch_up: timedelta,
) -> SlotPlan:
    """Decide send / missed / quiet for a slot that is due (``slot <= now``).

    A slot older than the catch-up window was missed (the bot was down): it is logged as such
    and, of all the slots since, at most the latest one inside the window is sent, so downtime
    never turns into a flood. A slot that comes due after quiet hours have begun (quiet hours
    changed after it was scheduled) is logged as quiet.
    """
    logged: list[tuple[datetime, DeliveryStatus]] = []
    if now - slot > catch_up:
        logged.append((slot, DeliveryStatus.MISSED))
        slot = (
            latest_slot_in_window(
                rule, zone, now - catch_up, now, quiet=quiet, paused_until=paused_until
            )
            or slot
        )
    send = None
    if now - slot <= catch_up:
        if slot_is_quiet(now.astimezone(zone).time(), quiet):
            logged.append((slot, DeliveryStatus.QUIET))
        else:
            send = slot
    following = next_occurrence(rule, zone, max(now, slot), quiet=quiet, paused_until=paused_until)
    return SlotPlan(tuple(logged), send, following)


def latest_slot_in_window(
    rule: Rule,
    zone: tzinfo,
    start: datetime,
    end: datetime,
    *,
    quiet: QuietHours | None,
    paused_until: datetime | None,
) -> datetime | None:
    """The last slot after ``start`` and at or before ``end``; None when there is none."""
    latest = None
    candidate = next_occurrence(rule, zone, start, quiet=quiet, paused_until=paused_until)
    while candidate is not None and candidate <= end:
        latest = candidate
        candidate = next_occurrence(rule, zone, candidate, quiet=quiet, paused_until=paused_until)
    return latest


def stale_before(now: datetime, stale: timedelta) -> datetime:
    """Unconfirmed nudges for slots before this instant are too old to send."""
    return now - stale


def resend_is_quiet(now: datetime, zone: tzinfo, quiet: QuietHours | None) -> bool:
    """A snoozed nudge that comes due inside quiet hours is dropped, not delivered."""
    return slot_is_quiet(now.astimezone(zone).time(), quiet)


def accepts_action(status: DeliveryStatus, action: DeliveryStatus) -> bool:
    """Whether a nudge in ``status`` still takes the button press ``action``.

    Only a nudge on screen with live buttons takes one; a resent nudge can't be snoozed again,
    since a nudge comes back once and a second snooze would turn it into nagging.
    """
    if status not in ANSWERABLE:
        return False
    return not (action == DeliveryStatus.SNOOZED and status == DeliveryStatus.RESENT)


# How long Snooze can put a nudge off (one button each); it comes back once. A Snooze button
# sent before there was a choice meant the first.
SNOOZE_CHOICES = (timedelta(minutes=10), timedelta(minutes=30), timedelta(hours=1))
SNOOZE = SNOOZE_CHOICES[0]


class ResendBlock(StrEnum):
    """Why a snoozed nudge may not come back at some instant."""

    QUIET = "quiet"
    PAUSED = "paused"


def resend_blocked(
    at: datetime, zone: tzinfo, quiet: QuietHours | None, paused_until: datetime | None
) -> ResendBlock | None:
    """Whether a snoozed nudge coming back at ``at`` would break the user's silence: inside
    quiet hours or a pause. Judged when Snooze is pressed (the press is refused, so the user
    can pick a shorter one or Skip) and again when it comes due (quiet hours or a pause set
    since then drop it)."""
    if paused_until is not None and at < paused_until:
        return ResendBlock.PAUSED
    if slot_is_quiet(at.astimezone(zone).time(), quiet):
        return ResendBlock.QUIET
    return None


# The habit whose interval Done restarts when the user's preset says ``adaptive_move``.
ADAPTIVE_HABIT = "move"


def in_window(rule: Every, local: datetime) -> bool:
    """Whether a naive local wall time lies inside one of the rule's daily windows (on one of
    its days; a window crossing midnight belongs to the day it starts on)."""
    for day in (local.date(), local.date() - timedelta(days=1)):
        if day.weekday() in rule.days and _minutes_into(rule, day, local) <= rule.window_minutes:
            return True
    return False


def _minutes_into(rule: Every, day: date, local: datetime) -> float:
    offset = (local - datetime.combine(day, rule.start)) / timedelta(minutes=1)
    return offset if offset >= 0 else float("inf")


def restart_interval(
    rule: Rule,
    zone: tzinfo,
    pressed: datetime,
    *,
    quiet: QuietHours | None,
    paused_until: datetime | None,
) -> datetime | None:
    """The adaptive timer: after Done, the next nudge one interval after the press, as break
    apps restart their timer after a break. When that instant is outside the rule's window or
    days, in quiet hours or a pause, the rule's own next slot after it. None for rules that
    are not ``every`` (fixed times keep their times) or have no slot ahead."""
    if not isinstance(rule, Every):
        return None
    candidate = pressed + timedelta(minutes=rule.minutes)
    local = candidate.astimezone(zone).replace(tzinfo=None)
    if in_window(rule, local) and resend_blocked(candidate, zone, quiet, paused_until) is None:
        return candidate
    return next_occurrence(rule, zone, candidate, quiet=quiet, paused_until=paused_until)


def retained_since(now: datetime, retention: timedelta) -> datetime:
    """Delivery-log rows for slots from this instant on are kept as rows; older ones roll up."""
    return now - retention


def rolls_up(
    slot: datetime,
    status: DeliveryStatus,
    snooze_due: datetime | None,
    *,
    now: datetime,
    retention: timedelta,
) -> bool:
    """Whether a delivery-log row may be counted into the daily totals and deleted: its slot is
    past the retention period and nothing will change it any more.

    A ``queued`` or ``sending`` row still waits for the start-up check that resends or marks it
    ``stale``, and a snooze with its ``snooze_due`` set still has a resend to come; both stay
    until they settle. A ``sent`` nudge past retention counts as unanswered: the log no longer
    holds it, so a press that late is refused.
    """
    if slot >= retained_since(now, retention):
        return False
    return status not in UNCONFIRMED and snooze_due is None
