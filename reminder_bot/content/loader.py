"""Read and check the content folder's TOML files into ``Content``.

A self-hoster may bring their own folder, so every problem raises ``ConfigError`` naming the
file, the key, what is wrong and an example: a typo stops the bot at start-up, not mid-message.
Loading reads only the given folder (and, for the length limits, which hold in every language
the bot speaks, the translations of its texts).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import fields, replace
from functools import cache, partial
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, TypeVar

from reminder_bot.content.datafile import CONTENT_DIR, DataFile
from reminder_bot.content.model import (
    EMERGENCY_PLACEHOLDER,
    NUDGE_SET_NAMES,
    NUDGE_SETS,
    REDFLAG_TIER_IDS,
    RELIEF_STEP_IDS,
    Content,
    Nudge,
    NudgeSet,
    RedFlags,
    RedFlagTier,
    Relief,
    ReliefStep,
)
from reminder_bot.content.render import (
    render_nudge,
    render_redflags,
    render_relief,
    visible_length,
)
from reminder_bot.content.safety import load_safety
from reminder_bot.emergency import LocalHelp
from reminder_bot.i18n import DEFAULT_LANGUAGE, LANGUAGES, language

# A nudge should fit a phone screen without scrolling; Telegram's own limit is 4096.
NUDGE_MAX_CHARS = 700
MESSAGE_MAX_CHARS = 4096
# The longest /relief and /redflags: the phrase instead of a number, and the UK headings.
_LONGEST_LOCAL_HELP = LocalHelp(emergency_number=None, uk=True)

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

_Item = TypeVar("_Item")

_NUDGE_KEYS = ("id", "text", "source")
_STRUCTURED_KEYS = ("id", "text", "source", "exercise", "steps", "hold", "reps")
_CAUTION_KEYS = ("text", "source")
_CAUTION_EXAMPLE = "This applies unless a doctor has told you to limit fluids."


def _over(render: Callable[[], str], limit: int) -> tuple[int, str] | None:
    """The visible length of a message and the language, English first, where it is over
    ``limit``: a translation must fit Telegram's and the phone screen's limits as the English
    does. None when it fits in every language the bot speaks."""
    for code in LANGUAGES:
        with language(code):
            length = visible_length(render())
        if length > limit:
            return length, code
    return None


def _in(code: str) -> str:
    """Where an over-long message comes from, when it is a translation."""
    if code == DEFAULT_LANGUAGE:
        return ""
    return f" in {code!r} (its translation in locale/{code}/LC_MESSAGES/content.po)"


def _structure(file: DataFile, where: str, table: Mapping[str, Any]) -> dict[str, Any]:
    """The exercise (or activity), its steps, how long and how many times or how often."""
    set_name = where.split("[")[0]

    def why(key: str) -> str:
        return f"every {set_name} nudge needs {key}"

    return {
        "exercise": file.text(table, where, "exercise", "Knee-to-chest", why=why("exercise")),
        "steps": file.text_list(table, where, "steps", "Lie on your back.", why("steps")),
        "hold": file.text(table, where, "hold", "20-30 s", why=why("hold")),
        "reps": file.text(table, where, "reps", "2-3 times", why=why("reps")),
    }


def _load_nudge(
    file: DataFile,
    nudge_set: NudgeSet,
    where: str,
    table: Mapping[str, Any],
    seen: dict[str, str],
) -> Nudge:
    structured = nudge_set.structured
    file.check_keys(
        table,
        where,
        _STRUCTURED_KEYS if structured else _NUDGE_KEYS,
        "" if structured else " (only stretch and activity nudges have exercise, steps...)",
    )
    nudge_id = file.item_id(table, where, seen, f"{nudge_set.name}-glass-now")
    text = file.text(table, where, "text", "Time for a glass of water.")
    source = file.source(
        table,
        where,
        "WHO 2020 guidelines (Bull et al., BJSM 2020)",
        "every nudge names the fact it rests on (content-facts.md)",
    )
    extra = _structure(file, where, table) if structured else {}
    return Nudge(
        id=nudge_id, habit=nudge_set.habit, text=text, source=source, kind=nudge_set.name, **extra
    )


def _load_cautions(file: DataFile) -> dict[str, str]:
    """``[caution.<set>]``: the line every nudge of the set carries, with its source."""
    names = [nudge_set.name for nudge_set in NUDGE_SETS if nudge_set.caution]
    cautions = file.data.get("caution", {})
    if not isinstance(cautions, dict):
        raise file.error("caution", 'must be tables, e.g. [caution.hydrate] text = "..."')
    file.check_keys(cautions, "caution", names, " (the sets whose nudges carry a caution)")
    result = {}
    for name in names:
        where = f"caution.{name}"
        table = cautions.get(name)
        if not isinstance(table, dict):
            raise file.error(
                where,
                f"missing; every {name} nudge carries a caution line, e.g. [{where}] "
                f'text = "{_CAUTION_EXAMPLE}" source = "..."',
            )
        file.check_keys(table, where, _CAUTION_KEYS)
        result[name] = file.text(table, where, "text", _CAUTION_EXAMPLE)
        file.source(table, where, "content-facts.md section 7", "every caution names its fact")
    return result


def _load_set(
    file: DataFile, nudge_set: NudgeSet, caution: str, disclaimer: str, seen: dict[str, str]
) -> tuple[Nudge, ...]:
    name = nudge_set.name
    tables = file.table_list(name, f'[[{name}]] id = "{name}-1" text = "..." source = "..."')
    if len(tables) < nudge_set.minimum:
        raise file.error(
            name,
            f"has {len(tables)} nudges; this set needs at least {nudge_set.minimum} so that "
            "reminders can vary",
        )
    nudges = []
    for index, table in enumerate(tables):
        where = f"{name}[{index}]"
        nudge = replace(_load_nudge(file, nudge_set, where, table, seen), caution=caution)
        over = _over(partial(render_nudge, nudge, disclaimer), NUDGE_MAX_CHARS)
        if over is not None:
            length, code = over
            raise file.error(
                f"{where}.text",
                f"the rendered nudge is {length} characters{_in(code)}; keep it under "
                f"{NUDGE_MAX_CHARS} so it fits a phone screen",
            )
        nudges.append(nudge)
    return tuple(nudges)


def _load_nudges(file: DataFile, disclaimer: str) -> Mapping[str, tuple[Nudge, ...]]:
    for key in file.data:
        if key not in (*NUDGE_SET_NAMES, "caution"):
            raise file.error(
                key, f"unknown nudge set; use one of {', '.join(NUDGE_SET_NAMES)} (or caution)"
            )
    cautions = _load_cautions(file)
    seen: dict[str, str] = {}
    return MappingProxyType(
        {
            nudge_set.name: _load_set(
                file, nudge_set, cautions.get(nudge_set.name, ""), disclaimer, seen
            )
            for nudge_set in NUDGE_SETS
        }
    )


# What differs between the two ordered sheets in error messages: the examples for a missing
# title or intro, how the required order is put, and an example item table.
_SHEET_EXAMPLES: Mapping[str, tuple[str, str]] = {
    "step": ("Quick relief for back pain or a spasm", "A few things that can help."),
    "tier": ("Back pain: when to get help", "Check these signs from the top."),
}
_ORDER_WORDS: Mapping[str, str] = {"step": "in this order", "tier": "most urgent first"}
_TABLE_EXAMPLES: Mapping[str, str] = {
    "step": '[[step]] id = "red-flags" title = "..." text = "..."',
    "tier": '[[tier]] id = "emergency" heading = "..." signs = [...]',
}


def _load_sheet(
    file: DataFile,
    key: str,
    order: tuple[str, ...],
    item_type: type[DataclassInstance],
    build: Callable[[DataFile, Mapping[str, Any], str, str], _Item],
) -> tuple[str, str, tuple[_Item, ...]]:
    """Title, intro and the ``[[key]]`` items, whose ids must be exactly ``order``."""
    title_example, intro_example = _SHEET_EXAMPLES[key]
    file.check_keys(file.data, "", ("title", "intro", key))
    title = file.text(file.data, "", "title", title_example)
    intro = file.text(file.data, "", "intro", intro_example, required=False)
    tables = file.table_list(key, _TABLE_EXAMPLES[key])
    # A table's keys are its item's fields, so the model is the one list of what is allowed.
    keys = [field.name for field in fields(item_type)]
    items = []
    seen: dict[str, str] = {}
    for index, table in enumerate(tables):
        where = f"{key}[{index}]"
        file.check_keys(table, where, keys)
        item_id = file.item_id(table, where, seen, order[0])
        expected = order[index] if index < len(order) else None
        if item_id != expected:
            raise file.error(
                f"{where}.id",
                f"{item_id!r} is out of place; the {key}s must be, {_ORDER_WORDS[key]}: "
                f"{', '.join(order)}",
            )
        items.append(build(file, table, where, item_id))
    if len(items) != len(order):
        missing = order[len(items)]
        raise file.error(key, f'{key} {missing!r} is missing; add [[{key}]] id = "{missing}"')
    return title, intro, tuple(items)


def _relief_step(file: DataFile, table: Mapping[str, Any], where: str, step_id: str) -> ReliefStep:
    return ReliefStep(
        id=step_id,
        title=file.text(table, where, "title", "Try heat", placeholders=True),
        text=file.text(table, where, "text", "Use a heat wrap.", placeholders=True),
        source=file.source(
            table, where, "ACP guideline, Qaseem 2017", "every step names the fact it rests on"
        ),
    )


def _redflag_tier(
    file: DataFile, table: Mapping[str, Any], where: str, tier_id: str
) -> RedFlagTier:
    return RedFlagTier(
        id=tier_id,
        heading=file.text(table, where, "heading", "Call {emergency} now", placeholders=True),
        heading_uk=file.text(
            table, where, "heading_uk", "Call 111 in the UK", placeholders=True, required=False
        ),
        lead=file.text(table, where, "lead", "Back pain with any of these:", required=False),
        signs=file.text_list(table, where, "signs", "Chest pain", "every tier lists its signs"),
        note=file.text(table, where, "note", "", required=False),
        source=file.source(
            table, where, 'NHS "Back pain" page', "every tier names the facts it rests on"
        ),
    )


def _load_relief(file: DataFile) -> Relief:
    title, intro, steps = _load_sheet(file, "step", RELIEF_STEP_IDS, ReliefStep, _relief_step)
    if EMERGENCY_PLACEHOLDER not in steps[0].text:
        raise file.error("step[0].text", f"must say whom to call, with {EMERGENCY_PLACEHOLDER}")
    return Relief(title=title, intro=intro, steps=steps)


def _load_redflags(file: DataFile) -> RedFlags:
    title, intro, tiers = _load_sheet(file, "tier", REDFLAG_TIER_IDS, RedFlagTier, _redflag_tier)
    if EMERGENCY_PLACEHOLDER not in tiers[0].heading:
        raise file.error(
            "tier[0].heading", f"must name the number to call with {EMERGENCY_PLACEHOLDER}"
        )
    return RedFlags(title=title, intro=intro, tiers=tiers)


def _load_disclaimer(file: DataFile) -> tuple[str, str, str]:
    """The short line, the long text and their source."""
    data = file.data
    file.check_keys(data, "", ("short", "long", "source"))
    short = file.text(data, "", "short", "General information, not medical advice.")
    long = file.text(
        data, "", "long", "General information, not medical advice. ...", placeholders=True
    )
    return short, long, file.text(data, "", "source", "content-facts.md section 7")


def load_content(directory: Path | None = None) -> Content:
    """Read and check the content files; raise ConfigError naming the file and the key."""
    folder = CONTENT_DIR if directory is None else directory
    load_safety(folder)  # the safety gate's texts: checked here, so a typo stops the start-up
    short, long, disclaimer_source = _load_disclaimer(DataFile(folder / "disclaimer.toml"))
    nudges = _load_nudges(DataFile(folder / "nudges.toml"), short)
    relief_file = DataFile(folder / "relief.toml")
    redflags_file = DataFile(folder / "redflags.toml")
    content = Content(
        nudges=nudges,
        relief=_load_relief(relief_file),
        redflags=_load_redflags(redflags_file),
        disclaimer_short=short,
        disclaimer_long=long,
        disclaimer_source=disclaimer_source,
    )
    for file, key, render in (
        (relief_file, "step", render_relief),
        (redflags_file, "tier", render_redflags),
    ):
        over = _over(partial(render, content, _LONGEST_LOCAL_HELP), MESSAGE_MAX_CHARS)
        if over is not None:
            length, code = over
            raise file.error(
                key,
                f"the rendered message is {length} characters{_in(code)}; Telegram allows "
                f"{MESSAGE_MAX_CHARS}, so shorten it",
            )
    return content


@cache
def default_content() -> Content:
    """The shipped content, loaded once."""
    return load_content()
