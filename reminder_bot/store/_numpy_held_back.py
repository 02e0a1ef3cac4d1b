"""sqlite-utils imported with numpy held back (docs/performance.md, Findings 3). The store's
package imports ``Database`` from here, so this runs before any other import of sqlite-utils.

sqlite-utils imports numpy whenever it is installed (to store numpy values, which the bot never
has), and matplotlib installs it for the charts: ~17 MB and ~0.1 s of every start for nothing.
The first chart imports numpy as usual; a process that already has numpy is left as it is."""

from __future__ import annotations

from reminder_bot.lean_imports import held_back

with held_back("numpy"):
    from sqlite_utils import Database

__all__ = ["Database"]
