"""A typed client for the emulator's control API (``/_emulator/...``).

Tests, the benchmarks and ``reminder-bot demo`` use it to play the users' side: write messages,
press buttons, wait until the bot took an update, read what the bot called.
``AsyncEmulatorClient`` is the implementation; ``EmulatorClient`` offers the same methods
synchronously by running them on a private event loop in a thread of its own.
"""

from __future__ import annotations

import asyncio
import functools
import threading
from collections.abc import Callable, Coroutine
from dataclasses import asdict, dataclass
from typing import Any, Concatenate, ParamSpec, TypedDict, TypeVar, Unpack

import httpx

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class User:
    """A simulated Telegram user; their private chat id is their user id."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = "en"

    def as_dict(self) -> dict[str, Any]:
        """The user as the control API takes it."""
        return {k: v for k, v in asdict(self).items() if v is not None}


class Where(TypedDict, total=False):
    """Where a message is written, beyond the chat id: a group's type and title, a reply."""

    chat_type: str  # "group" or "supergroup", for a group the emulator does not know yet
    chat_title: str
    reply_to_message_id: int


class EmulatorError(AssertionError):
    """The control interface refused a request, or an expected call or ack never came."""


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


class AsyncEmulatorClient:
    """Async client: ``AsyncEmulatorClient("http://127.0.0.1:PORT")``."""

    def __init__(self, url: str, timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        # Plain HTTP on loopback: no CA bundle to read (~50 ms a client, per test).
        self._http = httpx.AsyncClient(
            base_url=f"{self.url}/_emulator/", timeout=timeout, verify=False
        )

    async def aclose(self) -> None:
        """Close the HTTP connections."""
        await self._http.aclose()

    async def __aenter__(self) -> AsyncEmulatorClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    @property
    def base_url(self) -> str:
        """What to give PTB's ``base_url`` (``.../bot``)."""
        return f"{self.url}/bot"

    async def _post(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        return _check(await self._http.post(path, json=_clean(body or {})))

    async def _get(
        self, path: str, params: dict[str, Any] | None = None, **kw: Any
    ) -> dict[str, Any]:
        return _check(await self._http.get(path, params=_clean(params or {}), **kw))

    async def reset(self) -> None:
        """Forget everything: chats, updates, calls, faults, files, webhook; restore limits."""
        await self._post("reset")

    async def register(self, user: User | dict[str, Any]) -> dict[str, Any]:
        """Make a user (and their private chat) known without sending a message."""
        return (await self._post("users", {"user": _user(user)}))["user"]  # type: ignore[no-any-return]

    async def send_text(
        self,
        user: User | dict[str, Any],
        text: str,
        chat_id: int | None = None,
        **where: Unpack[Where],
    ) -> int:
        """The user writes ``text`` (a /command gets its entity); returns the update id."""
        body = {"user": _user(user), "text": text, "chat_id": chat_id, **where}
        return int((await self._post("inject/message", body))["update"]["update_id"])

    async def send_location(
        self,
        user: User | dict[str, Any],
        latitude: float,
        longitude: float,
        chat_id: int | None = None,
    ) -> int:
        """The user shares a location (what a request_location button sends); the update id."""
        body = {"user": _user(user), "latitude": latitude, "longitude": longitude}
        update = (await self._post("inject/location", {**body, "chat_id": chat_id}))["update"]
        return int(update["update_id"])

    async def press_button(
        self,
        user: User | dict[str, Any],
        message_id: int,
        *,
        data: str | None = None,
        text: str | None = None,
        chat_id: int | None = None,
        force: bool = False,
    ) -> int:
        """The user presses an inline button (by callback data or text); returns the update id."""
        body = {
            "user": _user(user),
            "message_id": message_id,
            "data": data,
            "text": text,
            "chat_id": chat_id,
            "force": force or None,
        }
        return int((await self._post("inject/callback", body))["update"]["update_id"])

    async def set_membership(
        self,
        user: User | dict[str, Any],
        chat_id: int,
        *,
        added: bool = True,
        **where: Unpack[Where],
    ) -> int:
        """The user adds the bot to group ``chat_id`` (or removes it); the update id."""
        body = {"user": _user(user), "chat_id": chat_id, "added": added, **where}
        return int((await self._post("inject/membership", body))["update"]["update_id"])

    async def edit_text(
        self, user: User | dict[str, Any], message_id: int, text: str, chat_id: int | None = None
    ) -> int:
        """The user edits the text of a message they sent; returns the update id."""
        body = {"user": _user(user), "message_id": message_id, "text": text, "chat_id": chat_id}
        return int((await self._post("inject/edit", body))["update"]["update_id"])

    async def acknowledged(self, update_id: int, *, within: float = 5.0) -> None:
        """Wait until the bot acknowledged an update; EmulatorError if not ``within`` seconds.

        Long polling acknowledges with a getUpdates offset above the id, a webhook with a 2xx.
        """
        params = {"update_id": update_id, "wait": within}
        data = await self._get("acknowledged", params, timeout=within + 30.0)
        if not data["acknowledged"]:
            raise EmulatorError(
                f"update {update_id} was not acknowledged by the bot within {within:g}s: "
                f"{data['detail']}"
            )

    async def calls(
        self,
        since: int = 0,
        method: str | None = None,
        chat_id: int | str | None = None,
        *,
        wait: float = 0.0,
        count: int = 1,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Calls the bot made after sequence number ``since`` (oldest first, ``limit`` at most).

        With ``wait``, the emulator holds the answer until ``count`` calls match, or that long.
        """
        params: dict[str, Any] = {"since": since, "method": method, "chat_id": chat_id}
        if wait:
            params.update(wait=wait, count=count)
        params["limit"] = limit
        data = await self._get("calls", params, timeout=wait + 30.0)
        return data["calls"]  # type: ignore[no-any-return]

    async def last_seq(self) -> int:
        """The sequence number of the latest call: pass it as ``since`` to see only newer ones."""
        return int((await self.stats())["last_seq"])

    async def wait_for_calls(
        self,
        method: str | None = None,
        *,
        chat_id: int | str | None = None,
        since: int = 0,
        count: int = 1,
        within: float = 5.0,
        timeout: float | None = None,  # noqa: ASYNC109 - the older name of ``within``
    ) -> list[dict[str, Any]]:
        """At least ``count`` calls (of ``method``, to ``chat_id``) after ``since``.

        Raises EmulatorError, listing the calls that did come, if they do not within ``within``
        seconds.
        """
        within = within if timeout is None else timeout
        found = await self.calls(since, method, chat_id, wait=within, count=count)
        if len(found) >= count:
            return found
        everything = await self.calls(since)
        raise EmulatorError(
            f"expected {count} {method or 'any'} call(s)"
            + (f" to chat {chat_id}" if chat_id is not None else "")
            + f" within {within:g}s after #{since}, got {len(found)}; {_summary(everything)}"
        )

    async def messages(self, chat_id: int) -> list[dict[str, Any]]:
        """A chat's current messages (after edits and deletions), oldest first."""
        return (await self._get(f"chats/{chat_id}/messages"))["messages"]  # type: ignore[no-any-return]

    async def block(self, user_id: int, notify: bool = True) -> None:
        """The user blocks the bot (``notify``: the bot gets a my_chat_member update)."""
        await self._post("block", {"user_id": user_id, "notify": notify})

    async def unblock(self, user_id: int, notify: bool = True) -> None:
        """The user unblocks the bot."""
        await self._post("unblock", {"user_id": user_id, "notify": notify})

    async def limits(self) -> dict[str, float]:
        """The current rate limits."""
        return (await self._get("limits"))["limits"]  # type: ignore[no-any-return]

    async def set_limits(self, **limits: float) -> dict[str, float]:
        """E.g. ``set_limits(per_chat_rate=0, global_rate=1000)``; a rate of 0 disables it."""
        return (await self._post("limits", limits))["limits"]  # type: ignore[no-any-return]

    async def add_fault(
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
        return (await self._post("faults", body))["fault"]  # type: ignore[no-any-return]

    async def faults(self) -> list[dict[str, Any]]:
        """The fault rules, with how often each was hit."""
        return (await self._get("faults"))["faults"]  # type: ignore[no-any-return]

    async def clear_faults(self) -> None:
        """Remove every fault rule."""
        _check(await self._http.delete("faults"))

    async def stats(self) -> dict[str, Any]:
        """Call counters and sizes (``last_seq``, ``per_method``, ``pending_updates``...)."""
        return (await self._get("stats"))["stats"]  # type: ignore[no-any-return]

    async def pending_updates(self) -> list[dict[str, Any]]:
        """Updates the bot has not acknowledged yet."""
        return (await self._get("updates"))["updates"]  # type: ignore[no-any-return]

    async def callback_answers(self) -> dict[str, Any]:
        """Callback queries by id, with the bot's answer once given."""
        return (await self._get("callback_answers"))["answers"]  # type: ignore[no-any-return]

    async def file_bytes(self, file_id: str) -> bytes:
        """The content of a file the bot sent."""
        resp = await self._http.get(f"files/{file_id}")
        if resp.status_code != 200:
            raise EmulatorError(f"no file {file_id}: {resp.text}")
        return resp.content


def _blocking(
    method: Callable[Concatenate[AsyncEmulatorClient, P], Coroutine[Any, Any, R]],
) -> Callable[Concatenate[EmulatorClient, P], R]:
    """The synchronous twin of an ``AsyncEmulatorClient`` method."""

    def call(self: EmulatorClient, /, *args: P.args, **kwargs: P.kwargs) -> R:
        return self._run(method(self._client, *args, **kwargs))

    functools.update_wrapper(call, method)
    return call


class EmulatorClient:
    """Synchronous client: ``EmulatorClient("http://127.0.0.1:PORT")``; see the async one."""

    def __init__(self, url: str, timeout: float = 30.0) -> None:
        self._client = AsyncEmulatorClient(url, timeout)
        self.url = self._client.url
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="emulator-client", daemon=True
        )
        self._thread.start()

    def _run(self, coro: Coroutine[Any, Any, R]) -> R:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result()

    def close(self) -> None:
        """Close the HTTP connections and end the client's thread."""
        if self._loop.is_closed():
            return
        self._run(self._client.aclose())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._loop.close()

    def __enter__(self) -> EmulatorClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def base_url(self) -> str:
        """What to give PTB's ``base_url`` (``.../bot``)."""
        return self._client.base_url

    _get = _blocking(AsyncEmulatorClient._get)  # bench/bench_faults.py reads rules with it
    reset = _blocking(AsyncEmulatorClient.reset)
    register = _blocking(AsyncEmulatorClient.register)
    send_text = _blocking(AsyncEmulatorClient.send_text)
    send_location = _blocking(AsyncEmulatorClient.send_location)
    press_button = _blocking(AsyncEmulatorClient.press_button)
    set_membership = _blocking(AsyncEmulatorClient.set_membership)
    edit_text = _blocking(AsyncEmulatorClient.edit_text)
    acknowledged = _blocking(AsyncEmulatorClient.acknowledged)
    calls = _blocking(AsyncEmulatorClient.calls)
    last_seq = _blocking(AsyncEmulatorClient.last_seq)
    wait_for_calls = _blocking(AsyncEmulatorClient.wait_for_calls)
    messages = _blocking(AsyncEmulatorClient.messages)
    block = _blocking(AsyncEmulatorClient.block)
    unblock = _blocking(AsyncEmulatorClient.unblock)
    limits = _blocking(AsyncEmulatorClient.limits)
    set_limits = _blocking(AsyncEmulatorClient.set_limits)
    add_fault = _blocking(AsyncEmulatorClient.add_fault)
    faults = _blocking(AsyncEmulatorClient.faults)
    clear_faults = _blocking(AsyncEmulatorClient.clear_faults)
    stats = _blocking(AsyncEmulatorClient.stats)
    pending_updates = _blocking(AsyncEmulatorClient.pending_updates)
    callback_answers = _blocking(AsyncEmulatorClient.callback_answers)
    file_bytes = _blocking(AsyncEmulatorClient.file_bytes)
