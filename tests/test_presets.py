from __future__ import annotations

from datetime import UTC, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from reminder_bot.config import ConfigError
from reminder_bot.presets import (
    Preset,
    builtin_presets_dir,
    load_preset,
    load_presets,
)
from reminder_bot.rule_text import format_rule
from reminder_bot.schedule import HABITS, Every, Off, QuietHours, next_occurrence

SHIPPED = ("desk-worker", "standing-job", "gentle")

GOOD = """\
description = "A test preset"
quiet = "22:00-07:00"
[habits]
hydrate = "every 90m from 09:00 to 18:00 on weekdays"
move = "every 45m"
posture = "off"
stretch = "at 12:30 daily"
"""


def test_builtin_dir_is_the_repos_schedules_folder() -> None:
    folder = builtin_presets_dir()
    assert folder.is_dir()
    assert folder.name == "schedules"
    assert (folder / "desk-worker.toml").is_file()


def test_every_shipped_preset_loads() -> None:
    presets = load_presets(builtin_presets_dir())
    assert set(SHIPPED) <= set(presets)
    berlin = ZoneInfo("Europe/Berlin")
    monday = datetime(2026, 5, 11, 5, 0, tzinfo=UTC)
    for name in SHIPPED:
        preset = presets[name]
        assert preset.name == name
        assert set(preset.rules) == set(HABITS)
        assert preset.description
        # Product choices, not medical claims.
        assert "doctor" not in preset.description.lower()
        assert "off-load" not in preset.description.lower()
        # Every preset actually nudges on an ordinary Monday.
        assert any(
            next_occurrence(rule, berlin, monday, quiet=preset.quiet) is not None
            for rule in preset.rules.values()
        )


def test_desk_worker_is_the_documented_default() -> None:
    preset = load_presets(builtin_presets_dir())["desk-worker"]
    move = preset.rules["move"]
    assert isinstance(move, Every) and 30 <= move.minutes <= 60
    assert preset.quiet is not None


def test_standing_job_gets_wording_for_standing_work() -> None:
    presets = load_presets(builtin_presets_dir())
    assert {name: presets[name].work for name in SHIPPED} == {
        "desk-worker": "sitting",
        "standing-job": "standing",
        "gentle": "sitting",
    }
    assert "sit-and-rest" not in presets["standing-job"].description


def test_only_desk_worker_restarts_the_move_timer_on_done(tmp_path: Path) -> None:
    presets = load_presets(builtin_presets_dir())
    assert {name: presets[name].adaptive_move for name in SHIPPED} == {
        "desk-worker": True,
        "standing-job": False,
        "gentle": False,
    }
    (tmp_path / "a.toml").write_text("adaptive_move = true\n" + GOOD, encoding="utf-8")
    (tmp_path / "b.toml").write_text("adaptive_move = false\n" + GOOD, encoding="utf-8")
    loaded = load_presets(tmp_path)
    assert loaded["a"].adaptive_move and not loaded["b"].adaptive_move


def test_work_is_read_from_each_preset_file(tmp_path: Path) -> None:
    (tmp_path / "warehouse.toml").write_text('work = "standing"\n' + GOOD, encoding="utf-8")
    (tmp_path / "office.toml").write_text(GOOD, encoding="utf-8")
    presets = load_presets(tmp_path)
    assert presets["warehouse"].work == "standing" and presets["office"].work == "sitting"


def test_gentle_sends_fewer_nudges_than_desk_worker() -> None:
    presets = load_presets(builtin_presets_dir())
    zone = ZoneInfo("UTC")

    def weekly(preset: Preset) -> int:
        count = 0
        for rule in preset.rules.values():
            now = datetime(2026, 5, 11, tzinfo=UTC)
            while (found := next_occurrence(rule, zone, now, quiet=preset.quiet)) is not None:
                if found >= datetime(2026, 5, 18, tzinfo=UTC):
                    break
                count += 1
                now = found
        return count

    assert weekly(presets["gentle"]) < weekly(presets["desk-worker"])


def test_a_good_file(tmp_path: Path) -> None:
    (tmp_path / "mine.toml").write_text(GOOD, encoding="utf-8")
    preset = load_presets(tmp_path)["mine"]
    assert preset.description == "A test preset"
    assert preset.quiet == QuietHours(time(22), time(7))
    assert preset.rules["posture"] == Off()
    assert format_rule(preset.rules["move"]) == "every 45m from 09:00 to 18:00 daily"
    assert preset.path == tmp_path / "mine.toml"


def test_quiet_is_optional_and_may_be_off(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text(GOOD.replace('quiet = "22:00-07:00"\n', ""), "utf-8")
    (tmp_path / "b.toml").write_text(GOOD.replace('"22:00-07:00"', '"off"'), "utf-8")
    presets = load_presets(tmp_path)
    assert presets["a"].quiet is None
    assert presets["b"].quiet is None


def test_later_folders_override_earlier_ones(tmp_path: Path) -> None:
    custom = tmp_path / "custom"
    custom.mkdir()
    (custom / "desk-worker.toml").write_text(GOOD, encoding="utf-8")
    (custom / "night-shift.toml").write_text(GOOD, encoding="utf-8")
    presets = load_presets(builtin_presets_dir(), custom)
    assert presets["desk-worker"].description == "A test preset"
    assert presets["desk-worker"].path == custom / "desk-worker.toml"
    assert "night-shift" in presets and "gentle" in presets


def _replace(old: str, new: str) -> str:
    assert old in GOOD
    return GOOD.replace(old, new)


BROKEN = [
    # (file name, content, key named in the error, words in the error)
    ("gentle.toml", _replace('"every 45m"', '"every 1h on mo"'), "habits.move",
     ["unknown day 'mo'", 'example: "every 45m from 09:00 to 17:30 on weekdays"']),
    ("p.toml", _replace('"at 12:30 daily"', '"at 25:00"'), "habits.stretch", ["'25:00'"]),
    ("p.toml", _replace('"every 45m"', '"every 2m"'), "habits.move", ["5 minutes"]),
    ("p.toml", _replace('"every 45m"', '"sometimes"'), "habits.move", ["'sometimes'"]),
    ("p.toml", _replace('"every 45m"', "45"), "habits.move", ["quoted string", "int"]),
    ("p.toml", _replace('move = "every 45m"\n', ""), "habits.move", ["missing", "off"]),
    ("p.toml", _replace('stretch = "at 12:30 daily"\n', 'stretch = "off"\nyoga = "off"\n'),
     "habits.yoga", ["unknown habit", "hydrate"]),
    ("p.toml", _replace('description = "A test preset"\n', ""), "description", ["missing"]),
    ("p.toml", _replace('"A test preset"', '"  "'), "description", ["empty"]),
    ("p.toml", _replace('"A test preset"', "3"), "description", ["quoted string"]),
    ("p.toml", _replace('"22:00-07:00"', '"22:00"'), "quiet", ["'22:00'", "22:00-07:00"]),
    ("p.toml", _replace('"22:00-07:00"', '"22:00-22:00"'), "quiet", ["differ"]),
    ("p.toml", "colour = 'blue'\n" + GOOD, "colour", ["unknown key", "description", "work"]),
    ("p.toml", 'work = "walking"\n' + GOOD, "work",
     ["unknown kind of work 'walking'", "sitting or standing", 'example: "standing"']),
    ("p.toml", "work = 1\n" + GOOD, "work", ["quoted string", "int"]),
    ("p.toml", 'adaptive_move = "yes"\n' + GOOD, "adaptive_move",
     ["true or false", "str 'yes'", 'example: "adaptive_move = true"']),
    ("p.toml", "adaptive_move = 1\n" + GOOD, "adaptive_move", ["true or false", "int 1"]),
    ("p.toml", GOOD.split("[habits]")[0], "habits", ["missing", "[habits]"]),
    ("p.toml", GOOD.split("[habits]")[0] + "habits = 3\n", "habits", ["table"]),
    ("p.toml", _replace('"every 45m"', '"every 45m'), None, ["not valid TOML", "line 5"]),
    ("Desk_Worker.toml", GOOD, None, ["'Desk_Worker'", "desk-worker.toml"]),
]  # fmt: skip


@pytest.mark.parametrize(("filename", "content", "key", "words"), BROKEN)
def test_broken_preset_files(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    filename: str,
    content: str,
    key: str | None,
    words: list[str],
) -> None:
    folder = tmp_path / "schedules"
    folder.mkdir()
    (folder / filename).write_text(content, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as info:
        load_presets(folder)
    message = str(info.value)
    assert message.startswith(f"schedules/{filename}: "), message
    if key is not None:
        assert f": {key}: " in message, message
    for word in words:
        assert word in message, message


def test_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no preset files"):
        load_presets(tmp_path)


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not a folder"):
        load_presets(tmp_path / "nope")


def test_absolute_path_outside_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "p.toml").write_text(_replace('"off"', '"of"'), encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    with pytest.raises(ConfigError) as info:
        load_preset(tmp_path / "p.toml")
    assert str(info.value).startswith(f"{tmp_path / 'p.toml'}: habits.posture: ")
