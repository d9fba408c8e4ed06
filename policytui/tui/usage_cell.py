"""The list's Usage cell as plain data: ``CPU 96 % ▲``.

No imports beyond the standard library: the policy table imports it before the client's
models are (the first page is painted before pydantic is imported).
"""

from __future__ import annotations

from dataclasses import dataclass

#: Why no figure is shown to a user who is neither staff nor an owner of the provider.
NEEDS_PROVIDER = (
    "usage needs staff or an owner of the provider: the customers' groups cannot be read"
)
#: The mark after a figure, for terminals without colour (NO_COLOR): over the limit, and
#: from 80 % (the near-firing threshold, policytui.headroom.summary.NEAR).
LEVEL_MARKS = {"over": " !", "near": " ▲", "ok": "", "none": ""}
#: After the mark when the figure is of a limit the server does not check (it checks a
#: policy's first limit only): over there, the policy still never fires.
UNCHECKED_MARK = "†"
#: What the mark means, said in the status bar while such a cell is on screen.
UNCHECKED_LEGEND = "† a limit the server does not check"


@dataclass(frozen=True)
class UsageCell:
    """What the list's Usage column shows for one policy."""

    #: The component of the highest ratio (``CPU``); "" without a figure.
    label: str
    #: ``96 %``, ``over`` (a limit of 0 that is over), ``—`` (no figure).
    figure: str
    #: ``over`` / ``near`` / ``ok``; ``none`` without a figure.
    level: str
    #: Said before the figure: the fired view's ``still over`` / ``now under``.
    note: str = ""
    #: The figure is of a later limit, which the server never checks (near or over only:
    #: a comfortable figure needs no warning).
    unchecked: bool = False

    @property
    def text(self) -> str:
        return self.fit(64)

    def fit(self, width: int) -> str:
        """The component cut before the figure, its mark and the note ever are."""
        star = UNCHECKED_MARK if self.unchecked else ""
        tail = f"{self.figure}{LEVEL_MARKS.get(self.level, '')}{star}"
        if self.note:
            plain = UsageCell(self.label, self.figure, self.level, unchecked=self.unchecked)
            return _noted(self.note, plain, width)
        if not self.label:
            return tail[:width]
        room = width - len(tail) - 1
        if room >= len(self.label):
            return f"{self.label} {tail}"
        if room >= 4:  # at least three letters and the ellipsis: "Sto… 9 %"
            return f"{self.label[: room - 1]}… {tail}"
        return tail[:width]  # "St… 16 %" reads as nothing: the figure alone


def _noted(note: str, cell: UsageCell, width: int) -> str:
    """``still over CPU 112 %``: the note first, then what room is left for the cell
    (the component goes first, then the note shortens to its last word). The note says
    over or under in words, so the NO_COLOR mark is not repeated after the figure; where
    no word fits, the cell keeps its mark (``112 % !``)."""
    marked, cell = cell, UsageCell(cell.label, cell.figure, "none", unchecked=cell.unchecked)
    room = width - len(note) - 1
    if room >= len(cell.figure):
        return f"{note} {cell.fit(room)}"
    short = note.split()[-1]  # "over" / "under": the part that says it
    room = width - len(short) - 1
    if room >= len(cell.figure):
        return f"{short} {cell.fit(room)}"
    return marked.fit(width)


#: A policy whose usage has no figure (the reason is in the detail and the status bar).
NO_FIGURE = UsageCell("", "—", "none")
