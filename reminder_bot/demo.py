"""``reminder-bot demo``: the emulator and the real bot together, and a chat in the terminal.

No token and no network: the bot talks HTTP to an emulator on loopback, and this module plays
the user through the emulator's control interface. ``--speed N`` runs the bot's clock N times
faster so a day of nudges plays in minutes.
"""

from __future__ import annotations

import asyncio
import getpass
import html
import os
import re
import signal
import sys
import tempfile
import threading
import time
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from reminder_bot import app as bot_app
from reminder_bot.clock import Clock, ScaledClock, SystemClock
from reminder_bot.config import Config, load
from reminder_bot.emulator import AsyncEmulatorClient, User, start_emulator
from reminder_bot.handlers.context import BotApplication
from reminder_bot.parsing import zone_from_name

DEMO_TOKEN = "123456:DEMO"
DEMO_USER_ID = 1000
SHOWN = (
    "sendMessage",
    "sendPhoto",
    "sendDocument",
    "editMessageText",
    "editMessageCaption",
    "editMessageMedia",
    "editMessageReplyMarkup",
    "answerCallbackQuery",
)
# What a terminal can't show (a chart, an exported file) is saved here and named.
FILE_KINDS = {"sendPhoto": "photo", "sendDocument": "document", "editMessageMedia": "media"}


def demo_user() -> User:
    try:
        name = getpass.getuser().title()
    except (KeyError, OSError):
        name = ""
    language = (os.environ.get("LANG") or "en").split(".")[0].split("_")[0] or "en"
    return User(id=DEMO_USER_ID, first_name=name or "You", language_code=language)


def html_to_terminal(text: str, *, color: bool) -> str:
    """Telegram HTML as terminal text: bold and italics as ANSI styles where supported."""
    styles = {"b": "1", "strong": "1", "i": "3", "em": "3", "u": "4", "code": "36"}

    def tag(match: re.Match[str]) -> str:
        closing, name = match.group(1), match.group(2).lower()
        if not color or name not in styles:
            return ""
        return "\033[0m" if closing else f"\033[{styles[name]}m"

    return html.unescape(re.sub(r"<(/?)([a-zA-Z-]+)[^>]*>", tag, text))


@dataclass
class Terminal:
    """Prints what the bot does in the user's chat and numbers every button."""

    out: TextIO
    color: bool
    buttons: dict[int, tuple[int, str]] = field(default_factory=dict)

    def line(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def bot_message(self, stamp: str, text: str, markup: dict[str, Any] | None, message_id: int):
        self.line(f"\n[{stamp}] bot:")
        for row in html_to_terminal(text, color=self.color).splitlines():
            self.line(f"  {row}")
        labels = []
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                if "callback_data" not in button:
                    continue
                number = len(self.buttons) + 1
                self.buttons[number] = (message_id, button["callback_data"])
                labels.append(f"[{number}] {button['text']}")
        if labels:
            self.line("  " + "   ".join(labels))

    def call(self, stamp: str, call: dict[str, Any]) -> None:
        params, response = call["params"], call.get("response") or {}
        if call["status"] != 200:
            return  # a refused call (e.g. 429) is retried by the bot; show the retry only
        if call["method"] == "sendMessage":
            result = response.get("result", {})
            self.bot_message(
                stamp, params["text"], params.get("reply_markup"), result.get("message_id", 0)
            )
        elif call["method"] == "editMessageText" and params.get("reply_markup"):
            # A menu edited in place: show the new screen whole, with its buttons numbered.
            self.bot_message(
                f"{stamp}, message updated",
                params["text"],
                params["reply_markup"],
                int(params["message_id"]),
            )
        elif call["method"] == "editMessageText":
            last = html_to_terminal(params["text"], color=self.color).splitlines()[-1]
            self.line(f"  (message updated: {last})")
        elif call["method"] == "answerCallbackQuery" and params.get("text"):
            self.line(f"  ↳ {params['text']}")
        elif call["method"] in ("editMessageCaption", "editMessageReplyMarkup"):
            self.bot_message(
                f"{stamp}, message updated",
                params.get("caption") or "",
                params.get("reply_markup"),
                int(params["message_id"]),
            )

    def file_message(self, stamp: str, call: dict[str, Any], saved: Path | None) -> None:
        """A photo or document: where the file was saved, then its caption and buttons."""
        params, result = call["params"], (call.get("response") or {}).get("result", {})
        note = f"({saved.suffix[1:].upper()} saved to {saved})" if saved else "(file)"
        updated = ", message updated" if call["method"] == "editMessageMedia" else ""
        caption = params.get("caption") or _media_caption(params)
        self.bot_message(
            f"{stamp}{updated}",
            f"{note}\n{caption}".rstrip(),
            params.get("reply_markup"),
            int(result.get("message_id") or params.get("message_id") or 0),
        )


def _media_caption(params: dict[str, Any]) -> str:
    media = params.get("media")
    return str(media.get("caption") or "") if isinstance(media, dict) else ""


def _sent_file_id(call: dict[str, Any]) -> tuple[str, str] | None:
    """(file_id, file name) of the photo or document a call sent, from Telegram's answer."""
    result = (call.get("response") or {}).get("result")
    if not isinstance(result, dict):
        return None
    if result.get("photo"):
        return result["photo"][-1]["file_id"], "chart.png"
    document = result.get("document")
    if isinstance(document, dict):
        return document["file_id"], document.get("file_name") or "file"
    return None


def read_lines(queue: asyncio.Queue[str | None], loop: asyncio.AbstractEventLoop) -> None:
    """Feed stdin lines to the event loop; a daemon thread, so a pending read never blocks exit."""
    for line in sys.stdin:
        loop.call_soon_threadsafe(queue.put_nowait, line)
    loop.call_soon_threadsafe(queue.put_nowait, None)


def demo_config(url: str, speed: float, timezone: str | None, database: str) -> Config:
    return load(
        {
            "TELEGRAM_BOT_TOKEN": DEMO_TOKEN,
            "TELEGRAM_API_URL": url,
            "REMINDER_BOT_DATABASE": database,
            "REMINDER_BOT_TIMEZONE": timezone or os.environ.get("REMINDER_BOT_TIMEZONE") or "UTC",
            "REMINDER_BOT_CLOCK_SPEED": str(speed),
        }
    )


@dataclass
class Session:
    """One demo: what the bot does is printed, what the person types goes to the emulator."""

    application: BotApplication
    config: Config
    clock: Clock
    speed: float
    client: AsyncEmulatorClient
    terminal: Terminal
    user: User = field(default_factory=demo_user)
    stop: asyncio.Event = field(default_factory=asyncio.Event)
    files: Path | None = None

    def greet(self, url: str) -> None:
        speed_note = f", the bot's clock runs {self.speed:g}x faster" if self.speed != 1 else ""
        self.terminal.line(
            f"reminder-bot demo: you are {self.user.first_name} (user {self.user.id}) in a "
            f"private chat with the bot, over a local Telegram emulator at {url}{speed_note}.\n"
            "Type /start to begin and /help for the commands; type a number to press that "
            "button; /quit or Ctrl-D leaves."
        )

    async def run(self) -> None:
        """Until /quit, end of input or a signal."""
        watcher = asyncio.create_task(self.show_bot())
        reader = asyncio.create_task(self.chat())
        await self.stop.wait()
        reader.cancel()
        await asyncio.sleep(0.3)  # let the last replies print
        watcher.cancel()
        await asyncio.gather(watcher, reader, return_exceptions=True)

    async def stamp(self, call: dict[str, Any]) -> str:
        """The bot's local time when the call was made (its clock may run faster)."""
        services = self.application.bot_data.services
        zone_name = self.config.timezone
        if services is not None:
            stored = await services.store.get_user(self.user.id)
            zone_name = stored.timezone if stored else zone_name
        real_delay = max(0.0, time.time() - float(call.get("time", time.time())))
        then = self.clock.now() - timedelta(seconds=real_delay * self.speed)
        return f"{then.astimezone(zone_from_name(zone_name)):%a %H:%M}"

    async def show_bot(self) -> None:
        seq = 0
        while not self.stop.is_set():
            calls = await self.client.calls(seq, None, None, wait=1.0)
            for call in calls:
                seq = max(seq, call["seq"])
                if call["method"] not in SHOWN or call.get("chat_id") not in (self.user.id, None):
                    continue
                if call["method"] in FILE_KINDS and call["status"] == 200:
                    saved = await self.save_file(call)
                    self.terminal.file_message(await self.stamp(call), call, saved)
                else:
                    self.terminal.call(await self.stamp(call), call)

    async def save_file(self, call: dict[str, Any]) -> Path | None:
        """Keep a sent file where the person can open it after the demo (kept on exit)."""
        sent = _sent_file_id(call)
        if sent is None:
            return None
        if self.files is None:
            self.files = Path(tempfile.mkdtemp(prefix="reminder-bot-demo-files-"))
        file_id, name = sent
        path = self.files / f"{call['seq']}-{name}"
        path.write_bytes(await self.client.file_bytes(file_id))
        return path

    async def chat(self) -> None:
        lines: asyncio.Queue[str | None] = asyncio.Queue()
        loop = asyncio.get_running_loop()
        threading.Thread(target=read_lines, args=(lines, loop), daemon=True).start()
        while not self.stop.is_set():
            line = await lines.get()
            if line is None:
                break
            text = line.strip()
            if text in ("/quit", "/exit"):
                break
            if text.isdigit():
                await self.press(int(text))
            elif text:
                await self.client.send_text(self.user, text)
        self.stop.set()

    async def press(self, number: int) -> None:
        pressed = self.terminal.buttons.get(number)
        if pressed is None:
            self.terminal.line(f"  (no button {number}; buttons are numbered in [brackets])")
            return
        message_id, data = pressed
        try:
            await self.client.press_button(self.user, message_id, data=data)
        except AssertionError:
            # The emulator's reason names its own URL and data: not for the person.
            self.terminal.line("  (that button is gone: its message now shows other buttons)")


async def run(speed: float, timezone: str | None, database: str | None, out: TextIO) -> int:
    emulator = await start_emulator()
    workdir = None
    if database is None:
        workdir = tempfile.TemporaryDirectory(prefix="reminder-bot-demo-")
        database = str(Path(workdir.name) / "demo.sqlite3")
    config = demo_config(emulator.url, speed, timezone, database)
    clock = ScaledClock(speed) if speed != 1 else SystemClock()
    application = bot_app.build_application(config, clock=clock)
    await bot_app.start_in_loop(application)
    client = AsyncEmulatorClient(emulator.url)
    session = Session(application, config, clock, speed, client, Terminal(out, out.isatty()))
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with suppress(NotImplementedError):
            loop.add_signal_handler(sig, session.stop.set)
    session.greet(emulator.url)
    await session.run()
    await bot_app.stop_in_loop(application)
    await client.aclose()
    await emulator.stop()
    if workdir is not None:
        workdir.cleanup()
    session.terminal.line("bye")
    return 0


def main(speed: float = 1.0, timezone: str | None = None, database: str | None = None) -> int:
    if speed <= 0:
        sys.stderr.write("reminder-bot demo: --speed must be a positive number, e.g. --speed 60\n")
        return 2
    if timezone is not None:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            sys.stderr.write(
                f"reminder-bot demo: --timezone {timezone!r} is not an IANA time zone; "
                "use a name such as --timezone Europe/Berlin\n"
            )
            return 2
    return asyncio.run(run(speed, timezone, database, sys.stdout))
