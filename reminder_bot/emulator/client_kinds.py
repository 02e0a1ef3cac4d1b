"""Client side of ``inject_kinds``: non-text messages, channel posts and callback queries with
any data, as functions of an ``AsyncEmulatorClient`` (each returns the new update's id); and
``batch``, many control actions in one request."""

from __future__ import annotations

from typing import Any

from .client import AsyncEmulatorClient, User


def _user(user: User | dict[str, Any]) -> dict[str, Any]:
    return user.as_dict() if isinstance(user, User) else dict(user)


async def _update_id(client: AsyncEmulatorClient, path: str, body: dict[str, Any]) -> int:
    return int((await client._post(path, body))["update"]["update_id"])


async def send_content(
    client: AsyncEmulatorClient,
    user: User | dict[str, Any],
    kind: str,
    *,
    chat_id: int | None = None,
    caption: str | None = None,
    **fields: Any,
) -> int:
    """The user sends a ``kind`` (``inject_kinds.CONTENT_KINDS``: photo, sticker, voice,
    document, contact, location, dice) to the bot or in group ``chat_id``; ``fields`` set
    details (``latitude``, ``emoji``, ``phone_number``...)."""
    body = {"user": _user(user), "kind": kind, "chat_id": chat_id, "caption": caption}
    return await _update_id(client, "inject/content", {**body, "fields": fields or None})


async def post_in_channel(
    client: AsyncEmulatorClient,
    chat_id: int,
    text: str | None = None,
    *,
    kind: str | None = None,
    edit_of: int | None = None,
) -> int:
    """A post (``text`` or content of ``kind``) in channel ``chat_id``; with ``edit_of`` an
    edit of that post."""
    body = {"chat_id": chat_id, "text": text, "kind": kind, "edit_of": edit_of}
    return await _update_id(client, "inject/channel_post", body)


async def press_any(
    client: AsyncEmulatorClient,
    user: User | dict[str, Any],
    message_id: int,
    data: str,
    *,
    chat_id: int | None = None,
) -> int:
    """A callback query with any ``data`` (1-64 bytes) for any message id of the user's chat
    (or group ``chat_id``), as a modified client can send it."""
    body = {"user": _user(user), "message_id": message_id, "data": data, "chat_id": chat_id}
    return await _update_id(client, "inject/press", body)


async def batch(
    client: AsyncEmulatorClient, actions: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Run control actions in order in one request, e.g. ``[{"action": "inject/message",
    "user": {...}, "text": "/start"}, {"action": "block", "user_id": 42}]``; their results
    (``{"ok": False, "error": ...}`` for one that failed: the rest still run)."""
    return (await client._post("batch", {"actions": actions}))["results"]  # type: ignore[no-any-return]
