from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from reminder_bot import user_limits
from reminder_bot.user_limits import UserRateLimit, Verdict

T0 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def run(limit: UserRateLimit, seconds: list[float], user: int = 1) -> str:
    """The verdicts for one user's updates at these offsets, one letter each (A, W, D)."""
    letters = {Verdict.ALLOW: "A", Verdict.WARN: "W", Verdict.DROP: "D"}
    return "".join(letters[limit.check(user, T0 + timedelta(seconds=s))] for s in seconds)


@pytest.mark.parametrize(
    ("per_minute", "seconds", "verdicts"),
    [
        # Under the limit everything is handled.
        (3, [0, 10, 20], "AAA"),
        # A flood: three handled, one warning, then silence.
        (3, [0, 0.1, 0.2, 0.3, 0.4, 0.5], "AAAWDD"),
        # 60 /help in three seconds at the default limit: 20 answers and one warning.
        (20, [i * 0.05 for i in range(60)], "A" * 20 + "W" + "D" * 39),
        # The oldest leaves the window at 60 s: one more is handled, and the next warned again.
        (3, [0, 1, 2, 3, 60, 60.5], "AAAWAW"),
        # Silence lasts only until the window passes, however long the flood went on.
        (2, [0, 1, 2, 30, 59, 61, 62], "AAWDDAA"),
        # Exactly one window later counts as outside it.
        (1, [0, 60], "AA"),
        (1, [0, 59.999], "AW"),
    ],
)
def test_sliding_window(per_minute: int, seconds: list[float], verdicts: str) -> None:
    assert run(UserRateLimit(per_minute), seconds) == verdicts


def test_users_are_counted_apart() -> None:
    limit = UserRateLimit(2)
    assert run(limit, [0, 1, 2], user=1) == "AAW"
    assert run(limit, [2, 3], user=2) == "AA"
    assert run(limit, [3], user=1) == "D"


def test_idle_users_are_forgotten_past_the_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(user_limits, "MAX_TRACKED", 3)
    limit = UserRateLimit(1)
    for user in (1, 2, 3):
        limit.check(user, T0)
    assert limit.tracked() == 3
    # A fourth user within the window: nobody is idle yet, so nobody is forgotten.
    limit.check(4, T0 + timedelta(seconds=30))
    assert limit.tracked() == 4
    # After the window, a newcomer clears everyone idle (1, 2, 3 and 4 handled >= 60 s ago).
    limit.check(5, T0 + timedelta(seconds=91))
    assert limit.tracked() == 1


def test_a_limit_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        UserRateLimit(0)
