"""Bot API methods that hand updates to the bot: getUpdates (long polling) and webhooks."""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from typing import Any

from aiohttp import ClientSession, ClientTimeout

from .errors import ApiError, bad_request
from .schema import DEFAULT_UPDATE_TYPES, allowed_updates
from .state import Handler, State
from .update_queue import UpdateQueue

_SECRET_RE = re.compile(r"^[A-Za-z0-9_-]*$")
_WEBHOOK_ACTIVE = (
    "can't use getUpdates method while webhook is active; use deleteWebhook to delete the "
    "webhook first"
)
_OTHER_POLLER = (
    "terminated by other getUpdates request; make sure that only one bot instance is running"
)


def _conflict(message: str) -> ApiError:
    return ApiError(409, f"Conflict: {message}")


async def _long_poll(queue: UpdateQueue, seconds: float) -> None:
    """Wait until an update arrives, ``seconds`` pass, or another getUpdates takes over."""
    poller: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    queue.poller = poller
    queue.arrived.clear()
    waiter: asyncio.Future[Any] = asyncio.ensure_future(queue.arrived.wait())
    try:
        await asyncio.wait({poller, waiter}, timeout=seconds, return_when="FIRST_COMPLETED")
    finally:
        waiter.cancel()
    if poller.done() and poller.exception() is not None:
        raise poller.exception()  # type: ignore[misc]
    poller.cancel()
    if queue.poller is poller:
        queue.poller = None


def _confirm(queue: UpdateQueue, offset: int) -> None:
    if offset < 0:
        queue.keep_last(-offset)
    elif offset > 0:
        queue.confirm_below(offset)


async def get_updates(state: State, params: dict[str, Any], uploads: Any) -> Any:
    queue = state.queue
    if queue.webhook is not None:
        raise _conflict(_WEBHOOK_ACTIVE)
    offset = int(params.get("offset") or 0)
    limit = min(max(int(params.get("limit") or 100), 1), 100)
    if params.get("limit") is not None and int(params["limit"]) <= 0:
        limit = 1
    timeout = min(max(float(params.get("timeout") or 0), 0.0), 50.0)
    if "allowed_updates" in params:
        queue.allowed = allowed_updates(params["allowed_updates"])
    if queue.poller is not None and not queue.poller.done():
        queue.poller.set_exception(_conflict(_OTHER_POLLER))
    _confirm(queue, offset)
    if not queue.pending and timeout > 0:
        await _long_poll(queue, timeout)
        queue = state.queue  # a reset while waiting replaces the queue
        if queue.webhook is not None:
            return []
        if offset > 0:
            queue.confirm_below(offset)
    return list(itertools.islice(queue.pending, limit))


async def _post_update(
    session: ClientSession, hook: dict[str, Any], update: dict[str, Any]
) -> str | None:
    """POST one update to the webhook; the error, or None if it answered 2xx."""
    headers = {}
    if hook["secret_token"]:
        headers["X-Telegram-Bot-Api-Secret-Token"] = hook["secret_token"]
    try:
        async with session.post(hook["url"], json=update, headers=headers) as resp:
            await resp.read()
            if 200 <= resp.status < 300:
                return None
            return f"Wrong response from the webhook: {resp.status} {resp.reason}"
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        return f"Connection failed: {type(exc).__name__}"


async def _webhook_loop(queue: UpdateQueue) -> None:
    """Deliver pending updates one at a time, oldest first, retrying with backoff."""
    backoff = 0.05
    async with ClientSession(timeout=ClientTimeout(total=30)) as session:
        while queue.webhook is not None:
            if not queue.pending:
                queue.arrived.clear()
                await queue.arrived.wait()
                continue
            update = queue.pending[0]
            error = await _post_update(session, queue.webhook, update)
            if error is None:
                queue.delivered(update)
                backoff = 0.05
            else:
                queue.webhook_error = (int(time.time()), error)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 5.0)


def _check_webhook(url: str, secret: str) -> None:
    if not re.match(r"^https?://[^\s/]+", url):
        raise bad_request("invalid webhook URL specified")
    if len(secret) > 256:
        raise bad_request("secret token is too long")
    if not _SECRET_RE.match(secret):
        raise bad_request("secret token contains unallowed characters")


async def get_webhook_info(state: State, params: dict[str, Any], uploads: Any) -> Any:
    queue = state.queue
    hook = queue.webhook
    info: dict[str, Any] = {
        "url": hook["url"] if hook else "",
        "has_custom_certificate": bool(hook and hook["has_custom_certificate"]),
        "pending_update_count": len(queue.pending),
    }
    if hook:
        info["max_connections"] = hook["max_connections"]
        info["ip_address"] = hook["ip_address"] or "127.0.0.1"
        if queue.allowed != DEFAULT_UPDATE_TYPES:
            info["allowed_updates"] = sorted(queue.allowed)
        if queue.webhook_error:
            info["last_error_date"], info["last_error_message"] = queue.webhook_error
    return info


async def set_webhook(state: State, params: dict[str, Any], uploads: Any) -> Any:
    url = params.get("url") or ""
    if not url:
        return await delete_webhook(state, params, uploads)
    secret = params.get("secret_token") or ""
    _check_webhook(url, secret)
    queue = state.queue
    if params.get("drop_pending_updates"):
        queue.drop_pending()
    if "allowed_updates" in params:
        queue.allowed = allowed_updates(params["allowed_updates"])
    same = queue.webhook is not None and queue.webhook["url"] == url
    queue.webhook = {
        "url": url,
        "secret_token": secret or None,
        "max_connections": int(params.get("max_connections") or 40),
        "ip_address": params.get("ip_address"),
        "has_custom_certificate": "certificate" in uploads,
    }
    queue.webhook_error = None
    if queue.poller is not None and not queue.poller.done():
        queue.poller.set_result(None)
    if queue.webhook_task is None or queue.webhook_task.done():
        queue.webhook_task = asyncio.ensure_future(_webhook_loop(queue))
    queue.arrived.set()
    return True, ("Webhook is already set" if same else "Webhook was set")


async def delete_webhook(state: State, params: dict[str, Any], uploads: Any) -> Any:
    queue = state.queue
    if params.get("drop_pending_updates"):
        queue.drop_pending()
    was = queue.webhook is not None
    queue.webhook = None
    if queue.webhook_task is not None:
        queue.webhook_task.cancel()
        queue.webhook_task = None
    return True, ("Webhook was deleted" if was else "Webhook is already deleted")


METHODS: dict[str, Handler] = {
    "getupdates": get_updates,
    "setwebhook": set_webhook,
    "deletewebhook": delete_webhook,
    "getwebhookinfo": get_webhook_info,
}
