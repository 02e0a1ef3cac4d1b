"""Which nudges hold the sender's slots (``in_flight.Flights``): pure functions of the instants
the flights started and the measured round trips, ``now`` passed in."""

from __future__ import annotations

import pytest

from reminder_bot.in_flight import STRAGGLER_MIN, Flights, RoundTrips


def flights_at(rate: float, shortest: float) -> tuple[Flights, RoundTrips]:
    trips = RoundTrips(rate)
    if shortest:
        trips.add(shortest)
    return Flights(trips), trips


@pytest.mark.parametrize(
    ("shortest", "straggler_after"),
    [(0.0, STRAGGLER_MIN), (0.002, STRAGGLER_MIN), (0.1, 0.4), (0.5, 2.0)],
)
def test_a_straggler_is_four_shortest_round_trips_and_at_least_a_quarter_second(
    shortest: float, straggler_after: float
) -> None:
    _flights, trips = flights_at(30, shortest)
    assert trips.straggler_after() == pytest.approx(straggler_after)


def test_a_young_flight_holds_the_only_slot_until_it_turns_straggler() -> None:
    flights, trips = flights_at(30, 0.002)  # a fast server: one slot
    assert trips.slots() == 1
    assert flights.free_at(10.0) == 10.0
    hung = flights.start(10.0)
    assert flights.free_at(10.1) == pytest.approx(10.25)
    assert flights.free_at(10.25) == pytest.approx(10.25)  # a straggler now: the slot is free
    second = flights.start(10.25)
    assert len(flights) == 2 and flights.free_at(10.3) == pytest.approx(10.5)
    flights.end(second)
    assert flights.free_at(10.3) == 10.3
    flights.end(hung)
    flights.end(hung)  # ending twice is harmless
    assert len(flights) == 0


def test_the_slot_frees_when_enough_young_flights_age() -> None:
    flights, trips = flights_at(30, 0.1)  # Telegram's latency: 6 slots, stragglers at 0.4 s
    assert trips.slots() == 6
    for i in range(6):
        flights.start(i * 0.05)
    # Six young flights from 0.00 to 0.25: the first turning straggler (0.4 s) frees a slot.
    assert flights.free_at(0.3) == pytest.approx(0.4)


def test_stragglers_still_count_against_the_ceiling() -> None:
    flights, trips = flights_at(5, 0.002)  # ceiling: one second of the pace, 5
    for i in range(trips.ceiling):
        flights.start(float(i))  # each a straggler by the time the next starts
    assert flights.free_at(100.0) is None  # only an answer frees one now
