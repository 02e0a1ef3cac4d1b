from __future__ import annotations

from pathlib import Path

import pytest

from reminder_bot.config import SETTINGS, ConfigError, load

TOKEN = "123456:TEST-token_value"


def test_defaults() -> None:
    config = load({"TELEGRAM_BOT_TOKEN": TOKEN})
    assert config.token == TOKEN
    assert config.api_url == "https://api.telegram.org"
    assert config.base_url == "https://api.telegram.org/bot"
    assert config.base_file_url == "https://api.telegram.org/file/bot"
    assert config.database == Path("data/reminder-bot.sqlite3")
    assert config.timezone == "UTC"
    assert config.default_preset == "desk-worker"
    assert config.global_rate == 30
    assert config.chat_rate == 1


def test_every_setting_is_read() -> None:
    config = load(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": "http://127.0.0.1:8081/",
            "REMINDER_BOT_DATABASE": "/tmp/x/bot.sqlite3",
            "REMINDER_BOT_TIMEZONE": "Europe/Berlin",
            "REMINDER_BOT_DEFAULT_PRESET": "gentle",
            "REMINDER_BOT_CATCH_UP_MINUTES": "15",
            "REMINDER_BOT_STALE_MINUTES": "45",
            "REMINDER_BOT_GLOBAL_RATE": "25",
            "REMINDER_BOT_CHAT_RATE": "0.5",
            "REMINDER_BOT_CLOCK_SPEED": "60",
            "REMINDER_BOT_LOG_LEVEL": "debug",
        }
    )
    assert config.api_url == "http://127.0.0.1:8081"
    assert config.base_url == "http://127.0.0.1:8081/bot"
    assert config.database == Path("/tmp/x/bot.sqlite3")
    assert config.timezone == "Europe/Berlin"
    assert config.default_preset == "gentle"
    assert (config.catch_up_minutes, config.stale_minutes) == (15, 45)
    assert (config.global_rate, config.chat_rate, config.clock_speed) == (25, 0.5, 60)
    assert config.log_level == "DEBUG"


def test_token_from_file(tmp_path: Path) -> None:
    secret = tmp_path / "token"
    secret.write_text(TOKEN + "\n")
    assert load({"TELEGRAM_BOT_TOKEN_FILE": str(secret)}).token == TOKEN


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({}, ["TELEGRAM_BOT_TOKEN", "reminder-bot demo"]),
        ({"TELEGRAM_BOT_TOKEN": "not a token"}, ["TELEGRAM_BOT_TOKEN", "123456789:"]),
        ({"TELEGRAM_BOT_TOKEN_FILE": "/nonexistent/token"}, ["TELEGRAM_BOT_TOKEN_FILE"]),
        (
            {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": "api.telegram.org"},
            ["TELEGRAM_API_URL", "http://127.0.0.1:8081"],
        ),
        (
            {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": "http://x/bot123:abc"},
            ["TELEGRAM_API_URL", "without /bot"],
        ),
        (
            {"TELEGRAM_BOT_TOKEN": TOKEN, "REMINDER_BOT_TIMEZONE": "Mars/Olympus"},
            ["REMINDER_BOT_TIMEZONE", "Europe/Berlin"],
        ),
        (
            {"TELEGRAM_BOT_TOKEN": TOKEN, "REMINDER_BOT_GLOBAL_RATE": "fast"},
            ["REMINDER_BOT_GLOBAL_RATE", "not a number"],
        ),
        (
            {"TELEGRAM_BOT_TOKEN": TOKEN, "REMINDER_BOT_CHAT_RATE": "0"},
            ["REMINDER_BOT_CHAT_RATE", ">= 0.01"],
        ),
        (
            {"TELEGRAM_BOT_TOKEN": TOKEN, "REMINDER_BOT_STALE_MINUTES": "nan"},
            ["REMINDER_BOT_STALE_MINUTES"],
        ),
        (
            {"TELEGRAM_BOT_TOKEN": TOKEN, "REMINDER_BOT_LOG_LEVEL": "loud"},
            ["REMINDER_BOT_LOG_LEVEL", "DEBUG"],
        ),
        (
            {"TELEGRAM_BOT_TOKEN": TOKEN, "REMINDER_BOT_PRESETS_DIR": "/nonexistent"},
            ["REMINDER_BOT_PRESETS_DIR", "folder"],
        ),
        (
            {"TELEGRAM_BOT_TOKEN": TOKEN, "REMINDER_BOT_WEBHOOK_URL": "bot.example.org/hook"},
            ["REMINDER_BOT_WEBHOOK_URL", "https://bot.example.org/tg"],
        ),
        (
            {"TELEGRAM_BOT_TOKEN": TOKEN, "REMINDER_BOT_WEBHOOK_URL": "https://b.example/h"},
            ["REMINDER_BOT_WEBHOOK_SECRET", "openssl rand -hex 32"],
        ),
        (
            {"TELEGRAM_BOT_TOKEN": TOKEN, "REMINDER_BOT_WEBHOOK_SECRET": "has space"},
            ["REMINDER_BOT_WEBHOOK_SECRET", "1-256"],
        ),
        (
            {"TELEGRAM_BOT_TOKEN": TOKEN, "REMINDER_BOT_WEBHOOK_SECRET": "x" * 257},
            ["REMINDER_BOT_WEBHOOK_SECRET", "1-256"],
        ),
        (
            {"TELEGRAM_BOT_TOKEN": TOKEN, "REMINDER_BOT_WEBHOOK_SECRET_FILE": "/nonexistent"},
            ["REMINDER_BOT_WEBHOOK_SECRET_FILE", "readable"],
        ),
        (
            {"TELEGRAM_BOT_TOKEN": TOKEN, "REMINDER_BOT_WEBHOOK_LISTEN": "8443"},
            ["REMINDER_BOT_WEBHOOK_LISTEN", "0.0.0.0:8443"],
        ),
        (
            {"TELEGRAM_BOT_TOKEN": TOKEN, "REMINDER_BOT_WEBHOOK_LISTEN": "0.0.0.0:70000"},
            ["REMINDER_BOT_WEBHOOK_LISTEN"],
        ),
        (
            {"TELEGRAM_BOT_TOKEN": TOKEN, "REMINDER_BOT_ALLOWED_USERS": "12345,@alice"},
            ["REMINDER_BOT_ALLOWED_USERS", "'@alice'", "123456789,987654321"],
        ),
        (
            {"TELEGRAM_BOT_TOKEN": TOKEN, "REMINDER_BOT_ALLOWED_USERS": " , "},
            ["REMINDER_BOT_ALLOWED_USERS", "lists no user id"],
        ),
        (
            {"TELEGRAM_BOT_TOKEN": TOKEN, "REMINDER_BOT_ADMINS": "-5"},
            ["REMINDER_BOT_ADMINS", "'-5'"],
        ),
        (
            {"TELEGRAM_BOT_TOKEN": TOKEN, "REMINDER_BOT_METRICS_PORT": "http"},
            ["REMINDER_BOT_METRICS_PORT", "1-65535"],
        ),
        (
            {"TELEGRAM_BOT_TOKEN": TOKEN, "REMINDER_BOT_METRICS_PORT": "0"},
            ["REMINDER_BOT_METRICS_PORT", "=9090"],
        ),
    ],
)
def test_bad_settings_name_the_variable(env: dict[str, str], names: list[str]) -> None:
    with pytest.raises(ConfigError) as raised:
        load(env)
    for name in names:
        assert name in str(raised.value)


def test_webhook_settings(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text("s3cret_-X\n")
    config = load(
        {
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "REMINDER_BOT_WEBHOOK_URL": "https://bot.example.org/telegram",
            "REMINDER_BOT_WEBHOOK_LISTEN": "[::1]:8080",
            "REMINDER_BOT_WEBHOOK_SECRET_FILE": str(secret),
        }
    )
    assert config.webhook_url == "https://bot.example.org/telegram"
    assert config.webhook_listen == ("::1", 8080)
    assert config.webhook_secret == "s3cret_-X"
    polling = load({"TELEGRAM_BOT_TOKEN": TOKEN})
    assert (polling.webhook_url, polling.webhook_listen) == (None, ("0.0.0.0", 8443))


@pytest.mark.parametrize(
    ("allowed", "admins", "user", "may_use"),
    [
        (None, None, 42, True),
        ("1, 2;3", None, 2, True),
        ("1 2 3", None, 4, False),
        ("1", "4", 4, True),
        ("", "4", 5, True),
    ],
)
def test_who_may_use_the_bot(
    allowed: str | None, admins: str | None, user: int, may_use: bool
) -> None:
    env = {"TELEGRAM_BOT_TOKEN": TOKEN}
    if allowed is not None:
        env["REMINDER_BOT_ALLOWED_USERS"] = allowed
    if admins is not None:
        env["REMINDER_BOT_ADMINS"] = admins
    assert load(env).may_use(user) is may_use


def test_metrics_port() -> None:
    assert load({"TELEGRAM_BOT_TOKEN": TOKEN}).metrics_port is None
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "REMINDER_BOT_METRICS_PORT": "9090"}
    assert load(env).metrics_port == 9090


def test_database_that_is_a_folder(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="REMINDER_BOT_DATABASE"):
        load({"TELEGRAM_BOT_TOKEN": TOKEN, "REMINDER_BOT_DATABASE": str(tmp_path)})


def test_readme_documents_every_setting() -> None:
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    for setting in SETTINGS:
        assert f"`{setting.name}`" in readme, setting.name
