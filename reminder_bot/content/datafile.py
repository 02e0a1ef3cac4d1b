"""One content data file being read: typed, plain-text values or errors naming file and key."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from reminder_bot.config import ConfigError
from reminder_bot.content.model import EMERGENCY_PLACEHOLDER

# The shipped data files sit beside this module.
CONTENT_DIR = Path(__file__).resolve().parent

_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
# The renderers add all markup, so anything that looks like a tag or an unknown placeholder in
# a data text is a mistake that would break Telegram's HTML parser or show up raw.
_TAG_LIKE = re.compile(r"<\s*/?\s*[A-Za-z]")
_PLACEHOLDER = re.compile(r"\{[^}]*\}")


class DataFile:
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
                "relief.toml, redflags.toml, disclaimer.toml and safety.toml (copy them from "
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

    def source(self, table: Mapping[str, Any], where: str, example: str, why: str) -> str:
        """The required ``source`` of an item: reviewers check every text against its fact."""
        return self.text(table, where, "source", example, why=why)

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
