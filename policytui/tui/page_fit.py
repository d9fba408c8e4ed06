"""How many policies the list screen shows on a page: as many as fit the terminal.

No Textual here: the start-up asks for the first page before Textual is imported.
"""

from __future__ import annotations

import os
import sys

#: Lines of the list screen that are not table rows (header bar, column titles, status,
#: footer): the first page's size is the terminal's height minus these.
CHROME_LINES = 4


def fitted_page_size(terminal_lines: int) -> int:
    """How many policies fit on the list screen of a terminal this tall."""
    return max(3, terminal_lines - CHROME_LINES)


def terminal_lines() -> int | None:
    """The controlling terminal's height, as Textual will see it; ``None`` without one."""
    for stream in (sys.__stdout__, sys.__stderr__):
        try:
            return os.get_terminal_size(stream.fileno()).lines  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            continue
    return None
