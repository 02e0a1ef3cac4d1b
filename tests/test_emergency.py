from __future__ import annotations

import json
import subprocess
import sys
import zoneinfo
from pathlib import Path

import pytest

from reminder_bot.emergency import (
    LocalHelp,
    countries_for_zone,
    emergency_number,
    local_help,
    zone_countries,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("zone", "number"),
    [
        ("Europe/London", "999"),
        ("Europe/Jersey", "999"),
        ("Europe/Berlin", "112"),
        ("Europe/Dublin", "112"),
        ("Europe/Oslo", "112"),
        ("America/New_York", "911"),
        ("America/Los_Angeles", "911"),
        ("America/Toronto", "911"),
        ("America/Vancouver", "911"),
        ("Australia/Sydney", "000"),
        ("Pacific/Auckland", "111"),
        ("Asia/Kolkata", "112"),
        # backward-compatible aliases from the tz database's links
        ("Asia/Calcutta", "112"),
        ("US/Eastern", "911"),
        ("GB", "999"),
        ("NZ", "111"),
        # not certain, or not a country at all
        ("Asia/Tokyo", None),  # also Australia's Eyre Bird Observatory, and Japan is unlisted
        ("Asia/Shanghai", None),
        ("Africa/Lagos", None),
        ("UTC", None),
        ("Etc/UTC", None),
        ("Etc/GMT-5", None),
        ("UTC+05:30", None),
        ("UTC+05:00", None),
        ("CET", None),  # a clock rule, not a place
        ("EST5EDT", None),
        ("", None),
        ("Not/AZone", None),
    ],
)
def test_emergency_number(zone: str, number: str | None) -> None:
    assert emergency_number(zone) == number


ANTARCTIC_ZONES = sorted(
    {z for z in zone_countries() if z.startswith("Antarctica/")}
    | {z for z in zoneinfo.available_timezones() if z.startswith("Antarctica/")}
)


def test_antarctic_zones_are_known() -> None:
    # Among them the two the tz database lists with a populated country.
    assert {"Antarctica/South_Pole", "Antarctica/Macquarie", "Antarctica/Troll"} <= set(
        ANTARCTIC_ZONES
    )
    assert "NZ" in countries_for_zone("Antarctica/South_Pole")
    assert countries_for_zone("Antarctica/Macquarie") == ("AU",)


@pytest.mark.parametrize("zone", ANTARCTIC_ZONES)
def test_antarctic_zones_stay_generic(zone: str) -> None:
    """Research stations follow their own procedures: no country's number, no UK helpline."""
    assert emergency_number(zone) is None
    assert emergency_number(f" {zone} ") is None
    assert local_help(zone) == LocalHelp(None, uk=False)


def test_zones_beside_antarctica_keep_their_number() -> None:
    # "AQ" listed beside a populated country does not make that country's zone generic.
    assert "AQ" in countries_for_zone("Pacific/Auckland")
    assert emergency_number("Pacific/Auckland") == "111"
    assert emergency_number("NZ") == "111"


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("Europe/London", LocalHelp("999", uk=True)),
        ("GB", LocalHelp("999", uk=True)),
        ("Europe/Belfast", LocalHelp("999", uk=True)),
        # a Crown Dependency's own zone: 999, but NHS 111 is the UK's
        ("Europe/Jersey", LocalHelp("999", uk=False)),
        ("Europe/Isle_of_Man", LocalHelp("999", uk=False)),
        # 111 is New Zealand's emergency number, not a helpline
        ("Pacific/Auckland", LocalHelp("111", uk=False)),
        ("Europe/Dublin", LocalHelp("112", uk=False)),
        ("UTC", LocalHelp(None, uk=False)),
        ("Not/AZone", LocalHelp(None, uk=False)),
    ],
)
def test_local_help(zone: str, expected: LocalHelp) -> None:
    assert local_help(zone) == expected


def test_shared_zone_with_one_number_keeps_it() -> None:
    # Europe/Zurich also serves Liechtenstein and Büsingen (Germany): all 112.
    assert set(countries_for_zone("Europe/Zurich")) == {"CH", "DE", "LI"}
    assert emergency_number("Europe/Zurich") == "112"
    # America/Phoenix is shared by the US and Creston, BC (Canada): both 911.
    assert set(countries_for_zone("America/Phoenix")) == {"US", "CA"}
    assert emergency_number("America/Phoenix") == "911"


def test_shared_zone_with_different_numbers_stays_generic() -> None:
    # Europe/Belgrade serves Serbia, Bosnia, Montenegro and North Macedonia (not certain)
    # besides Croatia and Slovenia (112).
    assert {"HR", "SI", "RS"} <= set(countries_for_zone("Europe/Belgrade"))
    assert emergency_number("Europe/Belgrade") is None
    # America/Panama also serves Atikokan (Canada), Panama and the Cayman Islands.
    assert emergency_number("America/Panama") is None


def test_country_specific_link_keeps_its_own_country() -> None:
    assert countries_for_zone("Europe/Vaduz") == ("LI",)
    assert emergency_number("Europe/Vaduz") == "112"


def test_committed_table_matches_the_generator(tmp_path: Path) -> None:
    """The JSON is generated: rerunning the script gives the same table. With a newer tzdata
    installed than the one committed, the zones both know must still agree (a change there
    means: rerun scripts/gen_zone_countries.py and commit)."""
    committed = json.loads((ROOT / "reminder_bot/data/zone_countries.json").read_text("utf-8"))
    output = tmp_path / "zones.json"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts/gen_zone_countries.py"), "--output", str(output)],
        check=True,
        capture_output=True,
    )
    fresh = json.loads(output.read_text("utf-8"))
    if fresh["tzdata_version"] == committed["tzdata_version"]:
        assert fresh == committed
        return
    old_zones, new_zones = committed["zones"], fresh["zones"]
    changed = {z for z in old_zones.keys() & new_zones.keys() if old_zones[z] != new_zones[z]}
    assert not changed, f"tzdata {fresh['tzdata_version']} moved zones: {sorted(changed)}"
