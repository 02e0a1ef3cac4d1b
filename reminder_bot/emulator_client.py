"""A small typed client for the emulator's control interface (``/_emulator/...``).

Used by tests and ``reminder-bot demo`` to play the users' side: write messages, press buttons,
read what the bot called. ``EmulatorClient`` is synchronous; ``AsyncEmulatorClient`` mirrors it
for code already running on an event loop.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

import httpx

__all__ = ["AsyncEmulatorClient", "EmulatorClient", "EmulatorError", "User"]


@dataclass(frozen=True)
class User:
    """A simulated Telegram user; their private chat id is their user id."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "en"

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


class EmulatorError(AssertionError):
    """The control interface refused a request, or an expected call never came."""


def _user(user: User | dict[str, Any]) -> dict[str, Any]:
    return user.as_dict() if isinstance(user, User) else dict(user)


def _clean(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if v is not None}


def _check(resp: httpx.Response) -> dict[str, Any]:
    try:
        data = resp.json()
    except ValueError:
        raise EmulatorError(f"{resp.request.url}: HTTP {resp.status_code}: {resp.text}") from None
    if resp.status_code != 200 or not data.get("ok"):
        raise EmulatorError(f"{resp.request.url}: {data.get('error', data)}")
    return data  # type: ignore[no-any-return]


def _summary(calls: list[dict[str, Any]]) -> str:
    if not calls:
        return "no calls at all"
    lines = [
        f"  #{c['seq']} {c['method']} chat_id={c['chat_id']} -> {c['status']}"
        + (
            f" {c['response']['description']}"
            if "description" in (c.get("response") or {})
            else ""
        )
        for c in calls[-20:]
    ]
    return "calls made (last 20):\n" + "\n".join(lines)


class EmulatorClient:
    """Synchronous client: ``EmulatorClient("http://127.0.0.1:PORT")``."""

    def __init__(self, url: str, timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self._http = httpx.Client(base_url=f"{self.url}/_emulator/", timeout=timeout)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> EmulatorClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def base_url(self) -> str:
        """What to give PTB's ``base_url`` (``.../bot``)."""
        return f"{self.url}/bot"

    def _post(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        return _check(self._http.post(path, json=_clean(body or {})))

    def _get(self, path: str, params: dict[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
        return _check(self._http.get(path, params=_clean(params or {}), **kw))

    def reset(self) -> None:
        self._post("reset")

    def register(self, user: User | dict[str, Any]) -> dict[str, Any]:
        """Make a user (and their private chat) known without sending a message."""
        return self._post("users", {"user": _user(user)})["user"]  # type: ignore[no-any-return]

    def send_text(
        self,
        user: User | dict[str, Any],
        text: str,
        chat_id: int | None = None,
        *,
        chat_type: str | None = None,
        chat_title: str | None = None,
        reply_to_message_id: int | None = None,
    ) -> dict[str, Any]:
        """The user writes ``text`` (a leading /command gets its entity); returns the update."""
        body = {
            "user": _user(user),
            "text": text,
            "chat_id": chat_id,
            "chat_type": chat_type,
            "chat_title": chat_title,
            "reply_to_message_id": reply_to_message_id,
        }
        return self._post("inject/message", body)["update"]  # type: ignore[no-any-return]

    def press_button(
        self,
        user: User | dict[str, Any],
        message_id: int,
        *,
        data: str | None = None,
        text: str | None = None,
        chat_id: int | None = None,
        force: bool = False,
    ) -> dict[str, Any]:
        """The user presses an inline button (by callback data or visible text)."""
        body = {
            "user": _user(user),
            "message_id": message_id,
            "data": data,
            "text": text,
            "chat_id": chat_id,
            "force": force or None,
        }
        return self._post("inject/callback", body)["update"]  # type: ignore[no-any-return]

    def calls(
        self,
        since: int = 0,
        method: str | None = None,
        chat_id: int | str | None = None,
        *,
        wait: float = 0.0,
        count: int = 1,
    ) -> list[dict[str, Any]]:
        """Every call the bot made after sequence number ``since`` (oldest first)."""
        params: dict[str, Any] = {"since": since, "method": method, "chat_id": chat_id}
        if wait:
            params.update(wait=wait, count=count)
        data = self._get("calls", params, timeout=wait + 30.0)
        return data["calls"]  # type: ignore[no-any-return]

    def last_seq(self) -> int:
        return int(self._get("stats")["stats"]["last_seq"])

    def wait_for_calls(
        self,
        method: str,
        *,
        chat_id: int | str | None = None,
        since: int = 0,
        count: int = 1,
        timeout: float = 5.0,
    ) -> list[dict[str, Any]]:
        """Wait until ``count`` calls of ``method`` happened; raise EmulatorError if they don't."""
        found = self.calls(since, method, chat_id, wait=timeout, count=count)
        if len(found) < count:
            everything = self.calls(since)
            raise EmulatorError(
                f"expected {count} {method} call(s)"
                + (f" to chat {chat_id}" if chat_id is not None else "")
                + f" within {timeout}s, got {len(found)}; {_summary(everything)}"
            )
        return found

    def messages(self, chat_id: int) -> list[dict[str, Any]]:
        """A chat's current messages (after edits and deletions), oldest first."""
        return self._get(f"chats/{chat_id}/messages")["messages"]  # type: ignore[no-any-return]

    def block(self, user_id: int, notify: bool = True) -> None:
        self._post("block", {"user_id": user_id, "notify": notify})

    def unblock(self, user_id: int, notify: bool = True) -> None:
        self._post("unblock", {"user_id": user_id, "notify": notify})

    def limits(self) -> dict[str, float]:
        return self._get("limits")["limits"]  # type: ignore[no-any-return]

    def set_limits(self, **limits: float) -> dict[str, float]:
        """E.g. ``set_limits(per_chat_rate=0, global_rate=1000)``; a rate of 0 disables it."""
        return self._post("limits", limits)["limits"]  # type: ignore[no-any-return]

    def add_fault(
        self,
        kind: str,
        *,
        method: str | None = None,
        chat_id: int | None = None,
        count: int | None = None,
        probability: float = 1.0,
        retry_after: int = 5,
        delay: float = 10.0,
        applied: bool = False,
    ) -> dict[str, Any]:
        """Script a failure: kind is "429", "500", "502", "slow" or "drop"."""
        body = {
            "kind": kind,
            "method": method,
            "chat_id": chat_id,
            "count": count,
            "probability": probability,
            "retry_after": retry_after,
            "delay": delay,
            "applied": applied,
        }
        return self._post("faults", body)["fault"]  # type: ignore[no-any-return]

    def clear_faults(self) -> None:
        _check(self._http.delete("faults"))

    def stats(self) -> dict[str, Any]:
        return self._get("stats")["stats"]  # type: ignore[no-any-return]

    def pending_updates(self) -> list[dict[str, Any]]:
        return self._get("updates")["updates"]  # type: ignore[no-any-return]

    def callback_answers(self) -> dict[str, Any]:
        return self._get("callback_answers")["answers"]  # type: ignore[no-any-return]

    def file_bytes(self, file_id: str) -> bytes:
        resp = self._http.get(f"files/{file_id}")
        if resp.status_code != 200:
            raise EmulatorError(f"no file {file_id}: {resp.text}")
        return resp.content


class AsyncEmulatorClient:
    """The async twin of ``EmulatorClient`` (same methods, awaitable)."""

    def __init__(self, url: str, timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self._http = httpx.AsyncClient(base_url=f"{self.url}/_emulator/", timeout=timeout)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> AsyncEmulatorClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    @property
    def base_url(self) -> str:
        return f"{self.url}/bot"

    async def _post(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        return _check(await self._http.post(path, json=_clean(body or {})))

    async def _get(
        self, path: str, params: dict[str, Any] | None = None, **kw: Any
    ) -> dict[str, Any]:
        return _check(await self._http.get(path, params=_clean(params or {}), **kw))

    async def reset(self) -> None:
        await self._post("reset")

    async def register(self, user: User | dict[str, Any]) -> dict[str, Any]:
        return (await self._post("users", {"user": _user(user)}))["user"]  # type: ignore[no-any-return]

    async def send_text(
        self, user: User | dict[str, Any], text: str, chat_id: int | None = None, **kw: Any
    ) -> dict[str, Any]:
        body = {"user": _user(user), "text": text, "chat_id": chat_id, **kw}
        return (await self._post("inject/message", body))["update"]  # type: ignore[no-any-return]

    async def press_button(
        self,
        user: User | dict[str, Any],
        message_id: int,
        *,
        data: str | None = None,
        text: str | None = None,
        chat_id: int | None = None,
        force: bool = False,
    ) -> dict[str, Any]:
        body = {
            "user": _user(user),
            "message_id": message_id,
            "data": data,
            "text": text,
            "chat_id": chat_id,
            "force": force or None,
        }
        return (await self._post("inject/callback", body))["update"]  # type: ignore[no-any-return]

    async def calls(
        self,
        since: int = 0,
        method: str | None = None,
        chat_id: int | str | None = None,
        *,
        wait: float = 0.0,
        count: int = 1,
    ) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"since": since, "method": method, "chat_id": chat_id}
        if wait:
            params.update(wait=wait, count=count)
        data = await self._get("calls", params, timeout=wait + 30.0)
        return data["calls"]  # type: ignore[no-any-return]

    async def wait_for_calls(
        self,
        method: str,
        *,
        chat_id: int | str | None = None,
        since: int = 0,
        count: int = 1,
        timeout: float = 5.0,  # noqa: ASYNC109 - the server-side long-poll bound
    ) -> list[dict[str, Any]]:
        found = await self.calls(since, method, chat_id, wait=timeout, count=count)
        if len(found) < count:
            everything = await self.calls(since)
            raise EmulatorError(
                f"expected {count} {method} call(s)"
                + (f" to chat {chat_id}" if chat_id is not None else "")
                + f" within {timeout}s, got {len(found)}; {_summary(everything)}"
            )
        return found

    async def messages(self, chat_id: int) -> list[dict[str, Any]]:
        return (await self._get(f"chats/{chat_id}/messages"))["messages"]  # type: ignore[no-any-return]

    async def block(self, user_id: int, notify: bool = True) -> None:
        await self._post("block", {"user_id": user_id, "notify": notify})

    async def unblock(self, user_id: int, notify: bool = True) -> None:
        await self._post("unblock", {"user_id": user_id, "notify": notify})

    async def set_limits(self, **limits: float) -> dict[str, float]:
        return (await self._post("limits", limits))["limits"]  # type: ignore[no-any-return]

    async def add_fault(self, kind: str, **kw: Any) -> dict[str, Any]:
        return (await self._post("faults", {"kind": kind, **kw}))["fault"]  # type: ignore[no-any-return]

    async def clear_faults(self) -> None:
        _check(await self._http.delete("faults"))

    async def stats(self) -> dict[str, Any]:
        return (await self._get("stats"))["stats"]  # type: ignore[no-any-return]

    async def file_bytes(self, file_id: str) -> bytes:
        resp = await self._http.get(f"files/{file_id}")
        if resp.status_code != 200:
            raise EmulatorError(f"no file {file_id}: {resp.text}")
        return resp.content


def dumps(obj: Any) -> str:
    """Pretty JSON for failure messages."""
    return json.dumps(obj, indent=2, ensure_ascii=False, default=str)
