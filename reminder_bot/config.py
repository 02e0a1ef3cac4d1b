"""The only module that reads the environment. Every setting is checked at start-up and a bad
one stops the bot with a message that names the variable, what is wrong and an example."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from reminder_bot.settings_table import DEFAULT_API_URL, DEFAULT_DATABASE, SETTINGS, Setting

__all__ = ["DEFAULT_API_URL", "DEFAULT_DATABASE", "SETTINGS", "Config", "ConfigError", "Setting"]

TOKEN_PATTERN = re.compile(r"^\d{1,20}:[A-Za-z0-9_-]{1,100}$")


class ConfigError(Exception):
    """A setting, preset or content file is wrong; the message says which and how to fix it.
    ``setting`` names the variable to drop for the rest to read (check-config), when known."""

    def __init__(self, message: str, *, setting: str | None = None) -> None:
        super().__init__(message)
        self.setting = setting


@dataclass(frozen=True)
class Config:
    token: str
    api_url: str = DEFAULT_API_URL
    database: Path = Path(DEFAULT_DATABASE)
    timezone: str = "UTC"
    default_preset: str = "desk-worker"
    presets_dir: Path | None = None
    catch_up_minutes: float = 30.0
    stale_minutes: float = 30.0
    global_rate: float = 30.0
    chat_rate: float = 1.0
    clock_speed: float = 1.0
    http_timeout: float = 10.0
    log_level: str = "INFO"
    log_format: str = "text"
    health_max_age: float = 120.0
    health_poll_max_age: float = 300.0
    webhook_url: str | None = None
    webhook_listen: tuple[str, int] = ("0.0.0.0", 8443)
    webhook_secret: str | None = None
    # None: everyone may use the bot; otherwise only these ids (and the admins).
    allowed_users: frozenset[int] | None = None
    admins: frozenset[int] = frozenset()
    metrics_port: int | None = None
    retention_days: float = 90.0
    user_rate: float = 20.0
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"{self.api_url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.api_url}/file/bot"

    def may_use(self, user_id: int) -> bool:
        """Whether REMINDER_BOT_ALLOWED_USERS (or REMINDER_BOT_ADMINS) lets this user in."""
        allowed = self.allowed_users
        return allowed is None or user_id in allowed or user_id in self.admins


def _get(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def _default(name: str) -> str:
    for setting in SETTINGS:
        if setting.name == name:
            assert setting.default is not None
            return setting.default
    raise KeyError(name)


def _number(env: Mapping[str, str], name: str, *, minimum: float, example: str) -> float:
    raw = _get(env, name) or _default(name)
    try:
        value = float(raw)
    except ValueError:
        raise ConfigError(
            f"{name}={raw!r} is not a number; set it like {name}={example}"
        ) from None
    if not value >= minimum or value != value or value == float("inf"):
        raise ConfigError(f"{name}={raw!r} must be a number >= {minimum:g}, e.g. {name}={example}")
    return value


def read_secret(env: Mapping[str, str], name: str, what: str) -> tuple[str | None, str]:
    """The value of ``name``, else the content of the file ``name_FILE`` names (container
    secrets); with the variable it came from, for messages. (None, name) when neither is set."""
    value = _get(env, name)
    if value is not None:
        return value, name
    file_name = f"{name}_FILE"
    path = _get(env, file_name)
    if path is None:
        return None, name
    try:
        return Path(path).read_text(encoding="utf-8").strip(), file_name
    except OSError as error:
        raise ConfigError(
            f"{file_name}={path!r} cannot be read ({error.strerror}); "
            f"point it at a readable file that holds only the {what}"
        ) from None


def read_token(env: Mapping[str, str]) -> str:
    token, source = read_secret(env, "TELEGRAM_BOT_TOKEN", "token")
    if token is None:
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN is not set. Get a token from @BotFather and run "
            "TELEGRAM_BOT_TOKEN=123456:ABC-your-token reminder-bot run, or put it in a file "
            "and set TELEGRAM_BOT_TOKEN_FILE=/run/secrets/telegram_token. "
            "To try the bot without a token, run: reminder-bot demo"
        )
    if not TOKEN_PATTERN.match(token):
        raise ConfigError(
            f"{source} does not hold a bot token: it must look like 123456789:AAH-the-rest "
            "(digits, a colon, then letters, digits, '_' or '-'), as @BotFather gives it"
        )
    return token


def read_api_url(env: Mapping[str, str]) -> str:
    url = _get(env, "TELEGRAM_API_URL") or DEFAULT_API_URL
    if not re.match(r"^https?://[^/\s]+(/[^\s]*)?$", url):
        raise ConfigError(
            f"TELEGRAM_API_URL={url!r} is not an http(s) URL; "
            "set it like TELEGRAM_API_URL=http://127.0.0.1:8081"
        )
    url = url.rstrip("/")
    if re.search(r"/bot[^/]*$", url):
        raise ConfigError(
            f"TELEGRAM_API_URL={url!r} must be the server's root, without /bot<token>: "
            "the bot adds that itself, e.g. TELEGRAM_API_URL=http://127.0.0.1:8081"
        )
    return url


def read_timezone(env: Mapping[str, str]) -> str:
    name = _get(env, "REMINDER_BOT_TIMEZONE") or "UTC"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"REMINDER_BOT_TIMEZONE={name!r} is not an IANA time zone; "
            "use a name such as Europe/Berlin or America/New_York"
        ) from None
    return name


def read_database(env: Mapping[str, str]) -> Path:
    """The SQLite path, checked now so a bad location stops the bot before it starts."""
    database = Path(_get(env, "REMINDER_BOT_DATABASE") or DEFAULT_DATABASE)
    name = f"REMINDER_BOT_DATABASE={str(database)!r}"
    try:
        if database.is_dir():
            raise ConfigError(
                f"{name} is a folder; name a file inside it, "
                f"e.g. REMINDER_BOT_DATABASE={database / 'reminder-bot.sqlite3'}"
            )
        # The folder is created at start-up; its nearest existing ancestor must allow that.
        folder = database.parent.absolute()
        while not folder.exists() and folder != folder.parent:
            folder = folder.parent
        if not folder.is_dir():
            raise ConfigError(
                f"{name} cannot be created: {str(folder)!r} is a file, not a folder; "
                "choose a path in a writable folder, e.g. REMINDER_BOT_DATABASE=/data/bot.sqlite3"
            )
        writable = os.access(folder, os.W_OK | os.X_OK)
        if database.exists():
            writable = os.access(database, os.R_OK | os.W_OK) and os.access(
                database.parent, os.W_OK | os.X_OK
            )
        if not writable:
            raise ConfigError(
                f"{name} is not writable by this user (uid {os.getuid()}): make {str(folder)!r} "
                "writable for it (in the container: chown 10001 on the mounted folder) or "
                "choose another path"
            )
    except OSError as error:
        raise ConfigError(f"{name} cannot be used: {error.strerror or error}") from None
    return database


SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")


def read_webhook(env: Mapping[str, str]) -> tuple[str | None, tuple[str, int], str | None]:
    """Webhook URL, listen address and secret; the secret is required once a URL is set."""
    url = _get(env, "REMINDER_BOT_WEBHOOK_URL")
    if url is not None and not re.match(r"^https?://[^/\s]+(/[^\s]*)?$", url):
        raise ConfigError(
            f"REMINDER_BOT_WEBHOOK_URL={url!r} is not an http(s) URL; set it to the public "
            "address Telegram posts to, e.g. REMINDER_BOT_WEBHOOK_URL=https://bot.example.org/tg"
        )
    listen = _get(env, "REMINDER_BOT_WEBHOOK_LISTEN") or _default("REMINDER_BOT_WEBHOOK_LISTEN")
    host, _, port = listen.rpartition(":")
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(
            f"REMINDER_BOT_WEBHOOK_LISTEN={listen!r} is not host:port; "
            "set it like REMINDER_BOT_WEBHOOK_LISTEN=0.0.0.0:8443"
        )
    secret = _secret(env)
    if url is not None and secret is None:
        raise ConfigError(
            "REMINDER_BOT_WEBHOOK_URL is set but REMINDER_BOT_WEBHOOK_SECRET is not: webhook "
            "mode needs a secret so only Telegram can post updates; set "
            "REMINDER_BOT_WEBHOOK_SECRET (or REMINDER_BOT_WEBHOOK_SECRET_FILE) to 1-256 "
            "letters, digits, '_' or '-', e.g. the output of: openssl rand -hex 32",
            setting="REMINDER_BOT_WEBHOOK_URL",
        )
    return url, (host.strip("[]"), int(port)), secret


def _secret(env: Mapping[str, str]) -> str | None:
    secret, source = read_secret(env, "REMINDER_BOT_WEBHOOK_SECRET", "secret")
    if secret is not None and not SECRET_PATTERN.match(secret):
        raise ConfigError(
            f"{source} must be 1-256 characters, each a letter, digit, '_' or '-' (Telegram's "
            "rule for secret_token), e.g. the output of: openssl rand -hex 32"
        )
    return secret


def read_user_ids(env: Mapping[str, str], name: str) -> frozenset[int] | None:
    """A list of Telegram user ids, comma- or space-separated; None when unset."""
    raw = _get(env, name)
    if raw is None:
        return None
    ids: set[int] = set()
    for item in re.split(r"[\s,;]+", raw):
        if not item:
            continue
        if not re.fullmatch(r"\d{1,20}", item):
            raise ConfigError(
                f"{name}: {item!r} is not a Telegram user id (a number such as 123456789; the "
                "bot's reply to a user it refuses tells them theirs); "
                f"list ids separated by commas, e.g. {name}=123456789,987654321"
            )
        ids.add(int(item))
    if not ids:
        raise ConfigError(
            f"{name}={raw!r} lists no user id; list ids separated by commas, "
            f"e.g. {name}=123456789,987654321, or leave it unset"
        )
    return frozenset(ids)


def read_port(env: Mapping[str, str], name: str) -> int | None:
    raw = _get(env, name)
    if raw is None:
        return None
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise ConfigError(f"{name}={raw!r} is not a port (1-65535); set it like {name}=9090")
    return int(raw)


def load(env: Mapping[str, str] | None = None, *, require_token: bool = True) -> Config:
    """Read and check every setting; raise ConfigError naming the first bad variable."""
    env = os.environ if env is None else env
    token = read_token(env) if require_token else (_get(env, "TELEGRAM_BOT_TOKEN") or "")
    database = read_database(env)
    presets_dir_raw = _get(env, "REMINDER_BOT_PRESETS_DIR")
    presets_dir = Path(presets_dir_raw) if presets_dir_raw else None
    if presets_dir is not None and not presets_dir.is_dir():
        raise ConfigError(
            f"REMINDER_BOT_PRESETS_DIR={presets_dir_raw!r} is not a folder; "
            "point it at a folder of preset .toml files, e.g. REMINDER_BOT_PRESETS_DIR=/config"
        )
    log_level = (_get(env, "REMINDER_BOT_LOG_LEVEL") or "INFO").upper()
    if log_level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        raise ConfigError(
            f"REMINDER_BOT_LOG_LEVEL={log_level!r} is not a log level; "
            "use one of DEBUG, INFO, WARNING, ERROR"
        )
    webhook_url, webhook_listen, webhook_secret = read_webhook(env)
    log_format = (_get(env, "REMINDER_BOT_LOG_FORMAT") or "text").lower()
    if log_format not in {"text", "json"}:
        raise ConfigError(
            f"REMINDER_BOT_LOG_FORMAT={log_format!r} is not a log format; use text or json"
        )
    return Config(
        token=token,
        api_url=read_api_url(env),
        database=database,
        timezone=read_timezone(env),
        default_preset=_get(env, "REMINDER_BOT_DEFAULT_PRESET") or "desk-worker",
        presets_dir=presets_dir,
        catch_up_minutes=_number(env, "REMINDER_BOT_CATCH_UP_MINUTES", minimum=0, example="30"),
        stale_minutes=_number(env, "REMINDER_BOT_STALE_MINUTES", minimum=1, example="30"),
        global_rate=_number(env, "REMINDER_BOT_GLOBAL_RATE", minimum=0.1, example="30"),
        chat_rate=_number(env, "REMINDER_BOT_CHAT_RATE", minimum=0.01, example="1"),
        clock_speed=_number(env, "REMINDER_BOT_CLOCK_SPEED", minimum=0.001, example="60"),
        http_timeout=_number(env, "REMINDER_BOT_HTTP_TIMEOUT", minimum=0.1, example="10"),
        log_level=log_level,
        log_format=log_format,
        health_max_age=_number(env, "REMINDER_BOT_HEALTH_MAX_AGE", minimum=1, example="120"),
        health_poll_max_age=_number(
            env, "REMINDER_BOT_HEALTH_POLL_MAX_AGE", minimum=1, example="300"
        ),
        webhook_url=webhook_url,
        webhook_listen=webhook_listen,
        webhook_secret=webhook_secret,
        allowed_users=read_user_ids(env, "REMINDER_BOT_ALLOWED_USERS"),
        admins=read_user_ids(env, "REMINDER_BOT_ADMINS") or frozenset(),
        metrics_port=read_port(env, "REMINDER_BOT_METRICS_PORT"),
        retention_days=_number(env, "REMINDER_BOT_RETENTION_DAYS", minimum=7, example="90"),
        user_rate=_number(env, "REMINDER_BOT_USER_RATE", minimum=1, example="20"),
    )
