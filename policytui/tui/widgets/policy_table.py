"""The policy table: a Line-API widget that paints only the rows on screen.

A ``DataTable`` measures every cell of every row it holds, which takes seconds for the
tens of thousands of rows a fired-view scan can gather. This widget keeps plain
:class:`PolicyRow` objects, lays the columns out to the width it has (dropping the least
important columns first at 80 columns), and on a cursor move repaints just the two
lines that changed, so a keypress costs a few hundred bytes of terminal output.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from math import ceil
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from rich.cells import cell_len, set_cell_size
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from policytui.tui.format import ACTION_SEPARATOR
from policytui.tui.rows import PolicyRow
from policytui.tui.usage_cell import UsageCell
from policytui.tui.widgets.typed_before import BoundWhereTyped

if TYPE_CHECKING:
    from policytui.tui.policy_index import IndexedFacts

GAP = 1
_FOREGROUND_ONLY = frozenset(
    {
        "policy-table--fired",
        "policy-table--changed",
        "policy-table--dim",
        "policy-table--mark",
        "policy-table--near",
        "policy-table--over",
    }
)


#: "CPU 96 %", or "120 % !" alone: the component goes before the figure and its mark do.
USAGE_MIN_WIDTH = 8


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    title: str
    min_width: int
    max_width: int
    weight: int
    #: Columns with the lowest priority are dropped first when the table is narrow.
    priority: int


COLUMNS: tuple[Column, ...] = (
    # At 80 columns these five and Usage fill the width exactly (tests/tui/
    # test_browse_format.py): the limits gave four cells to the Usage column, the
    # offering keeps its 16 and the actions 13, the longest label.
    Column("offering", "Offering", 16, 32, 3, 10),
    Column("actions", "Actions", 13, 40, 2, 9),
    Column("limits", "Component limits", 16, 48, 5, 9),
    Column("period", "Period", 9, 9, 0, 6),  # "12 months"
    Column("groups", "Organization groups", 12, 40, 3, 5),
    # The highest usage / limit (issue 14), filled in after the page is painted. In a
    # small window it outlasts the Actions: the near-firing view sorts by it and the
    # fired view says with it whether a policy is still over.
    Column("usage", "Usage", USAGE_MIN_WIDTH, 20, 2, 9),
    Column("fired", "Fired", 12, 12, 0, 10),
    Column("created", "Created", 10, 10, 0, 4),
)
COLUMN_TITLES = {c.key: c.title for c in COLUMNS}
#: Sorting these reads best newest/largest first.
DESCENDING_FIRST = frozenset({"fired", "created"})


def layout_columns(width: int) -> list[tuple[Column, int]]:
    """The columns that fit in ``width`` cells, and the width of each."""
    chosen = list(COLUMNS)
    # One cell for the "changed" mark at the left edge.
    available = width - 1

    def needed(cols: list[Column]) -> int:
        # A gap between columns, none after the last: that cell goes to the columns.
        return sum(c.min_width for c in cols) + GAP * (len(cols) - 1)

    while len(chosen) > 1 and needed(chosen) > available:
        weakest = min(chosen, key=lambda c: c.priority)
        chosen.remove(weakest)
    widths = {c.key: c.min_width for c in chosen}
    spare = max(0, available - needed(chosen))
    growable = [c for c in chosen if c.weight and c.max_width > c.min_width]
    while spare > 0 and growable:
        total_weight = sum(c.weight for c in growable)
        handed = 0
        for column in growable:
            share = max(1, spare * column.weight // total_weight)
            share = min(share, column.max_width - widths[column.key], spare - handed)
            widths[column.key] += share
            handed += share
            if handed >= spare:
                break
        spare -= handed
        growable = [c for c in growable if widths[c.key] < c.max_width]
        if handed == 0:
            break
    return [(c, widths[c.key]) for c in chosen]


def limits_cell(limits: list[str], width: int) -> str:
    """As many whole limits as fit, then ``+N`` for the rest (never a limit cut mid-number
    when a count of the rest can stand in)."""
    if not limits:
        return "—"
    full = ", ".join(limits)
    if len(full) <= width or len(limits) == 1:
        return full
    shown: list[str] = []
    for index, text in enumerate(limits):
        rest = len(limits) - index - 1
        suffix = f" +{rest}" if rest else ""
        candidate = ", ".join([*shown, text]) + suffix
        if len(candidate) > width:
            break
        shown.append(text)
    if not shown:
        # Cut the first limit rather than the count: "+2" says there is more to see.
        suffix = f"… +{len(limits) - 1}"
        return limits[0][: max(1, width - len(suffix))] + suffix
    hidden = len(limits) - len(shown)
    return ", ".join(shown) + (f" +{hidden}" if hidden else "")


_NUMBER = re.compile(r"\d[\d\u2009]*")


def shorten_limit(text: str, width: int) -> str:
    """One limit (``Block storage 987 654 GB-months``) in ``width`` cells: the unit goes
    first, then the component's name is cut; the number stays whole while it fits."""
    if len(text) <= width:
        return text
    numbers = list(_NUMBER.finditer(text))
    if not numbers:
        return text[: max(0, width - 1)] + "…"
    number = numbers[-1].group()
    name = text[: numbers[-1].start()].rstrip()
    if len(name) + 1 + len(number) <= width:
        return f"{name} {number}"
    room = width - len(number) - 2
    if room >= 1:
        return f"{name[:room]}… {number}"
    return number[:width]


def limits_fit(limits: list[str], width: int) -> str:
    """The limits cell: :func:`limits_cell`, with a limit that must be cut losing its
    unit and then its name before its number (a narrow 80-column table)."""
    shown = limits_cell(limits, width)
    if len(limits) == 1:
        return shorten_limit(limits[0], width)
    suffix = f" +{len(limits) - 1}"
    if limits and shown.endswith("…" + suffix):
        return shorten_limit(limits[0], width - len(suffix)) + suffix
    return shown


def styled_segments(text: Text, console: Console) -> list[Segment]:
    """``text`` as segments that each carry a real ``Style``, never ``None``.

    ``Text.render`` yields a bare ``Segment(text)`` (style ``None``, the text's own style
    dropped) for a text without spans, and Textual's Monochrome filter, on under
    ``NO_COLOR``, reads ``.color`` off every segment's style: a ``None`` crashed the app.
    Here a segment without a style gets the text's own.
    """
    own = console.get_style(text.style) if isinstance(text.style, str) else text.style
    return [
        segment if segment.style is not None else Segment(segment.text, own, segment.control)
        for segment in text.render(console)
    ]


def fitted(text: str, width: int) -> str:
    """``text`` in ``width`` cells as a cell shows it: cut with "…", or padded with spaces
    (what ``Text.truncate(width, overflow="ellipsis", pad=True)`` does, without a Text)."""
    length = cell_len(text)
    if length > width:
        return set_cell_size(text, width - 1) + "…"
    if length < width:
        return text + " " * (width - length)
    return text


def _position(rows: Sequence[PolicyRow], uuid: str, guess: int) -> int:
    """Where the policy ``uuid`` is in ``rows`` (``guess`` when it is not there): looked
    for near ``guess`` first, then over every row at C speed (100 000 matches of a
    filter, each keystroke)."""
    # The index's matches find it off their facts, without making a row each.
    find = getattr(rows, "find", None)
    if find is not None:
        found = find(uuid, guess)
        return guess if found is None else found  # type: ignore[no-any-return]
    for at in range(max(0, guess - 50), min(len(rows), guess + 50)):
        if rows[at].uuid == uuid:
            return at
    try:
        return list(map(_UUID, rows)).index(uuid)
    except ValueError:
        return guess


_UUID = attrgetter("uuid")


@dataclass(frozen=True, slots=True)
class _Palette:
    """The styles of one kind of line: its own, its gutter's, and its cells'."""

    row: Style
    gutter: Style
    fired: Style
    dim: Style
    #: The Usage cell's, by its level (a level not here: the row's).
    levels: dict[str, Style]


def _thumb(size: int, virtual: int, window: int, position: float) -> tuple[int, ...]:
    """Where a vertical scrollbar of ``size`` cells draws its thumb, in eighths of a cell,
    as Textual's ``ScrollBarRender.render_bar`` works it out (Textual 8.2.8)."""
    window = window if window < virtual else 0
    if not (window and size and virtual and size != virtual):
        return (size,)
    thumb = max(1, window / (virtual / size))
    start = int((size - thumb) * (position / (virtual - window)) * 8)
    return (size, start, start + ceil(thumb * 8))


class _RememberingScrollBar(ScrollBar):
    """A vertical scrollbar that paints each look once: Textual renders all its lines
    anew whenever it is refreshed (~0.3 ms a line through the rich pipeline), and a
    keystroke in `/` over 100 000 policies moves it between a few looks (no bar, a
    one-cell thumb at the top, a longer one) again and again (issue 13). A look is what
    Textual's render draws: the thumb's place in eighths of a cell (:func:`_thumb`),
    the bar's colours and the widget's style; the lines of a look seen before are
    reused as they are."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._looks: LRUCache[tuple[object, ...], list[Strip]] = LRUCache(32)

    def _look(self) -> tuple[object, ...]:
        bar = self.render()
        width, height = self.size
        thumb = _thumb(
            height,
            ceil(getattr(bar, "virtual_size", 0)),
            ceil(getattr(bar, "window_size", 0)),
            getattr(bar, "position", 0),
        )
        style = getattr(bar, "style", None)
        return (type(bar), width, height, thumb, style, self.visual_style, self.vertical)

    def _render_content(self) -> None:
        look = self._look()
        lines = self._looks.get(look)
        if lines is None:
            super()._render_content()
            self._looks[look] = self._render_cache.lines
            return
        self._render_cache = type(self._render_cache)(self.size, lines)
        self._dirty_regions.clear()


class _Held:
    """Rows kept alive by a window (so their ids stay theirs); equal to any other."""

    __slots__ = ("rows",)

    def __init__(self, rows: list[PolicyRow]) -> None:
        self.rows = rows

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Held)

    __hash__ = None  # type: ignore[assignment]


#: Batches bigger than this are merged into the sorted view by one sort, smaller ones by
#: a binary search per row.
MERGE_BY_SORT = 32


class PolicyTable(BoundWhereTyped, ScrollView, can_focus=True):
    """Rows of policies with a sticky header, a row cursor, sorting and a quick filter."""

    BINDINGS = [
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("home,g", "cursor_first", "Top", show=False),
        Binding("end,G", "cursor_last", "Bottom", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        # No Enter here: the screen binds it, so opening a policy happens as the key is
        # handled. A message posted from here arrived after keys typed ahead ("Enter y"
        # fast opened the raw view beneath the detail).
    ]

    COMPONENT_CLASSES = {
        "policy-table--header",
        "policy-table--header-sorted",
        "policy-table--cursor",
        "policy-table--fired",
        "policy-table--changed",
        "policy-table--dim",
        "policy-table--marked",
        "policy-table--mark",
        "policy-table--near",
        "policy-table--over",
    }

    DEFAULT_CSS = """
    PolicyTable {
        scrollbar-size-vertical: 1;
        overflow-x: hidden;
    }
    """

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        """As Textual's, made a :class:`_RememberingScrollBar`."""
        if self._vertical_scrollbar is None:
            bar = _RememberingScrollBar(
                vertical=True, name="vertical", thickness=self.scrollbar_size_vertical
            )
            bar.display = False
            self._vertical_scrollbar = bar
            self.app._start_widget(self, bar)
        return self._vertical_scrollbar

    # repaint=False: a move repaints just the two rows involved (see watch_cursor).
    cursor = reactive(0, always_update=True, init=False, repaint=False)

    class CursorMoved(Message):
        """The highlighted row changed (``row`` is None when the table is empty)."""

        def __init__(self, table: PolicyTable, row: PolicyRow | None) -> None:
            super().__init__()
            self.table = table
            self.row = row

        @property
        def control(self) -> PolicyTable:
            return self.table

    class Activated(Message):
        """A double click on a row (Enter is the screen's own binding)."""

        def __init__(self, table: PolicyTable, row: PolicyRow) -> None:
            super().__init__()
            self.table = table
            self.row = row

        @property
        def control(self) -> PolicyTable:
            return self.table

    class EdgeReached(Message):
        """The cursor was pushed past the first or last row (the list turns the page)."""

        def __init__(self, table: PolicyTable, forward: bool) -> None:
            super().__init__()
            self.table = table
            self.forward = forward

    class SortChanged(Message):
        def __init__(self, table: PolicyTable, column: str | None, reverse: bool) -> None:
            super().__init__()
            self.table = table
            self.column = column
            self.reverse = reverse

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        #: A list, or a sequence shown as given (the index's matches, read lazily: see
        #: :meth:`show_ordered`) that is copied only when rows are added or swapped.
        self._held: Sequence[PolicyRow] = []
        #: Counts the changes to the rows held (set, added, changed, removed), not to
        #: the view over them: what the screen counts over every row (the fired view's
        #: "still over") is kept until it moves.
        self.rows_revision = 0
        self._view: Sequence[PolicyRow] = []
        #: The sort key of each row on view, in view order (empty when unsorted).
        self._view_keys: list[Any] = []
        #: The quick filter as typed, and the test of a row it stands for (None: none).
        self._filter_typed = ""
        self._keep: Callable[[PolicyRow], bool] | None = None
        self._keep_facts: Callable[[IndexedFacts], bool] | None = None
        self.sort_column: str | None = None
        self.sort_reverse = False
        #: The rows came ordered (the index's matches, sorted across every one): the
        #: header marks ``sort_column`` but the table does not sort them again.
        self._presorted = False
        #: The rows were given in the sort order (:meth:`set_rows_in_order`): presorted
        #: only until rows are set again.
        self._in_order = False
        #: What :meth:`show_ordered` was last given (the rows shown since), if anything.
        self._ordered: Iterable[PolicyRow] | None = None
        self._layout: list[tuple[Column, int]] = []
        self._layout_width = -1
        self._line_cache: LRUCache[tuple[object, ...], tuple[Strip, PolicyRow]] = LRUCache(1024)
        self._last_cursor_uuid: str | None = None
        self._painted: tuple[object, ...] = ()
        self._styles: dict[str, Style] = {}
        #: The styles of each kind of line (see :meth:`_palette`).
        self._palettes: dict[tuple[Style, bool, bool, bool], _Palette] = {}
        #: The widget's style during a paint (see :meth:`render_lines`).
        self._frame_base: Style | None = None
        #: Rows added above keep what is on screen in place (as a browser's scroll
        #: anchoring does) once the user has moved in this list; until then the head of
        #: the list stays in view, so the newest rows of a streaming fired view show.
        self._anchored = False
        #: Said in the empty table (the fired view while its scan starts): keeping the
        #: table on screen, and focused, makes the first rows a repaint of lines, not a
        #: new layout, a focus change and a recomposed footer.
        self.placeholder = ""
        #: The uuids marked for a bulk change (set by the list screen, which holds them).
        self.marked: frozenset[str] = frozenset()
        #: The Usage column's cells by policy uuid (absent: not read yet).
        self._usage: dict[str, UsageCell] = {}
        #: The sizes of the last layout (see :meth:`_size_updated`).
        self._sizes: tuple[Size, Size, Size, Size] | None = None

    # -- data ---------------------------------------------------------------------------

    @property
    def rows(self) -> Sequence[PolicyRow]:
        """The rows on view (after the quick filter and the sort), in order."""
        return self._view

    @property
    def all_rows(self) -> Sequence[PolicyRow]:
        return self._all

    @property
    def in_order(self) -> bool:
        """The rows are shown as :meth:`set_rows_in_order` gave them: in their order, no
        quick filter over them."""
        return self._in_order and self._keep is None

    def on_screen(self) -> list[PolicyRow]:
        """The rows in the window, top to bottom (a view over the index holds 100 000
        rows; only these are read for their usage under a plain filter)."""
        top = round(self.scroll_y)
        return self._view[top : top + max(1, self.size.height)]

    @property
    def row_count(self) -> int:
        return len(self._view)

    @property
    def current(self) -> PolicyRow | None:
        return self._view[self.cursor] if 0 <= self.cursor < len(self._view) else None

    @property
    def filter_text(self) -> str:
        return self._filter_typed if self._keep is not None else ""

    def set_usage(self, cells: Mapping[str, UsageCell], *, replace: bool = False) -> None:
        """Fill in the Usage column (``replace``: forget the cells of an older refresh)."""
        if replace:
            self._usage = {}
            self._usage.update(cells)
            self.refresh()
            return
        # Only the lines whose cell is new or changed: the index's usage fill sends the
        # cells of thousands of policies, a few of them (or none) on screen.
        width = self.size.width
        lines = [
            Region(0, at + 1, width, 1)
            for at, row in enumerate(self.on_screen())
            if row.uuid in cells and cells[row.uuid] != self._usage.get(row.uuid)
        ]
        self._usage.update(cells)
        if lines:
            self.refresh(*lines)

    def usage_of(self, uuid: str) -> UsageCell | None:
        return self._usage.get(uuid)

    def forget_usage(self, uuids: Collection[str]) -> None:
        """Blank these policies' Usage cells (their figure was of a window they no longer
        have: a save changed the period) until a new figure comes."""
        # Every one popped (any() over the pops would stop at the first found).
        dropped = [uuid for uuid in uuids if self._usage.pop(uuid, None) is not None]
        if dropped:
            self.refresh()

    def show_placeholder(self, text: str) -> None:
        self.placeholder = text
        self.refresh()

    def set_rows(
        self,
        rows: Iterable[PolicyRow],
        *,
        keep_uuid: str | None = None,
        fallback_index: int | None = None,
    ) -> None:
        """Replace every row. The cursor stays on ``keep_uuid`` (default: the current row);
        when that policy is gone it goes to ``fallback_index`` (-1: the last row; default:
        the same position)."""
        keep = keep_uuid if keep_uuid is not None else self._current_uuid()
        if self._in_order:
            # The rows given in order before were; these are sorted as the header says.
            self._presorted = self._in_order = False
        self._all = list(rows)
        self._show_all(keep, fallback_index)

    def set_rows_in_order(self, rows: Sequence[PolicyRow]) -> None:
        """Replace every row with ``rows``, already in the table's sort order (the fired
        view over the index, whose rows are made as they are shown): held as given, not
        copied nor sorted again, until the next :meth:`set_rows` or sort. Read whole
        (and so made) only when the table must go over every row (another sort, its
        quick filter, added rows)."""
        keep = self._current_uuid()
        self._presorted = self._in_order = True
        self._all = rows
        self._show_all(keep, None)

    def _show_all(self, keep: str | None, fallback_index: int | None) -> None:
        self._anchored = False
        self.placeholder = ""
        # The line cache and the last window stay: both are keyed by the rows
        # themselves (held, so no other row can take their ids), so rows that stay on
        # screen are not painted again: a keystroke over the index that leaves the
        # first screen of matches as it was repaints nothing.
        if fallback_index is not None and fallback_index < 0:
            fallback_index = len(self._all) - 1
        self._rebuild(keep, fallback_index=fallback_index)

    def show_ordered(self, rows: Iterable[PolicyRow], column: str | None, reverse: bool) -> None:
        """Rows filtered and ordered elsewhere (the index's matches): shown as given, the
        header marking ``column``; the cursor stays on its policy.

        A sequence that is not a list (the index's matches) is held as given, not
        copied: 100 000 matches a keystroke copied twice cost more in garbage
        collection than the filter itself. It must not change while it is shown."""
        if rows is self._ordered and (column, reverse) == (self.sort_column, self.sort_reverse):
            return  # the same answer as the last keystroke's (PolicyIndex.select)
        self._keep = self._keep_facts = None
        self.sort_column, self.sort_reverse = column, reverse
        self._presorted, self._in_order = True, False
        keep = self._current_uuid()
        as_given = isinstance(rows, Sequence) and not isinstance(rows, list)
        self._all = rows if as_given else list(rows)  # type: ignore[assignment]
        self._show_all(keep, None)
        self._ordered = rows

    @property
    def _all(self) -> Sequence[PolicyRow]:
        return self._held

    @_all.setter
    def _all(self, rows: Sequence[PolicyRow]) -> None:
        self._held = rows
        self.rows_revision += 1

    def _owned(self) -> tuple[list[PolicyRow], list[PolicyRow]]:
        """The held rows and the view as lists of this table's own, to change in place.

        Rows given in order (:meth:`set_rows_in_order`) are from then on sorted as the
        header says, as any list the table holds: a row added or changed goes to its
        place in that order, not last (the order given is that sort's, so nothing moves)."""
        if self._in_order:
            self._presorted = self._in_order = False
        self.rows_revision += 1  # the caller changes them in place
        if not isinstance(self._all, list):
            self._all = list(self._all)
        if not isinstance(self._view, list):
            self._view = list(self._view)
        return self._all, self._view

    def add_rows(self, rows: Iterable[PolicyRow]) -> None:
        """Append a batch (the fired view streams pages in); one repaint per batch.

        The batch is merged into the sorted view by binary search on the cached sort
        keys: re-sorting every held row per batch held the UI for tens of milliseconds
        once a 100 000-policy scan had found thousands of fired ones.
        """
        batch = list(rows)
        held, _ = self._owned()
        held.extend(batch)
        anchor = self._anchored and bool(self._view)
        top, before = round(self.scroll_y), self.cursor
        if self._keep is not None:
            batch = list(filter(self._keep, batch))
        index = self.cursor
        if not self.sort_column:
            self._owned()[1].extend(batch)
        elif len(self._view_keys) != len(self._view):
            self._rebuild(self._current_uuid())
            return
        else:
            column, reverse = self.sort_column, self.sort_reverse
            view, keys = self._owned()[1], self._view_keys
            if len(batch) > MERGE_BY_SORT:
                # A big batch: one C-level stable sort of the cached keys (the held rows
                # are one sorted run already, so this is a merge) beats a Python-level
                # binary search per row.
                rows_all = view + batch
                keys_all = keys + [r.sort_key(column) for r in batch]
                order = sorted(range(len(rows_all)), key=keys_all.__getitem__, reverse=reverse)
                self._view = [rows_all[i] for i in order]
                self._view_keys = [keys_all[i] for i in order]
                if anchor:  # the cursor stays on its policy
                    index = order.index(index)
                self._view_changed(index, top + index - before if anchor else None)
                return
            for row in batch:
                key = row.sort_key(column)
                # After the equal keys, as a stable sort of the appended rows would put it.
                lo, hi = 0, len(keys)
                while lo < hi:
                    mid = (lo + hi) // 2
                    if (keys[mid] < key) if reverse else (key < keys[mid]):
                        hi = mid
                    else:
                        lo = mid + 1
                keys.insert(lo, key)
                view.insert(lo, row)
                if anchor and lo <= index:
                    index += 1  # the cursor stays on its policy
        self._view_changed(index, top + index - before if anchor else None)

    def replace_row(self, row: PolicyRow) -> bool:
        """Swap the row of the same policy in place; False when it is not held."""
        for index, existing in enumerate(self._all):
            if existing.uuid == row.uuid:
                self._owned()[0][index] = row
                self._line_cache.clear()
                self._painted = ()
                self._rebuild(self._current_uuid())
                return True
        return False

    def remove_uuid(self, uuid: str) -> bool:
        before = len(self._all)
        position = self.cursor
        self._all = [r for r in self._all if r.uuid != uuid]
        if len(self._all) == before:
            return False
        self._rebuild(None, fallback_index=position)
        return True

    def show_marks(self, marked: frozenset[str]) -> None:
        """Paint ``marked`` as the marked rows (a "*" in the gutter, a tinted line)."""
        if marked != self.marked:
            self.marked = marked
            self.refresh()

    def set_filter(
        self,
        text: str,
        keep: Callable[[PolicyRow], bool] | None,
        *,
        keep_facts: Callable[[IndexedFacts], bool] | None = None,
    ) -> None:
        """Show only the rows ``keep`` keeps (the fired view's `/`: the filter language's
        test), ``text`` being what was typed; None: every row. ``keep_facts`` is the same
        test over a policy's index facts: rows held as the index's fired rows are then
        kept by their facts, none made (:meth:`FiredRows.matching`)."""
        self._filter_typed = text.strip()
        self._keep = keep
        self._keep_facts = keep_facts if keep is not None else None
        self._rebuild(self._current_uuid())

    def sort_by(self, column: str | None, reverse: bool | None = None) -> None:
        """Sort the held rows by a column; a second call on the same column flips it."""
        self._presorted = self._in_order = False
        if column is None:
            self.sort_column, self.sort_reverse = None, False
        elif reverse is not None:
            self.sort_column, self.sort_reverse = column, reverse
        elif column == self.sort_column:
            self.sort_reverse = not self.sort_reverse
        else:
            self.sort_column, self.sort_reverse = column, column in DESCENDING_FIRST
        self._rebuild(self._current_uuid())
        self.post_message(self.SortChanged(self, self.sort_column, self.sort_reverse))

    def move_to_uuid(self, uuid: str) -> bool:
        for index, row in enumerate(self._view):
            if row.uuid == uuid:
                self.cursor = index
                return True
        return False

    def _current_uuid(self) -> str | None:
        row = self.current
        return row.uuid if row else None

    def _rebuild(self, keep_uuid: str | None, *, fallback_index: int | None = None) -> None:
        rows = self._all
        if self._keep is not None:
            matching = getattr(rows, "matching", None)
            if matching is not None and self._keep_facts is not None:
                rows = matching(self._keep_facts)
            else:
                rows = list(filter(self._keep, rows))
        if self.sort_column and not self._presorted:
            column = self.sort_column
            keys = [r.sort_key(column) for r in rows]
            order = sorted(range(len(rows)), key=keys.__getitem__, reverse=self.sort_reverse)
            self._view = [rows[i] for i in order]
            self._view_keys = [keys[i] for i in order]
        elif isinstance(rows, list):
            self._view = list(rows)
            self._view_keys = []
        else:
            self._view = rows  # shown as given (show_ordered): not copied
            self._view_keys = []
        index = fallback_index if fallback_index is not None else self.cursor
        if keep_uuid is not None:
            index = _position(self._view, keep_uuid, index)
        self._view_changed(index)

    def _view_changed(self, index: int, top: int | None = None) -> None:
        """Size, cursor and (only when what is on screen changed) a repaint; ``top``: the
        first row to show (rows were added above: the same rows stay on screen, so the
        repaint is of cached lines)."""
        self._ordered = None  # the rows changed: whatever comes next is shown
        virtual = Size(self.size.width, len(self._view) + 1)
        if virtual != self.virtual_size:
            self._set_row_count(virtual)
        if top is not None and top != round(self.scroll_y):
            self.scroll_to(y=top, animate=False, immediate=True)
        self.cursor = max(0, min(index, len(self._view) - 1))
        # Repaint only when what is on screen changed: a fired scan appends thousands of
        # rows, most of them below the fold.
        window = self._window()
        if window != self._painted:
            self._repaint(self._painted, window)
            self._painted = window

    def _set_row_count(self, virtual: Size) -> None:
        """A new count of rows: the scrollbar's thumb moves, nothing else does. Set as
        the virtual size's reactive it laid the whole screen out again, and painted it,
        on each keystroke in `/` that changed the number of matches (issue 13); here
        only the scrollbar is refreshed, and the layout comes only when the scrollbar
        shows or goes (``_scroll_update`` sets ``show_vertical_scrollbar``, which lays
        out)."""
        self.set_reactive(PolicyTable.virtual_size, virtual)
        if not (self.is_mounted and self.container_size):
            self.refresh(layout=True)  # no layout yet: the first one sizes the scrollbar
            return
        bar = self._vertical_scrollbar
        if (
            bar is not None
            and self.show_vertical_scrollbar
            and virtual.height > self.container_size.height  # it stays
            and self.scroll_y <= self.max_scroll_y  # the window stays where it is
        ):
            size, window, position = bar.size.height, bar.window_size, bar.position
            if _thumb(size, bar.window_virtual_size, window, position) == _thumb(
                size, virtual.height, window, position
            ):
                # 4 000 matches or 3 000: at the top of a tall list the thumb is one
                # cell either way. Not repainted (a scrollbar paints all its lines).
                bar.set_reactive(ScrollBar.window_virtual_size, virtual.height)
                return
        self._scroll_update(virtual)

    def _window(self) -> tuple[object, ...]:
        """What is on screen: the header's and the window's state, then each line's row
        (its id and mark), then the rows themselves (held, so their ids are theirs)."""
        top = round(self.scroll_y)
        height = max(1, self.size.height)
        visible = self._view[top : top + height]
        head = (top, height, self.sort_column, self.sort_reverse, self.placeholder, bool(visible))
        return (head, tuple((id(row), row.changed) for row in visible), _Held(visible))

    def _repaint(self, before: tuple[object, ...], after: tuple[object, ...]) -> None:
        """Refresh the lines whose row changed (all of them when the header, the scroll
        or the size did): a keystroke in `/` that keeps some of the rows on screen
        leaves their lines to Textual's cache, which restyles every line it is given."""
        if not before or before[0] != after[0]:
            self.refresh()
            return
        old_lines, new_lines = before[1], after[1]
        assert isinstance(old_lines, tuple) and isinstance(new_lines, tuple)
        width = self.size.width
        changed = [
            at
            for at in range(max(len(old_lines), len(new_lines)))
            if at >= len(old_lines) or at >= len(new_lines) or old_lines[at] != new_lines[at]
        ]
        # Runs of changed lines, one region each (the header is line 0).
        regions: list[Region] = []
        for at in changed:
            if regions and regions[-1].bottom == at + 1:
                last = regions[-1]
                regions[-1] = Region(0, last.y, width, last.height + 1)
            else:
                regions.append(Region(0, at + 1, width, 1))
        if regions:
            self.refresh(*regions)

    # -- cursor -------------------------------------------------------------------------

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self._view) - 1)) if self._view else 0

    def watch_cursor(self, old: int, new: int) -> None:
        # Repaint just the two rows that changed: a cursor move stays a few hundred bytes.
        # Set again where it was (new rows under it: `_view_changed` repaints those), it
        # repaints nothing.
        if old != new:
            self.refresh_line(old + 1)
            self.refresh_line(new + 1)
        self._scroll_to_cursor()
        uuid = self._current_uuid()
        if uuid != self._last_cursor_uuid or uuid is None:
            self._last_cursor_uuid = uuid
            self.post_message(self.CursorMoved(self, self.current))

    def _scroll_to_cursor(self) -> None:
        body = max(1, self.scrollable_content_region.height - 1)
        top = round(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + body:
            self.scroll_to(y=self.cursor - body + 1, animate=False, immediate=True)

    def action_cursor_up(self) -> None:
        self._anchored = True
        if self.cursor == 0:
            self.post_message(self.EdgeReached(self, forward=False))
        else:
            self.cursor -= 1

    def action_cursor_down(self) -> None:
        self._anchored = True
        if self.cursor >= len(self._view) - 1:
            self.post_message(self.EdgeReached(self, forward=True))
        else:
            self.cursor += 1

    def action_cursor_first(self) -> None:
        self._anchored = True
        self.cursor = 0

    def action_cursor_last(self) -> None:
        self._anchored = True
        self.cursor = len(self._view) - 1

    def _body_height(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def action_page_up(self) -> None:
        self._anchored = True
        if self.cursor == 0:
            self.post_message(self.EdgeReached(self, forward=False))
        else:
            self.cursor -= self._body_height()

    def action_page_down(self) -> None:
        self._anchored = True
        if self.cursor >= len(self._view) - 1:
            self.post_message(self.EdgeReached(self, forward=True))
        else:
            self.cursor += self._body_height()

    def action_activate(self) -> None:
        row = self.current
        if row is not None:
            self.post_message(self.Activated(self, row))

    # -- mouse --------------------------------------------------------------------------

    def on_mouse_scroll_down(self) -> None:
        self._anchored = True

    def on_mouse_scroll_up(self) -> None:
        self._anchored = True

    def on_click(self, event: events.Click) -> None:
        self._anchored = True
        if event.y == 0:
            column = self._column_at(event.x)
            if column is not None:
                self.sort_by(column)
            return
        index = event.y - 1 + round(self.scroll_y)
        if 0 <= index < len(self._view):
            self.cursor = index
            if event.chain >= 2:
                self.action_activate()

    def _column_at(self, x: int) -> str | None:
        position = 1
        for column, width in self._layout:
            if position <= x < position + width + GAP:
                return column.key
            position += width + GAP
        return None

    # -- painting -----------------------------------------------------------------------

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        # Every layout of the screen hands each widget its sizes, and ScrollView then
        # refreshes its scrollbar whenever the compositor's virtual size is not the
        # table's own (it never is: the table sets its own). That repainted the
        # scrollbar and every table line beside it on each keystroke in the `/` box (a
        # layout: the box's text grows) at the same sizes as before: skipped here.
        sizes = (size, virtual_size, container_size, self.virtual_size)
        if sizes == self._sizes:
            return self._container_size != container_size  # what ScrollView says then
        self._sizes = sizes
        return super()._size_updated(size, virtual_size, container_size, layout)

    def on_resize(self) -> None:
        # The line cache stays: its lines are keyed by their width. A keystroke in `/`
        # that shows or hides the filter note's second line changes only the height,
        # and one that shows or hides the scrollbar flips the width between two
        # widths: clearing it made every line on screen again (issue 13).
        self._painted = ()
        self.virtual_size = Size(self.size.width, len(self._view) + 1)
        self._scroll_to_cursor()

    def _columns(self) -> list[tuple[Column, int]]:
        width = self.scrollable_content_region.width
        if width != self._layout_width:
            self._layout = layout_columns(width)
            self._layout_width = width
        return self._layout

    @property
    def visible_columns(self) -> list[str]:
        return [c.key for c, _ in self._columns()]

    def render_lines(self, crop: Region) -> list[Strip]:
        # The widget's own style, read once a paint rather than once a line: it walks
        # every ancestor's styles (a third of a line's cost, issue 13).
        self._frame_base = self.rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._frame_base = None

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self._frame_base if self._frame_base is not None else self.rich_style
        if y == 0:
            return self._header_strip(width, base)
        index = y - 1 + round(self.scroll_y)
        if index >= len(self._view):
            if y == 2 and not self._view and self.placeholder:
                text = Text(f" {self.placeholder}", style=base + self._style("policy-table--dim"))
                text.truncate(width, overflow="ellipsis", pad=True)
                return Strip(styled_segments(text, self.app.console), width)
            return Strip.blank(width, base)
        row = self._view[index]
        selected = index == self.cursor
        focused = self.has_focus
        marked = row.uuid in self.marked
        usage = self._usage.get(row.uuid)
        key = (row.uuid, id(row), width, selected, focused, row.changed, marked, usage, base)
        cached = self._line_cache.get(key)
        if cached is None:
            # The row is kept with its line: while it is cached, no other row has its id.
            cached = (self._row_strip(row, width, base, selected, focused, marked), row)
            self._line_cache[key] = cached
        return cached[0]

    def _style(self, name: str) -> Style:
        """Component styles, looked up once per theme/focus change rather than per line."""
        style = self._styles.get(name)
        if style is None:
            style = self.get_component_rich_style(name)
            if name in _FOREGROUND_ONLY:
                # Text colour and weight only: the row's background (cursor) shows through.
                style = Style(color=style.color, bold=style.bold, italic=style.italic)
            self._styles[name] = style
        return style

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = {}
        self._palettes = {}
        self._line_cache.clear()

    def _header_strip(self, width: int, base: Style) -> Strip:
        header = base + self._style("policy-table--header")
        sorted_style = header + self._style("policy-table--header-sorted")
        text = Text(" ", style=header, end="")
        for column, cell_width in self._columns():
            title = column.title
            style = header
            if column.key == self.sort_column:
                arrow = "▼" if self.sort_reverse else "▲"
                if cell_len(title) + 2 > cell_width:
                    # The title gives way, not the arrow: a narrow column says its sort.
                    short = Text(title, end="")
                    short.truncate(max(cell_width - 2, 1), overflow="ellipsis")
                    title = short.plain
                title = f"{title} {arrow}"
                style = sorted_style
            cell = Text(title, style=style, end="")
            cell.truncate(cell_width, overflow="ellipsis", pad=True)
            text.append_text(cell)
            text.append(" " * GAP, style=header)
        return self._strip(text, width, header)

    def _palette(self, base: Style, selected: bool, focused: bool, marked: bool) -> _Palette:
        """The styles of one kind of line (plain, marked, under the cursor), made once
        per theme rather than added up cell by cell on every line."""
        key = (base, selected, focused, marked)
        palette = self._palettes.get(key)
        if palette is None:
            style = base
            if marked:
                style = base + self._style("policy-table--marked")
            if selected:
                cursor = self._style("policy-table--cursor")
                style = style + (
                    cursor if focused else Style(reverse=False, bgcolor=cursor.bgcolor)
                )
            dim = style + self._style("policy-table--dim")
            palette = _Palette(
                row=style,
                gutter=style
                + self._style("policy-table--mark" if marked else "policy-table--changed"),
                fired=style + self._style("policy-table--fired"),
                dim=dim,
                levels={
                    "over": style + self._style("policy-table--over"),
                    "near": style + self._style("policy-table--near"),
                    "none": dim,
                },
            )
            self._palettes[key] = palette
        return palette

    def _row_strip(
        self,
        row: PolicyRow,
        width: int,
        base: Style,
        selected: bool,
        focused: bool,
        marked: bool = False,
    ) -> Strip:
        palette = self._palette(base, selected, focused, marked)
        style = palette.row
        # Segments straight from the cells' texts and the line's ready-made styles, runs
        # of one style merged as they are made: rich Texts, Segment.simplify and a crop
        # of each line cost most of a repaint, and a keystroke over the index repaints
        # every row on screen (issue 13's keystroke -> repaint).
        # The gutter: "*" marked for a bulk change (as in mc and ranger; plain ASCII, so it
        # reads under NO_COLOR and TERM=linux), else "◆" changed since the last look.
        gutter = "*" if marked else ("◆" if row.changed else " ")
        texts: list[str] = [gutter]
        styles: list[Style] = [palette.gutter]
        gap = " " * GAP
        used = 1
        for column, cell_width in self._columns():
            text, cell_style = self._cell(row, column.key, cell_width, palette)
            text = fitted(text, cell_width)
            for part, part_style in ((text, cell_style), (gap, style)):
                if part_style is styles[-1] or part_style == styles[-1]:
                    texts[-1] += part
                else:
                    texts.append(part)
                    styles.append(part_style)
            used += cell_width + GAP
        if used > width:
            if used - width > GAP:  # narrower than one column: cut as a Strip cuts
                strip = Strip([Segment(t, s) for t, s in zip(texts, styles, strict=True)], used)
                return strip.crop(0, width)
            # The last gap runs past the edge: it goes.
            texts[-1] = texts[-1][: len(texts[-1]) - (used - width)]
            if not texts[-1]:
                texts.pop()
                styles.pop()
        segments = [Segment(t, s) for t, s in zip(texts, styles, strict=True)]
        if used < width:
            segments.append(Segment(" " * (width - used), style))
        return Strip(segments, width)

    def _cell(self, row: PolicyRow, key: str, width: int, palette: _Palette) -> tuple[str, Style]:
        """One cell's text (not yet fitted to ``width``) and its style."""
        if key == "fired":
            if not row.fired_key[0]:  # has_fired, without building a transferred row's model
                return "·", palette.dim
            return f"● {row.fired}", palette.fired
        if key == "actions":
            # As the limits: whole labels that fit, then "+N"; the count is never cut.
            return limits_cell(row.actions.split(ACTION_SEPARATOR), width), palette.row
        if key == "limits":
            return limits_fit(row.limits, width), palette.row
        if key == "groups" and not row.groups:
            return "—", palette.dim
        if key == "created":
            return row.created, palette.dim
        if key == "usage":
            cell = self._usage.get(row.uuid)
            if cell is None:
                return "", palette.row  # not read yet: blank, never a guess
            return cell.fit(width), palette.levels.get(cell.level, palette.row)
        return str(getattr(row, key)), palette.row

    def _strip(self, text: Text, width: int, pad_style: Style) -> Strip:
        text.truncate(width, overflow="crop", pad=False)
        # Merge runs of one style: fewer escape sequences per repainted line.
        segments = list(Segment.simplify(styled_segments(text, self.app.console)))
        strip = Strip(segments)
        if strip.cell_length < width:
            strip = Strip([*segments, Segment(" " * (width - strip.cell_length), pad_style)])
        return strip.crop(0, width)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
