"""A plain-text table that fits a width: columns padded with spaces, no colour.

Given no width (stdout is not a terminal) nothing is cut: every value is whole and each
column is as wide as its longest value, so ``awk '{print $1}'`` reads the first column
(the policy's uuid, which has no spaces) and no truncation mark lands in a script.
Given a width, the flexible columns shrink to their minimum (cut with "…"), then
columns are dropped in the order of their ``drop`` rank until the table fits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

GAP = "  "
ELLIPSIS = "…"


@dataclass(frozen=True)
class Column:
    title: str
    #: Narrowest it may be cut to; None: never cut (the uuid).
    min_width: int | None = None
    #: Dropped first when even the minimum widths do not fit: lower goes first; None never.
    drop: int | None = None


def render(columns: Sequence[Column], rows: Sequence[Sequence[str]], width: int | None) -> str:
    """The table as text, a newline after each line (the header first)."""
    keep = list(range(len(columns)))
    widths = [max([len(columns[i].title), *(len(r[i]) for r in rows)]) for i in keep]
    if width is not None:
        keep, widths = _fit(columns, widths, width)
    lines = [_line([columns[i].title for i in keep], widths)]
    lines.extend(_line([row[i] for i in keep], widths) for row in rows)
    return "".join(line + "\n" for line in lines)


def _fit(columns: Sequence[Column], natural: list[int], width: int) -> tuple[list[int], list[int]]:
    keep = list(range(len(columns)))
    droppable = sorted(
        (i for i, c in enumerate(columns) if c.drop is not None),
        key=lambda i: columns[i].drop or 0,
    )
    while True:
        widths = _shrink(columns, keep, natural, width)
        if widths is not None or not droppable:
            break
        keep.remove(droppable.pop(0))
    if widths is None:  # nothing left to drop: the minimums, wider than the screen
        widths = [_floor(columns[i], natural[i]) for i in keep]
    return keep, widths


def _floor(column: Column, natural: int) -> int:
    if column.min_width is None:
        return natural
    return min(natural, max(column.min_width, len(column.title)))


def _shrink(
    columns: Sequence[Column], keep: list[int], natural: list[int], width: int
) -> list[int] | None:
    """Widths of ``keep`` within ``width``, cutting the widest flexible column a cell at a
    time; None when even the minimums do not fit."""
    widths = [natural[i] for i in keep]
    room = width - len(GAP) * (len(keep) - 1)
    floors = [_floor(columns[i], natural[i]) for i in keep]
    if sum(floors) > room:
        return None
    excess = sum(widths) - room
    while excess > 0:
        # The column with the most to give gives one cell (ties: the rightmost).
        slack = [(w - f, k) for k, (w, f) in enumerate(zip(widths, floors, strict=True))]
        give, k = max(slack)
        if give <= 0:
            return None
        widths[k] -= 1
        excess -= 1
    return widths


def _line(cells: Sequence[str], widths: Sequence[int]) -> str:
    parts = [_cut(cell, w).ljust(w) for cell, w in zip(cells, widths, strict=True)]
    return GAP.join(parts).rstrip()


def _cut(text: str, width: int) -> str:
    if len(text) <= width:
        return text
    return text[: max(0, width - 1)] + ELLIPSIS if width > 0 else ""
