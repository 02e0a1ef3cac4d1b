"""The translation catalogues, managed with Babel: extract the templates, update the languages.

Two domains, each a template in reminder_bot/locale/ and a catalogue per language in
reminder_bot/locale/<lang>/LC_MESSAGES/:

- ``reminder_bot`` (the interface): the literal arguments of ``_()``, ``N_()`` and
  ``ngettext()`` in the package (Babel's Python extractor; a ``# TRANSLATORS:`` comment above a
  call reaches the translator), and the descriptions of the schedule presets.
- ``content`` (the health texts): the user-visible strings of ``reminder_bot/content/*.toml`` and
  the words ``reminder_bot/content/*.py`` renders around them (headings, "your local emergency
  number", which is set inside their sentences), each data text with its item's vetted
  ``source`` as an extracted comment (``#. source: ...``) for the translator and the reviewer.
  They are reviewed apart from the interface, so a language's interface can be complete before
  its health texts are: until then a nudge, /relief and /redflags read wholly in English, with
  the buttons and replies around them translated.

    python scripts/extract_messages.py           write the templates (.pot) from the sources
    python scripts/extract_messages.py --check   fail if a committed template is out of date
    python scripts/extract_messages.py --update  write the templates, then merge them into every
                                                 language's .po (new messages empty, changed
                                                 ones fuzzy), as ``pybabel update`` does
    python scripts/extract_messages.py --init LANG   start a new language from the templates
    python scripts/extract_messages.py --stats   translated / fuzzy / missing per catalogue

Compiling (.po -> .mo) is part of the build (hatch_build.py); the bot also compiles a .po in
memory when no .mo is installed. Templates keep file names without line numbers, so a code edit
that moves a string does not stale them, and "up to date" compares messages, not the header.
"""

from __future__ import annotations

import ast
import io
import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract, extract_python
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "reminder_bot"
LOCALE = PACKAGE / "locale"
DOMAIN = "reminder_bot"
CONTENT_DOMAIN = "content"
KEYWORDS: dict[str, Any] = {"_": None, "N_": None, "ngettext": (1, 2)}
COMMENT_TAGS = ("TRANSLATORS:",)
WIDTH = 99
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
HEADER = """\
# Translations template for reminder-bot: the {domain} messages.
# Written by scripts/extract_messages.py; edit the sources, not this file.
#"""
LANGUAGE_HEADER = """\
# The {domain} messages in {language}, for reminder-bot.
# Merge new messages in with: python scripts/extract_messages.py --update
#"""
# Keys of the content files that are not shown to people: ids, habits and the vetted sources.
NOT_SHOWN = {"id", "source", "sources", "habit"}
# How an item's vetted source reaches the catalogues: an extracted comment above its texts.
SOURCE_COMMENT = "source: "


def extract_toml(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict[str, Any]
) -> Iterator[tuple[int, str | None, str, list[str]]]:
    """A Babel extraction method for TOML data files: every string value people read.

    ``options["keys"]``: only the top-level keys named there (comma separated); otherwise every
    key but ``NOT_SHOWN``, at any depth. Line numbers are not kept, hence 0. A text of a table
    with a ``source`` (an item of the health texts, or the whole file) carries that source as
    its comment (``#. source: ...``), so translators and reviewers see the fact beside the text.
    """
    data = tomllib.loads(fileobj.read().decode("utf-8"))
    only = {key for key in options.get("keys", "").split(",") if key}

    def walk(value: object, key: str, source: str) -> Iterator[tuple[str, str]]:
        if key in NOT_SHOWN:
            return
        if isinstance(value, str):
            yield value, source
        elif isinstance(value, list):
            for item in value:
                yield from walk(item, key, source)
        elif isinstance(value, dict):
            source = _source_of(value) or source
            for child_key, child in value.items():
                if not only or key or child_key in only:
                    yield from walk(child, child_key, source)

    for text, source in walk(data, "", ""):
        if text.strip():
            yield 0, None, text, [f"{SOURCE_COMMENT}{source}"] if source else []


def _source_of(table: dict[str, Any]) -> str:
    """The vetted source(s) an item of a content file names, as one line ("" if none)."""
    found = table.get("source", table.get("sources", ""))
    if isinstance(found, list):
        found = "; ".join(str(item) for item in found)
    return found.strip() if isinstance(found, str) else ""


def extract_python_code(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict[str, Any]
) -> Iterator[tuple[int, str | None, Any, list[str]]]:
    """Babel's Python extractor, plus the calls inside f-strings, which Python 3.11's tokenizer
    hands Babel as one string (``f"<b>{_(N_('Repeat:'))}</b>"``)."""
    source = fileobj.read()
    yield from extract_python(io.BytesIO(source), keywords, comment_tags, options)
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.JoinedStr):
            for call in ast.walk(node):
                found = _keyword_call(call)
                if found is not None:
                    yield call.lineno, found[0], found[1], []


def _keyword_call(node: ast.AST) -> tuple[str, str | tuple[str, ...]] | None:
    """(function, literal message or singular and plural) for a call such as ``_("text")``."""
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
        return None
    if node.func.id not in KEYWORDS:
        return None
    wanted = len(KEYWORDS[node.func.id] or (1,))
    literals = [a.value for a in node.args[:wanted] if isinstance(a, ast.Constant)]
    if len(literals) != wanted or not all(isinstance(v, str) for v in literals):
        return None
    return node.func.id, literals[0] if wanted == 1 else tuple(literals)


def sources(domain: str) -> Iterator[tuple[Path, Any, dict[str, Any]]]:
    """(file, Babel extraction method, options) for every file a domain's messages come from:
    the content package (its data files and the words its renderer adds to them) is the
    ``content`` domain, every other module and the preset descriptions are the interface."""
    content = PACKAGE / "content"
    # rglob: subpackages (parsing/, handlers/) hold interface texts too.
    code = sorted(PACKAGE.rglob("*.py"))
    if domain == CONTENT_DOMAIN:
        for path in code:
            if path.is_relative_to(content):
                yield path, extract_python_code, {}
        for path in sorted(content.glob("*.toml")):
            yield path, extract_toml, {}
        return
    for path in code:
        if not path.is_relative_to(content):
            yield path, extract_python_code, {}
    for path in sorted((ROOT / "schedules").glob("*.toml")):
        yield path, extract_toml, {"keys": "description"}


def template(domain: str) -> Catalog:
    """The domain's messages as Babel extracts them, in source order, with their file names."""
    catalog = Catalog(
        project="reminder-bot",
        version=VERSION,
        domain=domain,
        header_comment=HEADER.format(domain=domain),
        charset="utf-8",
        fuzzy=False,
    )
    for path, method, options in sources(domain):
        place = path.relative_to(ROOT).as_posix()
        with path.open("rb") as fileobj:
            found = extract(method, fileobj, KEYWORDS, COMMENT_TAGS, options, True)
            for lineno, message, comments, context in found:
                catalog.add(
                    message, None, [(place, lineno)], auto_comments=comments, context=context
                )
    return catalog


def render(catalog: Catalog, **options: Any) -> str:
    """The catalogue as a .po file: by file and line (the same on every Python version), but
    with file names only."""
    out = io.BytesIO()
    write_po(out, catalog, width=WIDTH, include_lineno=False, sort_by_file=True, **options)
    return out.getvalue().decode("utf-8")


def read(path: Path, **options: Any) -> Catalog:
    with path.open("rb") as fileobj:
        return read_po(fileobj, abort_invalid=True, **options)


def messages(catalog: Catalog) -> list[tuple[Any, ...]]:
    """What "up to date" compares: every message with its places and translator comments (their
    words only: a .po file wraps a long comment into several ``#.`` lines)."""
    return sorted(
        (str(m.id), m.context or "", sorted({place for place, _line in m.locations}))
        + (" ".join(" ".join(m.auto_comments).split()),)
        for m in catalog
        if m.id
    )


def template_path(domain: str) -> Path:
    return LOCALE / f"{domain}.pot"


def catalogue_paths(domain: str) -> list[Path]:
    return sorted(LOCALE.glob(f"*/LC_MESSAGES/{domain}.po"))


def write_templates(check: bool) -> int:
    stale = 0
    for domain in (DOMAIN, CONTENT_DOMAIN):
        path, fresh = template_path(domain), template(domain)
        if path.exists() and messages(read(path)) == messages(fresh):
            continue  # unchanged: keep the file (and its creation date) as it is
        stale += 1
        if check:
            print(f"{path.relative_to(ROOT)} is out of date; run: python {sys.argv[0]}")
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(fresh), encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}: {len(fresh)} messages")
    return 1 if check and stale else 0


def update_catalogues() -> None:
    """Merge each template into its languages' catalogues, as ``pybabel update`` does."""
    for domain in (DOMAIN, CONTENT_DOMAIN):
        fresh = read(template_path(domain))
        for path in catalogue_paths(domain):
            catalog = read(path, domain=domain)
            catalog.update(fresh, update_header_comment=False)
            path.write_text(render(catalog, ignore_obsolete=True), encoding="utf-8")
            print(f"updated {path.relative_to(ROOT)}: {describe(catalog)}")


def init_language(language: str) -> None:
    for domain in (DOMAIN, CONTENT_DOMAIN):
        path = LOCALE / language / "LC_MESSAGES" / f"{domain}.po"
        if path.exists():
            print(f"{path.relative_to(ROOT)} exists; use --update")
            continue
        catalog = Catalog(
            locale=language,
            domain=domain,
            project="reminder-bot",
            version=VERSION,
            header_comment=LANGUAGE_HEADER.format(language=language, domain=domain),
            language_team=language,
            fuzzy=False,
        )
        catalog.update(read(template_path(domain)))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(catalog), encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")


def strings(translation: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """A message's translation as a tuple: one string, or one per plural form."""
    return (translation,) if isinstance(translation, str) else tuple(translation)


def describe(catalog: Catalog) -> str:
    entries = [m for m in catalog if m.id]
    fuzzy = sum(1 for m in entries if m.fuzzy)
    missing = sum(1 for m in entries if not m.fuzzy and not all(strings(m.string)))
    return f"{len(entries)} messages, {fuzzy} fuzzy, {missing} untranslated"


def main(argv: list[str]) -> int:
    if "--init" in argv:
        init_language(argv[argv.index("--init") + 1])
        return 0
    if "--stats" in argv:
        for domain in (DOMAIN, CONTENT_DOMAIN):
            for path in catalogue_paths(domain):
                print(f"{path.relative_to(ROOT)}: {describe(read(path))}")
        return 0
    status = write_templates(check="--check" in argv)
    if "--update" in argv:
        update_catalogues()
    return status


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
