"""HTTP answers shared by the Bot API and the control API."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from .state import StoredFile


def json_response(body: dict[str, Any], status: int = 200) -> web.Response:
    """A JSON answer; 429s carry Retry-After as Telegram's do."""
    headers = {}
    if status == 429 and "parameters" in body:
        headers["Retry-After"] = str(body["parameters"]["retry_after"])
    return web.Response(
        body=json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
        status=status,
        content_type="application/json",
        headers=headers,
    )


def file_response(stored: StoredFile) -> web.Response:
    """A stored file's bytes."""
    return web.Response(
        body=stored.data, content_type=stored.mime_type or "application/octet-stream"
    )
