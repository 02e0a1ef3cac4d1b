"""What a delivery-log row's status means: one enum for the store, the dispatcher and the docs.

The delivery log is the truth about every slot (and the basis of stats), so each status is
defined once here with its meaning; ``docs/architecture.md`` lists the same members, and a test
keeps the two in step.
"""

from __future__ import annotations

from enum import StrEnum


class DeliveryStatus(StrEnum):
    """The state of one slot (user, habit, due time) in the delivery log."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DONE = "done"
    SKIPPED = "skipped"
    SNOOZED = "snoozed"
    RESENT = "resent"
    MISSED = "missed"
    QUIET = "quiet"
    STALE = "stale"
    FAILED = "failed"
    BLOCKED = "blocked"
    SUPERSEDED = "superseded"

    @property
    def meaning(self) -> str:
        """One line that says what the status means (shown in the docs)."""
        return MEANINGS[self]


MEANINGS: dict[DeliveryStatus, str] = {
    DeliveryStatus.QUEUED: "claimed for its slot, not yet tried (after a crash: resent if fresh)",
    DeliveryStatus.SENDING: (
        "the HTTP call is under way; after a crash Telegram may or may not have it, so it is "
        "resent (at-least-once): the only way a crash can duplicate"
    ),
    DeliveryStatus.SENT: "Telegram accepted it; waiting for a button press",
    DeliveryStatus.DONE: "the user pressed Done",
    DeliveryStatus.SKIPPED: "the user pressed Skip",
    DeliveryStatus.SNOOZED: "the user pressed Snooze; a resend is due at `snooze_due`",
    DeliveryStatus.RESENT: "the snoozed nudge went out again (it comes back once)",
    DeliveryStatus.MISSED: "the bot was down past the catch-up window at the slot's time",
    DeliveryStatus.QUIET: "the slot came due after the user's quiet hours had begun",
    DeliveryStatus.STALE: "it waited in the send queue past the stale limit and was dropped",
    DeliveryStatus.FAILED: "Telegram refused it for good (for example 400); `error` says why",
    DeliveryStatus.BLOCKED: "the user had blocked the bot",
    DeliveryStatus.SUPERSEDED: (
        "a newer slot of the same habit was claimed before this one could be resent"
    ),
}

# Rows a crash can leave unconfirmed: resent at start-up while still fresh.
UNCONFIRMED = (DeliveryStatus.QUEUED, DeliveryStatus.SENDING)
# Rows that carry live Done/Snooze/Skip buttons.
ANSWERABLE = (DeliveryStatus.SENT, DeliveryStatus.RESENT)
# The statuses a button press records.
BUTTON_ACTIONS = (DeliveryStatus.DONE, DeliveryStatus.SNOOZED, DeliveryStatus.SKIPPED)
