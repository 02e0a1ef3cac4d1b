"""Message entities: UTF-16 offsets, links, the entities Telegram detects by itself, trimming.

The parsers (``html_parser``, ``markdown_parser``) follow tdlib's (td/telegram/MessageEntity.cpp)
byte by byte, so byte offsets in error messages and UTF-16 offsets in entities match what
Telegram answers; the pieces they share live here.
"""

from __future__ import annotations

import re
from typing import Any

Entity = dict[str, Any]

_SPACES = b" \t\r\n\x00\x0b\x0c"


def is_space(c: int) -> bool:
    """Whether a byte is white space to tdlib (NUL included: it pads the end of the input)."""
    return c in _SPACES


def utf16_units(first_byte: int) -> int:
    """UTF-16 code units of the character a UTF-8 byte starts (0 for continuation bytes)."""
    # Count once per character, at its first byte; 4-byte UTF-8 sequences are surrogate pairs.
    if first_byte & 0xC0 == 0x80:
        return 0
    return 2 if first_byte >= 0xF0 else 1


def utf16_len(s: str) -> int:
    """Length of ``s`` in UTF-16 code units, the unit of entity offsets."""
    return len(s) + sum(1 for ch in s if ord(ch) > 0xFFFF)


def entity(kind: str, offset: int, length: int, **extra: Any) -> Entity:
    """A MessageEntity."""
    out: Entity = {"type": kind, "offset": offset, "length": length}
    out.update(extra)
    return out


class Scanner:
    """What every parser tracks: input bytes (NUL-padded), position, output and entities."""

    def __init__(self, text: str) -> None:
        raw = text.encode("utf-8")
        self.n = len(raw)
        # Padding lets the parsers look a few bytes ahead without bounds checks, as tdlib does.
        self.t = raw + b"\x00" * 4
        self.i = 0
        self.out = bytearray()
        self.u16 = 0
        self.entities: list[Entity] = []

    def copy_byte(self) -> None:
        """Copy the byte at the position to the output and move on."""
        c = self.t[self.i]
        self.out.append(c)
        self.u16 += utf16_units(c)
        self.i += 1

    def text(self) -> str:
        """The output so far, as text."""
        return self.out.decode("utf-8", "replace")

    def pre_language(self) -> str:
        """After an opening triple backtick: read a language name and the newline after it."""
        t = self.t
        lang_end = self.i
        while not is_space(t[lang_end]) and t[lang_end] != 0x60:
            lang_end += 1
        language = ""
        if self.i != lang_end and lang_end < self.n and t[lang_end] != 0x60:
            language = t[self.i : lang_end].decode("utf-8", "replace")
            self.i = lang_end
        if t[self.i] in (0x0A, 0x0D):
            pair = t[self.i + 1] in (0x0A, 0x0D) and t[self.i] != t[self.i + 1]
            self.i += 2 if pair else 1
        return language


def check_link(url: str) -> str | None:
    """Normalise a link the way Telegram shows it in ``text_link`` entities, or None if invalid."""
    url = url.strip()
    if not url or any(c.isspace() for c in url):
        return None
    m = re.match(r"^([a-zA-Z][a-zA-Z0-9+.-]*)://(.*)$", url)
    if m:
        scheme, rest = m.group(1).lower(), m.group(2)
        if scheme in ("tg", "ton"):
            return f"{scheme}://{rest}" if rest else None
        if scheme not in ("http", "https"):
            return None
    else:
        scheme, rest = "http", url
    host, sep, path = rest.partition("/")
    host_only = host.rsplit("@", 1)[-1].split(":", 1)[0]
    if not host_only or not re.match(r"^[A-Za-z0-9.\-\u00a1-\uffff]+$", host_only):
        return None
    if "." not in host_only and host_only != "localhost":
        return None
    return f"{scheme}://{host}/{path}" if sep else f"{scheme}://{host}/"


def link_entity(url: str, offset: int, length: int) -> Entity | None:
    """The ``text_link`` entity for a link, or None if Telegram would drop an invalid one."""
    if re.match(r"^tg://user\?id=(\d+)$", url):
        # A text_mention needs the full User; the emulator only knows ids, so keep it a link.
        return entity("text_link", offset, length, url=url)
    checked = check_link(url)
    if checked is None:
        return None
    return entity("text_link", offset, length, url=checked)


_AUTO_RE = re.compile(
    r"(?P<bot_command>(?<![\w/@])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/]))"
    r"|(?P<mention>(?<![\w@])@[A-Za-z0-9_]{5,32}(?![\w@]))"
    r"|(?P<hashtag>(?<![\w#])#[^\W\d_]\w*)"
    r"|(?P<email>(?<![\w.@])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})"
    r"|(?P<url>(?<![\w@])(?:https?://|www\.)[^\s<>\"]+[^\s<>\".,;:!?)\]'])"
)
_FORMATTING = frozenset(
    {"bold", "italic", "underline", "strikethrough", "spoiler", "blockquote",
     "expandable_blockquote"}
)  # fmt: skip


def auto_entities(text: str, explicit: list[Entity]) -> list[Entity]:
    """Entities Telegram detects by itself (commands, mentions, hashtags, e-mails, URLs)."""
    if not any(ch in text for ch in "/@#.:"):
        return []
    found: list[Entity] = []
    blocked = [
        (e["offset"], e["offset"] + e["length"]) for e in explicit if e["type"] not in _FORMATTING
    ]
    for m in _AUTO_RE.finditer(text):
        kind = m.lastgroup or "url"
        start = utf16_len(text[: m.start()])
        length = utf16_len(m.group(0))
        if any(start < b_end and b_start < start + length for b_start, b_end in blocked):
            continue
        found.append(entity(kind, start, length))
    return found


def trim_text(text: str, entities: list[Entity]) -> tuple[str, list[Entity]]:
    """Strip surrounding whitespace as Telegram does, moving and clipping entities with it."""
    stripped_left = text.lstrip()
    lead = utf16_len(text[: len(text) - len(stripped_left)])
    result = stripped_left.rstrip()
    total = utf16_len(result)
    fixed = []
    for e in entities:
        start = max(e["offset"] - lead, 0)
        end = min(e["offset"] + e["length"] - lead, total)
        if end > start:
            fixed.append({**e, "offset": start, "length": end - start})
    fixed.sort(key=lambda e: (e["offset"], -e["length"]))
    return result, fixed
