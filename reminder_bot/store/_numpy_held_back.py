"""sqlite-utils imported with numpy held back (docs/performance.md, Findings 3). The store's
package imports ``Database`` from here, so this runs before any other import of sqlite-utils.

sqlite-utils imports numpy whenever it is installed (to store numpy values, which the bot never
has), and matplotlib installs it for the charts: ~20 MB and ~0.1 s of every start for nothing.
The first chart imports numpy as usual; a process that already has numpy is left as it is."""

from __future__ import annotations

import sys

if "sqlite_utils" not in sys.modules and "numpy" not in sys.modules:
    sys.modules["numpy"] = None  # type: ignore[assignment]  # makes `import numpy` fail
    try:
        import sqlite_utils  # noqa: F401
    finally:
        del sys.modules["numpy"]

from sqlite_utils import Database  # noqa: E402

__all__ = ["Database"]
