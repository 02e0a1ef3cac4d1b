"""What the emulator's own tests share: two users, raw Bot API calls, a tiny PNG."""

from __future__ import annotations

import struct
import zlib
from typing import Any

import httpx

from reminder_bot.emulator import EmulatorClient, User
from reminder_bot.emulator.testing import TEST_TOKEN

# Fixed ids: the validation tables write chat_id 1001 literally.
ADA = User(id=1001, first_name="Ada", last_name="Lovelace", username="ada", language_code="en")
BOB = User(id=1002, first_name="Bob", language_code="de")
BAD_REQUEST = "Bad Request: "


def api(
    emulator: EmulatorClient, method: str, token: str = TEST_TOKEN, **kw: Any
) -> httpx.Response:
    """A raw Bot API call (form-encoded like PTB unless json=/files=/params= are given)."""
    return httpx.post(f"{emulator.url}/bot{token}/{method}", timeout=10, **kw)


def png(width: int = 3, height: int = 2) -> bytes:
    """A valid PNG image of that size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
