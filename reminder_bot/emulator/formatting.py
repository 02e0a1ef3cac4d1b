"""A message's text or caption as Telegram stores it: parse_mode, explicit entities, limits."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .entities import Entity, auto_entities, trim_text, utf16_len
from .errors import bad_request
from .html_parser import parse_html
from .markdown_parser import parse_markdown, parse_markdown_v2

MAX_TEXT = 4096
MAX_CAPTION = 1024

_PARSERS: dict[str, Callable[[str], tuple[str, list[Entity]]]] = {
    "html": parse_html,
    "markdownv2": parse_markdown_v2,
    "markdown": parse_markdown,
}


def _parsed(text: str, parse_mode: str) -> tuple[str, list[Entity]]:
    parser = _PARSERS.get(parse_mode)
    if parser is None:
        raise bad_request("unsupported parse_mode")
    try:
        return parser(text)
    except ValueError as exc:
        raise bad_request(f"can't parse entities: {exc}") from None


def _explicit(text: str, entities: list[Entity] | None) -> list[Entity]:
    """Entities given as such: rejected if negative, clipped to the text, empty ones dropped."""
    given = [dict(e) for e in entities or []]
    total = utf16_len(text)
    for e in given:
        if e["offset"] < 0 or e["length"] < 0:
            raise bad_request("can't parse entities: entity offset and length must be positive")
    return [
        {**e, "length": min(e["length"], total - e["offset"])}
        for e in given
        if e["length"] > 0 and e["offset"] < total
    ]


def format_text(
    text: str,
    parse_mode: str | None,
    entities: list[Entity] | None,
    *,
    caption: bool,
) -> tuple[str, list[Entity]]:
    """The stored text and entities of a message text (or caption); ApiError when refused."""
    mode = (parse_mode or "").lower()
    if text and mode and mode != "none":
        text, found = _parsed(text, mode)
    else:
        found = _explicit(text, entities)
    text, found = trim_text(text, found)
    if caption:
        if len(text) > MAX_CAPTION:
            raise bad_request("message caption is too long")
    elif not text:
        raise bad_request("message text is empty")
    elif len(text) > MAX_TEXT:
        raise bad_request("message is too long")
    extra = auto_entities(text, found)
    if extra:
        found = sorted(found + extra, key=lambda e: (e["offset"], -e["length"]))
    return text, found


def text_of(params: dict[str, Any]) -> tuple[str, list[Entity]]:
    """The formatted ``text`` of a sendMessage / editMessageText call."""
    return format_text(
        params.get("text") or "", params.get("parse_mode"), params.get("entities"), caption=False
    )


def caption_of(params: dict[str, Any]) -> tuple[str, list[Entity]]:
    """The formatted ``caption`` of a media call."""
    return format_text(
        params.get("caption") or "",
        params.get("parse_mode"),
        params.get("caption_entities"),
        caption=True,
    )
