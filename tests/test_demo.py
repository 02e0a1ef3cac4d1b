"""``reminder-bot demo`` as a person uses it: typed lines in, the chat printed out."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path


def start_demo(args: tuple[str, ...], tmp_path: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "REMINDER_"))}
    env["USER"] = "ada"
    return subprocess.Popen(
        [sys.executable, "-m", "reminder_bot", "demo", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    )


def run_demo(lines: list[tuple[float, str]], *args: str, tmp_path: Path) -> str:
    """Type each line after its pause; return everything the demo printed."""
    demo = start_demo(args, tmp_path)
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


def run_demo_steps(steps: list[tuple[str, str]], *args: str, tmp_path: Path) -> str:
    """Type each line once the demo has printed its cue (a positive barrier, not a pause);
    return everything it printed."""
    demo = start_demo(args, tmp_path)
    assert demo.stdin is not None and demo.stdout is not None
    printed: list[str] = []
    reader = threading.Thread(target=lambda: printed.extend(iter(demo.stdout.readline, "")))
    reader.start()
    try:
        for cue, line in steps:
            deadline = time.monotonic() + 20
            while cue not in "".join(printed):
                assert time.monotonic() < deadline, f"no {cue!r} in:\n{''.join(printed)}"
                time.sleep(0.05)
            demo.stdin.write(line + "\n")
            demo.stdin.flush()
        demo.stdin.close()
        assert demo.wait(timeout=30) == 0, demo.stderr.read() if demo.stderr else ""
    finally:
        demo.kill()
        reader.join(timeout=5)
    return "".join(printed)


def test_demo_walks_through_progress_and_the_safety_gate(tmp_path: Path) -> None:
    out = run_demo_steps(
        [
            ("Type /start to begin", "/start"),
            ("[3] ⚙️ Settings", "/redflags"),
            ("[4] Yes   [5] No", "4"),  # Yes: the advice, stretch paused
            ("[6] ▶️ Resume stretch reminders", "6"),
            ("Stretch reminders are back on", "/summary fri 17:30"),
            ("Weekly summary: Friday at 17:30", "/checkin on 21:15"),
            ("Pain check-in: every day at 21:15", "/stats"),
            ("No progress to show yet", "/export"),  # no nudge yet: a friendly text, no chart
            ("(JSON saved to ", "/quit"),
        ],
        "--timezone",
        "Europe/Berlin",
        tmp_path=tmp_path,
    )
    assert "Do any of these apply to you?" in out
    assert "call 112" in out and "paused for 7 days" in out
    assert out.rstrip().endswith("bye")
