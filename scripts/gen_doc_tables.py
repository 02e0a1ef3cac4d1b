"""Rewrite the generated tables in the docs from the code that defines them: the configuration
table in README.md and the whole of .env.example (reminder_bot.config.SETTINGS), and the
delivery statuses in docs/architecture.md (reminder_bot.status.DeliveryStatus). Tests check
they are current.

Run after adding a setting or a status: python scripts/gen_doc_tables.py
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from pathlib import Path

from reminder_bot.config import SETTINGS
from reminder_bot.status import DeliveryStatus

ROOT = Path(__file__).resolve().parent.parent


def settings_table() -> str:
    rows = ["| Variable | Default | What it does |", "|---|---|---|"]
    for setting in SETTINGS:
        default = f"`{setting.default}`" if setting.default is not None else "(none)"
        rows.append(f"| `{setting.name}` | {default} | {setting.description} |")
    return "\n".join(rows)


def env_example() -> str:
    """.env.example: every setting, commented out at its default, for `docker compose`."""
    lines = [
        "# reminder-bot settings for compose.yaml (copy to .env and edit). Generated from",
        "# reminder_bot/config.py SETTINGS by scripts/gen_doc_tables.py: do not edit by hand.",
        "# The token is a compose secret (TELEGRAM_BOT_TOKEN_FILE), not a variable here.",
    ]
    for setting in SETTINGS:
        lines += [
            "",
            *textwrap.wrap(
                strip_markup(setting.description), 96, initial_indent="# ", subsequent_indent="# "
            ),
        ]
        lines.append(f"# {setting.name}={setting.default or ''}")
    return "\n".join([*lines, *COMPOSE_ONLY])


# Read by compose.yaml, not by the bot (so not in SETTINGS): the replication profile.
COMPOSE_ONLY = (
    "",
    "# ---- Replication: compose.yaml's profile `replication` (docs/self-hosting.md) ----",
    "# Not read by the bot: Litestream streams the database to this replica. s3://bucket/path",
    "# (S3-compatible stores: add ?endpoint=https://...), gs://, abs://, sftp://user@host/path,",
    "# webdav(s)://, oss://, nats://, or file:///path on another disk. Credentials go in",
    "# secrets/litestream.env (LITESTREAM_ACCESS_KEY_ID=..., LITESTREAM_SECRET_ACCESS_KEY=...).",
    "# REMINDER_BOT_REPLICA_URL=",
    "# Keep the profile on for every docker compose command (up, down, ps), so the bot never",
    "# starts without the restore that comes first:",
    "# COMPOSE_PROFILES=replication",
)


def strip_markup(text: str) -> str:
    return text.replace("`", "")


def statuses_table() -> str:
    rows = ["| status | meaning |", "|---|---|"]
    rows += [f"| `{status}` | {status.meaning} |" for status in DeliveryStatus]
    return "\n".join(rows)


# The marker name of a target that is the whole file, not a block inside it.
WHOLE_FILE = "whole-file"

# (file, marker name, what goes between <!-- name:start --> and <!-- name:end -->)
TABLES: tuple[tuple[Path, str, Callable[[], str]], ...] = (
    (ROOT / "README.md", "settings", settings_table),
    (ROOT / "docs" / "architecture.md", "statuses", statuses_table),
    (ROOT / ".env.example", WHOLE_FILE, env_example),
)


def block(name: str) -> re.Pattern[str]:
    return re.compile(f"<!-- {name}:start -->\n(.*?)<!-- {name}:end -->", re.S)


def current(path: Path, name: str) -> str:
    """The table as the file has it now."""
    if name == WHOLE_FILE:
        return path.read_text(encoding="utf-8").rstrip("\n") if path.exists() else ""
    found = block(name).search(path.read_text(encoding="utf-8"))
    if found is None:
        raise SystemExit(f"{path} has no <!-- {name}:start --> ... <!-- {name}:end --> block")
    return found.group(1).rstrip("\n")


def main() -> None:
    for path, name, build in TABLES:
        if name == WHOLE_FILE:
            path.write_text(build() + "\n", encoding="utf-8")
            print(f"updated {path.relative_to(ROOT)}")
            continue
        current(path, name)
        generated = f"<!-- {name}:start -->\n{build()}\n<!-- {name}:end -->"
        text = block(name).sub(lambda _, new=generated: new, path.read_text(encoding="utf-8"))
        path.write_text(text, encoding="utf-8")
        print(f"updated {path.relative_to(ROOT)} ({name})")


if __name__ == "__main__":
    main()
