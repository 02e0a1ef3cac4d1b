"""The redacting log filter and the log formats, in process."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from conftest import FAKE_TOKEN

from reminder_bot import config
from reminder_bot.logs import REDACTED, RedactingFilter, json_formatter, secret_forms

TOKEN = FAKE_TOKEN
SECRET = TOKEN.partition(":")[2]


@pytest.fixture
def logged() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A logger whose one handler formats as text and redacts TOKEN; yields it and its output."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s %(detail)s"))
    handler.addFilter(RedactingFilter([TOKEN]))
    logger = logging.getLogger("test_logs.redacting")
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    yield logger, out
    logger.removeHandler(handler)


def boom() -> None:
    raise RuntimeError(f"POST https://api.telegram.org/bot{TOKEN}/getMe failed")


CASES: dict[str, tuple[str, tuple[Any, ...], dict[str, Any]]] = {
    "message": (f"Set Bot API URL: https://api.telegram.org/bot{TOKEN}", (), {}),
    "args": ("Set Bot API URL: %s/bot%s", ("https://api.telegram.org", TOKEN), {}),
    "url-encoded-arg": ("token=%s", (quote(TOKEN, safe=""),), {}),
    "secret-part-alone": ("the secret is %r", (SECRET,), {}),
    "exc_info": ("it failed", (), {"exc_info": True}),
    "extra": ("with extra", (), {"extra": {"detail": f"url=/bot{TOKEN}/sendMessage"}}),
    "extra-non-string": ("with extra", (), {"extra": {"detail": {"token": TOKEN}}}),
    "stack_info": (f"{TOKEN}", (), {"stack_info": True}),
}


@pytest.mark.parametrize("level", [logging.DEBUG, logging.ERROR], ids=["DEBUG", "ERROR"])
@pytest.mark.parametrize("case", CASES)
def test_the_token_never_reaches_the_output(
    case: str, level: int, logged: tuple[logging.Logger, io.StringIO]
) -> None:
    logger, out = logged
    message, args, kwargs = CASES[case]
    kwargs = {"extra": {"detail": "-"}, **kwargs}
    if kwargs.get("exc_info"):
        try:
            boom()
        except RuntimeError:
            logger.log(level, message, *args, **kwargs)
    else:
        logger.log(level, message, *args, **kwargs)
    text = out.getvalue()
    assert text, "nothing was logged"
    assert TOKEN not in text and SECRET not in text and quote(TOKEN, safe="") not in text, text
    assert REDACTED in text, text
    if kwargs.get("exc_info"):
        assert "RuntimeError" in text and "Traceback" in text, text


def test_an_unknown_token_in_a_bot_url_is_redacted_too() -> None:
    redact = RedactingFilter([]).redact
    assert redact("GET http://x/bot42:abc-DEF_1/getMe") == f"GET http://x/bot{REDACTED}/getMe"
    assert (
        redact("GET http://x/file/bot42%3Aabc/a.jpg") == f"GET http://x/file/bot{REDACTED}/a.jpg"
    )
    assert redact("a robot42:abc") == "a robot42:abc"  # not a /bot URL, not a known secret


def test_a_short_secret_part_is_not_redacted_on_its_own() -> None:
    forms = secret_forms(["123456:TEST\n"])
    assert "123456:TEST" in forms and "123456%3ATEST" in forms and "TEST" not in forms


def test_json_lines_have_level_logger_and_message_and_no_token() -> None:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(json_formatter())
    handler.addFilter(RedactingFilter([TOKEN]))
    logger = logging.getLogger("test_logs.json")
    logger.propagate = False
    logger.addHandler(handler)
    try:
        logger.warning("calling %s", f"/bot{TOKEN}/getMe", extra={"chat_id": 7})
        try:
            boom()
        except RuntimeError:
            logger.exception("failed")
    finally:
        logger.removeHandler(handler)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [line["level"] for line in lines] == ["WARNING", "ERROR"]
    assert lines[0]["logger"] == "test_logs.json" and lines[0]["chat_id"] == 7
    assert lines[0]["message"] == f"calling /bot{REDACTED}/getMe"
    assert "RuntimeError" in lines[1]["exc_info"]
    assert TOKEN not in out.getvalue() and SECRET not in out.getvalue()


@pytest.mark.parametrize(("raw", "loaded"), [(None, "text"), ("JSON", "json"), ("text", "text")])
def test_log_format_setting(raw: str | None, loaded: str) -> None:
    env = {"TELEGRAM_BOT_TOKEN": TOKEN}
    if raw is not None:
        env["REMINDER_BOT_LOG_FORMAT"] = raw
    assert config.load(env).log_format == loaded


def test_a_bad_log_format_names_the_variable() -> None:
    with pytest.raises(config.ConfigError, match="REMINDER_BOT_LOG_FORMAT='xml'"):
        config.load({"TELEGRAM_BOT_TOKEN": TOKEN, "REMINDER_BOT_LOG_FORMAT": "xml"})
