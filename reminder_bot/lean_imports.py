"""Optional packages a library imports only to learn whether it could use them, held back when
the bot will not (docs/performance.md, "Memory at start-up").

``import name`` fails inside ``held_back(name)`` as if the package were not installed
(``sys.modules[name] = None`` is Python's documented way to say so), and the library takes the
branch it has for that case: sqlite-utils then stores no numpy values (the bot has none; numpy
is ~17 MB), PTB's updater offers no webhook server (tornado, ~3 MB) to a bot that polls, and
PTB decrypts no Telegram Passport data (cryptography, ~8 MB; the bot asks for none, and it is
installed beside the bot by other packages, trustme in the test extra). A package already
imported is left as it is, and a later ``import`` outside the block works."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType


@contextmanager
def held_back(*names: str) -> Iterator[None]:
    """Within the block, importing any of ``names`` that is not loaded yet raises ImportError."""
    held = [name for name in names if name not in sys.modules]
    for name in held:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        yield
    finally:
        for name in held:
            del sys.modules[name]


def import_app(*, webhook: bool) -> ModuleType:
    """``reminder_bot.app``, imported for a bot that polls or serves a webhook: PTB imports
    tornado at start whenever it is installed, though only ``start_webhook`` uses it, and
    cryptography, though only Telegram Passport does."""
    with held_back("cryptography", *(() if webhook else ("tornado",))):
        return importlib.import_module("reminder_bot.app")
