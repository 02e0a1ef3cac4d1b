"""``reminder-bot demo`` as a person uses it: typed lines in, the chat printed out."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path


def run_demo(lines: list[tuple[float, str]], *args: str, tmp_path: Path) -> str:
    """Type each line after its pause; return everything the demo printed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "REMINDER_"))}
    env["USER"] = "ada"
    demo = subprocess.Popen(
        [sys.executable, "-m", "reminder_bot", "demo", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert demo.stdin is not None
    for pause, line in lines:
        time.sleep(pause)
        demo.stdin.write(line + "\n")
        demo.stdin.flush()
    out, err = demo.communicate(timeout=30)
    assert demo.returncode == 0, err
    assert "Traceback" not in err, err
    return out


def test_demo_chat_with_buttons_and_a_fast_clock(tmp_path: Path) -> None:
    out = run_demo(
        [
            (1.5, "/start"),
            (1.5, "/help"),
            (1.5, "2"),  # the "Schedule presets" button of the /start reply
            (1.5, "/schedule move every 5m from 00:00 to 23:55 daily"),
            (1.0, "/quiet off"),
            (4.0, "/quit"),
        ],
        "--speed",
        "120",
        "--timezone",
        "Europe/Berlin",
        tmp_path=tmp_path,
    )
    assert "Hi Ada!" in out
    assert "[1] 🌍 Time zone   [2] 📋 Schedule presets" in out
    assert "/redflags: When to get medical help" in out
    assert "desk-worker" in out and "standing-job" in out  # the preset list the button opened
    # At 120x, a nudge every 5 minutes comes every 2.5 s: at least one arrives, with buttons.
    assert "Time to move" in out and "10 min" in out
    assert out.rstrip().endswith("bye")


def test_demo_rejects_a_bad_time_zone(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "reminder_bot", "demo", "--timezone", "Mars/Base"],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=tmp_path,
    )
    assert result.returncode == 2
    assert "--timezone" in result.stderr and "Europe/Berlin" in result.stderr
