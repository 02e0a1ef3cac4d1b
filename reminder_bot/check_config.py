"""``reminder-bot check-config``: every setting, preset and content file checked without starting
the bot (no network, no database written); every problem found is listed, each naming the
setting or the file."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from reminder_bot import config
from reminder_bot.config import Config, ConfigError
from reminder_bot.logs import RedactingFilter

# Stands in for a bad or missing token so the remaining settings can still be checked.
PLACEHOLDER_TOKEN = "1:placeholder"
_NAMED = re.compile(r"^([A-Z][A-Z0-9_]*)\b")


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    presets: list[str] = field(default_factory=list)
    settings: Config | None = None


def _setting_named(message: str) -> str | None:
    match = _NAMED.match(message)
    known = {setting.name for setting in config.SETTINGS}
    return match.group(1) if match and match.group(1) in known else None


def check_settings(env: Mapping[str, str], report: Report) -> None:
    """The config reader stops at the first bad variable: note it, put the default in its place
    and read again, until everything reads."""
    env = dict(env)
    for _ in range(len(config.SETTINGS) + 1):
        try:
            report.settings = config.load(env)
            return
        except ConfigError as error:
            report.problems.append(str(error))
            name = error.setting or _setting_named(str(error))
            if name is None:
                return
            if name.startswith("TELEGRAM_BOT_TOKEN"):
                env.pop("TELEGRAM_BOT_TOKEN_FILE", None)
                env["TELEGRAM_BOT_TOKEN"] = PLACEHOLDER_TOKEN
            else:
                env.pop(name, None)


def check_presets(settings: Config, report: Report) -> None:
    from reminder_bot.presets import builtin_presets_dir, load_preset

    found: set[str] = set()
    folders = [builtin_presets_dir()]
    if settings.presets_dir is not None:
        folders.append(settings.presets_dir)
    for folder in folders:
        files = sorted(folder.glob("*.toml"))
        if not files:
            report.problems.append(f"{folder}: no preset files (*.toml) in this folder")
        for path in files:
            try:
                found.add(load_preset(path).name)
            except ConfigError as error:
                report.problems.append(str(error))
    report.presets = sorted(found)
    if settings.default_preset not in found and _default_file_missing(settings, folders):
        report.problems.append(
            f"REMINDER_BOT_DEFAULT_PRESET={settings.default_preset!r} names no preset; "
            f"choose one of {', '.join(sorted(found))}"
        )


def _default_file_missing(settings: Config, folders: list[Path]) -> bool:
    """False when the default preset's file exists but is broken (already reported)."""
    return not any((folder / f"{settings.default_preset}.toml").is_file() for folder in folders)


def check_content(report: Report) -> None:
    from reminder_bot.content import load_content

    try:
        load_content()
    except ConfigError as error:
        report.problems.append(str(error))


def check(env: Mapping[str, str] | None = None) -> Report:
    report = Report()
    check_settings(os.environ if env is None else env, report)
    check_content(report)
    if report.settings is not None:
        check_presets(report.settings, report)
    return report


def main(env: Mapping[str, str] | None = None) -> tuple[int, str]:
    """The exit code and the text to print (stdout when 0, stderr otherwise)."""
    env = os.environ if env is None else env
    report = check(env)
    known = [report.settings.token] if report.settings else []
    redact = RedactingFilter([env.get("TELEGRAM_BOT_TOKEN", ""), *known]).redact
    if report.problems:
        lines = [f"reminder-bot: configuration has {len(report.problems)} problem(s):"]
        lines += [f"  - {redact(problem)}" for problem in report.problems]
        return 2, "\n".join(lines)
    settings = report.settings
    assert settings is not None
    bot_id = settings.token.partition(":")[0]
    return 0, (
        f"reminder-bot: configuration OK: bot {bot_id}, API {settings.api_url}, "
        f"database {settings.database}, {len(report.presets)} presets "
        f"(default {settings.default_preset}), content OK, log {settings.log_level} "
        f"{settings.log_format}"
    )
