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
