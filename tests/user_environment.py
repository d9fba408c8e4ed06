"""The environment this test run started with, saved before conftest cleans it.

Snapshots need a clean environment (no ``NO_COLOR``, no ``TEXTUAL_*``); end-to-end runs
need the user's. conftest imports this module first, so this copy is taken before any
cleaning, and tests/e2e/terminal.py builds the users' environment from it.
"""

from __future__ import annotations

import os

ORIGINAL_ENVIRON: dict[str, str] = dict(os.environ)
