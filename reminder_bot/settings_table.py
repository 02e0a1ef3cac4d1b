"""Every setting the bot reads from the environment, with its default and what it does: the
README's table and ``.env.example`` are generated from it (scripts/gen_doc_tables.py), so the
documentation cannot drift from what ``config`` reads."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_API_URL = "https://api.telegram.org"
DEFAULT_DATABASE = "data/reminder-bot.sqlite3"


@dataclass(frozen=True)
class Setting:
    name: str
    default: str | None
    description: str


# The README's configuration table is generated from this list (scripts/gen_doc_tables.py),
# so the documentation cannot drift from what the code reads.
SETTINGS: tuple[Setting, ...] = (
    Setting(
        "TELEGRAM_BOT_TOKEN",
        None,
        "Bot token from @BotFather. Required unless `TELEGRAM_BOT_TOKEN_FILE` is set.",
    ),
    Setting(
        "TELEGRAM_BOT_TOKEN_FILE",
        None,
        "Path of a file holding the token (container "
        "secrets). Used when `TELEGRAM_BOT_TOKEN` is unset.",
    ),
    Setting(
        "TELEGRAM_API_URL",
        DEFAULT_API_URL,
        "Root of the Bot API server. The bot calls "
        "`{TELEGRAM_API_URL}/bot{token}/{method}`; point it at a local Bot API server or at "
        "the emulator (`reminder-bot emulator`).",
    ),
    Setting("REMINDER_BOT_DATABASE", DEFAULT_DATABASE, "SQLite file; its folder is created."),
    Setting(
        "REMINDER_BOT_TIMEZONE", "UTC", "IANA time zone new users get until they pick theirs."
    ),
    Setting("REMINDER_BOT_DEFAULT_PRESET", "desk-worker", "Preset that `/start` activates."),
    Setting(
        "REMINDER_BOT_PRESETS_DIR",
        None,
        "Extra folder of preset `*.toml` files, added to the "
        "built-in `schedules/`; a file with the same name replaces the built-in one.",
    ),
    Setting(
        "REMINDER_BOT_CATCH_UP_MINUTES",
        "30",
        "After downtime, a missed nudge is still sent "
        "if its slot is younger than this; older ones are logged as missed.",
    ),
    Setting(
        "REMINDER_BOT_STALE_MINUTES",
        "30",
        "A queued nudge older than this is dropped and "
        "logged as stale instead of being delivered late.",
    ),
    Setting("REMINDER_BOT_GLOBAL_RATE", "30", "Messages per second the bot sends in total."),
    Setting(
        "REMINDER_BOT_CHAT_RATE", "1", "Messages per second the bot sends to one private chat."
    ),
    Setting(
        "REMINDER_BOT_HTTP_TIMEOUT",
        "10",
        "Seconds to wait for the Bot API server to connect or answer before a call counts as "
        "timed out (and is retried).",
    ),
    Setting(
        "REMINDER_BOT_CLOCK_SPEED",
        "1",
        "Runs the bot's clock this many times faster than real time (demos and load tests only).",
    ),
    Setting("REMINDER_BOT_LOG_LEVEL", "INFO", "Python log level: DEBUG, INFO, WARNING, ERROR."),
    Setting(
        "REMINDER_BOT_LOG_FORMAT",
        "text",
        "`text` for human-readable lines, `json` for one JSON object per line (level, logger, "
        "message, time). Either way the bot token is redacted from every line.",
    ),
    Setting(
        "REMINDER_BOT_WEBHOOK_URL",
        None,
        "Public HTTPS URL Telegram posts updates to. Set, the bot receives updates by webhook "
        "instead of long polling (and calls setWebhook with it at start-up); unset, it polls.",
    ),
    Setting(
        "REMINDER_BOT_WEBHOOK_LISTEN",
        "0.0.0.0:8443",
        "`host:port` the webhook server listens on (behind your TLS proxy), webhook mode only.",
    ),
    Setting(
        "REMINDER_BOT_WEBHOOK_SECRET",
        None,
        "Required in webhook mode: 1-256 characters `A-Z a-z 0-9 _ -`, sent to Telegram as "
        "setWebhook's `secret_token`; a request without it in `X-Telegram-Bot-Api-Secret-Token` "
        "gets 403.",
    ),
    Setting(
        "REMINDER_BOT_WEBHOOK_SECRET_FILE",
        None,
        "Path of a file holding the webhook secret. Used when `REMINDER_BOT_WEBHOOK_SECRET` is "
        "unset.",
    ),
    Setting(
        "REMINDER_BOT_ALLOWED_USERS",
        None,
        "Telegram user ids (comma- or space-separated) who may use the bot; anyone else gets "
        "one polite refusal and nothing about them is stored. Unset: everyone may.",
    ),
    Setting(
        "REMINDER_BOT_ADMINS",
        None,
        "Telegram user ids (comma- or space-separated) who may use `/admin`: users, schedules, "
        "today's nudges by status, failures, queue, version and uptime. Admins are always "
        "allowed.",
    ),
    Setting(
        "REMINDER_BOT_METRICS_PORT",
        None,
        "Port serving Prometheus metrics at `/metrics` on all interfaces. Unset: no metrics "
        "server.",
    ),
    Setting(
        "REMINDER_BOT_RETENTION_DAYS",
        "90",
        "Days the delivery log keeps each nudge's own row; older rows are rolled up once a day "
        "into daily counts per user and habit, which statistics keep using.",
    ),
    Setting(
        "REMINDER_BOT_USER_RATE",
        "20",
        "Messages one user may send per minute (button presses: three times as many, counted "
        "apart); past it the bot says once to slow down and ignores them until the minute has "
        "passed. Nudges are unaffected.",
    ),
    Setting(
        "REMINDER_BOT_HEALTH_MAX_AGE",
        "120",
        "`reminder-bot healthcheck` fails when the running bot's heartbeat (written every "
        "30 s) is older than this many seconds.",
    ),
    Setting(
        "REMINDER_BOT_HEALTH_POLL_MAX_AGE",
        "300",
        "`reminder-bot healthcheck` fails when the Bot API last answered the bot's getUpdates "
        "more than this many seconds ago.",
    ),
)
