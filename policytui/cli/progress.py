"""A progress bar on stderr for long walks ("reading pages 12/40"), only on a terminal.

Piped or redirected stderr gets nothing (a log file full of carriage returns helps no
one), and ``--quiet`` silences it everywhere. The bar redraws in place with a carriage
return and is wiped when the walk ends, so the messages after it start on a clean line.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

#: Cells of the bar itself.
BAR_WIDTH = 24
#: Redraw at most this often: a fast walk of 400 pages would otherwise spend its time
#: writing to the terminal.
MIN_INTERVAL = 0.1


class PageProgress:
    """Call it with ``(pages read, pages in all)`` after each page; :meth:`done` at the end."""

    def __init__(self, stream: TextIO | None = None, *, quiet: bool = False) -> None:
        self._stream = stream or sys.stderr
        self.enabled = not quiet and _is_terminal(self._stream)
        self._last = 0.0
        self._drawn = 0

    def __call__(self, read: int, total: int | None) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        final = total is not None and read >= total
        if not final and now - self._last < MIN_INTERVAL:
            return
        self._last = now
        self._draw(line(read, total))

    def note(self, text: str) -> None:
        """A line in the bar's place for a step without pages (wiped by :meth:`done`)."""
        if self.enabled:
            self._draw(text)

    def _draw(self, text: str) -> None:
        pad = " " * max(0, self._drawn - len(text))
        self._stream.write(f"\r{text}{pad}")
        self._stream.flush()
        self._drawn = len(text)

    def done(self) -> None:
        """Wipe the bar (if one was drawn)."""
        if self.enabled and self._drawn:
            self._stream.write("\r" + " " * self._drawn + "\r")
            self._stream.flush()
            self._drawn = 0


def line(read: int, total: int | None) -> str:
    """``[#########---------------] reading pages 12/40``; without a total, the count."""
    if not total:
        return f"reading pages {read}"
    filled = min(BAR_WIDTH, round(BAR_WIDTH * read / total))
    return f"[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] reading pages {read}/{total}"


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # closed, or not a real file
        return False
