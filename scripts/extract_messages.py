"""Write reminder_bot/locale/reminder_bot.pot: every user-facing string, for translators.

Sources: the literal arguments of ``_()``, ``N_()`` and ``ngettext()`` in the package, and the
texts of the content and preset files (they are translated at render time, so their English
text is the msgid). Run after changing any text:  python scripts/extract_messages.py
A test fails when the committed catalogue template is out of date.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "reminder_bot"
OUTPUT = PACKAGE / "locale" / "reminder_bot.pot"

HEADER = """\
# Translations template for reminder-bot.
msgid ""
msgstr ""
"Project-Id-Version: reminder-bot\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"""


def from_code(path: Path) -> Iterator[tuple[str, str | None]]:
    """(msgid, msgid_plural) for each translatable literal in a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
            continue
        args = node.args
        literal = [isinstance(a, ast.Constant) and isinstance(a.value, str) for a in args]
        if node.func.id in ("_", "N_") and args and literal[0]:
            yield args[0].value, None  # type: ignore[attr-defined]
        elif node.func.id == "ngettext" and len(args) >= 2 and literal[0] and literal[1]:
            yield args[0].value, args[1].value  # type: ignore[attr-defined]


def from_data(path: Path) -> Iterator[str]:
    """Every user-visible string value of a content or preset file (not ids or sources)."""
    import tomllib

    skipped = {"id", "source", "sources", "habit"}

    def walk(value: object, key: str) -> Iterator[str]:
        if key in skipped:
            return
        if isinstance(value, str):
            yield value
        elif isinstance(value, list):
            for item in value:
                yield from walk(item, key)
        elif isinstance(value, dict):
            for child_key, child in value.items():
                yield from walk(child, child_key)

    data = tomllib.loads(path.read_text(encoding="utf-8"))
    yield from walk(data, "")


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def catalogue() -> str:
    entries: dict[tuple[str, str | None], list[str]] = {}
    # rglob: subpackages (content/, parsing/) hold translatable texts too.
    for path in sorted(PACKAGE.rglob("*.py")):
        for msgid, plural in from_code(path):
            # File names only: line numbers would make every code edit stale the template.
            entries.setdefault((msgid, plural), []).append(str(path.relative_to(ROOT)))
    for path in sorted((PACKAGE / "content").glob("*.toml")):
        for msgid in from_data(path):
            entries.setdefault((msgid, None), []).append(str(path.relative_to(ROOT)))
    for path in sorted((ROOT / "schedules").glob("*.toml")):
        import tomllib

        description = tomllib.loads(path.read_text(encoding="utf-8")).get("description")
        if isinstance(description, str):
            entries.setdefault((description, None), []).append(str(path.relative_to(ROOT)))
    parts = [HEADER]
    for (msgid, plural), places in entries.items():
        block = [f"#: {' '.join(sorted(set(places)))}", f'msgid "{escape(msgid)}"']
        if plural is None:
            block.append('msgstr ""')
        else:
            block += [f'msgid_plural "{escape(plural)}"', 'msgstr[0] ""', 'msgstr[1] ""']
        parts.append("\n".join(block) + "\n")
    return "\n".join(parts)


def main() -> int:
    text = catalogue()
    if "--check" in sys.argv:
        current = OUTPUT.read_text(encoding="utf-8") if OUTPUT.exists() else ""
        if current != text:
            print(
                f"{OUTPUT.relative_to(ROOT)} is out of date; "
                "run: python scripts/extract_messages.py"
            )
            return 1
        return 0
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUTPUT.relative_to(ROOT)}: {text.count('msgid ') - 1} messages")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
