from __future__ import annotations

import pytest
from telegram.error import BadRequest, Forbidden, NetworkError

from reminder_bot.handlers.common import nothing_went_wrong


@pytest.mark.parametrize(
    ("error", "harmless"),
    [
        (Forbidden("Forbidden: bot was blocked by the user"), True),
        (BadRequest("Message is not modified: specified new message content ..."), True),
        (BadRequest("Message to edit not found"), True),
        (BadRequest("Message can't be edited"), True),
        (BadRequest("Chat not found"), False),
        (BadRequest("Can't parse entities: unsupported start tag"), False),
        (NetworkError("connection reset"), False),
        (ValueError("a bug of ours"), False),
        (None, False),
    ],
)
def test_which_refusals_are_no_failure_of_ours(error: object, harmless: bool) -> None:
    assert nothing_went_wrong(error) is harmless
