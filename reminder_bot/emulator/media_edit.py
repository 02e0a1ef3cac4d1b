"""editMessageMedia, for photos: a bot's message gets a new photo (uploaded with ``attach://``,
a file_id or a URL) and the caption and parse mode the InputMediaPhoto carries, as Telegram
does (an InputMedia without a caption leaves the message without one). A text message becomes a
photo message, as the Bot API allows since 9.x. Other media kinds answer 400 here: the bot
edits only photos (its /stats chart)."""

from __future__ import annotations

from typing import Any

from .errors import bad_request
from .formatting import caption_of
from .markup import reply_markup
from .media import _content, input_file
from .messages import _edited, _target
from .state import Handler, State, Uploads


async def edit_message_media(state: State, params: dict[str, Any], uploads: Uploads) -> Any:
    media = params["media"]
    if not isinstance(media, dict) or media.get("type") != "photo":
        raise bad_request("the emulator edits photo media only")
    markup = reply_markup(params.get("reply_markup"))
    chat, mid = _target(state, params)
    caption, entities = caption_of(media)
    stored = await input_file(state, media.get("media"), uploads, "photo")
    old = chat.messages[mid]
    if "text" in old:  # the text and its entities give way to the photo
        chat.messages[mid] = {k: v for k, v in old.items() if k not in ("text", "entities")}
    return _edited(
        state,
        chat,
        mid,
        **_content("photo", stored),
        caption=caption or None,
        caption_entities=entities or None,
        reply_markup=markup or None,
    )


METHODS: dict[str, Handler] = {"editmessagemedia": edit_message_media}
