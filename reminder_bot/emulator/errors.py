"""Bot API error answers, as the reference server words them."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """A Bot API error answer: ``{"ok": false, "error_code": code, "description": ...}``."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def body(self) -> dict[str, Any]:
        """The JSON answer."""
        out: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.retry_after is not None:
            out["parameters"] = {"retry_after": self.retry_after}
        return out


def bad_request(message: str) -> ApiError:
    """A 400 answer: ``Bad Request: message``."""
    return ApiError(400, f"Bad Request: {message}")


def too_many(retry_after: int) -> ApiError:
    """A 429 answer asking to retry after ``retry_after`` seconds."""
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)
