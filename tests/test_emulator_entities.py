"""Entity parsing (HTML, MarkdownV2, Markdown) with tdlib's error texts and UTF-16 offsets."""

from __future__ import annotations

import pytest
from emulator_helpers import ADA, api
from telegram import Bot

from reminder_bot.emulator import EmulatorClient, parse_html, parse_markdown_v2

# ---- entity parsing ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "text", "error"),
    [
        ("HTML", "<foo>x</foo>", 'Unsupported start tag "foo" at byte offset 0'),
        ("HTML", "a < b", 'Unsupported start tag "" at byte offset 2'),
        ("HTML", "<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("HTML", "x</b>", "Unexpected end tag at byte offset 1"),
        ("HTML", "<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("HTML", "<span>x</span>", 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
        ("HTML", "é<b", "Unclosed start tag at byte offset 2"),
        ("MarkdownV2", "Done.", "Character '.' is reserved and must be escaped with the "
                               "preceding '\\'"),
        ("MarkdownV2", "1-2", "Character '-' is reserved and must be escaped with the "
                             "preceding '\\'"),
        ("MarkdownV2", "*bold", "Can't find end of Bold entity at byte offset 0"),
        ("MarkdownV2", "x _it", "Can't find end of Italic entity at byte offset 2"),
        ("MarkdownV2", "[a](http://x.org", "Can't find end of a URL at byte offset 4"),
        ("Markdown", "*bold", "Can't find end of the entity starting at byte offset 0"),
    ],
)  # fmt: skip
def test_entity_parse_errors(emulator: EmulatorClient, mode: str, text: str, error: str) -> None:
    emulator.register(ADA)
    body = api(emulator, "sendMessage", data={"chat_id": ADA.id, "text": text, "parse_mode": mode})
    assert body.json() == {
        "ok": False,
        "error_code": 400,
        "description": f"Bad Request: can't parse entities: {error}",
    }


@pytest.mark.parametrize(
    ("source", "text", "entities"),
    [
        ("<b>bold</b> &lt;3 &amp; &quot;q&quot; &#128512; &#x41;",
         'bold <3 & "q" 😀 A', [("bold", 0, 4, {})]),
        ("😀 <i>x</i>", "😀 x", [("italic", 3, 1, {})]),
        ("<strong>a</strong><em>b</em><ins>c</ins><strike>d</strike><del>e</del>",
         "abcde", [("bold", 0, 1, {}), ("italic", 1, 1, {}), ("underline", 2, 1, {}),
                   ("strikethrough", 3, 1, {}), ("strikethrough", 4, 1, {})]),
        ('<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>', "st",
         [("spoiler", 0, 1, {}), ("spoiler", 1, 1, {})]),
        ('<a href="https://example.org">link</a>', "link",
         [("text_link", 0, 4, {"url": "https://example.org/"})]),
        ('<pre><code class="language-python">x = 1</code></pre>', "x = 1",
         [("pre", 0, 5, {"language": "python"})]),
        ("<code>c</code> <pre>p</pre>", "c p", [("code", 0, 1, {}), ("pre", 2, 1, {})]),
        ("<blockquote expandable>q</blockquote><blockquote>r</blockquote>", "qr",
         [("expandable_blockquote", 0, 1, {}), ("blockquote", 1, 1, {})]),
        ('<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji>', "👍",
         [("custom_emoji", 0, 2, {"custom_emoji_id": "5368324170671202286"})]),
        ("<B>caps</B>", "caps", [("bold", 0, 4, {})]),
        ("&unknown; &lt", "&unknown; <", []),
    ],
)  # fmt: skip
def test_html_entities(
    source: str, text: str, entities: list[tuple[str, int, int, dict[str, str]]]
) -> None:
    got_text, got = parse_html(source)
    assert got_text == text
    assert got == [{"type": t, "offset": o, "length": n, **extra} for t, o, n, extra in entities]


@pytest.mark.parametrize(
    ("source", "text", "entities"),
    [
        ("*b* _i_ __u__ ~s~ ||p||", "b i u s p",
         [("bold", 0, 1), ("italic", 2, 1), ("underline", 4, 1), ("strikethrough", 6, 1),
          ("spoiler", 8, 1)]),
        ("Done\\. 1\\-2 😀 *x*", "Done. 1-2 😀 x", [("bold", 13, 1)]),
        ("`a.b` ```\ncode.\n```", "a.b code.\n", [("code", 0, 3), ("pre", 4, 6)]),
        ("[site](https://example.org/a\\)b)", "site", [("text_link", 0, 4)]),
        (">quote\nplain", "quote\nplain", [("blockquote", 0, 5)]),
    ],
)  # fmt: skip
def test_markdown_v2_entities(
    source: str, text: str, entities: list[tuple[str, int, int]]
) -> None:
    got_text, got = parse_markdown_v2(source)
    assert got_text == text
    assert [(e["type"], e["offset"], e["length"]) for e in got] == entities


async def test_sent_entities_use_utf16_offsets(emulator: EmulatorClient, ptb_bot: Bot) -> None:
    emulator.register(ADA)
    msg = await ptb_bot.send_message(ADA.id, "🎉🎉 <b>go</b> /help", parse_mode="HTML")
    assert msg.text == "🎉🎉 go /help"
    assert [(e.type, e.offset, e.length) for e in msg.entities] == [
        ("bold", 5, 2),
        ("bot_command", 8, 5),
    ]
    assert msg.parse_entities() == {msg.entities[0]: "go", msg.entities[1]: "/help"}
