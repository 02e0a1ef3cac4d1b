"""Rewrite the configuration table in README.md from reminder_bot.config.SETTINGS.

Run after adding a setting: python scripts/gen_config_table.py
"""

from __future__ import annotations

import re
from pathlib import Path

from reminder_bot.config import SETTINGS

README = Path(__file__).resolve().parent.parent / "README.md"
START, END = "<!-- settings:start -->", "<!-- settings:end -->"


def table() -> str:
    rows = ["| Variable | Default | What it does |", "|---|---|---|"]
    for setting in SETTINGS:
        default = f"`{setting.default}`" if setting.default is not None else "(none)"
        rows.append(f"| `{setting.name}` | {default} | {setting.description} |")
    return "\n".join(rows)


def main() -> None:
    text = README.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    if not pattern.search(text):
        raise SystemExit(f"{README} has no {START} ... {END} block")
    README.write_text(pattern.sub(f"{START}\n{table()}\n{END}", text), encoding="utf-8")
    print(f"updated {README}")


if __name__ == "__main__":
    main()
