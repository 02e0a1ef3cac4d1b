"""parse_mode "MarkdownV2" and legacy "Markdown", following tdlib's parsers byte by byte."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .entities import Entity, Scanner, entity, link_entity

_RESERVED = b"_*[]()~`>#+-=|{}.!"
_CODE_KINDS = ("code", "pre", "pre_code")
_NAMES = {
    "bold": "Bold", "italic": "Italic", "underline": "Underline",
    "strikethrough": "Strikethrough", "spoiler": "Spoiler", "code": "Code", "pre": "Pre",
    "pre_code": "PreCode", "text_link": "TextUrl", "custom_emoji": "CustomEmoji",
}  # fmt: skip
# Entity openers: two-byte ones are tried before one-byte ones ("__" is underline, "_" italic).
_PAIR_OPENERS = {(0x5F, 0x5F): "underline", (0x7C, 0x7C): "spoiler", (0x21, 0x5B): "custom_emoji"}
_SINGLE_OPENERS = {0x5F: "italic", 0x2A: "bold", 0x7E: "strikethrough", 0x5B: "text_link"}
_CLOSERS = {
    "bold": 0x2A,
    "code": 0x60,
    "text_link": 0x5D,
    "custom_emoji": 0x5D,
    "strikethrough": 0x7E,
}
_EMOJI_URL = re.compile(r"^tg://emoji\?id=(\d+)$")
_EMOJI_URL_MISSING = "Custom emoji entity must contain a tg://emoji URL"


@dataclass
class _Open:
    """An entity whose closing mark has not come yet."""

    kind: str
    argument: str
    offset: int  # UTF-16 offset in the output
    byte_offset: int  # in the input, for error messages
    out_pos: int  # position in the output


class _MarkdownV2Parser(Scanner):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.nested: list[_Open] = []
        self.quote_start: int | None = None

    def parse(self) -> tuple[str, list[Entity]]:
        t = self.t
        while self.i < self.n:
            c = t[self.i]
            if self._quote_marker(c):
                continue
            if c == 0x5C and 0 < t[self.i + 1] <= 126:  # '\\'
                self.out.append(t[self.i + 1])
                self.u16 += 1
                self.i += 2
                continue
            in_code = bool(self.nested) and self.nested[-1].kind in _CODE_KINDS
            if c not in (b"`" if in_code else _RESERVED):
                self.copy_byte()
                continue
            if self.nested and self._closes(self.nested[-1].kind, c):
                self._close()
            else:
                self._open(c)
            self.i += 1
        if self.nested:
            top = self.nested[-1]
            raise ValueError(
                f"Can't find end of {_NAMES[top.kind]} entity at byte offset {top.byte_offset}"
            )
        if self.quote_start is not None and self.u16 > self.quote_start:
            self.entities.append(
                entity("blockquote", self.quote_start, self.u16 - self.quote_start)
            )
        return self.text(), self.entities

    def _quote_marker(self, c: int) -> bool:
        """Handle the start of a line outside entities; True if it consumed a '>'."""
        if (self.i != 0 and self.t[self.i - 1] != 0x0A) or self.nested:
            return False
        if c == 0x3E:  # '>' opens or continues a block quotation
            if self.quote_start is None:
                self.quote_start = self.u16
            self.i += 1
            return True
        if self.quote_start is not None:
            # The previous line ended the quotation; its newline is not part of it.
            if self.u16 - 1 > self.quote_start:
                length = self.u16 - 1 - self.quote_start
                self.entities.append(entity("blockquote", self.quote_start, length))
            self.quote_start = None
        return False

    def _closes(self, kind: str, c: int) -> bool:
        t, i = self.t, self.i
        if kind in ("pre", "pre_code"):
            return c == 0x60 and t[i + 1] == 0x60 and t[i + 2] == 0x60
        if kind in ("italic", "underline"):
            return c == 0x5F and (t[i + 1] == 0x5F) == (kind == "underline")
        if kind == "spoiler":
            return c == 0x7C and t[i + 1] == 0x7C
        return c == _CLOSERS[kind]

    def _open(self, c: int) -> None:
        byte_offset = self.i
        argument = ""
        pair = _PAIR_OPENERS.get((c, self.t[self.i + 1]))
        if pair is not None:
            kind = pair
            self.i += 1
        elif c == 0x60:
            kind = "code"
            if self.t[self.i + 1] == 0x60 and self.t[self.i + 2] == 0x60:
                self.i += 3
                argument = self.pre_language()
                kind = "pre_code" if argument else "pre"
                self.i -= 1
        elif c in _SINGLE_OPENERS:
            kind = _SINGLE_OPENERS[c]
        else:
            raise ValueError(
                f"Character '{chr(c)}' is reserved and must be escaped with the preceding '\\'"
            )
        self.nested.append(_Open(kind, argument, self.u16, byte_offset, len(self.out)))

    def _close(self) -> None:
        top = self.nested[-1]
        argument = top.argument
        if top.kind in ("underline", "spoiler"):
            self.i += 1
        elif top.kind in ("pre", "pre_code"):
            self.i += 2
        elif top.kind in ("text_link", "custom_emoji"):
            argument = self._link_url(top)
        if self.u16 != top.offset:
            self._add(top.kind, argument, top.offset, self.u16 - top.offset)
        self.nested.pop()

    def _link_url(self, top: _Open) -> str:
        """The URL after ``[text]``: from ``(...)``, or the text itself for a plain link."""
        t = self.t
        if t[self.i + 1] != 0x28:  # '('
            if top.kind == "custom_emoji":
                raise ValueError(_EMOJI_URL_MISSING)
            return self.out[top.out_pos :].decode("utf-8", "replace")
        self.i += 2
        url_begin = self.i
        buf = bytearray()
        while self.i < self.n and t[self.i] != 0x29:
            if t[self.i] == 0x5C and 0 < t[self.i + 1] <= 126:
                buf.append(t[self.i + 1])
                self.i += 2
                continue
            buf.append(t[self.i])
            self.i += 1
        if t[self.i] != 0x29:
            raise ValueError(f"Can't find end of a URL at byte offset {url_begin}")
        return buf.decode("utf-8", "replace")

    def _add(self, kind: str, argument: str, offset: int, length: int) -> None:
        if kind == "text_link":
            link = link_entity(argument, offset, length)
            if link is not None:
                self.entities.append(link)
        elif kind == "custom_emoji":
            m = _EMOJI_URL.match(argument)
            if not m:
                raise ValueError(_EMOJI_URL_MISSING)
            self.entities.append(entity(kind, offset, length, custom_emoji_id=m.group(1)))
        elif kind == "pre_code":
            self.entities.append(entity("pre", offset, length, language=argument))
        else:
            self.entities.append(entity(kind, offset, length))


class _MarkdownParser(Scanner):
    def parse(self) -> tuple[str, list[Entity]]:
        t = self.t
        while self.i < self.n:
            c = t[self.i]
            if c == 0x5C and t[self.i + 1] in b"_*`[":
                self.out.append(t[self.i + 1])
                self.u16 += 1
                self.i += 2
            elif c in b"_*`[":
                self._entity(c)
            else:
                self.copy_byte()
        return self.text(), self.entities

    def _entity(self, c: int) -> None:
        t = self.t
        begin = self.i
        end_char = 0x5D if c == 0x5B else c
        self.i += 1
        is_pre = c == 0x60 and t[self.i] == 0x60 and t[self.i + 1] == 0x60
        language = ""
        if is_pre:
            self.i += 2
            language = self.pre_language()
        offset = self.u16
        while self.i < self.n and (
            t[self.i] != end_char or (is_pre and not (t[self.i + 1] == 0x60 == t[self.i + 2]))
        ):
            self.copy_byte()
        if self.i >= self.n:
            raise ValueError(f"Can't find end of the entity starting at byte offset {begin}")
        if self.u16 != offset:
            self._add(c, begin, offset, is_pre, language)
        self.i += 3 if is_pre else 1

    def _add(self, c: int, begin: int, offset: int, is_pre: bool, language: str) -> None:
        length = self.u16 - offset
        if c == 0x5F:
            self.entities.append(entity("italic", offset, length))
        elif c == 0x2A:
            self.entities.append(entity("bold", offset, length))
        elif c == 0x5B:
            link = link_entity(self._url(begin), offset, length)
            if link is not None:
                self.entities.append(link)
        elif is_pre:
            extra = {"language": language} if language else {}
            self.entities.append(entity("pre", offset, length, **extra))
        else:
            self.entities.append(entity("code", offset, length))

    def _url(self, begin: int) -> str:
        """After ``[text]``: the URL in ``(...)``, or the text itself."""
        t = self.t
        if t[self.i + 1] != 0x28:
            return t[begin + 1 : self.i].decode("utf-8", "replace")
        self.i += 2
        url_begin = self.i
        while self.i < self.n and t[self.i] != 0x29:
            self.i += 1
        return t[url_begin : self.i].decode("utf-8", "replace")


def parse_markdown_v2(text: str) -> tuple[str, list[Entity]]:
    """Parse MarkdownV2. Raises ValueError with tdlib's message on malformed input."""
    return _MarkdownV2Parser(text).parse()


def parse_markdown(text: str) -> tuple[str, list[Entity]]:
    """Parse legacy Markdown (parse_mode "Markdown") the way tdlib does."""
    return _MarkdownParser(text).parse()
