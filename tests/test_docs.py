"""Generated tables in the docs match the code that defines them."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "gen_doc_tables.py"


def gen_doc_tables() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_doc_tables", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GEN = gen_doc_tables()


@pytest.mark.parametrize(
    ("path", "name", "build"), GEN.TABLES, ids=[name for _, name, _ in GEN.TABLES]
)
def test_generated_table_is_current(path: Path, name: str, build) -> None:
    assert GEN.current(path, name) == build(), f"run: python scripts/gen_doc_tables.py ({name})"


def test_every_status_is_documented_with_its_meaning() -> None:
    from reminder_bot.status import DeliveryStatus

    table = GEN.statuses_table()
    for status in DeliveryStatus:
        assert f"| `{status.value}` | {status.meaning} |" in table


ROOT = SCRIPT.parent.parent


def test_env_example_lists_every_setting_at_its_default() -> None:
    from reminder_bot.config import SETTINGS

    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    for setting in SETTINGS:
        assert f"# {setting.name}={setting.default or ''}" in lines, setting.name


def test_compose_file_runs_the_image_as_documented() -> None:
    text = (ROOT / "compose.yaml").read_text(encoding="utf-8")
    try:
        import yaml  # type: ignore[import-untyped]
    except ImportError:  # not a dependency: check the essentials as text instead
        for needle in (
            "restart: unless-stopped",
            "TELEGRAM_BOT_TOKEN_FILE: /run/secrets/telegram_bot_token",
            "- reminder-data:/data",
            "driver: json-file",
            "max-size:",
            "file: ./secrets/telegram_bot_token",
        ):
            assert needle in text, needle
        return
    bot = yaml.safe_load(text)["services"]["bot"]
    assert bot["restart"] == "unless-stopped"
    assert bot["environment"]["TELEGRAM_BOT_TOKEN_FILE"] == "/run/secrets/telegram_bot_token"
    assert bot["volumes"] == ["reminder-data:/data"]
    assert bot["logging"]["driver"] == "json-file"


def test_the_image_checks_its_health_with_the_command() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert 'CMD ["reminder-bot", "healthcheck"]' in dockerfile
