"""The control API under ``/_emulator/``: JSON in (query string and/or body), JSON out.

Tests, the benchmarks and ``reminder-bot demo`` use it to play the users and to read what the
bot did. Each handler below is registered in ``ROUTES`` by its ``@route``; ``client.py`` wraps
them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from .calls import CallQuery
from .faults import truthy
from .inject import inject_callback, inject_location, inject_message, set_blocked
from .inject_kinds import channel, inject_channel_post, inject_content, inject_press
from .membership import inject_membership
from .responses import file_response, json_response
from .state import State
from .update_queue import ACKNOWLEDGED
from .user_edits import inject_edit

Args = dict[str, Any]
Result = dict[str, Any] | web.StreamResponse
ControlHandler = Callable[[State, Args], Awaitable[Result]]


@dataclass(frozen=True)
class Route:
    """``verb`` (or "*" for any) and a path pattern whose named groups join the arguments."""

    verb: str
    pattern: re.Pattern[str]
    handler: ControlHandler


# Filled by @route below, one row per (verb, path). A row for the request's verb wins over a
# "*" row for the same path.
ROUTES: list[Route] = []


def route(verb: str, path: str) -> Callable[[ControlHandler], ControlHandler]:
    """Register the decorated handler for ``verb`` ("*": any) and ``path`` (a regex)."""

    def register(handler: ControlHandler) -> ControlHandler:
        ROUTES.append(Route(verb, re.compile(path), handler))
        return handler

    return register


def _opt_int(value: Any) -> int | None:
    return None if value is None or value == "" else int(value)


@route("*", "reset")
async def _reset(state: State, a: Args) -> Result:
    state.reset()
    return {}


@route("*", "users")
async def _register_user(state: State, a: Args) -> Result:
    return {"user": state.register_user(a["user"])}


@route("*", "groups")
async def _register_group(state: State, a: Args) -> Result:
    chat = state.register_group(int(a["chat_id"]), a.get("title"), a.get("chat_type"))
    return {"chat": chat.chat}


@route("*", "inject/message")
async def _inject_message(state: State, a: Args) -> Result:
    user = state.register_user(a["user"])
    text = str(a.get("text", ""))
    chat = state.chat_of(
        user["id"], _opt_int(a.get("chat_id")), a.get("chat_type"), a.get("chat_title")
    )
    reply_to = _opt_int(a.get("reply_to_message_id"))
    return {"update": inject_message(state, user, chat, text, reply_to)}


@route("*", "inject/location")
async def _inject_location(state: State, a: Args) -> Result:
    user = state.register_user(a["user"])
    chat = state.chat_of(user["id"], _opt_int(a.get("chat_id")), None, None)
    location = (float(a["latitude"]), float(a["longitude"]))
    return {"update": inject_location(state, user, chat, *location)}


@route("*", "inject/callback")
async def _inject_callback(state: State, a: Args) -> Result:
    update = inject_callback(
        state,
        state.register_user(a["user"]),
        int(a["message_id"]),
        data=a.get("data"),
        text=a.get("text"),
        chat_id=_opt_int(a.get("chat_id")),
        force=truthy(a.get("force")),
    )
    return {"update": update}


@route("*", "inject/membership")
async def _inject_membership(state: State, a: Args) -> Result:
    user = state.register_user(a["user"])
    chat = state.register_group(int(a["chat_id"]), a.get("chat_title"), a.get("chat_type"))
    return {"update": inject_membership(state, user, chat, truthy(a.get("added", True)))}


@route("*", "inject/edit")
async def _inject_edit(state: State, a: Args) -> Result:
    user = state.register_user(a["user"])
    chat = state.chat_of(user["id"], _opt_int(a.get("chat_id")), None, None)
    return {"update": inject_edit(state, user, chat, int(a["message_id"]), str(a["text"]))}


@route("*", "inject/content")
async def _inject_content(state: State, a: Args) -> Result:
    user = state.register_user(a["user"])
    chat = state.chat_of(
        user["id"], _opt_int(a.get("chat_id")), a.get("chat_type"), a.get("chat_title")
    )
    fields = a.get("fields") or {}
    return {"update": inject_content(state, user, chat, a["kind"], a.get("caption"), fields)}


@route("*", "inject/channel_post")
async def _inject_channel_post(state: State, a: Args) -> Result:
    chat = channel(state, int(a["chat_id"]), a.get("chat_title"))
    edit_of = _opt_int(a.get("edit_of"))
    return {"update": inject_channel_post(state, chat, a.get("text"), a.get("kind"), edit_of)}


@route("*", "inject/press")
async def _inject_press(state: State, a: Args) -> Result:
    user = state.register_user(a["user"])
    chat = state.chat_of(user["id"], _opt_int(a.get("chat_id")), None, None)
    return {"update": inject_press(state, user, chat, int(a["message_id"]), str(a["data"]))}


@route("POST", "batch")
async def _batch(state: State, a: Args) -> Result:
    """Several actions in one request, run in order: ``{"actions": [{"action":
    "inject/message", ...}, ...]}``; a result per action (``ok`` false with its error)."""
    results: list[dict[str, Any]] = []
    for item in a["actions"]:
        args = dict(item)
        action = str(args.pop("action")).strip("/")
        try:
            result = await _dispatch(state, "POST", action, args)
        except (LookupError, ValueError, TypeError) as exc:
            results.append({"ok": False, "error": f"{action}: {exc}"})
            continue
        if isinstance(result, web.StreamResponse):
            raise ValueError(f"{action} answers with a file: not in a batch")
        results.append({"ok": True, **result})
    return {"results": results}


@route("*", "acknowledged")
async def _acknowledged(state: State, a: Args) -> Result:
    update_id = int(a["update_id"])
    queue = state.queue
    fate = await queue.wait_settled(update_id, float(a.get("wait") or 0))
    return {
        "update_id": update_id,
        "acknowledged": fate == ACKNOWLEDGED,
        "state": fate,
        "detail": queue.describe(update_id),
    }


@route("*", "calls")
async def _calls(state: State, a: Args) -> Result:
    query = CallQuery(int(a.get("since") or 0), a.get("method"), a.get("chat_id"))
    calls = await state.calls.wait(query, int(a.get("count") or 1), float(a.get("wait") or 0))
    limit = int(a.get("limit") or 0)
    return {"calls": calls[:limit] if limit else calls, "last_seq": state.calls.seq}


@route("*", r"chats/(?P<chat_id>[^/]+)/messages")
async def _chat_messages(state: State, a: Args) -> Result:
    cid = int(a["chat_id"])
    chat = state.chats.get(cid)
    if chat is None:
        raise LookupError(f"no chat {cid}")
    return {"chat": chat.chat, "messages": [chat.messages[k] for k in sorted(chat.messages)]}


@route("*", "block")
async def _block(state: State, a: Args) -> Result:
    set_blocked(state, int(a["user_id"]), True, truthy(a.get("notify", True)))
    return {"blocked": sorted(state.blocked)}


@route("*", "unblock")
async def _unblock(state: State, a: Args) -> Result:
    set_blocked(state, int(a["user_id"]), False, truthy(a.get("notify", True)))
    return {"blocked": sorted(state.blocked)}


@route("*", "limits")
async def _limits(state: State, a: Args) -> Result:
    return {"limits": state.limiter.limits.as_dict()}


@route("POST", "limits")
async def _set_limits(state: State, a: Args) -> Result:
    state.set_limits(**{k: float(v) for k, v in a.items()})
    return await _limits(state, a)


@route("*", "faults")
async def _faults(state: State, a: Args) -> Result:
    return {"faults": [r.as_dict() for r in state.faults.rules]}


@route("POST", "faults")
async def _add_fault(state: State, a: Args) -> Result:
    return {"fault": state.faults.add(**a).as_dict()}


@route("DELETE", "faults")
@route("*", "faults/clear")
async def _clear_faults(state: State, a: Args) -> Result:
    state.faults.clear()
    return {"faults": []}


@route("*", "stats")
async def _stats(state: State, a: Args) -> Result:
    return {"stats": state.stats()}


@route("*", "updates")
async def _updates(state: State, a: Args) -> Result:
    queue = state.queue
    return {"updates": list(queue.pending), "allowed_updates": sorted(queue.allowed)}


@route("*", "callback_answers")
async def _callback_answers(state: State, a: Args) -> Result:
    return {"answers": state.callback_queries}


@route("*", r"files/(?P<file_id>.+)")
async def _file(state: State, a: Args) -> Result:
    stored = state.files.get(a["file_id"])
    if stored is None:
        raise LookupError(f"no file {a['file_id']}")
    return file_response(stored)


@route("*", "commands")
async def _commands(state: State, a: Args) -> Result:
    return {
        "commands": [
            {"scope": json.loads(scope), "language_code": lang, "commands": cmds}
            for (scope, lang), cmds in state.commands.items()
        ]
    }


async def _arguments(request: web.Request) -> Args:
    body: Args = {}
    if request.method in ("POST", "PUT", "DELETE") and request.can_read_body:
        raw = await request.read()
        if raw:
            parsed = json.loads(raw)
            if not isinstance(parsed, dict):
                raise ValueError("JSON object expected")
            body = parsed
    return {**request.query, **body}


async def _dispatch(state: State, verb: str, action: str, args: Args) -> Result:
    found: list[tuple[Route, re.Match[str]]] = []
    for row in ROUTES:
        match = row.pattern.fullmatch(action)
        if match is not None and row.verb in ("*", verb):
            found.append((row, match))
    if not found:
        raise LookupError(f"unknown control action {verb} /_emulator/{action}")
    row, match = min(found, key=lambda pair: pair[0].verb == "*")
    return await row.handler(state, {**args, **match.groupdict()})


async def handle(state: State, request: web.Request) -> web.StreamResponse:
    """Answer one control request: ``{"ok": true, ...}`` or ``{"ok": false, "error": ...}``."""
    action = request.match_info["action"].strip("/")
    try:
        result = await _dispatch(state, request.method, action, await _arguments(request))
    except LookupError as exc:  # KeyError included: a missing argument
        status = 404 if action.startswith(("files/", "chats/")) else 400
        return json_response({"ok": False, "error": str(exc).strip("'\"")}, status)
    except (ValueError, TypeError) as exc:
        return json_response({"ok": False, "error": f"{type(exc).__name__}: {exc}"}, 400)
    if isinstance(result, web.StreamResponse):
        return result
    return json_response({"ok": True, **result})
