"""Hatch build hook: compile every reminder_bot/locale/*/LC_MESSAGES/*.po into a .mo in the wheel.

The repository keeps only the .po sources; a wheel (``pip install .``, ``pip wheel .``, the
container image) gets the compiled catalogues instead, so an installed bot reads .mo files and
never parses a .po. An editable install (``pip install -e .``) runs the package from the work
tree, where nothing is compiled: ``reminder_bot.i18n`` compiles each .po in memory when first
needed, so an edited .po is used at once and no stale .mo can hide it. Building still checks
that every catalogue compiles.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from hatchling.builders.hooks.plugin.interface import BuildHookInterface

CATALOGUES = "reminder_bot/locale/*/LC_MESSAGES/*.po"


def compile_catalogues(root: Path, out: Path) -> dict[str, str]:
    """Compile each catalogue under ``root`` into ``out``: {compiled file: path in the wheel}."""
    compiled: dict[str, str] = {}
    for source in sorted(root.glob(CATALOGUES)):
        relative = source.relative_to(root).with_suffix(".mo")
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        with source.open("rb") as po:
            catalogue = read_po(po, abort_invalid=True)
        with target.open("wb") as mo:
            write_mo(mo, catalogue)  # untranslated and fuzzy messages are left out
        compiled[str(target)] = relative.as_posix()
    return compiled


class CompileCatalogues(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        self._out = Path(tempfile.mkdtemp(prefix="reminder-bot-catalogues-"))
        compiled = compile_catalogues(Path(self.root), self._out)
        if version != "editable":
            build_data["force_include"].update(compiled)

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        shutil.rmtree(self._out, ignore_errors=True)
