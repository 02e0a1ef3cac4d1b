"""Bot API methods on text messages: send, forward, copy, edit, delete, chat actions and
callback query answers."""

from __future__ import annotations

import time
from typing import Any

from .errors import bad_request
from .formatting import caption_of, text_of
from .markup import reply_markup
from .schema import coerce_chat_id
from .state import ChatState, Handler, State

MAX_CALLBACK_ANSWER = 200
CHAT_ACTIONS = frozenset(
    "typing upload_photo record_video upload_video record_voice upload_voice upload_document "
    "choose_sticker find_location record_video_note upload_video_note".split()
)
_REMOVE = None  # a cleared field is simply absent from the edited Message
_COPIED = ("text", "entities", "photo", "document", "caption", "caption_entities")


def reply_to(state: State, chat: ChatState, params: dict[str, Any]) -> dict[str, Any] | None:
    """The message a new one replies to (reply_parameters or the older reply_to_message_id)."""
    rp = params.get("reply_parameters")
    mid = params.get("reply_to_message_id")
    allow = bool(params.get("allow_sending_without_reply"))
    if isinstance(rp, dict):
        mid = rp.get("message_id")
        allow = bool(rp.get("allow_sending_without_reply", allow))
        if rp.get("chat_id") not in (None, chat.chat["id"]):
            target = state.chat(coerce_chat_id(rp["chat_id"]))
            msg = target.messages.get(int(mid)) if mid is not None else None
            if msg is None:
                raise bad_request("message to be replied not found")
            return msg
    if mid is None:
        return None
    msg = chat.messages.get(int(mid))
    if msg is None and not allow:
        raise bad_request("message to be replied not found")
    return msg


async def send_message(state: State, params: dict[str, Any], uploads: Any) -> Any:
    text, entities = text_of(params)
    markup = reply_markup(params.get("reply_markup"))
    chat = state.sendable_chat(params["chat_id"])
    reply = reply_to(state, chat, params)
    state.rate_limit(chat)
    return state.new_message(
        chat,
        state.bot_user(),
        text=text,
        entities=entities or None,
        reply_to_message=reply,
        link_preview_options=params.get("link_preview_options"),
        reply_markup=markup,
        has_protected_content=True if params.get("protect_content") else None,
    )


async def send_chat_action(state: State, params: dict[str, Any], uploads: Any) -> Any:
    state.sendable_chat(params["chat_id"])
    if params.get("action") not in CHAT_ACTIONS:
        raise bad_request("wrong parameter action in request")
    return True


def _source(state: State, params: dict[str, Any], mid: Any) -> dict[str, Any]:
    msg = state.chat(params["from_chat_id"]).messages.get(int(mid))
    if msg is None:
        raise bad_request("message to forward not found")
    return msg


async def forward_message(state: State, params: dict[str, Any], uploads: Any) -> Any:
    msg = _source(state, params, params["message_id"])
    chat = state.sendable_chat(params["chat_id"])
    state.rate_limit(chat)
    origin: dict[str, Any] = {"type": "user", "date": msg["date"], "sender_user": msg["from"]}
    content = {k: msg[k] for k in _COPIED if k in msg}
    return state.new_message(chat, state.bot_user(), forward_origin=origin, **content)


async def copy_message(state: State, params: dict[str, Any], uploads: Any) -> Any:
    msg = _source(state, params, params["message_id"])
    chat = state.sendable_chat(params["chat_id"])
    markup = reply_markup(params.get("reply_markup"))
    state.rate_limit(chat)
    content = {k: msg[k] for k in _COPIED if k in msg}
    if "caption" in params:
        content["caption"] = params["caption"]
    new = state.new_message(chat, state.bot_user(), reply_markup=markup, **content)
    return {"message_id": new["message_id"]}


async def forward_messages(state: State, params: dict[str, Any], uploads: Any) -> Any:
    out = []
    for mid in sorted(params["message_ids"]):
        msg = await forward_message(state, {**params, "message_id": mid}, uploads)
        out.append({"message_id": msg["message_id"]})
    return out


async def copy_messages(state: State, params: dict[str, Any], uploads: Any) -> Any:
    return [
        await copy_message(state, {**params, "message_id": mid}, uploads)
        for mid in sorted(params["message_ids"])
    ]


def _target(state: State, params: dict[str, Any]) -> tuple[ChatState, int]:
    """The bot message an edit names."""
    if params.get("inline_message_id") is not None:
        raise bad_request("message identifier is invalid")
    if "chat_id" not in params:
        raise bad_request("chat_id is empty")
    chat = state.chat(params["chat_id"])
    mid = params.get("message_id")
    if mid is None:
        raise bad_request("message identifier is not specified")
    if int(mid) not in chat.messages:
        raise bad_request("message to edit not found")
    return chat, int(mid)


def _edited(state: State, chat: ChatState, mid: int, **changes: Any) -> dict[str, Any]:
    old = chat.messages[mid]
    if old.get("from", {}).get("id") != state.bot_id:
        raise bad_request("message can't be edited")
    new = {k: v for k, v in old.items() if k not in changes}
    new.update({k: v for k, v in changes.items() if v is not None})
    compare = ("text", "entities", "caption", "caption_entities", "reply_markup", "photo")
    if all(old.get(k) == new.get(k) for k in compare):
        raise bad_request(
            "message is not modified: specified new message content and reply markup are "
            "exactly the same as a current content and reply markup of the message"
        )
    new["edit_date"] = int(time.time())
    # Replace rather than mutate: recorded responses keep the message as it was then.
    chat.messages[mid] = new
    return new


async def edit_message_text(state: State, params: dict[str, Any], uploads: Any) -> Any:
    text, entities = text_of(params)
    markup = reply_markup(params.get("reply_markup"))
    chat, mid = _target(state, params)
    if "text" not in chat.messages[mid]:
        raise bad_request("there is no text in the message to edit")
    return _edited(
        state, chat, mid, text=text, entities=entities or _REMOVE, reply_markup=markup or _REMOVE
    )


async def edit_message_caption(state: State, params: dict[str, Any], uploads: Any) -> Any:
    caption, entities = caption_of(params)
    markup = reply_markup(params.get("reply_markup"))
    chat, mid = _target(state, params)
    if "text" in chat.messages[mid]:
        raise bad_request("there is no caption in the message to edit")
    return _edited(
        state,
        chat,
        mid,
        caption=caption or _REMOVE,
        caption_entities=entities or _REMOVE,
        reply_markup=markup or _REMOVE,
    )


async def edit_message_reply_markup(state: State, params: dict[str, Any], uploads: Any) -> Any:
    markup = reply_markup(params.get("reply_markup"))
    chat, mid = _target(state, params)
    return _edited(state, chat, mid, reply_markup=markup or _REMOVE)


async def delete_message(state: State, params: dict[str, Any], uploads: Any) -> Any:
    chat = state.chat(params["chat_id"])
    if chat.messages.pop(int(params["message_id"]), None) is None:
        raise bad_request("message to delete not found")
    return True


async def delete_messages(state: State, params: dict[str, Any], uploads: Any) -> Any:
    chat = state.chat(params["chat_id"])
    ids = params["message_ids"]
    if not isinstance(ids, list) or not ids or len(ids) > 100:
        raise bad_request("too many message identifiers specified")
    for mid in ids:
        chat.messages.pop(int(mid), None)
    return True


async def answer_callback_query(state: State, params: dict[str, Any], uploads: Any) -> Any:
    if len(params.get("text") or "") > MAX_CALLBACK_ANSWER:
        raise bad_request("MESSAGE_TOO_LONG")
    query = state.callback_queries.get(str(params["callback_query_id"]))
    if (
        query is None
        or query["answered"]
        or time.monotonic() - query["created"] > state.options.callback_timeout
    ):
        raise bad_request("query is too old and response timeout expired or query ID is invalid")
    query["answered"] = True
    query["answer"] = {
        k: params[k] for k in ("text", "show_alert", "url", "cache_time") if k in params
    }
    return True


METHODS: dict[str, Handler] = {
    "sendmessage": send_message,
    "sendchataction": send_chat_action,
    "forwardmessage": forward_message,
    "copymessage": copy_message,
    "forwardmessages": forward_messages,
    "copymessages": copy_messages,
    "editmessagetext": edit_message_text,
    "editmessagecaption": edit_message_caption,
    "editmessagereplymarkup": edit_message_reply_markup,
    "deletemessage": delete_message,
    "deletemessages": delete_messages,
    "answercallbackquery": answer_callback_query,
}
