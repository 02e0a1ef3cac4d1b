"""The sender's scheduling rules, driven with a recording callback in place of the HTTP call
(the boundary PTB hands to a rate limiter); the emulator tests cover the same over real HTTP."""

from __future__ import annotations

import asyncio
import random
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from reminder_bot.clock import ManualClock
from reminder_bot.pacing import backoff
from reminder_bot.sender import (
    MAX_HOLD_IN_FLIGHT,
    NUDGE,
    REPLY,
    Sender,
    SendOptions,
    StaleError,
    max_nudge_slots,
)


class Recorder:
    """Stands in for PTB's request callback; fails on demand."""

    def __init__(self, failures: dict[int, list[Exception]] | None = None) -> None:
        self.calls: list[tuple[float, Any, str]] = []
        self.failures = failures or {}

    def callback(self, chat_id: Any, label: str):
        async def call() -> dict[str, Any]:
            self.calls.append((time.monotonic(), chat_id, label))
            pending = self.failures.get(chat_id)
            if pending:
                raise pending.pop(0)
            return {"ok": True}

        return call


async def send(
    sender: Sender,
    recorder: Recorder,
    chat_id: Any,
    label: str,
    options: SendOptions | None = None,
    endpoint: str = "sendMessage",
) -> Any:
    return await sender.process_request(
        recorder.callback(chat_id, label), (), {}, endpoint, {"chat_id": chat_id}, options
    )


@pytest.fixture
async def sender():
    instance = Sender(global_rate=200, chat_rate=20, rng=random.Random(1))
    await instance.initialize()
    yield instance
    await instance.shutdown()


async def test_per_chat_spacing(sender: Sender) -> None:
    recorder = Recorder()
    await asyncio.gather(*(send(sender, recorder, 7, f"m{i}") for i in range(5)))
    times = [t for t, _, _ in recorder.calls]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert len(gaps) == 4
    assert min(gaps) >= 0.05 * 0.95  # 20 messages/s per chat


async def test_global_rate_is_kept_across_chats() -> None:
    """The cap holds in every one-second window (pacing.WindowPace): 30 messages at 20/s,
    never 21 within a second."""
    sender = Sender(global_rate=20, chat_rate=100)
    recorder = Recorder()
    await asyncio.gather(*(send(sender, recorder, chat, "x") for chat in range(1, 31)))
    times = [t for t, _, _ in recorder.calls]
    assert all(later - first >= 0.999 for first, later in zip(times, times[20:], strict=False))
    assert len({chat for _, chat, _ in recorder.calls}) == 30
    await sender.shutdown()


async def test_a_mark_that_waits_does_not_crowd_a_second() -> None:
    """Calls whose delivery-log mark takes a varying time still start at most 20 in any
    second: the window applies to the instants requests start, not only to the grants."""
    sender = Sender(global_rate=20, chat_rate=100)
    recorder = Recorder()
    rng = random.Random(5)

    async def slow_mark() -> None:
        await asyncio.sleep(rng.uniform(0, 0.3))

    await asyncio.gather(
        *(
            send(sender, recorder, chat, "x", SendOptions(before_attempt=slow_mark))
            for chat in range(1, 31)
        )
    )
    times = sorted(t for t, _, _ in recorder.calls)
    assert all(later - first >= 0.999 for first, later in zip(times, times[20:], strict=False))
    await sender.shutdown()


async def test_replies_overtake_queued_nudges() -> None:
    sender = Sender(global_rate=20, chat_rate=100)
    await sender.initialize()
    recorder = Recorder()
    nudges = [
        asyncio.create_task(
            send(sender, recorder, chat, f"nudge{chat}", SendOptions(priority=NUDGE, due=chat))
        )
        for chat in range(100, 120)
    ]
    await asyncio.sleep(0.06)  # a couple of nudges are out at the pace; the rest wait
    await send(sender, recorder, 1, "reply", SendOptions(priority=REPLY))
    position = [label for _, _, label in recorder.calls].index("reply")
    assert position <= 3
    await asyncio.gather(*nudges)
    await sender.shutdown()


async def test_nudges_go_out_in_due_order() -> None:
    sender = Sender(global_rate=50, chat_rate=100)
    await sender.initialize()
    recorder = Recorder()
    dues = [5, 3, 9, 1, 7, 2, 8, 4, 6, 0]
    # Hold the gate with one call so every nudge is queued before the first is granted.
    blocker = asyncio.create_task(send(sender, recorder, 999, "first"))
    tasks = [
        asyncio.create_task(
            send(sender, recorder, 200 + due, str(due), SendOptions(priority=NUDGE, due=due))
        )
        for due in dues
    ]
    await asyncio.gather(blocker, *tasks)
    order = [label for _, _, label in recorder.calls][1:]
    assert order == [str(d) for d in sorted(dues)]
    await sender.shutdown()


async def test_one_busy_chat_does_not_starve_others() -> None:
    sender = Sender(global_rate=100, chat_rate=10)
    await sender.initialize()
    recorder = Recorder()
    busy = [
        send(sender, recorder, 1, f"busy{i}", SendOptions(priority=NUDGE, due=0))
        for i in range(10)
    ]
    others = [
        send(sender, recorder, chat, "other", SendOptions(priority=NUDGE, due=1))
        for chat in range(2, 12)
    ]
    await asyncio.gather(*busy, *others)
    labels = [label for _, _, label in recorder.calls]
    # Every other chat is served while the busy chat waits out its own per-chat interval:
    # the first twelve sends hold all ten other chats and at most two of the busy chat's.
    assert labels[:12].count("other") == 10
    await sender.shutdown()


async def test_retry_after_holds_only_that_chat(sender: Sender) -> None:
    recorder = Recorder({5: [RetryAfter(1)]})
    started = time.monotonic()
    first, second = await asyncio.gather(
        send(sender, recorder, 5, "limited"), send(sender, recorder, 6, "free")
    )
    assert first == second == {"ok": True}
    times = {label: t - started for t, _, label in recorder.calls}
    limited_times = [t - started for t, chat, _ in recorder.calls if chat == 5]
    assert len(limited_times) == 2
    assert limited_times[1] >= 0.95  # waited retry_after before the retry
    assert times["free"] < 0.5  # the other chat did not wait


async def test_network_errors_are_retried_with_backoff(sender: Sender) -> None:
    recorder = Recorder({8: [NetworkError("Bad Gateway"), TimedOut()]})
    options = SendOptions()
    assert await send(sender, recorder, 8, "x", options) == {"ok": True}
    assert len(recorder.calls) == 3
    assert len(options.errors) == 2
    assert "TimedOut" in options.errors[1]


async def test_network_errors_give_up_after_max_attempts(sender: Sender) -> None:
    recorder = Recorder({9: [NetworkError("x"), NetworkError("y"), NetworkError("z")]})
    with pytest.raises(NetworkError):
        await send(sender, recorder, 9, "x", SendOptions(max_attempts=2))
    assert len(recorder.calls) == 2


@pytest.mark.parametrize(
    "error", [BadRequest("Chat not found"), Forbidden("Forbidden: bot was blocked by the user")]
)
async def test_permanent_errors_are_not_retried(sender: Sender, error: Exception) -> None:
    recorder = Recorder({10: [error]})
    with pytest.raises(type(error)):
        await send(sender, recorder, 10, "x")
    assert len(recorder.calls) == 1


async def test_stale_nudge_is_not_sent() -> None:
    clock = ManualClock(datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    sender = Sender(global_rate=100, chat_rate=100, clock=clock)
    await sender.initialize()
    recorder = Recorder()
    options = SendOptions(priority=NUDGE, deadline=clock.now() - timedelta(seconds=1))
    with pytest.raises(StaleError):
        await send(sender, recorder, 11, "late", options)
    assert recorder.calls == []
    await sender.shutdown()


async def test_calls_outside_the_limits_pass_straight_through(sender: Sender) -> None:
    recorder = Recorder()
    await asyncio.gather(
        *(send(sender, recorder, 12, "cb", endpoint="answerCallbackQuery") for _ in range(10))
    )
    times = [t for t, _, _ in recorder.calls]
    assert max(times) - min(times) < 0.05


@pytest.mark.parametrize("attempt", [1, 2, 5, 10, 30])
def test_backoff_is_capped_and_jittered(attempt: int) -> None:
    rng = random.Random(attempt)
    values = [backoff(attempt, base=0.5, cap=30, rng=rng) for _ in range(200)]
    assert all(0 <= v <= min(30, 0.5 * 2 ** (attempt - 1)) for v in values)
    assert len(set(values)) > 150


@pytest.mark.parametrize(("latency", "rate", "most"), [(0.002, 100, 1), (0.045, 40, 4)])
async def test_nudges_in_flight_are_as_few_as_the_pace_needs(
    latency: float, rate: float, most: int
) -> None:
    """Each nudge in flight is a possible duplicate after a crash: only as many overlap as the
    round-trip time and the global rate require."""
    sender = Sender(global_rate=rate, chat_rate=100)
    sender._trips.shortest = latency  # as if measured: the estimate starts at 100 ms
    active = peak = 0

    def slow(chat_id: int):
        async def call() -> dict[str, Any]:
            nonlocal active, peak
            active += 1
            peak = max(peak, active)
            await asyncio.sleep(latency)
            active -= 1
            return {"ok": True}

        return call

    started = time.monotonic()
    await asyncio.gather(
        *(
            sender.process_request(
                slow(chat),
                (),
                {},
                "sendMessage",
                {"chat_id": chat},
                SendOptions(priority=NUDGE, due=chat),
            )
            for chat in range(1, 41)
        )
    )
    elapsed = time.monotonic() - started
    assert peak <= most
    assert sender.nudge_slots() <= most
    # The pace is still kept: 40 nudges take about 40 / rate seconds, not 40 x latency.
    assert elapsed < 40 / rate * 1.5 + latency
    await sender.shutdown()


@pytest.mark.parametrize(("rate", "ceiling"), [(30, 30), (100, 100), (0.5, 1), (2.5, 3)])
def test_nudge_slots_never_pass_one_second_of_the_pace(rate: float, ceiling: int) -> None:
    """However slow the measured hold time (a mark stuck behind the writer, a request that
    used its full HTTP timeout), at most one second of the pace is in flight."""
    assert MAX_HOLD_IN_FLIGHT == 1.0
    assert max_nudge_slots(rate) == ceiling
    sender = Sender(global_rate=rate)
    assert sender.max_nudge_slots == ceiling
    for latency in (0.0, 0.1, 0.5, 10.0, 30.0, 3600.0):
        sender._trips.shortest = latency
        assert 1 <= sender.nudge_slots() <= ceiling
    assert sender.nudge_slots() == ceiling  # the last, absurd latency hits the ceiling


async def test_slow_sends_stop_at_the_ceiling() -> None:
    """With every send hanging, the sender grants nudges at its pace until the ceiling, then
    stops: a kill at that moment can repeat at most ``max_nudge_slots`` nudges."""
    rate = 20
    ceiling = max_nudge_slots(rate)
    sender = Sender(global_rate=rate, chat_rate=100)
    sender._trips.shortest = 10.0  # as if measured: the formula alone would allow 400
    release, full = asyncio.Event(), asyncio.Event()
    active = peak = 0

    def hanging(chat_id: int):
        async def call() -> dict[str, Any]:
            nonlocal active, peak
            active += 1
            peak = max(peak, active)
            if active >= ceiling:
                full.set()
            await release.wait()
            active -= 1
            return {"ok": True}

        return call

    sends = asyncio.gather(
        *(
            sender.process_request(
                hanging(chat),
                (),
                {},
                "sendMessage",
                {"chat_id": chat},
                SendOptions(priority=NUDGE, due=chat),
            )
            for chat in range(1, 2 * ceiling + 1)
        )
    )
    await asyncio.wait_for(full.wait(), 30)  # the ceiling is reached after about a second
    await asyncio.sleep(5 / rate)  # five more intervals of the pace: nothing more is granted
    assert active == peak == ceiling
    release.set()
    await asyncio.wait_for(sends, 30)
    assert peak == ceiling
    await sender.shutdown()


async def test_a_hung_nudge_gives_up_its_slot_and_the_others_keep_the_pace() -> None:
    """Against a fast server the sender keeps one nudge in flight; when that one hangs (a slow
    answer on its way to a timeout), it becomes a straggler after 0.25 s and the rest go on."""
    sender = Sender(global_rate=20, chat_rate=100)
    sender._trips.add(0.002)  # as if measured: one slot
    recorder = Recorder()
    hang = asyncio.Event()

    async def hung() -> dict[str, Any]:
        await hang.wait()
        return {"ok": True}

    first = asyncio.create_task(
        sender.process_request(
            hung, (), {}, "sendMessage", {"chat_id": 1}, SendOptions(priority=NUDGE, due=0)
        )
    )
    await asyncio.sleep(0.01)
    started = time.monotonic()
    await asyncio.gather(
        *(
            send(sender, recorder, chat, "x", SendOptions(priority=NUDGE, due=chat))
            for chat in range(2, 12)
        )
    )
    # Ten more at 20/s after a quarter second's wait, not after the hung call's answer.
    assert time.monotonic() - started < 2.0 and not first.done()
    assert len(sender._flights) == 1  # the straggler is still in flight, and counted
    hang.set()
    await first
    assert len(sender._flights) == 0
    await sender.shutdown()
