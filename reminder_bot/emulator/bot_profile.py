"""Bot API methods about the bot itself and its chats: getMe, commands, names, getChat."""

from __future__ import annotations

import json
import re
from typing import Any

from .errors import bad_request
from .state import Handler, State

_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
_SCOPES = {
    "default", "all_private_chats", "all_group_chats", "all_chat_administrators", "chat",
    "chat_administrators", "chat_member",
}  # fmt: skip


async def true(state: State, params: dict[str, Any], uploads: Any) -> Any:
    return True


async def get_me(state: State, params: dict[str, Any], uploads: Any) -> Any:
    return {
        **state.bot_user(),
        "can_join_groups": True,
        "can_read_all_group_messages": False,
        "supports_inline_queries": False,
        "can_connect_to_business": False,
        "has_main_web_app": False,
    }


def scope_key(params: dict[str, Any]) -> tuple[str, str]:
    """Commands are kept per (scope, language_code), as Telegram does."""
    scope = params.get("scope") or {"type": "default"}
    return (
        json.dumps(scope, sort_keys=True, separators=(",", ":")),
        params.get("language_code") or "",
    )


def _check_scope(scope: Any) -> None:
    if not isinstance(scope, dict):
        raise bad_request("BotCommandScope must be an Object")
    if scope.get("type") not in _SCOPES:
        raise bad_request("unsupported scope type")


def _command(cmd: dict[str, Any]) -> dict[str, str]:
    name = str(cmd.get("command", "")).lstrip("/")
    if not _COMMAND_RE.match(name.lower()) or name != name.lower():
        raise bad_request("BOT_COMMAND_INVALID")
    desc = str(cmd.get("description", ""))
    if not 1 <= len(desc) <= 256:
        raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
    return {"command": name, "description": desc}


async def set_my_commands(state: State, params: dict[str, Any], uploads: Any) -> Any:
    commands = params["commands"]
    if len(commands) > 100:
        raise bad_request("too many commands specified")
    clean = [_command(cmd) for cmd in commands]
    if "scope" in params:
        _check_scope(params["scope"])
    key = scope_key(params)
    if clean:
        state.commands[key] = clean
    else:
        state.commands.pop(key, None)
    return True


async def get_my_commands(state: State, params: dict[str, Any], uploads: Any) -> Any:
    return list(state.commands.get(scope_key(params), []))


async def delete_my_commands(state: State, params: dict[str, Any], uploads: Any) -> Any:
    state.commands.pop(scope_key(params), None)
    return True


async def get_chat(state: State, params: dict[str, Any], uploads: Any) -> Any:
    info = dict(state.chat(params["chat_id"]).chat)
    info.update(accent_color_id=0, max_reaction_count=11)
    info["accepted_gift_types"] = {
        "unlimited_gifts": False,
        "limited_gifts": False,
        "unique_gifts": False,
        "premium_subscription": False,
        "gifts_from_channels": False,
    }
    return info


async def get_my_name(state: State, params: dict[str, Any], uploads: Any) -> Any:
    return {"name": state.options.bot_first_name}


async def get_my_description(state: State, params: dict[str, Any], uploads: Any) -> Any:
    return {"description": ""}


async def get_my_short_description(state: State, params: dict[str, Any], uploads: Any) -> Any:
    return {"short_description": ""}


async def get_chat_menu_button(state: State, params: dict[str, Any], uploads: Any) -> Any:
    return {"type": "commands"}


METHODS: dict[str, Handler] = {
    "getme": get_me,
    "logout": true,
    "close": true,
    "setmycommands": set_my_commands,
    "getmycommands": get_my_commands,
    "deletemycommands": delete_my_commands,
    "getchat": get_chat,
    "getmyname": get_my_name,
    "getmydescription": get_my_description,
    "getmyshortdescription": get_my_short_description,
    "getchatmenubutton": get_chat_menu_button,
}
