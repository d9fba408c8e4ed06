"""The line under the `/` filter: how many policies match, how complete the index is,
and each term the filter could not read, marked in place with what it expected.

Shown, never raised: a half-typed term (``limit:cpu>``) is marked while the terms it
could read go on filtering the list.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static

if TYPE_CHECKING:
    from policytui.query import Filter


def marked_input(query: Filter) -> Text:
    """The filter as typed, each unreadable term underlined and reversed (seen without
    colour too), then what the first one expected."""
    text = Text(no_wrap=False, end="")
    typed = query.text
    at = 0
    for problem in query.problems:
        start, end = max(problem.start, at), max(problem.end, problem.start)
        text.append(typed[at:start])
        text.append(typed[start:end] or " ", style="reverse underline")
        at = max(at, end)
    text.append(typed[at:])
    first = query.problems[0]
    text.append(f"  ↑ {first.message}", style="italic")
    return text


class FilterNote(Static):
    """Under the filter box; hidden while no filter is typed.

    Two lines tall even when the second is empty: a half-typed term (``group:`` before
    its value) shows the second line and the next key hides it again, and each change
    of height laid out and repainted the whole screen (20-40 ms of a keystroke's
    repaint over 100 000 policies, issue 13). A problem too long for one line still
    grows it (up to 4).
    """

    #: The lines it always takes while shown.
    MIN_LINES = 2

    DEFAULT_CSS = """
    FilterNote {
        height: auto;
        min-height: 2;
        max-height: 4;
        padding: 0 1;
        color: $text-muted;
    }
    FilterNote.-problem {
        color: $text-warning;
    }
    """

    def show_result(self, words: str, query: Filter) -> None:
        """``words``: the summary ("12 of 340 match"); the problems of ``query`` marked."""
        if query.problems:
            body = Text(words + "\n", end="")
            body.append_text(marked_input(query))
        else:
            body = Text(words, end="")
        # Only a change of class restyles, and only a change of height lays the screen
        # out again: each keystroke in `/` comes here, and a layout of the whole screen
        # was a good part of a keystroke's repaint.
        self.set_class(bool(query.problems), "-problem")
        if self.display and body == self._shown:
            return  # the same words: an update would still restyle and repaint the line
        self._shown = body
        lines = self._lines(body)
        # Against the height it has on screen: the first words shown had no width to
        # measure them by, and the next key must not lay out for that.
        same_height = self.display and lines is not None and lines == self.size.height
        self.update(body, layout=not same_height)
        self.display = True

    #: What is on show (None: nothing yet).
    _shown: Text | None = None

    def _lines(self, body: Text) -> int | None:
        """How many lines ``body`` takes when none wraps (None: some might, or the width
        is not known yet)."""
        width = self.content_region.width
        lines = body.plain.split("\n")
        if width <= 0 or any(cell_len(line) > width for line in lines):
            return None
        return max(len(lines), self.MIN_LINES)
