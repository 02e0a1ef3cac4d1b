"""parse_mode "HTML", following tdlib's parser (td/telegram/MessageEntity.cpp) byte by byte."""

from __future__ import annotations

from dataclasses import dataclass

from .entities import Entity, Scanner, entity, is_space, link_entity

_TAGS = {
    "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins", "tg-spoiler", "tg-emoji",
    "span", "pre", "code", "blockquote",
}  # fmt: skip
_SIMPLE = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "s": "strikethrough",
    "strike": "strikethrough", "del": "strikethrough", "u": "underline", "ins": "underline",
    "tg-spoiler": "spoiler", "span": "spoiler",
}  # fmt: skip
_NAMED = {b"lt": 0x3C, b"gt": 0x3E, b"amp": 0x26, b"quot": 0x22}
_HEX = "0123456789abcdefABCDEF"


def _numeric_reference(t: bytes, end: int) -> tuple[int, int]:
    """Read the digits of ``&#...`` from ``end``: (code point or 0 when too big, end)."""
    res = 0
    if t[end] == 0x78:  # 'x'
        end += 1
        while chr(t[end]) in _HEX:
            res = res * 16 + int(chr(t[end]), 16)
            end += 1
            if res >= 0x10FFFF:
                return 0, end
        return res, end
    while 0x30 <= t[end] <= 0x39:
        res = res * 10 + t[end] - 0x30
        end += 1
        if res >= 0x10FFFF:
            return 0, end
    return res, end


def decode_html_entity(t: bytes, pos: int) -> tuple[int, int]:
    """Decode ``&...;`` at ``pos``: (code point, position after it), or (0, pos) if none."""
    end = pos + 1
    if t[end] == 0x23:  # '#'
        res, end = _numeric_reference(t, end + 1)
        if res == 0 or res >= 0x10FFFF or end - pos >= 10 or 0xD800 <= res <= 0xDFFF:
            return 0, pos
    else:
        while chr(t[end]).isascii() and chr(t[end]).isalpha():
            end += 1
        res = _NAMED.get(t[pos + 1 : end], 0)
        if not res:
            return 0, pos
    if t[end] == 0x3B:  # ';'
        end += 1
    return res, end


def _tag_argument(tag: str, attr: str, value: str) -> str | None:
    """What an attribute contributes to the tag's entity (a URL, language, emoji id), if any."""
    if tag == "a" and attr == "href":
        return value
    if tag == "code" and attr == "class" and value.startswith("language-"):
        return value[9:]
    if tag == "span" and attr == "class" and value.startswith("tg-"):
        return value[3:]
    if tag == "tg-emoji" and attr == "emoji-id":
        return value
    return None


@dataclass
class _Open:
    """A start tag waiting for its end tag."""

    tag: str
    argument: str
    offset: int  # UTF-16 offset in the output
    byte_begin: int  # position in the output
    expandable: bool


class _HtmlParser(Scanner):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.nested: list[_Open] = []

    def parse(self) -> tuple[str, list[Entity]]:
        t = self.t
        while self.i < self.n:
            c = t[self.i]
            if c == 0x26 and self._character_reference():
                continue
            if c != 0x3C:  # '<'
                self.copy_byte()
                continue
            if t[self.i + 1] != 0x2F:
                self._start_tag()
            else:
                self._end_tag()
            self.i += 1
        if self.nested:
            raise ValueError(
                f'Can\'t find end tag corresponding to start tag "{self.nested[-1].tag}"'
            )
        for e in self.entities:
            # A <code> inside <pre> keeps its language only via the merged pre entity.
            if e["type"] == "code" and "language" in e:
                del e["language"]
        return self.text(), self.entities

    def _character_reference(self) -> bool:
        ch, nxt = decode_html_entity(self.t, self.i)
        if not ch:
            return False
        self.out += chr(ch).encode("utf-8")
        self.u16 += 2 if ch > 0xFFFF else 1
        self.i = nxt
        return True

    def _skip_spaces(self) -> None:
        while self.i < self.n and is_space(self.t[self.i]):
            self.i += 1

    def _skip_to_name_end(self, stop: bytes = b">") -> None:
        while not is_space(self.t[self.i]) and self.t[self.i] not in stop:
            self.i += 1

    def _start_tag(self) -> None:
        begin = self.i
        self.i += 1
        self._skip_to_name_end()
        if self.i >= self.n:
            raise ValueError(f"Unclosed start tag at byte offset {begin}")
        tag = self.t[begin + 1 : self.i].decode("utf-8", "replace").lower()
        if tag not in _TAGS:
            raise ValueError(f'Unsupported start tag "{tag}" at byte offset {begin}')
        argument, expandable = self._attributes(tag, begin)
        if tag == "span" and argument != "spoiler":
            raise ValueError(f'Tag "span" must have class "tg-spoiler" at byte offset {begin}')
        if tag == "tg-emoji" and not argument.isdigit():
            raise ValueError(
                f"Custom emoji entity must contain a tg://emoji URL at byte offset {begin}"
            )
        self.nested.append(_Open(tag, argument, self.u16, len(self.out), expandable))

    def _attributes(self, tag: str, begin: int) -> tuple[str, bool]:
        """Read attributes up to the closing '>': (entity argument, blockquote expandable)."""
        t = self.t
        argument = ""
        expandable = False
        while t[self.i] != 0x3E:
            self._skip_spaces()
            if t[self.i] == 0x3E:
                break
            attr_begin = self.i
            self._skip_to_name_end(b"=>")
            attr = t[attr_begin : self.i].decode("utf-8", "replace")
            if not attr:
                raise ValueError(f'Empty attribute name in the tag "{tag}" at byte offset {begin}')
            self._skip_spaces()
            if tag == "blockquote" and attr == "expandable":
                expandable = True
            if t[self.i] != 0x3D:  # '='
                if tag == "blockquote" and attr == "expandable":
                    continue
                if self.i >= self.n:
                    raise ValueError(f'Unclosed start tag "{tag}" at byte offset {begin}')
                raise ValueError(
                    "Expected equal sign in declaration of an attribute of the tag "
                    f'"{tag}" at byte offset {begin}'
                )
            value = self._attribute_value(tag, begin)
            found = _tag_argument(tag, attr, value)
            argument = argument if found is None else found
        return argument, expandable

    def _attribute_value(self, tag: str, begin: int) -> str:
        """Read ``= value`` (a name token or a quoted string) at the '='."""
        t = self.t
        self.i += 1
        self._skip_spaces()
        if self.i >= self.n:
            raise ValueError(f'Unclosed start tag "{tag}" at byte offset {begin}')
        value = bytearray()
        if t[self.i] not in (0x27, 0x22):
            token_begin = self.i
            while chr(t[self.i]).isascii() and (chr(t[self.i]).isalnum() or t[self.i] in b".-"):
                self.i += 1
            value += t[token_begin : self.i].lower()
            if not is_space(t[self.i]) and t[self.i] != 0x3E:
                raise ValueError(f"Unexpected end of name token at byte offset {token_begin}")
        else:
            quote = t[self.i]
            self.i += 1
            while self.i < self.n and t[self.i] != quote:
                ch, nxt = decode_html_entity(t, self.i) if t[self.i] == 0x26 else (0, 0)
                if ch:
                    value += chr(ch).encode("utf-8")
                    self.i = nxt
                    continue
                value.append(t[self.i])
                self.i += 1
            if t[self.i] == quote:
                self.i += 1
        if self.i >= self.n:
            raise ValueError(f"Unclosed start tag at byte offset {begin}")
        return value.decode("utf-8", "replace")

    def _end_tag(self) -> None:
        begin = self.i
        if not self.nested:
            raise ValueError(f"Unexpected end tag at byte offset {begin}")
        self.i += 1
        self._skip_to_name_end()
        end_tag = self.t[begin + 2 : self.i].decode("utf-8", "replace")
        self._skip_spaces()
        if self.t[self.i] != 0x3E:
            raise ValueError(f"Unclosed end tag at byte offset {begin}")
        top = self.nested[-1]
        if end_tag and end_tag.lower() != top.tag:
            raise ValueError(
                f'Unmatched end tag at byte offset {begin}, expected "</{top.tag}>", '
                f'found "</{end_tag}>"'
            )
        if self.u16 > top.offset:
            self._close(top, self.u16 - top.offset)
        self.nested.pop()

    def _close(self, top: _Open, length: int) -> None:
        tag, offset = top.tag, top.offset
        if tag in _SIMPLE:
            self.entities.append(entity(_SIMPLE[tag], offset, length))
        elif tag == "a":
            url = top.argument or self.out[top.byte_begin :].decode("utf-8", "replace")
            link = link_entity(url, offset, length)
            if link is not None:
                self.entities.append(link)
        elif tag in ("pre", "code"):
            self._close_code(tag, top.argument, offset, length)
        elif tag == "tg-emoji":
            self.entities.append(
                entity("custom_emoji", offset, length, custom_emoji_id=top.argument)
            )
        elif tag == "blockquote":
            kind = "expandable_blockquote" if top.expandable else "blockquote"
            self.entities.append(entity(kind, offset, length))

    def _close_code(self, tag: str, argument: str, offset: int, length: int) -> None:
        # <pre><code class="language-x"> is one pre entity with a language, whichever closes
        # first: merge with the entity the inner tag just made over the same text.
        last: Entity = self.entities[-1] if self.entities else {}
        same_span = (last.get("offset"), last.get("length")) == (offset, length)
        if tag == "pre":
            if same_span and last["type"] == "code" and last.get("language"):
                last["type"] = "pre"
            else:
                self.entities.append(entity("pre", offset, length))
        elif same_span and last["type"] == "pre" and argument:
            last["language"] = argument
        elif argument:
            self.entities.append(entity("code", offset, length, language=argument))
        else:
            self.entities.append(entity("code", offset, length))


def parse_html(text: str) -> tuple[str, list[Entity]]:
    """Parse Telegram HTML. Raises ValueError with tdlib's message on malformed input."""
    return _HtmlParser(text).parse()
