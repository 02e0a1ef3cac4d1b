"""Generate reminder_bot/data/zone_countries.json: IANA zone name -> ISO 3166 country codes.

The bot names an emergency number only where the user's country is certain, and the only
country hint it has is the time zone. The tz database says which countries use each zone:

* zone1970.tab lists every canonical zone with *all* the countries whose clocks have agreed
  with it since 1970 (Europe/Zurich: CH, DE, LI), so a shared zone keeps all its countries;
* zone.tab lists one country per line, including the country-specific names that are links
  (Europe/Vaduz: LI), so those names keep their single country;
* the other links (``L target name`` lines of tzdata.zi, mostly the ``backward`` file:
  Asia/Calcutta, US/Eastern) get their target's countries.

The result is committed, so nothing reads system files at run time. Run it again when the
``tzdata`` dependency is updated:

    .venv/bin/python scripts/gen_zone_countries.py            # the tzdata package's copy
    .venv/bin/python scripts/gen_zone_countries.py --tzdir /usr/share/zoneinfo
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Mapping
from pathlib import Path

OUTPUT = Path(__file__).resolve().parent.parent / "reminder_bot" / "data" / "zone_countries.json"

# POSIX-style rule names (CET, EST5EDT, ...) became links to a city in tzdata 2024b, but they
# name a clock rule, not a place: a user who picks "CET" may live in any of a dozen countries.
POSIX_STYLE = re.compile(r"^(?:[A-Z]{3}|[A-Z]{3}\d[A-Z]{3})$")
COUNTRY_ALIASES = frozenset({"PRC", "ROC", "ROK"})


def default_tzdir() -> Path:
    """The ``tzdata`` package's copy: a pinned dependency, so the output is reproducible
    (the system copy differs between distributions and may be built with ``backzone``)."""
    try:
        import tzdata
    except ImportError:
        return Path("/usr/share/zoneinfo")
    return Path(tzdata.__file__).parent / "zoneinfo"


def _rows(path: Path) -> list[list[str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            rows.append(line.split("\t"))
    return rows


def read_version(tzdir: Path) -> str:
    zi = tzdir / "tzdata.zi"
    if zi.exists():
        first = zi.read_text(encoding="utf-8").splitlines()[0]
        if first.startswith("# version "):
            return first.removeprefix("# version ").strip()
    return "unknown"


def read_links(tzdir: Path) -> dict[str, str]:
    """Link name -> target from tzdata.zi (links there point straight at a Zone)."""
    zi = tzdir / "tzdata.zi"
    links: dict[str, str] = {}
    if not zi.exists():
        return links
    for line in zi.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "L":
            links[parts[2]] = parts[1]
    return links


def build(tzdir: Path) -> dict[str, list[str]]:
    zones: dict[str, list[str]] = {}
    for row in _rows(tzdir / "zone1970.tab"):
        zones[row[2]] = row[0].split(",")
    for row in _rows(tzdir / "zone.tab"):
        code, name = row[0], row[2]
        if name in zones:
            if code not in zones[name]:
                zones[name].append(code)
        else:
            zones[name] = [code]
    for name, target in sorted(read_links(tzdir).items()):
        if name in zones or target not in zones:
            continue
        if POSIX_STYLE.match(name) and name not in COUNTRY_ALIASES:
            continue
        zones[name] = list(zones[target])
    return {name: sorted(codes) for name, codes in sorted(zones.items())}


def render(document: Mapping[str, object]) -> str:
    """JSON with one zone per line, so a tzdata update reads as a short diff."""
    zones = document["zones"]
    assert isinstance(zones, dict)
    head = {key: value for key, value in document.items() if key != "zones"}
    lines = [json.dumps(head, ensure_ascii=False)[:-1] + ', "zones": {']
    body = [f"  {json.dumps(name)}: {json.dumps(codes)}" for name, codes in zones.items()]
    lines.append(",\n".join(body))
    lines.append("}}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--tzdir",
        type=Path,
        default=default_tzdir(),
        help="folder holding zone1970.tab, zone.tab and tzdata.zi",
    )
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    for needed in ("zone1970.tab", "zone.tab"):
        if not (args.tzdir / needed).exists():
            print(f"{args.tzdir / needed} not found; pass --tzdir", file=sys.stderr)
            return 1
    document = {
        "generated_by": "scripts/gen_zone_countries.py",
        "tzdata_version": read_version(args.tzdir),
        "zones": build(args.tzdir),
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(render(document), encoding="utf-8")
    print(f"wrote {len(document['zones'])} zones to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
