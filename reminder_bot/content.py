"""Health content: load and check ``content/*.toml``, render it as Telegram HTML, pick nudges.

The data files hold plain English text, each item with the ``source`` it rests on (the
vetted health facts the project is written from). The renderers add all structure (bold
headings, numbered steps, the disclaimer) and escape every text, so no data file can break
Telegram's HTML parser, and they pass every text through ``_()`` at render time, so a
catalogue can translate it (the msgids are the English data texts).

Everything here is pure: loading reads only the given folder, rendering reads only the current
language, and ``choose_nudge`` takes its random generator as an argument.

Sources stay in the data for reviewers and are not shown in messages: a nudge must fit a phone
screen, and a citation list would double it. Every nudge ends with the short disclaimer line,
/relief and /redflags with the long one (the disclaimer model of those facts).
"""

from __future__ import annotations

import html
import random
import re
import tomllib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from reminder_bot.config import ConfigError
from reminder_bot.i18n import N_, _
from reminder_bot.schedule import HABITS

CONTENT_DIR = Path(__file__).resolve().parent / "content"

MIN_NUDGES_PER_HABIT = 10
# A nudge should fit a phone screen without scrolling; Telegram's own limit is 4096.
NUDGE_MAX_CHARS = 700
MESSAGE_MAX_CHARS = 4096

EMERGENCY_PLACEHOLDER = "{emergency}"
# What the texts say when the user's country (from the time zone) is not certain.
LOCAL_EMERGENCY_NUMBER = N_("your local emergency number")

# The routine's order is part of its safety: red flags first, then keep moving, and so on.
RELIEF_STEP_IDS: tuple[str, ...] = (
    "red-flags",
    "keep-moving",
    "heat",
    "pain-relief",
    "gentle-movement",
    "massage",
    "reassurance",
)
# Most urgent first, so nobody reads "see a GP" before "call the emergency number".
REDFLAG_TIER_IDS: tuple[str, ...] = ("emergency", "same-day", "routine")

HABIT_HEADINGS: Mapping[str, str] = {
    "hydrate": N_("💧 Water break"),
    "move": N_("🚶 Time to move"),
    "posture": N_("🪑 Posture check"),
    "stretch": N_("🧘 Stretch: {exercise}"),
}

_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_TAG_LIKE = re.compile(r"<\s*/?\s*[A-Za-z]")
_PLACEHOLDER = re.compile(r"\{[^}]*\}")


@dataclass(frozen=True)
class Nudge:
    id: str
    habit: str
    text: str
    source: str
    exercise: str | None = None
    steps: tuple[str, ...] = ()
    hold: str | None = None
    reps: str | None = None


@dataclass(frozen=True)
class ReliefStep:
    id: str
    title: str
    text: str
    source: str


@dataclass(frozen=True)
class Relief:
    title: str
    intro: str
    steps: tuple[ReliefStep, ...]


@dataclass(frozen=True)
class RedFlagTier:
    id: str
    heading: str
    lead: str
    signs: tuple[str, ...]
    note: str
    source: str


@dataclass(frozen=True)
class RedFlags:
    title: str
    intro: str
    tiers: tuple[RedFlagTier, ...]


@dataclass(frozen=True)
class Content:
    nudges: Mapping[str, tuple[Nudge, ...]]
    relief: Relief
    redflags: RedFlags
    disclaimer_short: str
    disclaimer_long: str
    disclaimer_source: str = ""

    def nudge_ids(self, habit: str) -> tuple[str, ...]:
        return tuple(nudge.id for nudge in self.nudges.get(habit, ()))

    def find_nudge(self, nudge_id: str) -> Nudge | None:
        for nudges in self.nudges.values():
            for nudge in nudges:
                if nudge.id == nudge_id:
                    return nudge
        return None


# ---------------------------------------------------------------------------------------------
# Loading and validation


class _File:
    """One TOML file being read; every error names the file and the key."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.name = str(path.relative_to(CONTENT_DIR.parent))
        except ValueError:
            self.name = str(path)
        try:
            with path.open("rb") as handle:
                self.data: dict[str, Any] = tomllib.load(handle)
        except FileNotFoundError:
            raise ConfigError(
                f"{self.name}: file not found; every content folder needs nudges.toml, "
                "relief.toml, redflags.toml and disclaimer.toml (copy them from "
                f"{CONTENT_DIR})"
            ) from None
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"{self.name}: not valid TOML ({error})") from None

    def error(self, key: str, problem: str) -> ConfigError:
        return ConfigError(f"{self.name}: {key}: {problem}")

    def check_keys(
        self, table: Mapping[str, Any], where: str, allowed: Sequence[str], hint: str = ""
    ) -> None:
        for key in table:
            if key not in allowed:
                prefix = f"{where}." if where else ""
                raise self.error(
                    f"{prefix}{key}",
                    f"unknown key; allowed keys are {', '.join(allowed)}{hint}",
                )

    def text(
        self,
        table: Mapping[str, Any],
        where: str,
        key: str,
        example: str,
        *,
        placeholders: bool = False,
        required: bool = True,
        why: str = "",
    ) -> str:
        full = f"{where}.{key}" if where else key
        if key not in table:
            if not required:
                return ""
            reason = f"; {why}" if why else ""
            raise self.error(full, f'missing{reason}, e.g. {key} = "{example}"')
        value = table[key]
        if not isinstance(value, str):
            raise self.error(full, f'must be text in quotes, e.g. {key} = "{example}"')
        value = value.strip()
        if required and not value:
            raise self.error(full, f'is empty, e.g. {key} = "{example}"')
        self.check_plain(full, value, placeholders=placeholders)
        return value

    def text_list(
        self, table: Mapping[str, Any], where: str, key: str, example: str, why: str
    ) -> tuple[str, ...]:
        full = f"{where}.{key}"
        value = table.get(key)
        if value is None:
            raise self.error(full, f'missing; {why}, e.g. {key} = ["{example}"]')
        if not isinstance(value, list) or not value:
            raise self.error(
                full, f'must be a non-empty list of texts, e.g. {key} = ["{example}"]'
            )
        items = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                raise self.error(f"{full}[{index}]", f'must be text in quotes, e.g. "{example}"')
            self.check_plain(f"{full}[{index}]", item.strip(), placeholders=False)
            items.append(item.strip())
        return tuple(items)

    def check_plain(self, key: str, value: str, *, placeholders: bool) -> None:
        if "\n" in value:
            raise self.error(key, "must be one line; the bot lays out the message itself")
        if _TAG_LIKE.search(value):
            raise self.error(
                key, "must be plain text without HTML tags; the bot adds bold and italics itself"
            )
        for found in _PLACEHOLDER.findall(value):
            if not placeholders or found != EMERGENCY_PLACEHOLDER:
                allowed = (
                    f"only {EMERGENCY_PLACEHOLDER} is allowed"
                    if placeholders
                    else ("placeholders are not allowed here")
                )
                raise self.error(key, f"unknown placeholder {found}; {allowed}")

    def table_list(self, key: str, example: str) -> list[dict[str, Any]]:
        value = self.data.get(key)
        if value is None:
            raise self.error(key, f"missing; add [[{key}]] tables, e.g. {example}")
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            raise self.error(key, f"must be a list of [[{key}]] tables, e.g. {example}")
        return value

    def item_id(
        self, table: Mapping[str, Any], where: str, seen: dict[str, str], example: str
    ) -> str:
        value = self.text(table, where, "id", example, why="every item needs a unique id")
        if not _ID_PATTERN.match(value):
            raise self.error(
                f"{where}.id",
                f"{value!r} must be lower-case letters, digits and '-', e.g. id = \"{example}\"",
            )
        if value in seen:
            raise self.error(f"{where}.id", f"duplicate id {value!r} (also at {seen[value]})")
        seen[value] = where
        return value


_NUDGE_KEYS = ("id", "text", "source")
_STRETCH_KEYS = ("id", "text", "source", "exercise", "steps", "hold", "reps")


def _load_nudges(file: _File, disclaimer: str) -> Mapping[str, tuple[Nudge, ...]]:
    for key in file.data:
        if key not in HABITS:
            raise file.error(key, f"unknown habit; use one of {', '.join(HABITS)}")
    seen: dict[str, str] = {}
    result: dict[str, tuple[Nudge, ...]] = {}
    for habit in HABITS:
        tables = file.table_list(
            habit, f'[[{habit}]] id = "{habit}-1" text = "..." source = "..."'
        )
        if len(tables) < MIN_NUDGES_PER_HABIT:
            raise file.error(
                habit,
                f"has {len(tables)} nudges; each habit needs at least {MIN_NUDGES_PER_HABIT} so "
                "that reminders can vary",
            )
        nudges = []
        for index, table in enumerate(tables):
            where = f"{habit}[{index}]"
            stretch = habit == "stretch"
            file.check_keys(
                table,
                where,
                _STRETCH_KEYS if stretch else _NUDGE_KEYS,
                "" if stretch else " (only stretch nudges have exercise, steps, hold, reps)",
            )
            nudge_id = file.item_id(table, where, seen, f"{habit}-glass-now")
            text = file.text(table, where, "text", "Time for a glass of water.")
            source = file.text(
                table,
                where,
                "source",
                "WHO 2020 guidelines (Bull et al., BJSM 2020)",
                why="every nudge names the fact it rests on (content-facts.md)",
            )
            if stretch:
                why = "every stretch nudge needs {key}"
                nudge = Nudge(
                    id=nudge_id,
                    habit=habit,
                    text=text,
                    source=source,
                    exercise=file.text(
                        table, where, "exercise", "Knee-to-chest", why=why.format(key="exercise")
                    ),
                    steps=file.text_list(
                        table, where, "steps", "Lie on your back.", why.format(key="steps")
                    ),
                    hold=file.text(table, where, "hold", "20-30 s", why=why.format(key="hold")),
                    reps=file.text(table, where, "reps", "2-3 times", why=why.format(key="reps")),
                )
            else:
                nudge = Nudge(id=nudge_id, habit=habit, text=text, source=source)
            length = visible_length(render_nudge(nudge, disclaimer))
            if length > NUDGE_MAX_CHARS:
                raise file.error(
                    f"{where}.text",
                    f"the rendered nudge is {length} characters; keep it under "
                    f"{NUDGE_MAX_CHARS} so it fits a phone screen",
                )
            nudges.append(nudge)
        result[habit] = tuple(nudges)
    return MappingProxyType(result)


def _load_relief(file: _File) -> Relief:
    file.check_keys(file.data, "", ("title", "intro", "step"))
    title = file.text(file.data, "", "title", "Quick relief for back pain or a spasm")
    intro = file.text(file.data, "", "intro", "A few things that can help.", required=False)
    tables = file.table_list("step", '[[step]] id = "red-flags" title = "..." text = "..."')
    steps = []
    seen: dict[str, str] = {}
    for index, table in enumerate(tables):
        where = f"step[{index}]"
        file.check_keys(table, where, ("id", "title", "text", "source"))
        step_id = file.item_id(table, where, seen, "red-flags")
        expected = RELIEF_STEP_IDS[index] if index < len(RELIEF_STEP_IDS) else None
        if step_id != expected:
            raise file.error(
                f"{where}.id",
                f"{step_id!r} is out of place; the steps must be, in this order: "
                f"{', '.join(RELIEF_STEP_IDS)}",
            )
        steps.append(
            ReliefStep(
                id=step_id,
                title=file.text(table, where, "title", "Try heat", placeholders=True),
                text=file.text(table, where, "text", "Use a heat wrap.", placeholders=True),
                source=file.text(
                    table,
                    where,
                    "source",
                    "ACP guideline, Qaseem 2017",
                    why="every step names the fact it rests on",
                ),
            )
        )
    if len(steps) != len(RELIEF_STEP_IDS):
        missing = RELIEF_STEP_IDS[len(steps)]
        raise file.error("step", f'step {missing!r} is missing; add [[step]] id = "{missing}"')
    if EMERGENCY_PLACEHOLDER not in steps[0].text:
        raise file.error("step[0].text", f"must say whom to call, with {EMERGENCY_PLACEHOLDER}")
    return Relief(title=title, intro=intro, steps=tuple(steps))


def _load_redflags(file: _File) -> RedFlags:
    file.check_keys(file.data, "", ("title", "intro", "tier"))
    title = file.text(file.data, "", "title", "Back pain: when to get help")
    intro = file.text(file.data, "", "intro", "Check these signs from the top.", required=False)
    tables = file.table_list("tier", '[[tier]] id = "emergency" heading = "..." signs = [...]')
    tiers = []
    seen: dict[str, str] = {}
    for index, table in enumerate(tables):
        where = f"tier[{index}]"
        file.check_keys(table, where, ("id", "heading", "lead", "signs", "note", "source"))
        tier_id = file.item_id(table, where, seen, "emergency")
        expected = REDFLAG_TIER_IDS[index] if index < len(REDFLAG_TIER_IDS) else None
        if tier_id != expected:
            raise file.error(
                f"{where}.id",
                f"{tier_id!r} is out of place; the tiers must be, most urgent first: "
                f"{', '.join(REDFLAG_TIER_IDS)}",
            )
        tiers.append(
            RedFlagTier(
                id=tier_id,
                heading=file.text(
                    table, where, "heading", "Call {emergency} now", placeholders=True
                ),
                lead=file.text(
                    table, where, "lead", "Back pain with any of these:", required=False
                ),
                signs=file.text_list(
                    table, where, "signs", "Chest pain", "every tier lists its signs"
                ),
                note=file.text(table, where, "note", "", required=False),
                source=file.text(
                    table,
                    where,
                    "source",
                    'NHS "Back pain" page',
                    why="every tier names the facts it rests on",
                ),
            )
        )
    if len(tiers) != len(REDFLAG_TIER_IDS):
        missing = REDFLAG_TIER_IDS[len(tiers)]
        raise file.error("tier", f'tier {missing!r} is missing; add [[tier]] id = "{missing}"')
    if EMERGENCY_PLACEHOLDER not in tiers[0].heading:
        raise file.error(
            "tier[0].heading", f"must name the number to call with {EMERGENCY_PLACEHOLDER}"
        )
    return RedFlags(title=title, intro=intro, tiers=tuple(tiers))


def load_content(directory: Path | None = None) -> Content:
    """Read and check the four content files; raise ConfigError naming the file and the key."""
    folder = CONTENT_DIR if directory is None else directory
    disclaimer_file = _File(folder / "disclaimer.toml")
    disclaimer_file.check_keys(disclaimer_file.data, "", ("short", "long", "source"))
    short = disclaimer_file.text(
        disclaimer_file.data, "", "short", "General information, not medical advice."
    )
    long = disclaimer_file.text(
        disclaimer_file.data,
        "",
        "long",
        "General information, not medical advice. ...",
        placeholders=True,
    )
    disclaimer_source = disclaimer_file.text(
        disclaimer_file.data, "", "source", "content-facts.md section 7"
    )
    nudges = _load_nudges(_File(folder / "nudges.toml"), short)
    relief_file = _File(folder / "relief.toml")
    redflags_file = _File(folder / "redflags.toml")
    content = Content(
        nudges=nudges,
        relief=_load_relief(relief_file),
        redflags=_load_redflags(redflags_file),
        disclaimer_short=short,
        disclaimer_long=long,
        disclaimer_source=disclaimer_source,
    )
    # The longest English stand-in for the number is the phrase itself.
    for file, key, rendered in (
        (relief_file, "step", render_relief(content, None)),
        (redflags_file, "tier", render_redflags(content, None)),
    ):
        length = visible_length(rendered)
        if length > MESSAGE_MAX_CHARS:
            raise file.error(
                key,
                f"the rendered message is {length} characters; Telegram allows "
                f"{MESSAGE_MAX_CHARS}, so shorten it",
            )
    return content


@cache
def default_content() -> Content:
    """The shipped content, loaded once."""
    return load_content()


# ---------------------------------------------------------------------------------------------
# Rendering (Telegram HTML, parse_mode="HTML")


def _t(text: str) -> str:
    """Translate a data text and escape it; only the renderer adds tags."""
    return html.escape(_(text), quote=False)


def _with_number(text: str, emergency_number: str | None) -> str:
    """Translate, escape, then fill in the number (a translation keeps the placeholder)."""
    number = emergency_number if emergency_number else _(LOCAL_EMERGENCY_NUMBER)
    return _t(text).replace(EMERGENCY_PLACEHOLDER, html.escape(number, quote=False))


def visible_length(message: str) -> int:
    """Length as Telegram counts it after parsing entities: UTF-16 code units of the text."""
    text = html.unescape(re.sub(r"<[^>]*>", "", message))
    return len(text.encode("utf-16-le")) // 2


def render_nudge(nudge: Nudge, disclaimer: str) -> str:
    """One nudge as Telegram HTML, in the current language, ending with the disclaimer."""
    if nudge.habit == "stretch":
        heading = _(HABIT_HEADINGS["stretch"]).format(exercise=_(nudge.exercise or ""))
        lines = [f"<b>{html.escape(heading, quote=False)}</b>", _t(nudge.text)]
        lines += [f"{number}. {_t(step)}" for number, step in enumerate(nudge.steps, 1)]
        if nudge.hold:
            lines.append(f"<b>{_t(N_('How long:'))}</b> {_t(nudge.hold)}")
        if nudge.reps:
            lines.append(f"<b>{_t(N_('Repeat:'))}</b> {_t(nudge.reps)}")
        lines.append(f"<i>{_t(N_('Go gently, and stop if the pain sharpens.'))}</i>")
    else:
        heading = _(HABIT_HEADINGS.get(nudge.habit, nudge.habit))
        lines = [f"<b>{html.escape(heading, quote=False)}</b>", _t(nudge.text)]
    return "\n".join(lines) + f"\n\n<i>{_t(disclaimer)}</i>"


def render_relief(content: Content, emergency_number: str | None) -> str:
    """The /relief routine; ``emergency_number`` None means "your local emergency number"."""
    relief = content.relief
    parts = [f"<b>{_t(relief.title)}</b>" + (f"\n{_t(relief.intro)}" if relief.intro else "")]
    for number, step in enumerate(relief.steps, 1):
        parts.append(
            f"<b>{number}. {_with_number(step.title, emergency_number)}</b>\n"
            f"{_with_number(step.text, emergency_number)}"
        )
    parts.append(f"<i>{_with_number(content.disclaimer_long, emergency_number)}</i>")
    return "\n\n".join(parts)


def render_redflags(content: Content, emergency_number: str | None) -> str:
    """The /redflags checklist, most urgent tier first."""
    redflags = content.redflags
    parts = [
        f"<b>{_t(redflags.title)}</b>" + (f"\n{_t(redflags.intro)}" if redflags.intro else "")
    ]
    for number, tier in enumerate(redflags.tiers, 1):
        lines = [f"<b>{number}. {_with_number(tier.heading, emergency_number)}</b>"]
        if tier.lead:
            lines.append(_t(tier.lead))
        lines += [f"• {_t(sign)}" for sign in tier.signs]
        if tier.note:
            lines.append(f"<i>{_t(tier.note)}</i>")
        parts.append("\n".join(lines))
    parts.append(f"<i>{_with_number(content.disclaimer_long, emergency_number)}</i>")
    return "\n\n".join(parts)


# ---------------------------------------------------------------------------------------------
# Choosing the next nudge


def choose_nudge(
    nudge_ids: Sequence[str],
    seen_in_cycle: Collection[str],
    last: str | None,
    rng: random.Random,
) -> tuple[str, bool]:
    """Shuffle bag: the next nudge id and whether a new cycle started.

    Every id comes once before any comes again, and never the same id twice in a row, also
    across a cycle boundary (only impossible with a single id). The caller stores the state:
    after a restart ``seen_in_cycle`` becomes ``{chosen}``, otherwise it gains ``chosen``.
    Ids in ``seen_in_cycle`` that are no longer in ``nudge_ids`` (content changed) are ignored.
    """
    if not nudge_ids:
        raise ValueError("choose_nudge needs at least one nudge id")
    ids = list(dict.fromkeys(nudge_ids))  # keep order (deterministic for a seeded rng)
    seen = set(seen_in_cycle)
    remaining = [nudge_id for nudge_id in ids if nudge_id not in seen]
    restarted = not remaining
    if restarted:
        remaining = ids
    if len(remaining) > 1 and last in remaining:
        remaining = [nudge_id for nudge_id in remaining if nudge_id != last]
    return rng.choice(remaining), restarted
