"""The emergency number for a user's time zone, named only where it is certain.

The time zone is the only hint of the user's country the bot has. ``data/zone_countries.json``
(generated from the tz database by ``scripts/gen_zone_countries.py``) lists every country that
uses a zone; a number is returned only when *all* of them share one certain number, because a
wrong number in an emergency is worse than the words "your local emergency number".
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

# Certain numbers, from /work/shared/content-facts.md section 1: United Kingdom 999 (112 also
# works, but 999 is the one people know); every EU/EEA country and Switzerland 112; United
# States and Canada 911; Australia 000; New Zealand 111; India 112.
EU_EEA_AND_SWITZERLAND = frozenset(
    {
        # EU member states (ISO 3166 codes: Greece is GR, not the EU's "EL")
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
        "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
        # the other EEA members, and Switzerland
        "IS", "LI", "NO", "CH",
    }
)  # fmt: skip

NUMBERS: Mapping[str, str] = {
    **dict.fromkeys(EU_EEA_AND_SWITZERLAND, "112"),
    "GB": "999",
    "US": "911",
    "CA": "911",
    "AU": "000",
    "NZ": "111",
    "IN": "112",
    # Places the tz database lists beside a country above, which use that country's emergency
    # service. Without them Europe/London, Europe/Berlin and America/Toronto (shared with these
    # places since 1970) would lose their number for almost all of their users. They go beyond
    # the facts file's list, so a reviewer should confirm them there.
    "AX": "112",  # Åland: an autonomous region of Finland, inside the EU
    "SJ": "112",  # Svalbard and Jan Mayen: part of Norway
    "GG": "999",  # Guernsey, Isle of Man, Jersey: Crown Dependencies in the UK's +44 plan,
    "IM": "999",  # with 999 (and 112) answered as in the UK
    "JE": "999",
    "BS": "911",  # The Bahamas: 911 (and 919)
}

# Antarctica has no public emergency service and its research stations follow their own
# procedures; their staff pick the stations' own Antarctica/* names. So "AQ" beside a populated
# country (Pacific/Auckland: NZ, AQ) does not make that country's zone generic, and every
# Antarctica/* zone stays generic, even those the tz database lists with a country
# (Antarctica/South_Pole: NZ, Antarctica/Macquarie: AU): nobody there can rely on 111 or 000.
IGNORED_IN_SHARED_ZONES = frozenset({"AQ"})
ANTARCTIC_PREFIX = "Antarctica/"


@dataclass(frozen=True)
class LocalHelp:
    """What the health texts may name for where the user is: the emergency number where it is
    certain (None: "your local emergency number"), and whether the time zone maps to the UK,
    where the medical helpline is NHS 111 (111 is the emergency number in New Zealand)."""

    emergency_number: str | None = None
    uk: bool = False


@cache
def zone_countries() -> Mapping[str, tuple[str, ...]]:
    """Zone name -> ISO country codes, from the committed, generated JSON file."""
    text = resources.files("reminder_bot").joinpath("data/zone_countries.json").read_text("utf-8")
    zones = json.loads(text)["zones"]
    return {name: tuple(codes) for name, codes in zones.items()}


def countries_for_zone(zone_name: str) -> tuple[str, ...]:
    """Countries using ``zone_name``; empty for UTC, fixed offsets and unknown names."""
    return zone_countries().get(zone_name.strip(), ())


def _countries(zone_name: str) -> list[str]:
    """The populated countries using the zone; none for Antarctica/* zones."""
    if zone_name.strip().startswith(ANTARCTIC_PREFIX):
        return []
    return [c for c in countries_for_zone(zone_name) if c not in IGNORED_IN_SHARED_ZONES]


def emergency_number(zone_name: str) -> str | None:
    """The emergency number every country using ``zone_name`` shares, or None when unsure."""
    countries = _countries(zone_name)
    numbers = {NUMBERS.get(country) for country in countries}
    if len(numbers) != 1:
        return None
    return numbers.pop()


def local_help(zone_name: str) -> LocalHelp:
    """The emergency number and the UK flag for a time zone. Europe/London also serves the
    Crown Dependencies, which is why the helpline text says "111 in the UK", not just "111"."""
    return LocalHelp(emergency_number(zone_name), "GB" in _countries(zone_name))
