"""The baseline: one JobQueue job per reminder, as python-telegram-bot's own examples teach.

This is timerbot.py's design applied to every reminder in the database: at start-up it reads
users + schedules.next_due from the same SQLite file the real bot uses and creates one
``job_queue.run_once(callback, when, chat_id=..., data=...)`` per reminder (``--jobs daily``:
``run_daily`` at the slot's UTC time instead). Default APScheduler settings (misfire_grace_time
1 s), ``context.bot.send_message`` in the callback, no custom sender and no rate limiter
(``--aio-limiter`` adds PTB's AIORateLimiter, for comparison), a trivial /help handler.

Environment: TELEGRAM_BOT_TOKEN, TELEGRAM_API_URL, REMINDER_BOT_DATABASE (as the real bot).
Prints ``BASELINE-READY jobs=N seconds=S`` once every job is created.

    python bench/baseline_bot.py [--jobs once|daily] [--aio-limiter]
"""

from __future__ import annotations

import argparse
import logging
import os
import sqlite3
import sys
import time
from datetime import UTC, datetime

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, CommandHandler, ContextTypes

STARTED = time.monotonic()
EMOJI = {"hydrate": "💧", "move": "🚶", "posture": "🪑", "stretch": "🤸"}


async def nudge(context: ContextTypes.DEFAULT_TYPE) -> None:
    job = context.job
    assert job is not None
    await context.bot.send_message(job.chat_id, text=job.data)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    await update.message.reply_text("I send reminders: hydrate, move, posture, stretch.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", choices=("once", "daily"), default="once")
    parser.add_argument("--aio-limiter", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(
        level=os.environ.get("REMINDER_BOT_LOG_LEVEL", "WARNING"),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    database = os.environ.get("REMINDER_BOT_DATABASE", "data/reminder-bot.sqlite3")
    api_url = os.environ.get("TELEGRAM_API_URL", "https://api.telegram.org").rstrip("/")

    async def post_init(application: Application) -> None:  # type: ignore[type-arg]
        job_queue = application.job_queue
        assert job_queue is not None
        conn = sqlite3.connect(database)
        rows = conn.execute(
            "select u.chat_id, s.habit, s.next_due from schedules s "
            "join users u on u.id = s.user_id "
            "where u.active = 1 and s.next_due is not null"
        )
        n = 0
        for chat_id, habit, next_due in rows:
            when = datetime.fromtimestamp(next_due, UTC)
            text = f"{EMOJI.get(habit, '')} Time to {habit}"
            if args.jobs == "once":
                job_queue.run_once(nudge, when, chat_id=chat_id, data=text, name=str(chat_id))
            else:
                job_queue.run_daily(
                    nudge, when.timetz(), chat_id=chat_id, data=text, name=str(chat_id)
                )
            n += 1
        conn.close()
        print(f"BASELINE-READY jobs={n} seconds={time.monotonic() - STARTED:.3f}", flush=True)

    builder = (
        ApplicationBuilder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(f"{api_url}/bot")
        .base_file_url(f"{api_url}/file/bot")
        .post_init(post_init)
    )
    if args.aio_limiter:
        from telegram.ext import AIORateLimiter

        rate = float(os.environ.get("REMINDER_BOT_GLOBAL_RATE", "30"))
        builder = builder.rate_limiter(
            AIORateLimiter(overall_max_rate=rate, overall_time_period=1)
        )
    application = builder.build()
    application.add_handler(CommandHandler("help", help_command))
    application.run_polling(allowed_updates=[Update.MESSAGE], close_loop=False)
    sys.exit(0)


if __name__ == "__main__":
    main()
