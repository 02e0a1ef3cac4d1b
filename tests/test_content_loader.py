"""Broken content files: every problem is a ConfigError naming the file and the key."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from reminder_bot.config import ConfigError
from reminder_bot.content import CONTENT_DIR, load_content


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "content"
    # Only the data files: a self-hoster's folder has no code beside them.
    shutil.copytree(CONTENT_DIR, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
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
        _edit("nudges.toml", 'id = "hydrate-glass-now"', 'id = "hydrate-glass-now"\nsorce = "x"'),
        r"nudges\.toml: hydrate\[0\]\.sorce: unknown key; allowed keys are id, text, source",
    ),
    (
        "stretch field on a hydrate nudge",
        _edit("nudges.toml", 'id = "hydrate-glass-now"', 'id = "hydrate-glass-now"\nreps = "2"'),
        r"nudges\.toml: hydrate\[0\]\.reps: unknown key.*only stretch and activity nudges",
    ),
    (
        "missing source",
        _sub("nudges.toml", r'(Any movement counts\."\n)source = "[^\n]*\n', r"\1"),
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
        r"nudges\.toml: walkk: unknown nudge set; use one of hydrate, move, move-standing, "
        r"posture, stretch, activity \(or caution\)",
    ),
    (
        "too few nudges",
        _keep_only("posture", 3),
        r"nudges\.toml: posture: has 3 nudges; this set needs at least 20",
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
        "caution missing",
        _sub("nudges.toml", r"\[caution\.hydrate\]\ntext = [^\n]*\nsource = [^\n]*\n", ""),
        r"nudges\.toml: caution\.hydrate: missing; every hydrate nudge carries a caution line",
    ),
    (
        "caution for a set without one",
        _edit("nudges.toml", "[caution.hydrate]", "[caution.posture]"),
        r"nudges\.toml: caution\.posture: unknown key; allowed keys are hydrate, stretch, "
        r"activity",
    ),
    (
        "caution without source",
        _sub("nudges.toml", r"(\[caution\.stretch\]\ntext = [^\n]*\n)source = [^\n]*\n", r"\1"),
        r"nudges\.toml: caution\.stretch\.source: missing; every caution names its fact",
    ),
    (
        "activity without its dose",
        _edit("nudges.toml", 'hold = "about 30 minutes"\n', ""),
        r"nudges\.toml: activity\[0\]\.hold: missing; every activity nudge needs hold",
    ),
    (
        "too few activities",
        _keep_only("activity", 2),
        r"nudges\.toml: activity: has 2 nudges; this set needs at least 3",
    ),
    (
        "standing move nudges missing",
        _keep_only("move-standing", 0),
        r"nudges\.toml: move-standing: missing; add \[\[move-standing\]\] tables",
    ),
    (
        "uk heading with an unknown placeholder",
        _edit("redflags.toml", "medical helpline (111 in the UK)", "helpline ({helpline})"),
        r"redflags\.toml: tier\[1\]\.heading_uk: unknown placeholder \{helpline\}",
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
