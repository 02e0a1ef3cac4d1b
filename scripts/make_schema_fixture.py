"""Make a database fixture for the migration tests (tests/test_migrations.py): the SQLite file a
released version of the bot wrote itself. That version's code is taken from git and run as a
real bot (``python -m reminder_bot run``) against today's emulator, through a short scripted
life: three users start (English, Spanish with an emoji in the name, one who later blocks the
bot), quiet hours, a custom schedule, a pause, nudges sent on a fast clock, a Done and a Snooze
press. Then it is stopped with SIGTERM and the database copied with ``VACUUM INTO``.

    python scripts/make_schema_fixture.py 33c18e7 tests/fixtures/schema-001.sqlite3
    python scripts/make_schema_fixture.py --worktree tests/fixtures/schema-004.sqlite3

``--worktree`` runs the checkout's code as it is (uncommitted changes included) instead of a
commit's: for a migration whose release is not committed yet. Add one whenever a release adds a
migration: the test fails until the newest schema has one.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path
from typing import Any

from reminder_bot.emulator import EmulatorClient, EmulatorThread, User

REPO = Path(__file__).resolve().parent.parent
ADA = User(id=1001, first_name="Ada", language_code="en")
LUCIA = User(id=1002, first_name="Lucía 🌵", language_code="es")
ZOE = User(id=1003, first_name="Zoë", language_code="en")
CLOCK_SPEED = 600  # ten simulated minutes a second: a morning of nudges in a few seconds


def extract(commit: str, into: Path) -> None:
    """That commit's package and presets, as files (git archive, no checkout touched)."""
    paths = ["reminder_bot", "schedules"]
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", "--format=tar", commit, *paths],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")


def copy_worktree(into: Path) -> None:
    """The checkout's package and presets as they are now, uncommitted changes included."""
    for name in ("reminder_bot", "schedules"):
        shutil.copytree(REPO / name, into / name, ignore=shutil.ignore_patterns("__pycache__"))


def start_bot(tree: Path, url: str, database: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "PYTHONPATH": str(tree),
        "TELEGRAM_BOT_TOKEN": "123456:FIXTURE",
        "TELEGRAM_API_URL": url,
        "REMINDER_BOT_DATABASE": str(database),
        "REMINDER_BOT_TIMEZONE": "Europe/Berlin",
        "REMINDER_BOT_CLOCK_SPEED": str(CLOCK_SPEED),
        "REMINDER_BOT_CHAT_RATE": "20",
        "REMINDER_BOT_GLOBAL_RATE": "200",
    }
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "reminder_bot", "run"], cwd=tree, env=env, stderr=out
        )


def say(client: EmulatorClient, user: User, text: str) -> dict[str, Any]:
    """The user writes; the bot's reply (its first sendMessage to them afterwards)."""
    since = client.last_seq()
    client.send_text(user, text)
    return client.wait_for_calls("sendMessage", chat_id=user.id, since=since, within=20)[0]


def nudges(client: EmulatorClient, user: User, count: int) -> list[dict[str, Any]]:
    """Wait for ``count`` nudges (messages with a Done button) sent to the user."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        sent = [
            call
            for call in client.calls(0, "sendMessage", user.id)
            if call["response"].get("ok") and _button(call, "Done") is not None
        ]
        if len(sent) >= count:
            return sent
        time.sleep(0.2)
    raise TimeoutError(f"fewer than {count} nudges reached {user.first_name} in 60 s")


def _button(call: dict[str, Any], word: str) -> dict[str, Any] | None:
    """The message's inline button whose label has ``word`` (English labels, every version)."""
    rows = (call["params"].get("reply_markup") or {}).get("inline_keyboard", [])
    return next((b for row in rows for b in row if word in b["text"]), None)


def press(client: EmulatorClient, user: User, call: dict[str, Any], word: str) -> None:
    """Press the nudge's button labelled with ``word``; wait until the bot took the update."""
    button = _button(call, word)
    assert button is not None, f"no {word!r} button on {call['params']['text'][:40]!r}"
    message_id = call["response"]["result"]["message_id"]
    update_id = client.press_button(user, message_id, data=button["callback_data"])
    client.acknowledged(update_id, within=20)


def live(client: EmulatorClient) -> None:
    """What the users do, in commands every released version understands."""
    for user in (ADA, LUCIA, ZOE):
        say(client, user, "/start")
    say(client, ADA, "/quiet 22:00-07:00")
    say(client, ADA, "/schedule hydrate every 20m from 00:00 to 23:59")
    say(client, LUCIA, "/pause 1d")
    sent = nudges(client, ADA, 3)
    press(client, ADA, sent[0], "Done")
    press(client, ADA, sent[1], "10 min")  # "Snooze 10 min" before the choice of lengths
    client.block(ZOE.id)  # my_chat_member "kicked": the bot marks her inactive
    nudges(client, ADA, 5)


def make(commit: str | None, out: Path) -> None:
    """Run ``commit``'s bot (None: the working tree's) through its life; VACUUM INTO ``out``."""
    with tempfile.TemporaryDirectory() as folder, EmulatorThread() as emulator:
        tree, database = Path(folder) / "tree", Path(folder) / "bot.sqlite3"
        if commit is None:
            copy_worktree(tree)
        else:
            extract(commit, tree)
        client = EmulatorClient(emulator.url)
        # Telegram's limits scaled up as the tests do, in step with the bot's rates below.
        client.set_limits(per_chat_rate=20, per_chat_burst=3, global_rate=600, global_burst=30)
        bot = start_bot(tree, emulator.url, database, Path(folder) / "bot.log")
        try:
            live(client)
        except Exception:
            sys.stderr.write((Path(folder) / "bot.log").read_text(errors="replace")[-3000:])
            raise
        finally:
            bot.send_signal(signal.SIGTERM)
            code = bot.wait(timeout=30)
        if code != 0:
            raise SystemExit(f"the bot of {commit} exited with {code}")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.unlink(missing_ok=True)
        with sqlite3.connect(database) as conn:
            conn.execute("VACUUM INTO ?", (str(out),))
    summarize(commit or "the working tree", out)


def summarize(commit: str, out: Path) -> None:
    conn = sqlite3.connect(out)
    tables = [r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")]
    counts = {t: conn.execute(f'select count(*) from "{t}"').fetchone()[0] for t in tables}
    migrations = [r[0] for r in conn.execute("select name from _sqlite_migrations order by id")]
    sys.stdout.write(f"{out}: made by {commit}; migrations {migrations}; rows {counts}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "commit", nargs="?", help="the released commit whose code writes the database"
    )
    parser.add_argument("out", type=Path, help="the fixture file to write")
    parser.add_argument(
        "--worktree", action="store_true", help="run the checkout as it is instead of a commit"
    )
    args = parser.parse_args()
    if (args.commit is None) != args.worktree:
        parser.error("give either a commit or --worktree")
    make(args.commit, args.out)


if __name__ == "__main__":
    main()
