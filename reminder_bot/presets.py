"""Schedule presets: ``schedules/*.toml`` files that set a rule for every habit at once.

A preset file::

    description = "Sitting at a desk most of the day: ..."
    quiet = "21:30-07:30"          # optional; "off" for none
    work = "sitting"               # optional: "sitting" (the default) or "standing"
    adaptive_move = true           # optional, false by default: Done restarts move's interval
    [habits]
    hydrate = "every 90m from 09:00 to 18:00 on weekdays"
    move = "every 45m from 09:00 to 17:30 on weekdays"
    posture = "every 2h from 10:00 to 16:00 on weekdays"
    stretch = "at 12:30 daily"

Every habit must be present; rules use the ``/schedule`` syntax (``parsing.parse_rule``). The
preset's name is the file's stem. ``work`` picks the wording for people on the preset: where
the content has a ``<habit>-<work>`` set (``move-standing``), its nudges replace the habit's
own. ``adaptive_move`` makes Done on a move nudge of an ``every`` rule restart the interval from
the press (``delivery_rules.restart_interval``), as desktop break apps reset after a break. Any
problem raises ``ConfigError`` naming the file, the key, what is wrong and an example,
so a self-hoster's typo stops the bot at start-up, not at /start.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import reminder_bot
from reminder_bot.config import ConfigError
from reminder_bot.content.model import WORK_SETTINGS
from reminder_bot.parsing import EXAMPLE_QUIET, ParseError, parse_quiet, parse_rule
from reminder_bot.schedule import HABITS, QuietHours, Rule

NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")
TOP_LEVEL_KEYS = ("description", "quiet", "work", "adaptive_move", "habits")
DEFAULT_WORK = WORK_SETTINGS[0]
EXAMPLE_RULES: Mapping[str, str] = {
    "hydrate": "every 90m from 09:00 to 18:00 on weekdays",
    "move": "every 1h from 10:00 to 16:00 on weekdays",
    "posture": "every 2h from 10:00 to 16:00 on weekdays",
    "stretch": "at 12:30 daily",
}


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    rules: Mapping[str, Rule]
    quiet: QuietHours | None
    path: Path
    work: str = DEFAULT_WORK
    adaptive_move: bool = False


def builtin_presets_dir() -> Path:
    """The shipped ``schedules/`` folder: in the package (wheel) or beside it (checkout)."""
    package = Path(reminder_bot.__file__).parent
    installed = package / "schedules"
    return installed if installed.is_dir() else package.parent / "schedules"


def _shown(path: Path) -> str:
    # Relative paths are shorter and match what a self-hoster typed; absolute ones are exact.
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _error(path: Path, key: str | None, problem: str, example: str | None = None) -> ConfigError:
    where = f"{_shown(path)}: {key}: " if key else f"{_shown(path)}: "
    suffix = f'; example: "{example}"' if example else ""
    return ConfigError(f"{where}{problem}{suffix}")


def _string(path: Path, data: Mapping[str, Any], key: str, label: str, example: str) -> str:
    value = data[key]
    if not isinstance(value, str):
        raise _error(
            path, label, f"must be a quoted string, got {type(value).__name__} {value!r}", example
        )
    return value


def _read(path: Path) -> dict[str, Any]:
    name = path.stem
    if not NAME_PATTERN.match(name):
        raise _error(
            path,
            None,
            f"the file name {name!r} is not a preset name: use 1-32 lowercase letters, digits "
            "and '-', starting with a letter or digit, e.g. desk-worker.toml",
        )
    try:
        with path.open("rb") as file:
            data = tomllib.load(file)
    except tomllib.TOMLDecodeError as error:
        raise _error(path, None, f"not valid TOML: {error}") from None
    except OSError as error:
        raise _error(path, None, f"cannot be read ({error.strerror})") from None
    for key in data:
        if key not in TOP_LEVEL_KEYS:
            raise _error(path, key, f"unknown key (allowed: {', '.join(TOP_LEVEL_KEYS)})", None)
    return data


def _description(path: Path, data: Mapping[str, Any]) -> str:
    if "description" not in data:
        raise _error(
            path,
            "description",
            "missing: say in one sentence who the preset is for",
            "Sitting at a desk most of the day",
        )
    description = _string(path, data, "description", "description", "Sitting at a desk").strip()
    if not description:
        raise _error(path, "description", "is empty", "Sitting at a desk most of the day")
    return description


def _quiet(path: Path, data: Mapping[str, Any]) -> QuietHours | None:
    if "quiet" not in data:
        return None
    text = _string(path, data, "quiet", "quiet", EXAMPLE_QUIET)
    try:
        return parse_quiet(text)
    except ParseError as error:
        raise _error(path, "quiet", error.message, error.example) from None


def _work(path: Path, data: Mapping[str, Any]) -> str:
    if "work" not in data:
        return DEFAULT_WORK
    work = _string(path, data, "work", "work", "standing")
    if work not in WORK_SETTINGS:
        raise _error(
            path,
            "work",
            f"unknown kind of work {work!r} (use {' or '.join(WORK_SETTINGS)})",
            "standing",
        )
    return work


def _adaptive_move(path: Path, data: Mapping[str, Any]) -> bool:
    value = data.get("adaptive_move", False)
    if not isinstance(value, bool):
        raise _error(
            path,
            "adaptive_move",
            f"must be true or false (unquoted), got {type(value).__name__} {value!r}",
            "adaptive_move = true",
        )
    return value


def _rules(path: Path, data: Mapping[str, Any]) -> dict[str, Rule]:
    if "habits" not in data:
        raise _error(
            path, "habits", f"missing: add a [habits] table with {', '.join(HABITS)}", None
        )
    habits = data["habits"]
    if not isinstance(habits, dict):
        raise _error(path, "habits", "must be a table: write [habits] on its own line", None)
    for key in habits:
        if key not in HABITS:
            raise _error(path, f"habits.{key}", f"unknown habit (use {', '.join(HABITS)})", None)
    rules: dict[str, Rule] = {}
    for habit in HABITS:
        label = f"habits.{habit}"
        if habit not in habits:
            raise _error(path, label, 'missing (write "off" to disable it)', EXAMPLE_RULES[habit])
        text = _string(path, habits, habit, label, EXAMPLE_RULES[habit])
        try:
            rules[habit] = parse_rule(text)
        except ParseError as error:
            raise _error(path, label, error.message, error.example) from None
    return rules


def load_preset(path: Path) -> Preset:
    """Read and check one preset file."""
    data = _read(path)
    description = _description(path, data)
    quiet = _quiet(path, data)
    return Preset(
        name=path.stem,
        description=description,
        rules=MappingProxyType(_rules(path, data)),
        quiet=quiet,
        path=path,
        work=_work(path, data),
        adaptive_move=_adaptive_move(path, data),
    )


def load_presets(*dirs: Path) -> dict[str, Preset]:
    """Every ``*.toml`` preset in the folders; a later folder's file replaces an earlier one's
    with the same name. Each folder must exist and hold at least one preset."""
    presets: dict[str, Preset] = {}
    for folder in dirs:
        if not folder.is_dir():
            raise ConfigError(f"{_shown(folder)}: not a folder of preset .toml files")
        files = sorted(folder.glob("*.toml"))
        if not files:
            raise ConfigError(
                f"{_shown(folder)}: no preset files (*.toml) in this folder; "
                f"copy one from {_shown(builtin_presets_dir())}, e.g. desk-worker.toml"
            )
        for path in files:
            preset = load_preset(path)
            presets[preset.name] = preset
    return presets
