"""``reminder-bot run | check-config | emulator | demo``."""

from __future__ import annotations

import argparse
import signal
import sys

from reminder_bot import __version__
from reminder_bot.config import ConfigError
from reminder_bot.logs import RedactingFilter, setup_logging

EPILOG = """\
examples:
  reminder-bot demo                      try the bot in this terminal, no token needed
  reminder-bot demo --speed 120          the same, with the bot's clock 120x faster
  TELEGRAM_BOT_TOKEN=123:ABC reminder-bot run
  TELEGRAM_BOT_TOKEN=123:ABC reminder-bot check-config   check settings, presets, content
  reminder-bot emulator --port 8081      a local Telegram Bot API for tests

Settings are read from the environment; the README has the full table.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reminder-bot",
        description="A Telegram bot that nudges you to drink water, move, check your posture "
        "and stretch. Regular exercise makes a new bout of back pain less likely; the other "
        "habits are for comfort and general health.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"reminder-bot {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser("run", help="run the bot with long polling until SIGINT/SIGTERM")
    commands.add_parser(
        "check-config",
        help="check the settings, presets and content without starting the bot (exit 0 or 2)",
    )
    # Its options (--host, --port, limits...) belong to the emulator's own parser:
    # `reminder-bot emulator --help` lists them.
    commands.add_parser(
        "emulator",
        add_help=False,
        help="run the local Telegram Bot API emulator on its own (--help for its options)",
    )
    demo = commands.add_parser(
        "demo", help="chat with the bot in this terminal over the emulator (no token needed)"
    )
    demo.add_argument(
        "--speed",
        type=float,
        default=1.0,
        help="run the bot's clock N times faster (e.g. 120: a day in 12 minutes)",
    )
    demo.add_argument(
        "--timezone",
        default=None,
        help="time zone the demo user starts in (default: REMINDER_BOT_TIMEZONE)",
    )
    demo.add_argument(
        "--database",
        default=None,
        help="SQLite file to keep the demo in (default: a temporary file)",
    )
    backup = commands.add_parser(
        "backup", help="copy the database to PATH, consistent even while the bot runs"
    )
    backup.add_argument("path", metavar="PATH", help="file (or folder) to write the copy to")
    backup.add_argument("--force", action="store_true", help="overwrite PATH if it exists")
    restore = commands.add_parser(
        "restore", help="replace the database with the backup at PATH (the bot must be stopped)"
    )
    restore.add_argument("path", metavar="PATH", help="a file written by reminder-bot backup")
    commands.add_parser(
        "healthcheck", help="exit 0 if the running bot is healthy, else 1 with one line why"
    )
    return parser


def stop_requested(signum: int, frame: object) -> None:
    raise SystemExit(0)


def run_bot() -> None:
    """``reminder-bot run``: settings first, so only what they use is imported."""
    from reminder_bot import config, lean_imports

    settings = config.load()
    app = lean_imports.import_app(webhook=settings.webhook_url is not None)
    # Before the Application is built: PTB logs the /bot<token> URL at DEBUG.
    setup_logging(
        settings.log_level,
        settings.log_format,
        secrets=[settings.token, settings.webhook_secret or ""],
    )
    app.run(settings)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "emulator":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if args.command is None:
        parser.print_help()
        return 2
    # Until PTB installs its own handlers, SIGTERM (docker stop) during start-up means "stop":
    # leave quietly with 0 instead of dying by the signal.
    signal.signal(signal.SIGTERM, stop_requested)
    try:
        if args.command == "run":
            run_bot()
        elif args.command == "check-config":
            from reminder_bot import check_config

            code, text = check_config.main()
            print(text, file=sys.stdout if code == 0 else sys.stderr)  # noqa: T201
            return code
        elif args.command == "emulator":
            from reminder_bot import emulator

            setup_logging("INFO")
            emulator.main(extra)
        elif args.command in ("backup", "restore"):
            from reminder_bot import backup

            return backup.main(args.command, args.path, force=getattr(args, "force", False))
        elif args.command == "healthcheck":
            from reminder_bot import health

            return health.main()
        elif args.command == "demo":
            from reminder_bot import demo

            return demo.main(speed=args.speed, timezone=args.timezone, database=args.database)
    except ConfigError as error:
        shown = RedactingFilter([]).redact(str(error))  # e.g. TELEGRAM_API_URL=.../bot<token>
        print(f"reminder-bot: configuration error: {shown}", file=sys.stderr)  # noqa: T201
        return 2
    except Exception as error:  # noqa: BLE001 - only StartupError is expected here
        from reminder_bot.app import StartupError

        if not isinstance(error, StartupError):
            raise
        print(f"reminder-bot: cannot start: {error}", file=sys.stderr)  # noqa: T201
        return 1
    except KeyboardInterrupt:
        return 130
    return 0
