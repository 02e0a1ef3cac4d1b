"""Process-level end-to-end tests: the real ``reminder-bot`` command in a subprocess, talking HTTP
to the emulator (a thread of this process), stopped with real signals, as an operator runs it."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import httpx
import pytest
from conftest import FAKE_TOKEN

from reminder_bot import config
from reminder_bot.emulator import EmulatorClient, User

TOKEN = "123456:TEST"
ADA = User(id=1001, first_name="Ada", language_code="en")
STOP_TIMEOUT = 10.0  # seconds a signalled bot may take to exit
# A config error is reported before the bot touches the network or the database.
ERROR_TIMEOUT = 20.0


def clean_env(**overrides: str) -> dict[str, str]:
    """This process's environment without any bot setting, plus ``overrides``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "REMINDER_BOT_", "PYTHONWARNINGS"))
    }
    env.update(overrides)
    return env


def reminder_bot(*args: str) -> list[str]:
    return [sys.executable, "-m", "reminder_bot", *args]


class BotProcess:
    """``python -m reminder_bot run`` in a subprocess; stderr goes to a file (no pipe to fill)."""

    def __init__(self, tmp_path: Path, env: dict[str, str], name: str = "bot") -> None:
        self.stderr_path = tmp_path / f"{name}.stderr"
        self.stdout_path = tmp_path / f"{name}.stdout"
        self._stderr: IO[bytes] = self.stderr_path.open("wb")
        self._stdout: IO[bytes] = self.stdout_path.open("wb")
        self.proc = subprocess.Popen(
            reminder_bot("run"),
            env=env,
            cwd=tmp_path,
            stdout=self._stdout,
            stderr=self._stderr,
        )

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def wait_ready(self, timeout: float = 20.0) -> None:
        """Until post_init has run (it logs "is running as @..."), or fail with the log."""
        deadline = time.monotonic() + timeout
        while "reminder-bot is running as" not in self.stderr:
            if self.proc.poll() is not None:
                pytest.fail(f"bot exited with {self.proc.returncode}:\n{self.stderr}")
            if time.monotonic() > deadline:
                pytest.fail(f"bot not ready after {timeout}s:\n{self.stderr}")
            time.sleep(0.05)

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> int:
        """Send ``sig`` and return the exit code; fail if it takes longer than STOP_TIMEOUT."""
        started = time.monotonic()
        self.proc.send_signal(sig)
        try:
            code = self.proc.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail(f"bot still running {STOP_TIMEOUT}s after {sig.name}:\n{self.stderr}")
        self.stop_seconds = time.monotonic() - started
        self.close()
        return code

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self.close()

    def close(self) -> None:
        self._stderr.close()
        self._stdout.close()


@pytest.fixture
def bot_env(emulator: EmulatorClient, tmp_path: Path) -> dict[str, str]:
    return clean_env(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=emulator.url,
        REMINDER_BOT_DATABASE=str(tmp_path / "bot.sqlite3"),
    )


@pytest.fixture
def start_bot(tmp_path: Path) -> Iterator[Any]:
    """``start_bot(env)`` runs a bot and waits until it polls; every bot is killed at the end."""
    started: list[BotProcess] = []

    def start(env: dict[str, str]) -> BotProcess:
        bot = BotProcess(tmp_path, env, name=f"bot{len(started)}")
        started.append(bot)
        bot.wait_ready()
        return bot

    yield start
    for bot in started:
        bot.kill()


def say(emulator: EmulatorClient, text: str, user: User = ADA) -> dict[str, Any]:
    """``user`` writes ``text``; returns the bot's reply (its sendMessage call)."""
    since = emulator.last_seq()
    emulator.send_text(user, text)
    return emulator.wait_for_calls("sendMessage", chat_id=user.id, since=since, timeout=15)[0]


def assert_clean_exit(bot: BotProcess, code: int) -> None:
    log = bot.stderr
    assert code == 0, f"exit code {code}:\n{log}"
    assert "Traceback" not in log, log
    assert " ERROR " not in log and "CRITICAL" not in log, log
    assert "database closed" in log, log


def check_database(path: Path) -> list[tuple[Any, ...]]:
    """The file a stopped bot left behind opens, passes integrity_check; returns the users."""
    assert path.is_file()
    wal = path.with_name(path.name + "-wal")
    # Closing the last connection checkpoints the WAL into the database and removes it.
    assert not wal.exists() or wal.stat().st_size == 0, "WAL was not checkpointed on shutdown"
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return conn.execute("select id, chat_id, first_name from users").fetchall()


# ----- the command line ------------------------------------------------------------------------


def test_help_lists_the_subcommands() -> None:
    script = Path(sys.executable).with_name("reminder-bot")
    command = [str(script)] if script.exists() else reminder_bot()
    result = subprocess.run(
        [*command, "--help"], env=clean_env(), capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    for name in ("run", "emulator", "demo"):
        assert re.search(rf"^\s+{name}\s", result.stdout, re.MULTILINE), result.stdout
    assert result.stderr == ""


def test_no_subcommand_prints_help_and_fails() -> None:
    result = subprocess.run(
        reminder_bot(), env=clean_env(), capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 2
    assert "usage: reminder-bot" in result.stdout


# ----- the bot's whole life: start, serve, signal, stop -------------------------------------


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serves_then_stops_cleanly_on(
    sig: signal.Signals,
    emulator: EmulatorClient,
    bot_env: dict[str, str],
    start_bot: Any,
    tmp_path: Path,
) -> None:
    bot = start_bot(bot_env)
    commands = emulator.wait_for_calls("setMyCommands", timeout=5)[0]["params"]["commands"]
    assert {"start", "help", "schedule", "stop"} <= {c["command"] for c in commands}

    welcome = say(emulator, "/start")["params"]["text"]
    assert "Hi Ada!" in welcome
    help_text = say(emulator, "/help")["params"]["text"]
    assert "/schedule" in help_text

    code = bot.stop(sig)
    assert_clean_exit(bot, code)
    assert bot.stop_seconds < 5, f"{sig.name} took {bot.stop_seconds:.1f}s"
    assert check_database(tmp_path / "bot.sqlite3") == [(1001, 1001, "Ada")]


def test_restart_keeps_users_and_reads_the_token_file(
    emulator: EmulatorClient, bot_env: dict[str, str], start_bot: Any, tmp_path: Path
) -> None:
    first = start_bot(bot_env)
    assert "Hi Ada!" in say(emulator, "/start")["params"]["text"]
    assert_clean_exit(first, first.stop())

    # The same database; the token now comes from a (container secret style) file.
    token_file = tmp_path / "token"
    token_file.write_text("654321:FROM-FILE\n", encoding="utf-8")
    env = {k: v for k, v in bot_env.items() if k != "TELEGRAM_BOT_TOKEN"}
    second = start_bot({**env, "TELEGRAM_BOT_TOKEN_FILE": str(token_file)})
    assert "with 1 users" in second.stderr
    reply = say(emulator, "/start")
    assert "Welcome back, Ada!" in reply["params"]["text"]
    # The emulator takes the bot's id from the token in the URL: the file's token was used.
    assert reply["response"]["result"]["from"]["id"] == 654321
    assert_clean_exit(second, second.stop())
    assert check_database(tmp_path / "bot.sqlite3") == [(1001, 1001, "Ada")]


# ----- configuration errors: exit 2, one line naming what to fix, no traceback --------------


BAD_PRESET = """\
description = "Mine"

[habits]
hydrate = "at 25:00 daily"
move = "off"
posture = "off"
stretch = "off"
"""


CONFIG_ERRORS: dict[str, tuple[dict[str, str], list[str]]] = {
    "no-token": ({"TELEGRAM_BOT_TOKEN": ""}, ["TELEGRAM_BOT_TOKEN is not set"]),
    "bad-token": ({"TELEGRAM_BOT_TOKEN": "not-a-token"}, ["TELEGRAM_BOT_TOKEN"]),
    "missing-token-file": (
        {"TELEGRAM_BOT_TOKEN": "", "TELEGRAM_BOT_TOKEN_FILE": "{tmp}/missing"},
        ["TELEGRAM_BOT_TOKEN_FILE", "missing"],
    ),
    "bad-api-url": ({"TELEGRAM_API_URL": "127.0.0.1:8081"}, ["TELEGRAM_API_URL"]),
    "api-url-with-bot-path": (
        {"TELEGRAM_API_URL": "http://127.0.0.1:8081/bot123456:TEST"},
        ["TELEGRAM_API_URL", "without /bot", "/bot<redacted>'"],
    ),
    "bad-timezone": ({"REMINDER_BOT_TIMEZONE": "Mars/Olympus"}, ["REMINDER_BOT_TIMEZONE"]),
    "bad-preset-file": (
        {"REMINDER_BOT_PRESETS_DIR": "{tmp}/presets"},
        ["mine.toml", "habits.hydrate"],
    ),
    "unknown-default-preset": (
        {"REMINDER_BOT_DEFAULT_PRESET": "nope"},
        ["REMINDER_BOT_DEFAULT_PRESET"],
    ),
    "bad-number": ({"REMINDER_BOT_GLOBAL_RATE": "fast"}, ["REMINDER_BOT_GLOBAL_RATE"]),
}


@pytest.fixture(scope="module")
def config_error_runs(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, tuple[Path, subprocess.CompletedProcess[str]]]:
    """Every CONFIG_ERRORS case run at once (each is mostly interpreter start-up)."""
    running = {}
    for case, (overrides, _) in CONFIG_ERRORS.items():
        tmp = tmp_path_factory.mktemp(case)
        presets = tmp / "presets"
        presets.mkdir()
        (presets / "mine.toml").write_text(BAD_PRESET, encoding="utf-8")
        env = clean_env(
            TELEGRAM_BOT_TOKEN=TOKEN,
            # Nothing listens here: a config error must stop the bot before any request.
            TELEGRAM_API_URL="http://127.0.0.1:9",
            REMINDER_BOT_DATABASE=str(tmp / "db" / "bot.sqlite3"),
        )
        env.update({k: v.format(tmp=tmp) for k, v in overrides.items()})
        proc = subprocess.Popen(
            reminder_bot("run"),
            env=env,
            cwd=tmp,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        running[case] = (tmp, proc)
    results = {}
    for case, (tmp, proc) in running.items():
        try:
            out, err = proc.communicate(timeout=ERROR_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            out, err = proc.communicate()
        results[case] = (tmp, subprocess.CompletedProcess(proc.args, proc.returncode, out, err))
    return results


@pytest.mark.parametrize("case", CONFIG_ERRORS)
def test_configuration_error_exits_2_with_one_line(
    case: str, config_error_runs: dict[str, tuple[Path, subprocess.CompletedProcess[str]]]
) -> None:
    tmp, result = config_error_runs[case]
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("reminder-bot: configuration error: "), lines[0]
    for word in CONFIG_ERRORS[case][1]:
        assert word in lines[0], lines[0]
    assert result.stdout == ""
    assert not (tmp / "db").exists(), "the database was created despite a bad setting"


def test_unusable_database_location_is_a_configuration_error(
    emulator: EmulatorClient, bot_env: dict[str, str], tmp_path: Path
) -> None:
    # A file where the database's folder should be: fails for root too (unlike permissions).
    (tmp_path / "not-a-folder").write_text("", encoding="utf-8")
    env = {**bot_env, "REMINDER_BOT_DATABASE": str(tmp_path / "not-a-folder" / "bot.sqlite3")}
    result = subprocess.run(
        reminder_bot("run"), env=env, capture_output=True, text=True, timeout=ERROR_TIMEOUT
    )
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if "configuration error" in line]
    assert len(lines) == 1 and "REMINDER_BOT_DATABASE" in lines[0], result.stderr


# ----- the emulator command ----------------------------------------------------------------


def test_emulator_command_prints_its_banner_and_serves(tmp_path: Path) -> None:
    stderr_path = tmp_path / "emulator.stderr"
    with stderr_path.open("wb") as stderr:
        proc = subprocess.Popen(
            reminder_bot("emulator", "--port", "0"),
            env=clean_env(),
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
        try:
            assert proc.stdout is not None
            first = proc.stdout.readline()
            match = re.match(r"Telegram Bot API emulator listening on (http://\S+)$", first)
            assert match, first + stderr_path.read_text()
            url = match.group(1)
            banner = first + "".join(proc.stdout.readline() for _ in range(6))
            assert "/_emulator/inject/message" in banner
            me = httpx.get(f"{url}/bot{TOKEN}/getMe", timeout=10).json()
            assert me["ok"] and me["result"]["is_bot"]
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(10) == 0
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)
    assert "Traceback" not in stderr_path.read_text()


def test_emulator_banner_advertises_a_setting_the_bot_accepts() -> None:
    """The banner's "point the bot at it" line must be a TELEGRAM_API_URL the bot accepts."""
    from reminder_bot.emulator import banner

    match = re.search(r"TELEGRAM_API_URL=(\S+)", banner("http://127.0.0.1:8081"))
    assert match
    loaded = config.load({"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": match.group(1)})
    assert loaded.api_url == "http://127.0.0.1:8081"


def test_unreachable_api_server_is_one_line_without_traceback(tmp_path: Path) -> None:
    env = clean_env(
        TELEGRAM_BOT_TOKEN="123456:TEST",
        TELEGRAM_API_URL="http://127.0.0.1:9",  # the discard port: nothing listens
        REMINDER_BOT_DATABASE=str(tmp_path / "bot.sqlite3"),
    )
    result = subprocess.run(
        reminder_bot("run"), env=env, capture_output=True, text=True, timeout=ERROR_TIMEOUT
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "Task was destroyed" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("reminder-bot: cannot start:") and "TELEGRAM_API_URL" in last


def test_sigterm_during_start_up_is_a_clean_stop(bot_env: dict[str, str]) -> None:
    """docker stop right after docker run: exit 0, not death by signal."""
    bot = subprocess.Popen(
        reminder_bot("run"),
        env=bot_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(0.5)  # past the interpreter's own start, still importing the bot's libraries
    bot.send_signal(signal.SIGTERM)
    # A stop that lands while PTB is starting its polling can wait for the first long poll
    # (up to its 10 s timeout): PTB's own edge case, so allow for it here.
    _, stderr = bot.communicate(timeout=STOP_TIMEOUT + 15)
    assert bot.returncode == 0, stderr
    assert "Traceback" not in stderr


@pytest.mark.parametrize("delay", [0.0, 0.01, 0.03])
def test_sigterm_as_polling_begins_is_a_clean_stop(
    bot_env: dict[str, str], emulator: EmulatorClient, tmp_path: Path, delay: float
) -> None:
    """The moment PTB's own signal handling got wrong (exit 1, "Event loop stopped before
    Future completed", or a pool timeout on the last getUpdates): just after post_init."""
    since = emulator.last_seq()
    bot = BotProcess(tmp_path, bot_env)
    try:
        emulator.wait_for_calls("setMyCommands", since=since, timeout=30)
        time.sleep(delay)
        assert bot.stop() == 0, bot.stderr
    finally:
        bot.kill()
    assert "Traceback" not in bot.stderr and "Error" not in bot.stderr, bot.stderr


# ----- logs: the token never appears; JSON lines on request ---------------------------------

SECRET_TOKEN = FAKE_TOKEN
BOB = User(id=1002, first_name="Bob", language_code="en")


def seed_due_nudge(path: Path, user: User, due: float) -> None:
    """``user`` in the database with one nudge (move) falling due at ``due``."""
    from reminder_bot.store import Store

    Store(path).close()  # applies the migrations
    with sqlite3.connect(path) as conn:
        conn.execute(
            "insert into users (id, chat_id, first_name, language, timezone, active, "
            "created_at, updated_at) values (?, ?, ?, 'en', 'UTC', 1, 0, 0)",
            (user.id, user.id, user.first_name),
        )
        conn.executemany(
            "insert into schedules (user_id, habit, rule, next_due) values (?, ?, ?, ?)",
            [
                (user.id, habit, "at 03:00 daily", due)
                if habit == "move"
                else (user.id, habit, "off", None)
                for habit in ("hydrate", "move", "posture", "stretch")
            ],
        )


def wait_for_nudge(emulator: EmulatorClient, user: User, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not any("Done" in str(m.get("reply_markup")) for m in emulator.messages(user.id)):
        assert time.monotonic() < deadline, f"no nudge for {user.first_name} in {timeout}s"
        time.sleep(0.1)


def test_debug_logs_of_a_whole_session_never_show_the_token(
    emulator: EmulatorClient, bot_env: dict[str, str], start_bot: Any, tmp_path: Path
) -> None:
    database = tmp_path / "bot.sqlite3"
    emulator.register({"id": BOB.id, "first_name": BOB.first_name})
    seed_due_nudge(database, BOB, time.time() + 3)
    # Bob's nudge meets a 429, then an answer slower than the bot's timeout, then goes out.
    emulator.add_fault("429", method="sendMessage", chat_id=BOB.id, count=1, retry_after=1)
    emulator.add_fault("slow", method="sendMessage", chat_id=BOB.id, count=1, delay=2.0)
    env = {
        **bot_env,
        "TELEGRAM_BOT_TOKEN": SECRET_TOKEN,
        "REMINDER_BOT_LOG_LEVEL": "DEBUG",
        "REMINDER_BOT_HTTP_TIMEOUT": "1",
    }
    bot = start_bot(env)
    assert "Hi Ada!" in say(emulator, "/start")["params"]["text"]
    assert "/schedule" in say(emulator, "/help")["params"]["text"]
    say(emulator, "/schedule")
    wait_for_nudge(emulator, BOB)
    statuses = [c["status"] for c in emulator.calls(0, "sendMessage") if c["chat_id"] == BOB.id]
    assert 429 in statuses and 200 in statuses, statuses
    code = bot.stop()
    out, err = bot.stdout_path.read_text(), bot.stderr
    assert code == 0, err
    secret = SECRET_TOKEN.partition(":")[2]
    for text in (out, err):
        assert SECRET_TOKEN not in text and secret not in text and "%3A" + secret not in text
    # The DEBUG output is really there, the token in it redacted.
    assert "Set Bot API URL: " + emulator.url + "/bot<redacted>" in err, err[:3000]
    assert "/bot<redacted>/getUpdates" in err
    assert " DEBUG " in err and "database closed" in err
    with sqlite3.connect(database) as conn:
        row = conn.execute("select status, attempts, error from deliveries").fetchone()
    assert row[:2] == ("sent", 3) and "429" in row[2] and "TimedOut" in row[2], row


def test_json_log_lines(emulator: EmulatorClient, bot_env: dict[str, str], start_bot: Any) -> None:
    env = {**bot_env, "TELEGRAM_BOT_TOKEN": SECRET_TOKEN, "REMINDER_BOT_LOG_FORMAT": "json"}
    bot = start_bot(env)
    assert "Hi Ada!" in say(emulator, "/start")["params"]["text"]
    assert bot.stop() == 0, bot.stderr
    lines = [json.loads(line) for line in bot.stderr.splitlines()]
    assert len(lines) >= 2
    for line in lines:
        assert {"level", "logger", "message", "time"} <= line.keys(), line
    assert any("is running as" in line["message"] for line in lines)
    assert SECRET_TOKEN.partition(":")[2] not in bot.stderr


# ----- check-config -----------------------------------------------------------------------


def check_config(env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        reminder_bot("check-config"),
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=ERROR_TIMEOUT,
    )


def test_check_config_ok_is_one_line(tmp_path: Path) -> None:
    env = clean_env(
        TELEGRAM_BOT_TOKEN=SECRET_TOKEN,
        TELEGRAM_API_URL="http://127.0.0.1:9",  # never called
        REMINDER_BOT_DATABASE=str(tmp_path / "db" / "bot.sqlite3"),
    )
    result = check_config(env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("reminder-bot: configuration OK"), lines
    assert "bot 123456" in lines[0] and "default desk-worker" in lines[0]
    assert SECRET_TOKEN.partition(":")[2] not in result.stdout
    assert not (tmp_path / "db").exists(), "check-config created the database folder"


def test_check_config_lists_every_problem(tmp_path: Path) -> None:
    presets = tmp_path / "presets"
    presets.mkdir()
    (presets / "mine.toml").write_text(BAD_PRESET, encoding="utf-8")
    env = clean_env(
        TELEGRAM_BOT_TOKEN="not-a-token",
        TELEGRAM_API_URL="http://127.0.0.1:9/bot" + SECRET_TOKEN,
        REMINDER_BOT_TIMEZONE="Mars/Olympus",
        REMINDER_BOT_GLOBAL_RATE="fast",
        REMINDER_BOT_LOG_FORMAT="xml",
        REMINDER_BOT_PRESETS_DIR=str(presets),
        REMINDER_BOT_DEFAULT_PRESET="nope",
        REMINDER_BOT_DATABASE=str(tmp_path / "db" / "bot.sqlite3"),
    )
    result = check_config(env, tmp_path)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == "reminder-bot: configuration has 7 problem(s):", result.stderr
    named = [
        "TELEGRAM_BOT_TOKEN",
        "TELEGRAM_API_URL",
        "REMINDER_BOT_TIMEZONE",
        "REMINDER_BOT_GLOBAL_RATE",
        "REMINDER_BOT_LOG_FORMAT",
        "mine.toml",
        "REMINDER_BOT_DEFAULT_PRESET",
    ]
    for name in named:
        assert sum(name in line for line in lines[1:]) >= 1, (name, result.stderr)
    assert SECRET_TOKEN.partition(":")[2] not in result.stderr
    assert not (tmp_path / "db").exists()


def test_check_config_goes_on_after_an_unreadable_token_file(tmp_path: Path) -> None:
    from reminder_bot.check_config import check

    report = check(
        {
            "TELEGRAM_BOT_TOKEN_FILE": str(tmp_path / "missing"),
            "REMINDER_BOT_PRESETS_DIR": str(tmp_path / "no-such-folder"),
            "REMINDER_BOT_DATABASE": str(tmp_path / "bot.sqlite3"),
        }
    )
    assert [problem.split("=")[0] for problem in report.problems] == [
        "TELEGRAM_BOT_TOKEN_FILE",
        "REMINDER_BOT_PRESETS_DIR",
    ], report.problems
    assert "desk-worker" in report.presets
