"""The aiohttp application: the Bot API at ``/bot<token>/<method>``, file downloads at
``/file/bot<token>/<path>``, and the control API at ``/_emulator/``."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
from typing import Any

from aiohttp import BodyPartReader, web

from . import bot_profile, control, media, media_edit, messages, updates
from .errors import ApiError, bad_request
from .faults import Answer, Dropped, apply_fault, drop_middleware
from .responses import file_response, json_response
from .schema import METHOD_NAMES, METHODS, validate_params
from .state import Handler, State, Uploads

TOKEN_RE = re.compile(r"^\d+:[A-Za-z0-9_-]+$")

HANDLERS: dict[str, Handler] = {
    **bot_profile.METHODS,
    **messages.METHODS,
    **media.METHODS,
    **media_edit.METHODS,
    **updates.METHODS,
}

UNSUPPORTED_NOTE = (
    "Implemented: getMe, logOut, close, getUpdates, setWebhook, deleteWebhook, getWebhookInfo, "
    "sendMessage, forwardMessage(s), copyMessage(s), sendPhoto, sendDocument, sendChatAction, "
    "editMessageText, editMessageCaption, editMessageMedia (photos), editMessageReplyMarkup, "
    "deleteMessage(s), "
    "answerCallbackQuery, setMyCommands, getMyCommands, deleteMyCommands, getFile, getChat, "
    "getMyName/Description/ShortDescription, getChatMenuButton; every other method that returns "
    "Boolean is validated and answers true; the rest answer 400."
)


async def _read_multipart(request: web.Request, params: dict[str, Any], uploads: Uploads) -> None:
    reader = await request.multipart()
    async for part in reader:
        if not isinstance(part, BodyPartReader) or part.name is None:
            continue
        raw = bytes(await part.read())
        if part.filename is not None:
            uploads[part.name] = (part.filename, part.headers.get("Content-Type"), raw)
        else:
            params[part.name] = raw.decode("utf-8", "replace")


async def read_params(request: web.Request) -> tuple[dict[str, Any], Uploads]:
    """The query string and the body (JSON, multipart or form) merged, and the uploads."""
    params: dict[str, Any] = dict(request.query)
    uploads: Uploads = {}
    if request.method != "POST" or not request.can_read_body:
        return params, uploads
    if request.content_type == "application/json":
        try:
            data = await request.json(loads=json.loads)
        except ValueError:
            raise bad_request("can't parse JSON encoded request") from None
        if not isinstance(data, dict):
            raise bad_request("JSON object expected in the request body")
        params.update(data)
    elif request.content_type == "multipart/form-data":
        await _read_multipart(request, params, uploads)
    else:
        # application/x-www-form-urlencoded, as PTB sends, or no content type at all.
        post = await request.post()
        params.update((k, v) for k, v in post.items() if isinstance(v, str))
    return params, uploads


def _file_log(uploads: Uploads) -> list[dict[str, Any]]:
    return [
        {"field": field, "name": name, "mime_type": mime, "size": len(data)}
        for field, (name, mime, data) in uploads.items()
    ]


class Emulator(State):
    """All emulator state plus the aiohttp application serving it (``self.app``)."""

    def __init__(self, **options: Any) -> None:
        """Keyword arguments: the fields of ``Options`` and of ``Limits``."""
        super().__init__(**options)
        self.app = web.Application(client_max_size=64 * 1024 * 1024, middlewares=[drop_middleware])
        self.app.router.add_route("*", "/bot{token}/{method}", self._handle_bot)
        self.app.router.add_route("GET", "/file/bot{token}/{path:.+}", self._handle_file)
        self.app.router.add_route("*", "/_emulator/{action:.+}", self._handle_control)
        self.app.on_cleanup.append(self._on_cleanup)

    def _check_token(self, token: str) -> None:
        if not TOKEN_RE.match(token):
            raise ApiError(404, "Not Found")
        if self.options.token is not None and token != self.options.token:
            raise ApiError(401, "Unauthorized")
        self.bot_id = int(token.split(":", 1)[0])

    async def _handle_bot(self, request: web.Request) -> web.StreamResponse:
        started = time.monotonic()
        method = request.match_info["method"]
        lower = method.lower()
        params: dict[str, Any] = {}
        uploads: Uploads = {}
        try:
            self._check_token(request.match_info["token"])
            params, uploads = await read_params(request)
            spec = METHODS.get(lower)
            if spec is None:
                raise ApiError(404, "Not Found")
            fault = self.faults.match(lower, params)
            if fault is None:
                answer = await self._answer(lower, spec, params, uploads)
            else:
                answer = await apply_fault(
                    fault, lambda: self._answer(lower, spec, params, uploads)
                )
        except ApiError as err:
            answer = err.code, err.body()
        name = METHOD_NAMES.get(lower, method)
        self.calls.record(name, params, answer, _file_log(uploads), started)
        status, body = answer
        if body is None:
            raise Dropped
        return json_response(body, status)

    async def _answer(
        self, lower: str, spec: dict[str, Any], params: dict[str, Any], uploads: Uploads
    ) -> Answer:
        """Run a method; ``params`` are replaced by their decoded values (as the log shows)."""
        try:
            decoded = validate_params(lower, spec, params, uploads)
            params.clear()
            params.update(decoded)
            result = await self._execute(lower, spec, decoded, uploads)
        except ApiError as err:
            return err.code, err.body()
        body: dict[str, Any] = {"ok": True, "result": result}
        if isinstance(result, tuple):
            body["result"], description = result
            if description:
                body["description"] = description
        return 200, body

    async def _execute(
        self, lower: str, spec: dict[str, Any], params: dict[str, Any], uploads: Uploads
    ) -> Any:
        handler = HANDLERS.get(lower)
        if handler is not None:
            return await handler(self, params, uploads)
        if spec["returns"] != ["Boolean"]:
            raise bad_request("method not supported by the emulator")
        if "chat_id" in params:
            self.chat(params["chat_id"])
        return True

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        file_id = self.file_paths.get(request.match_info["path"])
        if not TOKEN_RE.match(request.match_info["token"]) or file_id is None:
            return json_response(ApiError(404, "Not Found").body(), 404)
        return file_response(self.files[file_id])

    async def _handle_control(self, request: web.Request) -> web.StreamResponse:
        return await control.handle(self, request)

    async def _on_cleanup(self, app: web.Application) -> None:
        task = self.queue.webhook_task
        self.queue.close()
        if task is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
