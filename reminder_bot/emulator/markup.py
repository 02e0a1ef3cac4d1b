"""reply_markup validation: what Telegram refuses, and what a sent Message keeps of it."""

from __future__ import annotations

from typing import Any

from .entities import check_link
from .errors import bad_request

MAX_CALLBACK_DATA = 64

_INLINE_ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
    "callback_game", "pay",
)  # fmt: skip
_INLINE_BUTTON = "can't parse inline keyboard button: "


def _rows(markup: dict[str, Any], name: str, error: str) -> list[list[Any]]:
    rows = markup[name]
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise bad_request(error)
    return rows


def _check_keyboard_button(button: Any) -> None:
    if isinstance(button, str):
        return
    if not isinstance(button, dict):
        raise bad_request(
            "can't parse keyboard button: KeyboardButton must be a String or an Object"
        )
    if not isinstance(button.get("text"), str):
        raise bad_request('can\'t parse keyboard button: Field "text" must be of type String')


def _check_callback_data(button: dict[str, Any]) -> None:
    data = button["callback_data"]
    if not isinstance(data, str):
        raise bad_request(_INLINE_BUTTON + 'Field "callback_data" must be of type String')
    if not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA:
        raise bad_request("BUTTON_DATA_INVALID")


def check_inline_button(button: Any) -> None:
    """Refuse an InlineKeyboardButton as Telegram does."""
    if not isinstance(button, dict):
        raise bad_request(_INLINE_BUTTON + "InlineKeyboardButton must be an Object")
    if "text" not in button:
        raise bad_request(_INLINE_BUTTON + 'Can\'t find field "text"')
    if not isinstance(button["text"], str):
        raise bad_request(_INLINE_BUTTON + 'Field "text" must be of type String')
    actions = [
        k
        for k in _INLINE_ACTIONS
        if k in button and not (k in ("url", "callback_data") and button[k] == "")
    ]
    if "callback_data" in button:
        _check_callback_data(button)
    if not actions:
        raise bad_request(_INLINE_BUTTON + "Text buttons are unallowed in the inline keyboard")
    if len(actions) > 1:
        # The Bot API documentation: "Exactly one of the optional fields must be used".
        raise bad_request(
            _INLINE_BUTTON + "exactly one of the optional fields must be used to specify type of "
            f"the button, found {', '.join(actions)}"
        )
    if "url" in button:
        url = button["url"]
        if not isinstance(url, str) or check_link(url) is None:
            raise bad_request("BUTTON_URL_INVALID")


def reply_markup(markup: Any) -> dict[str, Any] | None:
    """Validate reply_markup; returns what a Message carries (only inline keyboards)."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("object expected as reply markup")
    if "keyboard" in markup:
        error = 'field "keyboard" must be an Array of Arrays'
        for row in _rows(markup, "keyboard", error):
            for button in row:
                _check_keyboard_button(button)
        return None
    if "inline_keyboard" in markup:
        error = 'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
        rows = _rows(markup, "inline_keyboard", error)
        for row in rows:
            for button in row:
                check_inline_button(button)
        return {"inline_keyboard": rows} if any(rows) else None
    # remove_keyboard and force_reply leave nothing on the message.
    return None
