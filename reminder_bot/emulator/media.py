"""Bot API methods with files: sendPhoto, sendDocument, getFile."""

from __future__ import annotations

import struct
from typing import Any

from aiohttp import ClientSession, ClientTimeout

from .errors import ApiError, bad_request
from .formatting import caption_of
from .markup import reply_markup
from .messages import reply_to
from .state import Handler, State, StoredFile, Uploads


def _jpeg_size(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            i += 1
            continue
        if data[i + 1] in (0xC0, 0xC1, 0xC2):  # start of frame: height, width
            h, w = struct.unpack(">HH", data[i + 5 : i + 9])
            return int(w), int(h)
        i += 2 + struct.unpack(">H", data[i + 2 : i + 4])[0]
    return None


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, GIF or JPEG image, or None if it is none of them."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        w, h = struct.unpack(">II", data[16:24])
        return int(w), int(h)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        w, h = struct.unpack("<HH", data[6:10])
        return int(w), int(h)
    if data[:2] == b"\xff\xd8":
        return _jpeg_size(data)
    return None


async def _download(state: State, kind: str, url: str) -> StoredFile:
    try:
        async with ClientSession(timeout=ClientTimeout(total=10)) as session:
            async with session.get(url) as resp:
                if resp.status != 200:
                    raise bad_request("failed to get HTTP URL content")
                data = await resp.read()
                mime = resp.headers.get("Content-Type")
    except ApiError:
        raise
    except Exception:
        raise bad_request("failed to get HTTP URL content") from None
    return state.store_file(kind, data, url.rsplit("/", 1)[-1] or None, mime)


async def input_file(state: State, value: Any, uploads: Uploads, kind: str) -> StoredFile:
    """The file a parameter names: an upload (``attach://`` or the field), file_id or URL."""
    field_name = kind
    if isinstance(value, str) and value.startswith("attach://"):
        value = None if value[9:] not in uploads else value[9:]
        if value is not None:
            field_name = value
            value = None
    if value is None:
        if field_name not in uploads:
            raise bad_request(f"there is no {kind} in the request")
        name, mime, data = uploads[field_name]
        if not data:
            raise bad_request("file must be non-empty")
        return state.store_file(kind, data, name, mime)
    if not isinstance(value, str) or not value:
        raise bad_request(f"there is no {kind} in the request")
    if value in state.files:
        return state.files[value]
    if value.startswith(("http://", "https://")):
        return await _download(state, kind, value)
    raise bad_request("wrong file identifier/HTTP URL specified")


def _file_fields(stored: StoredFile) -> dict[str, Any]:
    return {
        "file_id": stored.file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": stored.size,
    }


def _content(kind: str, stored: StoredFile) -> dict[str, Any]:
    """What the Message carries for the file: a PhotoSize list or a Document."""
    if kind == "photo":
        size = image_size(stored.data)
        if size is None:
            raise bad_request("IMAGE_PROCESS_FAILED")
        return {"photo": [{**_file_fields(stored), "width": size[0], "height": size[1]}]}
    doc = _file_fields(stored)
    if stored.file_name:
        doc["file_name"] = stored.file_name
    if stored.mime_type:
        doc["mime_type"] = stored.mime_type
    return {"document": doc}


async def _send_media(state: State, params: dict[str, Any], uploads: Uploads, kind: str) -> Any:
    caption, caption_entities = caption_of(params)
    markup = reply_markup(params.get("reply_markup"))
    chat = state.sendable_chat(params["chat_id"])
    reply = reply_to(state, chat, params)
    stored = await input_file(state, params.get(kind), uploads, kind)
    content = _content(kind, stored)
    state.rate_limit(chat)
    return state.new_message(
        chat,
        state.bot_user(),
        caption=caption or None,
        caption_entities=caption_entities or None,
        reply_to_message=reply,
        reply_markup=markup,
        **content,
    )


async def send_photo(state: State, params: dict[str, Any], uploads: Uploads) -> Any:
    return await _send_media(state, params, uploads, "photo")


async def send_document(state: State, params: dict[str, Any], uploads: Uploads) -> Any:
    return await _send_media(state, params, uploads, "document")


async def get_file(state: State, params: dict[str, Any], uploads: Uploads) -> Any:
    stored = state.files.get(str(params["file_id"]))
    if stored is None:
        raise bad_request("invalid file_id")
    return {**_file_fields(stored), "file_path": stored.file_path}


METHODS: dict[str, Handler] = {
    "sendphoto": send_photo,
    "senddocument": send_document,
    "getfile": get_file,
}
