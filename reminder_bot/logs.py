"""Logging set-up: text or JSON lines on stderr, and a filter on the root logger's handlers that
keeps the bot token out of every line (PTB, httpx, apscheduler and ours, at every level)."""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable
from urllib.parse import quote

REDACTED = "<redacted>"
# Any bot token inside a Bot API URL (``/bot<token>/`` or ``/file/bot<token>/``), known or not.
BOT_URL_TOKEN = re.compile(r"(/bot)\d{1,20}(?::|%3A|%3a)[A-Za-z0-9_-]+")
# A token's secret part shorter than this is not redacted on its own (it could be a common word).
MIN_SECRET_LENGTH = 8
LOG_FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# The LogRecord attributes every record has; any other attribute came from ``extra=``.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName"}


def secret_forms(secrets: Iterable[str]) -> list[str]:
    """Each secret as it may appear in a line: raw, URL-encoded, and a token's part after the
    colon. Longest first, so a whole token is replaced before its parts."""
    forms: set[str] = set()
    for secret in secrets:
        secret = secret.strip()
        if not secret:
            continue
        forms |= {secret, quote(secret, safe=""), quote(secret)}
        _, colon, rest = secret.partition(":")
        if colon and len(rest) >= MIN_SECRET_LENGTH:
            forms |= {rest, quote(rest, safe="")}
    return sorted(forms, key=len, reverse=True)


class RedactingFilter(logging.Filter):
    """Replaces the secrets in a record's message, args, exception and stack text, and extras.

    The message is formatted here (``record.args`` cleared), and the exception is rendered to
    ``exc_text`` (``exc_info`` cleared), so no formatter can render the unredacted original."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.forms = secret_forms(secrets)

    def redact(self, text: str) -> str:
        for form in self.forms:
            text = text.replace(form, REDACTED)
        return BOT_URL_TOKEN.sub(rf"\1{REDACTED}", text)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format string must not hide the line
            message = f"{record.msg!r} {record.args!r}"
        record.msg = self.redact(message)
        record.args = None
        if record.exc_info:
            if not record.exc_text:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        for key, value in list(vars(record).items()):
            if key in _STANDARD:
                continue
            text = value if isinstance(value, str) else repr(value)
            redacted = self.redact(text)
            if redacted != text:
                setattr(record, key, redacted)
        return True


def json_formatter() -> logging.Formatter:
    from pythonjsonlogger.json import JsonFormatter

    return JsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s",
        rename_fields={"levelname": "level", "name": "logger", "asctime": "time"},
    )


def setup_logging(level: str, log_format: str = "text", secrets: Iterable[str] = ()) -> None:
    """Log to stderr at ``level`` as text or JSON lines, every handler redacting ``secrets``."""
    logging.basicConfig(level=level, format=TEXT_FORMAT, stream=sys.stderr)
    root = logging.getLogger()
    redacting = RedactingFilter(secrets)
    for handler in root.handlers:
        if log_format == "json":
            handler.setFormatter(json_formatter())
        handler.addFilter(redacting)
    if level != "DEBUG":
        # httpx logs every request (with its /bot<token> URL, redacted) at INFO: one line per
        # getUpdates poll drowns the useful lines, so only DEBUG shows them.
        logging.getLogger("httpx").setLevel(logging.WARNING)
    # apscheduler logs each job added and run at INFO: hundreds of lines a minute at any level.
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("telegram.ext").addFilter(drop_bootstrap_traceback)


def drop_bootstrap_traceback(record: logging.LogRecord) -> bool:
    """PTB logs a failed start-up with a traceback; we report it in one line ourselves."""
    if "Bootstrap Initialize Application" in record.getMessage():
        record.exc_info = None
        record.exc_text = None
    return True
