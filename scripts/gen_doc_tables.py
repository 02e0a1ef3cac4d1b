"""Rewrite the generated tables in the docs from the code that defines them: the configuration
table in README.md (reminder_bot.config.SETTINGS) and the delivery statuses in
docs/architecture.md (reminder_bot.status.DeliveryStatus). Tests check both are current.

Run after adding a setting or a status: python scripts/gen_doc_tables.py
"""

from __future__ import annotations

import re
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


def statuses_table() -> str:
    rows = ["| status | meaning |", "|---|---|"]
    rows += [f"| `{status}` | {status.meaning} |" for status in DeliveryStatus]
    return "\n".join(rows)


# (file, marker name, what goes between <!-- name:start --> and <!-- name:end -->)
TABLES: tuple[tuple[Path, str, Callable[[], str]], ...] = (
    (ROOT / "README.md", "settings", settings_table),
    (ROOT / "docs" / "architecture.md", "statuses", statuses_table),
)


def block(name: str) -> re.Pattern[str]:
    return re.compile(f"<!-- {name}:start -->\n(.*?)<!-- {name}:end -->", re.S)


def current(path: Path, name: str) -> str:
    """The table as the file has it now."""
    found = block(name).search(path.read_text(encoding="utf-8"))
    if found is None:
        raise SystemExit(f"{path} has no <!-- {name}:start --> ... <!-- {name}:end --> block")
    return found.group(1).rstrip("\n")


def main() -> None:
    for path, name, build in TABLES:
        current(path, name)
        generated = f"<!-- {name}:start -->\n{build()}\n<!-- {name}:end -->"
        text = block(name).sub(lambda _, new=generated: new, path.read_text(encoding="utf-8"))
        path.write_text(text, encoding="utf-8")
        print(f"updated {path.relative_to(ROOT)} ({name})")


if __name__ == "__main__":
    main()
