"""A nudge rendered once per (nudge, language) is the very message ``nudge_message`` makes for
each delivery: same text, same buttons, each button naming its own delivery."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from reminder_bot.content import load_content
from reminder_bot.nudge_message import nudge_message
from reminder_bot.nudge_payload import NudgePayloads
from reminder_bot.status import DeliveryStatus
from reminder_bot.store import Delivery

CONTENT = load_content()
SLOT = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def delivery(delivery_id: int, nudge_id: str | None, language: str, habit: str) -> Delivery:
    return Delivery(
        id=delivery_id,
        user_id=delivery_id,
        chat_id=delivery_id,
        habit=habit,
        slot=SLOT,
        nudge_id=nudge_id,
        status=DeliveryStatus.QUEUED,
        message_id=None,
        snooze_due=None,
        language=language,
    )


CASES = [
    (habit, nudge.id, language, snoozed)
    for habit in ("move", "hydrate")
    for nudge in CONTENT.nudges[habit][:2]
    for language in ("en", "es")
    for snoozed in (False, True)
] + [("stretch", None, "es", False), ("posture", "no-such-nudge", "en", True)]


@pytest.mark.parametrize(("habit", "nudge_id", "language", "snoozed"), CASES)
def test_each_delivery_gets_what_nudge_message_makes(
    habit: str, nudge_id: str | None, language: str, snoozed: bool
) -> None:
    payloads = NudgePayloads(CONTENT)
    for delivery_id in (7, 123456789):  # the second one from the cache
        one = delivery(delivery_id, nudge_id, language, habit)
        text, markup = nudge_message(CONTENT, one, snoozed=snoozed)
        assert payloads.message(one, snoozed=snoozed) == (text, markup.to_dict())


def test_a_burst_renders_each_nudge_once_per_language() -> None:
    payloads = NudgePayloads(CONTENT)
    nudges = [n.id for n in CONTENT.nudges["move"][:3]]
    for delivery_id in range(1, 601):
        language = "es" if delivery_id % 2 else "en"
        payloads.message(
            delivery(delivery_id, nudges[delivery_id % 3], language, "move"), snoozed=False
        )
    assert len(payloads._cache) == 6
