"""What a start loads: packages a polling bot never uses stay out of its memory (the 100k-user
scale benchmark's peak RSS is mostly imports; docs/performance.md, "Memory at start-up")."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from reminder_bot.lean_imports import held_back

# Imports the app as `reminder-bot run` does, loads and checks the content and presets as the
# start-up does (their rules are parsed), and reports what was loaded.
PROBE = """
import json, sys
from reminder_bot import config, lean_imports
app = lean_imports.import_app(webhook=sys.argv[1] == "webhook")
app.load_data_files(config.load(require_token=False))
import babel.localedata, telegram.ext._updater as updater
unused = {"matplotlib", "numpy", "tornado", "prometheus_client", "cryptography"}
print(json.dumps({
    "modules": sorted(unused & set(sys.modules)),
    "locale_data": sorted(babel.localedata._cache),
    "webhooks": updater.WEBHOOKS_AVAILABLE,
}))
"""


def start(mode: str, tmp_path: Path) -> dict[str, object]:
    env = {"PATH": "", "REMINDER_BOT_DATABASE": str(tmp_path / "bot.sqlite3")}
    done = subprocess.run(
        [sys.executable, "-c", PROBE, mode],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=True,
    )
    loaded: dict[str, object] = json.loads(done.stdout)
    return loaded


def test_a_polling_start_loads_no_package_it_does_not_use(tmp_path: Path) -> None:
    """Charts (matplotlib, numpy: ~40 MB) load with the first chart, metrics with their port,
    the webhook server (tornado) only for a webhook, Babel's locale data with the first text
    that needs it (presets' rules are English and parsed without any), and Telegram Passport's
    cryptography (installed here by trustme) never."""
    loaded = start("polling", tmp_path)
    assert loaded == {"modules": [], "locale_data": [], "webhooks": False}


def test_a_webhook_start_has_its_server(tmp_path: Path) -> None:
    loaded = start("webhook", tmp_path)
    assert loaded["webhooks"] is True and loaded["modules"] == ["tornado"]


def test_a_held_back_package_cannot_be_imported_inside_the_block_only() -> None:
    never = "reminder_bot_test_never_imported"
    sys.modules.pop("json.tool", None)
    with held_back(never, "json.tool", "json"), pytest.raises(ImportError):
        importlib.import_module("json.tool")  # json itself is loaded: only json.tool is held
    assert never not in sys.modules and sys.modules["json"] is json
    assert importlib.import_module("json.tool").__name__ == "json.tool"  # as usual after it
