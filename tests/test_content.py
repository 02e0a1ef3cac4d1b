from __future__ import annotations

import html
import random
import re
import shutil
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reminder_bot import content as content_module
from reminder_bot.config import ConfigError
from reminder_bot.content import (
    CONTENT_DIR,
    MIN_NUDGES_PER_HABIT,
    RELIEF_STEP_IDS,
    Content,
    Nudge,
    choose_nudge,
    load_content,
    render_nudge,
    render_redflags,
    render_relief,
)
from reminder_bot.schedule import HABITS

NUMBERS: list[str | None] = [None, "112", "911", "999", "000", "111"]
LOCAL = "your local emergency number"


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


def all_nudges(content: Content) -> list[Nudge]:
    return [nudge for habit in HABITS for nudge in content.nudges[habit]]


def all_rendered(content: Content) -> Iterator[tuple[str, str, str]]:
    """(name, html, the disclaimer it must end with) for every message the content can make."""
    for nudge in all_nudges(content):
        yield nudge.id, render_nudge(nudge, content.disclaimer_short), content.disclaimer_short
    for number in NUMBERS:
        long = content.disclaimer_long.replace("{emergency}", number or LOCAL)
        yield f"relief-{number}", render_relief(content, number), long
        yield f"redflags-{number}", render_redflags(content, number), long


# ---------------------------------------------------------------------------------------------
# A strict Telegram HTML checker


class TelegramHTMLError(AssertionError):
    pass


class _StrictTelegramHTML(HTMLParser):
    """Accepts only what the bot may send: <b>, <i>, <u> without attributes, properly nested,
    and the entities Telegram knows (&lt; &gt; &amp; &quot; and numeric ones)."""

    ALLOWED_TAGS = frozenset({"b", "i", "u"})
    ALLOWED_ENTITIES = frozenset({"lt", "gt", "amp", "quot"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.raw_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.ALLOWED_TAGS or attrs:
            raise TelegramHTMLError(f"tag <{tag} {attrs}> is not allowed")
        if tag in self.stack:
            raise TelegramHTMLError(f"<{tag}> nested inside itself")
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise TelegramHTMLError(f"self-closing <{tag}/> is not allowed")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            raise TelegramHTMLError(f"</{tag}> does not close {self.stack}")
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        if "<" in data or ">" in data or "&" in data:
            raise TelegramHTMLError(f"unescaped markup character in {data!r}")
        self.raw_text.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in self.ALLOWED_ENTITIES:
            raise TelegramHTMLError(f"entity &{name}; is not supported by Telegram")
        self.raw_text.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self.raw_text.append(f"&#{name};")

    def handle_comment(self, data: str) -> None:
        raise TelegramHTMLError("comments are not allowed")

    def handle_decl(self, decl: str) -> None:
        raise TelegramHTMLError("declarations are not allowed")

    def handle_pi(self, data: str) -> None:
        raise TelegramHTMLError("processing instructions are not allowed")

    def unknown_decl(self, data: str) -> None:
        raise TelegramHTMLError("declarations are not allowed")


def check_telegram_html(message: str) -> str:
    """Raise unless ``message`` parses as Telegram HTML; return the visible text."""
    parser = _StrictTelegramHTML()
    parser.feed(message)
    parser.close()
    if parser.rawdata:  # anything HTMLParser kept back is an unfinished tag or entity
        raise TelegramHTMLError(f"unfinished markup: {parser.rawdata!r}")
    if parser.stack:
        raise TelegramHTMLError(f"unclosed tags {parser.stack}")
    text = html.unescape("".join(parser.raw_text))
    length = len(text.encode("utf-16-le")) // 2  # Telegram counts UTF-16 code units
    if not text.strip() or length > 4096:
        raise TelegramHTMLError(f"visible length {length} is outside 1-4096")
    return text


@pytest.mark.parametrize(
    "bad",
    [
        "<b>open",
        "</i>",
        "<a href='x'>x</a>",
        "<br/>",
        "a < b",
        "a & b",
        "&nbsp;",
        "<b><b>x</b></b>",
        "<b><i>x</b></i>",
        "",
        "x" * 4097,
    ],
)
def test_checker_rejects(bad: str) -> None:
    with pytest.raises(TelegramHTMLError):
        check_telegram_html(bad)


def test_checker_accepts() -> None:
    assert check_telegram_html("<b>a</b> &lt;3 &amp; <i>b <u>c</u></i> &#x27;") == "a <3 & b c '"


# ---------------------------------------------------------------------------------------------
# The shipped content


def test_shipped_content_loads_with_enough_nudges(content: Content) -> None:
    assert set(content.nudges) == set(HABITS)
    for habit in HABITS:
        assert len(content.nudges[habit]) >= MIN_NUDGES_PER_HABIT, habit
        texts = [nudge.text for nudge in content.nudges[habit]]
        assert len(set(texts)) == len(texts), f"{habit} nudges repeat a text"


def test_every_item_has_a_source(content: Content) -> None:
    for nudge in all_nudges(content):
        assert nudge.source.strip(), nudge.id
    for step in content.relief.steps:
        assert step.source.strip(), step.id
    for tier in content.redflags.tiers:
        assert tier.source.strip(), tier.id


def test_stretch_nudges_are_structured(content: Content) -> None:
    for nudge in content.nudges["stretch"]:
        assert nudge.exercise and nudge.steps and nudge.hold and nudge.reps, nudge.id
    for habit in ("hydrate", "move", "posture"):
        for nudge in content.nudges[habit]:
            assert nudge.exercise is None and not nudge.steps, nudge.id


def test_stretch_exercises_come_from_the_vetted_routines(content: Content) -> None:
    vetted = {
        "cat-camel", "child's pose", "pelvic tilt", "bridge", "bird dog", "knee-to-chest",
        "seated hamstring stretch", "walking", "swimming", "cycling",
    }  # fmt: skip
    for nudge in content.nudges["stretch"]:
        assert (nudge.exercise or "").lower() in vetted, nudge.exercise
        assert "stop if the pain sharpens" in render_nudge(nudge, content.disclaimer_short)


def test_every_message_is_valid_telegram_html_and_ends_with_the_disclaimer(
    content: Content,
) -> None:
    for name, message, disclaimer in all_rendered(content):
        try:
            check_telegram_html(message)
        except TelegramHTMLError as error:
            pytest.fail(f"{name}: {error}")
        assert message.endswith(f"<i>{html.escape(disclaimer, quote=False)}</i>"), name


def test_nudges_fit_a_phone_screen(content: Content) -> None:
    for nudge in all_nudges(content):
        text = check_telegram_html(render_nudge(nudge, content.disclaimer_short))
        assert len(text) <= content_module.NUDGE_MAX_CHARS, nudge.id


def _tier_blocks(message: str) -> list[str]:
    return re.split(r"\n\n(?=<b>\d\. )", message)[1:]


@pytest.mark.parametrize("number", NUMBERS)
def test_redflags_tiers_most_urgent_first_with_the_number(
    content: Content, number: str | None
) -> None:
    assert [tier.id for tier in content.redflags.tiers] == ["emergency", "same-day", "routine"]
    message = render_redflags(content, number)
    blocks = _tier_blocks(message)
    assert len(blocks) == 3
    emergency, same_day, routine = blocks
    assert "emergency department" in emergency
    assert f"Call {number or LOCAL}" in emergency
    assert "same-day" in same_day and "111 in the UK" in same_day
    assert "GP or physiotherapist" in routine
    # numbness in ONE leg is a same-day sign, not an emergency one
    assert "one leg" not in emergency and "one leg" in same_day
    assert "both legs" in emergency


@pytest.mark.parametrize("number", NUMBERS)
def test_relief_order_and_number(content: Content, number: str | None) -> None:
    assert tuple(step.id for step in content.relief.steps) == RELIEF_STEP_IDS
    message = render_relief(content, number)
    blocks = _tier_blocks(message)
    assert len(blocks) == len(RELIEF_STEP_IDS)
    first = blocks[0]
    assert "/redflags" in first and f"call {number or LOCAL}" in first
    assert "avoid bed rest" in blocks[1]
    assert "15-20 minutes" in blocks[2] and "numb" in blocks[2]
    assert "pharmacist" in blocks[3] and "leaflet" in blocks[3]
    assert "stop if the pain sharpens" in blocks[4]
    assert "days to weeks" in blocks[6]


# Each rule: a claim the content must not make, and the context in which the words are allowed
# (the same sentence must match it), or None when the words may never appear.
FORBIDDEN: list[tuple[str, str | None]] = [
    (r"\bbed rest\b", r"avoid bed rest|helps more than bed rest"),
    (r"\b(?:alternat\w*|switch\w*)\b.*\bcold\b|\bhot and cold\b", r"not enough evidence"),
    (r"\bparacetamol\b|\bacetaminophen\b", r"on its own is not recommended"),
    (r"\bmagnesium\b|\bpotassium\b|\bcalcium\b|\bsupplement", None),
    (r"\bessential oils?\b|\bherbal\b|\bwillow\b|\baromatherap", None),
    (r"\bback belts?\b|\bcorsets?\b|\binsoles?\b|\btraction\b|\bTENS\b", None),
    (r"\byou are fine\b|\byou're fine\b|\byou are ok\b|\bnothing to worry\b", None),
    (
        r"\bevery \d+ (?:minutes|mins)\b|\bevery (?:half an )?hour\b|\bdoctors (?:say|recommend)",
        None,
    ),
    (r"\b\d+\s*(?:mg|milligrams?|ml)\b|\btablets?\b|\bpills?\b", None),
    (r"muscle relaxant|diazepam|codeine|tramadol|opioid|prescription", None),
    (r"\bcures?\b", r"not a cure"),
    (r"\bguarantee", None),
]


def _sentences(content: Content) -> list[str]:
    texts: list[str] = []
    for _name, message, _disclaimer in all_rendered(content):
        texts.append(check_telegram_html(message))
    return [s for text in texts for s in re.split(r"(?<=[.!?])\s+|\n", text) if s.strip()]


@pytest.mark.parametrize(("pattern", "allowed"), FORBIDDEN)
def test_forbidden_claims_are_absent(content: Content, pattern: str, allowed: str | None) -> None:
    for sentence in _sentences(content):
        if re.search(pattern, sentence, re.IGNORECASE):
            assert allowed is not None and re.search(allowed, sentence, re.IGNORECASE), sentence


def test_paracetamol_appears_only_as_not_recommended(content: Content) -> None:
    hits = [s for s in _sentences(content) if "paracetamol" in s.lower()]
    assert hits and all("not recommended" in s for s in hits)


def test_water_is_never_a_back_pain_treatment(content: Content) -> None:
    for nudge in content.nudges["hydrate"]:
        assert not re.search(r"back|spasm|pain|disc|muscle|cramp", nudge.text, re.I), nudge.id


def test_posture_is_comfort_not_cure(content: Content) -> None:
    for nudge in content.nudges["posture"]:
        if re.search(r"prevent|cure|treat|fix", nudge.text, re.I):
            assert "little evidence" in nudge.text, nudge.id
    assert any("the best posture is the next one" in n.text for n in content.nudges["posture"])


def test_redflags_never_reassure(content: Content) -> None:
    for number in NUMBERS:
        text = check_telegram_html(render_redflags(content, number)).lower()
        assert "fine" not in text and "nothing" not in text


def test_renderers_translate_every_text(content: Content, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every data text and label goes through _() at render time (msgids: the English texts)."""
    asked: list[str] = []

    def fake(message: str) -> str:
        asked.append(message)
        return (
            message.upper()
            .replace("{EMERGENCY}", "{emergency}")
            .replace("{EXERCISE}", "{exercise}")
        )

    monkeypatch.setattr(content_module, "_", fake)
    nudge = content.nudges["stretch"][0]
    message = render_nudge(nudge, content.disclaimer_short)
    assert {nudge.text, nudge.exercise, nudge.hold, nudge.reps, *nudge.steps} <= set(asked)
    assert {"How long:", "Repeat:", content.disclaimer_short} <= set(asked)
    visible = check_telegram_html(message)
    assert visible == visible.upper()
    relief = render_relief(content, None)
    for step in content.relief.steps:
        assert {step.title, step.text} <= set(asked)
    assert LOCAL in asked and LOCAL.upper() in relief
    render_redflags(content, "112")
    for tier in content.redflags.tiers:
        assert {tier.heading, *tier.signs} <= set(asked)
    assert content.disclaimer_long in asked


def test_text_with_markup_characters_is_escaped() -> None:
    nudge = Nudge(id="x", habit="move", text='Tom & Jerry say "a < b" > c', source="s")
    message = render_nudge(nudge, "Not <advice> & so on")
    assert check_telegram_html(message).startswith("🚶 Time to move\nTom & Jerry say")


# ---------------------------------------------------------------------------------------------
# Broken content files


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, folder)
    return folder


def _edit(name: str, old: str, new: str, count: int = 1) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        path = folder / name
        text = path.read_text("utf-8")
        assert old in text, f"{old!r} not in {name}"
        path.write_text(text.replace(old, new, count), "utf-8")

    return apply


def _sub(name: str, pattern: str, new: str) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        path = folder / name
        text, count = re.subn(pattern, new, path.read_text("utf-8"), count=1, flags=re.S)
        assert count == 1, f"{pattern!r} not in {name}"
        path.write_text(text, "utf-8")

    return apply


def _keep_only(habit: str, count: int) -> Callable[[Path], None]:
    def apply(folder: Path) -> None:
        path = folder / "nudges.toml"
        blocks = re.split(r"(?m)^(?=\[\[|# ---)", path.read_text("utf-8"))
        kept, seen = [], 0
        for block in blocks:
            if block.startswith(f"[[{habit}]]"):
                seen += 1
                if seen > count:
                    continue
            kept.append(block)
        path.write_text("".join(kept), "utf-8")

    return apply


def _delete(name: str) -> Callable[[Path], None]:
    return lambda folder: (folder / name).unlink()


BROKEN: list[tuple[str, Callable[[Path], None], str]] = [
    (
        "stretch hold missing",
        _edit("nudges.toml", 'hold = "no hold, just move slowly"\n', ""),
        r"content/nudges\.toml: stretch\[0\]\.hold: missing; every stretch nudge needs hold, "
        r'e\.g\. hold = "20-30 s"',
    ),
    (
        "stretch steps empty",
        _sub("nudges.toml", r"steps = \[\n    \"Kneel on all fours, hands.*?\]", "steps = []"),
        r"nudges\.toml: stretch\[0\]\.steps: must be a non-empty list of texts",
    ),
    (
        "unknown key",
        _edit("nudges.toml", "source = ", "sorce = "),
        r"nudges\.toml: hydrate\[0\]\.sorce: unknown key; allowed keys are id, text, source",
    ),
    (
        "stretch field on a hydrate nudge",
        _edit("nudges.toml", 'id = "hydrate-glass-now"', 'id = "hydrate-glass-now"\nreps = "2"'),
        r"nudges\.toml: hydrate\[0\]\.reps: unknown key.*only stretch nudges",
    ),
    (
        "missing source",
        _edit(
            "nudges.toml",
            'Any movement counts."\nsource = "WHO 2020 guidelines (Bull et al., BJSM 2020)"',
            'Any movement counts."',
        ),
        r"nudges\.toml: move\[0\]\.source: missing; every nudge names the fact",
    ),
    (
        "duplicate id",
        _edit("nudges.toml", 'id = "move-short-walk"', 'id = "move-two-to-five"'),
        r"nudges\.toml: move\[1\]\.id: duplicate id 'move-two-to-five' \(also at move\[0\]\)",
    ),
    (
        "bad id",
        _edit("nudges.toml", 'id = "move-short-walk"', 'id = "Move Short"'),
        r"nudges\.toml: move\[1\]\.id: 'Move Short' must be lower-case",
    ),
    (
        "unknown habit",
        _edit(
            "nudges.toml", "[[move]]", '[[walkk]]\nid = "w"\ntext = "w"\nsource = "w"\n\n[[move]]'
        ),
        r"nudges\.toml: walkk: unknown habit; use one of hydrate, move, posture, stretch",
    ),
    (
        "too few nudges",
        _keep_only("posture", 3),
        r"nudges\.toml: posture: has 3 nudges; each habit needs at least 10",
    ),
    (
        "habit missing",
        _keep_only("posture", 0),
        r"nudges\.toml: posture: missing; add \[\[posture\]\] tables",
    ),
    (
        "text too long",
        _edit("nudges.toml", "Time for a glass of water.", "Drink. " * 120),
        r"nudges\.toml: hydrate\[0\]\.text: the rendered nudge is \d+ characters; "
        r"keep it under 700",
    ),
    (
        "html in a text",
        _edit("nudges.toml", "Time for a glass of water.", "Time for <b>water</b>."),
        r"nudges\.toml: hydrate\[0\]\.text: must be plain text without HTML tags",
    ),
    (
        "text is not a string",
        _edit(
            "nudges.toml",
            'text = "Time for a glass of water. Keep a glass or bottle where you can see it and '
            "refill it when it's empty.\"",
            "text = 3",
        ),
        r"nudges\.toml: hydrate\[0\]\.text: must be text in quotes",
    ),
    (
        "unknown placeholder",
        _edit("relief.toml", "stop here and call {emergency}", "stop here and call {number}"),
        r"relief\.toml: step\[0\]\.text: unknown placeholder \{number\}",
    ),
    (
        "placeholder in a nudge",
        _edit("nudges.toml", "Time for a glass of water.", "Call {emergency}."),
        r"nudges\.toml: hydrate\[0\]\.text: unknown placeholder \{emergency\}; placeholders are "
        r"not allowed",
    ),
    (
        "relief steps out of order",
        _edit("relief.toml", 'id = "heat"', 'id = "massage-first"'),
        r"relief\.toml: step\[2\]\.id: 'massage-first' is out of place; the steps must be, in "
        r"this order: red-flags, keep-moving, heat",
    ),
    (
        "relief step missing",
        _sub("relief.toml", r'\[\[step\]\]\nid = "reassurance".*', ""),
        r"relief\.toml: step: step 'reassurance' is missing; "
        r"add \[\[step\]\] id = \"reassurance\"",
    ),
    (
        "relief first step without the number",
        _edit("relief.toml", "stop here and call {emergency}", "stop here and get help"),
        r"relief\.toml: step\[0\]\.text: must say whom to call",
    ),
    (
        "tiers out of order",
        _edit("redflags.toml", 'id = "emergency"', 'id = "routine-first"'),
        r"redflags\.toml: tier\[0\]\.id: 'routine-first' is out of place; the tiers must be, "
        r"most urgent first",
    ),
    (
        "tier without source",
        _sub(
            "redflags.toml", r'source = "NHS \\"Back pain\\" page; NHS Gloucestershire[^\n]*\n', ""
        ),
        r"redflags\.toml: tier\[1\]\.source: missing; every tier names the facts",
    ),
    (
        "tier one without the number",
        _edit("redflags.toml", "Call {emergency} or go", "Go"),
        r"redflags\.toml: tier\[0\]\.heading: must name the number to call",
    ),
    (
        "disclaimer missing",
        _edit("disclaimer.toml", 'short = "', 'shorter = "'),
        r"disclaimer\.toml: shorter: unknown key",
    ),
    (
        "file missing",
        _delete("relief.toml"),
        r"relief\.toml: file not found",
    ),
    (
        "not TOML",
        _edit("nudges.toml", "[[hydrate]]", "[[hydrate"),
        r"nudges\.toml: not valid TOML",
    ),
]


@pytest.mark.parametrize(("case", "breaks", "message"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_content_names_file_and_key(
    content_copy: Path, case: str, breaks: Callable[[Path], None], message: str
) -> None:
    breaks(content_copy)
    with pytest.raises(ConfigError, match=message):
        load_content(content_copy)


def test_missing_source_field_names_key(content_copy: Path) -> None:
    path = content_copy / "nudges.toml"
    text = path.read_text("utf-8")
    # drop the source of the fourth stretch nudge only
    head, _, tail = text.partition('id = "stretch-bridge"')
    tail = re.sub(r'\nsource = "[^\n]*\n', "\n", tail, count=1)
    path.write_text(head + 'id = "stretch-bridge"' + tail, "utf-8")
    with pytest.raises(ConfigError, match=r"nudges\.toml: stretch\[3\]\.source: missing"):
        load_content(content_copy)


def test_relief_too_long_for_telegram(content_copy: Path) -> None:
    long_text = " ".join(["Short walks help."] * 60)
    path = content_copy / "relief.toml"
    text = path.read_text("utf-8")
    for step in ("keep-moving", "heat", "massage", "reassurance"):
        text = re.sub(
            rf'(id = "{step}"\ntitle = "[^"]*"\ntext = )"[^\n]*"', rf'\1"{long_text}"', text
        )
    path.write_text(text, "utf-8")
    with pytest.raises(ConfigError, match=r"relief\.toml: step: the rendered message is \d+"):
        load_content(content_copy)


def test_custom_folder_error_names_full_path(content_copy: Path) -> None:
    _edit("nudges.toml", "source = ", "sorce = ")(content_copy)
    with pytest.raises(ConfigError) as error:
        load_content(content_copy)
    assert str(error.value).startswith(str(content_copy / "nudges.toml"))


# ---------------------------------------------------------------------------------------------
# choose_nudge: a shuffle bag


def _draw(ids: list[str], count: int, seed: int) -> list[tuple[str, bool]]:
    rng = random.Random(seed)
    seen: set[str] = set()
    last: str | None = None
    draws = []
    for _ in range(count):
        chosen, restarted = choose_nudge(ids, seen, last, rng)
        seen = {chosen} if restarted else seen | {chosen}
        last = chosen
        draws.append((chosen, restarted))
    return draws


@settings(max_examples=200, deadline=None)
@given(
    n=st.integers(min_value=1, max_value=14),
    count=st.integers(min_value=1, max_value=80),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_choose_nudge_full_cycle_before_repeat_and_no_immediate_repeat(
    n: int, count: int, seed: int
) -> None:
    ids = [f"n{i}" for i in range(n)]
    draws = _draw(ids, count, seed)
    chosen = [c for c, _ in draws]
    if n > 1:
        assert all(a != b for a, b in zip(chosen, chosen[1:], strict=False))
    # cut the sequence into cycles where a restart is reported
    cycles: list[list[str]] = [[]]
    for index, (choice, restarted) in enumerate(draws):
        assert not (restarted and index == 0)
        if restarted:
            cycles.append([])
        cycles[-1].append(choice)
    for cycle in cycles[:-1]:
        assert sorted(cycle) == sorted(ids)  # the whole set, each once
    assert len(set(cycles[-1])) == len(cycles[-1])  # the current cycle has no repeat yet


@settings(max_examples=200, deadline=None)
@given(
    n=st.integers(min_value=1, max_value=10),
    data=st.data(),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_choose_nudge_from_any_state(n: int, data: st.DataObject, seed: int) -> None:
    ids = [f"n{i}" for i in range(n)]
    seen = data.draw(st.sets(st.sampled_from(ids + ["gone"])))
    last = data.draw(st.none() | st.sampled_from(ids + ["gone"]))
    chosen, restarted = choose_nudge(ids, seen, last, random.Random(seed))
    assert chosen in ids
    assert restarted == set(ids).issubset(seen)
    if not restarted:
        assert chosen not in seen
    if n > 1 and (restarted or set(ids) - seen != {last}):
        assert chosen != last


def test_choose_nudge_with_one_and_two_ids() -> None:
    assert [c for c, _ in _draw(["only"], 4, seed=1)] == ["only"] * 4
    assert [r for _, r in _draw(["only"], 4, seed=1)] == [False, True, True, True]
    pair = [c for c, _ in _draw(["a", "b"], 10, seed=7)]
    assert all(a != b for a, b in zip(pair, pair[1:], strict=False))


def test_choose_nudge_is_deterministic_for_a_seed() -> None:
    assert _draw(list("abcdef"), 30, seed=3) == _draw(list("abcdef"), 30, seed=3)


def test_choose_nudge_needs_ids() -> None:
    with pytest.raises(ValueError):
        choose_nudge([], set(), None, random.Random(0))
