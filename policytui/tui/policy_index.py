"""The index of every policy the user can see: rows and their filter facts, in memory.

Filled by the same walk over every page as the fired view (``Work.scan_fired`` with
``keep_all``), batch by batch as pages arrive, and read by the list's `/` filter and its
sort across every match. Plain data, no Textual: the list screen holds one and tests
drive it directly (tests/tui/test_policy_index.py).

A refresh (`r`, a ``--watch`` tick) walks every page again into a *pending* fill; the
rows on view stay until it is complete, then are swapped in at once, so a filter never
flickers to "3 of 1 200 read" on every tick. A policy the refresh finds changed (any
field the server sent differs) is marked.
"""

from __future__ import annotations

import time
from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import compress, islice
from operator import attrgetter
from typing import TYPE_CHECKING

from policytui.query.columns import FactColumns, Mask
from policytui.query.facts import PolicyFacts
from policytui.query.summary import summary

if TYPE_CHECKING:
    from policytui.query import Filter, SortOrder, Term
    from policytui.tui.rows import PolicyRow

#: Two selections this close are "the same moment" for ages (``fired:<7d``): a keystroke
#: may filter what the previous one kept (see ``Filter.narrows``).
SAME_MOMENT_SECONDS = 1.0
_UUID = attrgetter("uuid")

#: Thin space: thousands grouped as the rest of the app does ("12 340").
_THIN = "\u2009"


def _grouped(value: int) -> str:
    return f"{value:,}".replace(",", _THIN)


class IndexedFacts(PolicyFacts):
    """A policy's facts with its row: the rows of a selection are then one slot read per
    match, where a look-up by uuid in a dict of 100 000 cost each keystroke ~3x that.
    The helper sends them so (the row and the facts' link to it in one pickle)."""

    __slots__ = ("row",)
    row: PolicyRow

    def __reduce__(self) -> tuple[object, ...]:
        return (IndexedFacts, _FACT_FIELDS(self), (None, {"row": self.row}))


_FACT_FIELDS = attrgetter(*PolicyFacts.__slots__)
_ROW = attrgetter("row")


class Matches(Sequence["PolicyRow"]):
    """The rows of a selection, found and read as they are asked for.

    A selection is a mask over the index's facts (:mod:`policytui.query.columns`): a
    keystroke over 100 000 policies makes no list of them. The table asks for the ~40
    rows on screen and the count; the positions of the matches are found in order up
    to the row asked for (``bytes.find`` over the mask, or a walk of the order's
    permutation), and all of them only when a row far down is asked for.
    """

    __slots__ = ("_count", "_found", "_mask", "_next", "_order", "_row_of", "_where", "facts")

    def __init__(
        self,
        facts: list[PolicyFacts],
        mask: Mask | None,
        order: _Order | None,
        row_of: Callable[[int], PolicyRow],
        where: Callable[[str], int | None] | None = None,
    ) -> None:
        #: The facts the mask was made over (only its first ``len(mask)`` count).
        self.facts = facts
        self._mask = mask
        self._order = order
        self._row_of = row_of
        #: A policy's position in ``facts`` by its uuid (None: not there).
        self._where = where
        size = len(facts) if mask is None else len(mask)
        self._count = size if mask is None else mask.count(1)
        #: Positions of the first matches in the order shown, and where to look on.
        self._found: list[int] = []
        self._next = 0
        if order is not None and mask is not None and self._count <= _SORT_FEW:
            # Few matches: each is found in the mask at C speed, then ordered by rank.
            self._found = list(compress(range(len(mask)), mask))
            self._found.sort(key=order.rank.__getitem__)
            self._next = -1

    def __len__(self) -> int:
        return self._count

    def position(self, at: int) -> int:
        """The index position of the match shown at ``at`` (0 <= at < len)."""
        mask, order = self._mask, self._order
        if mask is None:
            return order.perm[at] if order is not None else at
        found = self._found
        if at < len(found):
            return found[at]
        if self._next < 0:
            raise IndexError(at)
        if at - len(found) > _FIND_AHEAD:
            self._find_all()
            return self._found[at]
        if order is None:
            find, start = mask.find, self._next
            while len(found) <= at:
                start = find(1, start)
                if start < 0:
                    raise IndexError(at)
                found.append(start)
                start += 1
            self._next = start
        else:
            perm, start, size = order.perm, self._next, len(mask)
            while len(found) <= at and start < size:
                position = perm[start]
                if position < size and mask[position]:
                    found.append(position)
                start += 1
            self._next = start
            if len(found) <= at:
                raise IndexError(at)
        return found[at]

    def _find_all(self) -> None:
        mask, order = self._mask, self._order
        assert mask is not None
        if order is None:
            self._found = list(compress(range(len(mask)), mask))
        else:
            size = len(mask)
            perm = [p for p in order.perm if p < size] if len(order.perm) > size else order.perm
            self._found = list(compress(perm, map(mask.__getitem__, perm)))
        self._next = -1

    def positions(self) -> list[int]:
        """Every match's position, in the order shown."""
        if self._mask is None:
            order = self._order
            return list(order.perm) if order is not None else list(range(self._count))
        if self._next >= 0:
            self._find_all()
        return self._found

    def __getitem__(self, at: int | slice) -> PolicyRow | list[PolicyRow]:  # type: ignore[override]
        if isinstance(at, slice):
            start, stop, step = at.indices(self._count)
            return [self._row_of(self.position(i)) for i in range(start, stop, step)]
        if at < 0:
            at += self._count
        if not 0 <= at < self._count:
            raise IndexError(at)
        return self._row_of(self.position(at))

    def __iter__(self) -> Iterator[PolicyRow]:
        return map(self._row_of, self.positions())

    def uuid_at(self, at: int) -> str:
        return self.facts[self.position(at)].uuid

    def uuids(self) -> list[str]:
        """Each match's uuid, in order (read off the facts, no row touched)."""
        facts = self.facts
        return [facts[p].uuid for p in self.positions()]

    def find(self, uuid: str, guess: int) -> int | None:
        """Where the policy ``uuid`` is shown (looked for near ``guess`` first); None when
        it is not a match. Counted off the mask, not by listing every match's uuid."""
        for at in range(max(0, guess - 50), min(self._count, guess + 50)):
            if self.uuid_at(at) == uuid:
                return at
        position = self._where(uuid) if self._where is not None else None
        mask, order = self._mask, self._order
        size = len(self.facts) if mask is None else len(mask)
        if position is None or position >= size or (mask is not None and not mask[position]):
            return None
        if order is None:
            return position if mask is None else mask.count(1, 0, position)
        if mask is None:
            return order.rank[position]
        if self._next < 0:
            return self._found.index(position)
        before = islice(order.perm, order.rank[position])
        return sum(map(mask.__getitem__, before))


#: Up to this many matches of a sorted selection are found and ordered at once.
_SORT_FEW = 4096
#: Asked for a row this far past the last one found: every match is found at once.
_FIND_AHEAD = 2048


class _Order:
    """Every policy of the index in a sort order: the positions in that order, and
    (made when first asked for) each position's place in it."""

    __slots__ = ("_rank", "perm")

    def __init__(self, perm: list[int]) -> None:
        self.perm = perm
        self._rank: array[int] | None = None

    @classmethod
    def of(cls, facts: Sequence[PolicyFacts], order: SortOrder) -> _Order:
        """Stable, the policies without a key last (as :func:`sort_policies`)."""
        keys = list(map(order.key, facts))
        missing = [at for at, key in enumerate(keys) if key is None]
        if missing:
            present = [at for at, key in enumerate(keys) if key is not None]
        else:
            present = list(range(len(keys)))
        present.sort(key=keys.__getitem__, reverse=order.descending)
        return cls(present + missing)

    @property
    def rank(self) -> array[int]:
        rank = self._rank
        if rank is None:
            rank = self._rank = array("L", [0]) * len(self.perm)
            for place, position in enumerate(self.perm):
                rank[position] = place
        return rank


def indexed(facts: Sequence[PolicyFacts], rows: Sequence[PolicyRow]) -> list[IndexedFacts]:
    """``facts`` linked to ``rows`` (the same policies, in the same order)."""
    linked = []
    for held, row in zip(facts, rows, strict=True):
        item = IndexedFacts(*_FACT_FIELDS(held))
        item.row = row
        linked.append(item)
    return linked


def _linked(facts: Sequence[PolicyFacts], rows: Sequence[PolicyRow]) -> Sequence[PolicyFacts]:
    """``facts`` as they are when each is linked to its row already, else linked."""
    if len(facts) == len(rows) and all(
        type(f) is IndexedFacts and f.row is r  # type: ignore[attr-defined]
        for f, r in zip(facts, rows, strict=True)
    ):
        return facts
    return indexed(facts, rows)


@dataclass(frozen=True, slots=True)
class _Selection:
    """A selection remembered: what was asked, of which state of the index, and when."""

    query: Filter
    order: SortOrder | None
    state: tuple[int, int, int]
    moment: float
    #: What each term kept of what the terms before it kept (masks over the facts).
    steps: list[Mask]
    #: The matches: the answer (None: made over fewer policies than the index holds).
    rows: Matches | None


@dataclass
class _Fill:
    rows: list[PolicyRow] = field(default_factory=list)
    facts: list[PolicyFacts] = field(default_factory=list)
    #: Coded as the refresh's batches arrive, so the swap does not code 100 000 at once.
    columns: FactColumns | None = None

    def coded(self) -> FactColumns:
        if self.columns is None:
            self.columns = FactColumns(self.facts)
        return self.columns


@dataclass
class PolicyIndex:
    """Every policy read so far, with how complete that is.

    ``generation`` tells a fill's batches from an older one's (the user pressed `r`
    again, or changed the offering): their batches are dropped.
    """

    generation: int = 0
    rows: list[PolicyRow] = field(default_factory=list)
    facts: list[PolicyFacts] = field(default_factory=list)
    #: Policies on the server, as the fill's first page said; None before it.
    total: int | None = None
    #: Every page was read: the index is the answer, not a part of it.
    complete: bool = False
    #: A fill is running (the first one, or a refresh gathering into ``_pending``).
    filling: bool = False
    #: Policies changed since the last fill (a refresh marks them).
    changed: set[str] = field(default_factory=set)
    #: Those of :attr:`changed` that fired since the last fill (``--notify``).
    fired: set[str] = field(default_factory=set)
    #: The fill failed before the end: the client's error, said under the filter.
    error: str | None = None
    _pending: _Fill | None = None
    _by_uuid: dict[str, PolicyRow] = field(default_factory=dict)
    #: Bumped by every change but an appended batch (which changes the length).
    _edits: int = 0
    #: The last selection, so a keystroke that narrows the filter looks only at what the
    #: last one kept.
    _last: _Selection | None = None
    #: Bumped when facts are replaced, removed or inserted (not appended): the columns
    #: (codes by position) are made anew then.
    _moved: int = 0
    _columns: FactColumns | None = None
    _columns_moved: int = -1
    _where: dict[str, int] = field(default_factory=dict)
    #: (the facts' id, their moves, how many of them are in ``_where``).
    _where_key: tuple[int, int, int] = (0, -1, 0)
    #: The last sort order's permutation, by (order, state of the index).
    _orders: dict[tuple[object, ...], _Order] = field(default_factory=dict)

    # -- filling ------------------------------------------------------------------------

    def start(self, *, refresh: bool) -> int:
        """A new fill; its generation. A refresh of a complete index gathers aside and
        swaps at the end; otherwise the index starts empty and fills on view."""
        self.generation += 1
        self._edits += 1
        self.filling = True
        self.error = None
        if refresh and self.complete:
            self._pending = _Fill()
        else:
            self._pending = None
            self.rows, self.facts, self._by_uuid = [], [], {}
            self.total = None
            self.complete = False
        return self.generation

    @property
    def refreshing(self) -> bool:
        return self._pending is not None

    def add(
        self,
        generation: int,
        rows: Sequence[PolicyRow],
        facts: Sequence[PolicyFacts],
        total: int | None,
    ) -> bool:
        """A batch of the fill ``generation``; False when it is an old fill's."""
        if generation != self.generation or not self.filling:
            return False
        target = self._pending if self._pending is not None else self
        target.rows.extend(rows)
        target.facts.extend(_linked(facts, rows))
        if self._pending is None:
            self.total = total
            self._by_uuid.update((row.uuid, row) for row in rows)
        # Coded as they arrive, so no keystroke waits for 100 000 of them at once.
        (self._columns_of() if self._pending is None else self._pending.coded()).sync()
        return True

    def finished(self, generation: int, total: int | None) -> bool:
        """Every page was read; True when it is the current fill's end."""
        if generation != self.generation or not self.filling:
            return False
        self.filling = False
        self.complete = True
        self._edits += 1
        pending, self._pending = self._pending, None
        self.fired = set()
        if pending is not None:
            before = self._by_uuid
            self.changed = {
                row.uuid
                for row in pending.rows
                if (old := before.get(row.uuid)) is not None and _differs(old, row)
            }
            # fired_key is (has_fired, when it last changed state): fired now, and not
            # in the state it was in (it had not fired, or it stopped and fired again).
            self.fired = {
                row.uuid
                for row in pending.rows
                if row.uuid in self.changed
                and row.fired_key[0]
                and before[row.uuid].fired_key != row.fired_key
            }
            for row in pending.rows:
                row.changed = row.uuid in self.changed
            # Usage figures are not part of the walk: the last ones stay until the next
            # usage fill replaces them, so `usage:>80` does not empty on every tick.
            known = {f.uuid: f.usage_percent for f in self.facts if f.usage_percent is not None}
            if known:
                for f in pending.facts:
                    f.usage_percent = known.get(f.uuid)
            self.rows, self.facts = pending.rows, pending.facts
            self._columns, self._columns_moved = pending.coded(), self._moved
            self._by_uuid = {row.uuid: row for row in self.rows}
        self.total = total if total is not None else len(self.rows)
        return True

    def resumed(self, generation: int) -> None:
        """The fill's first reader (the helper) stopped; every page is read again here,
        so what it sent is dropped (a refresh keeps the rows on view meanwhile)."""
        if generation != self.generation or not self.filling:
            return
        self._edits += 1
        if self._pending is not None:
            self._pending = _Fill()
        else:
            self.rows, self.facts, self._by_uuid = [], [], {}
            self.total = None

    def failed(self, generation: int, message: str) -> bool:
        """The fill stopped before the end; what was read stays (a refresh keeps the
        last complete index)."""
        if generation != self.generation:
            return False
        self.filling = False
        self._pending = None
        self.error = message
        return True

    def set_usage(self, percents: dict[str, float | None]) -> int:
        """Each policy's highest usage / limit in % (``usage:``, the ``usage`` sort), as
        the usage fill computed it; how many of the index's policies it reached."""
        reached = 0
        for f in self.facts:
            if f.uuid in percents:
                f.usage_percent = percents[f.uuid]
                reached += 1
        if reached:
            self._edits += 1  # the last selection read the old figures
        return reached

    def put(self, row: PolicyRow, facts: PolicyFacts) -> None:
        """A policy saved here, as read back: in its place, or first when new (the
        server lists the newest first)."""
        self._edits += 1
        (facts,) = indexed([facts], [row])
        self._moved += 1
        if row.uuid in self._by_uuid:
            at = next(i for i, held in enumerate(self.rows) if held.uuid == row.uuid)
            self.rows[at], self.facts[at] = row, facts
        else:
            self.rows.insert(0, row)
            self.facts.insert(0, facts)
            if self.total is not None:
                self.total += 1
        self._by_uuid[row.uuid] = row

    def forget(self, uuid: str) -> None:
        """A policy was deleted here: not a match any more."""
        if self._by_uuid.pop(uuid, None) is None:
            return
        self._edits += 1
        keep = [i for i, row in enumerate(self.rows) if row.uuid != uuid]
        self.rows = [self.rows[i] for i in keep]
        self.facts = [self.facts[i] for i in keep]
        if self.total is not None:
            self.total = max(0, self.total - 1)

    # -- reading ------------------------------------------------------------------------

    @property
    def read(self) -> int:
        return len(self.rows)

    def select(
        self, query: Filter, now: datetime | float | None, order: SortOrder | None = None
    ) -> Matches:
        """The rows that match ``query``, in the server's order or in ``order`` (stable,
        numbers as numbers, policies without the column last)."""
        moment = _seconds(now)
        state = (self.generation, len(self.facts), self._edits)
        last = self._last
        if last is not None and abs(last.moment - moment) >= SAME_MOMENT_SECONDS:
            last = None  # ages (fired:<7d) read at another moment
        columns = self._columns_of()
        if last is not None and last.state != state:
            grown = last.state[0::2] == state[0::2] and last.state[1] < state[1]
            if grown and _same_terms(last.query, query):
                # A batch arrived: only its policies are selected, and joined on.
                read = last.state[1]
                tail = columns.select_each(query.terms, moment, columns.everything(read), read)
                steps = [a + b for a, b in zip(last.steps, tail, strict=True)]
                last = replace(last, steps=steps, state=state, rows=None)
            else:
                last = None  # another index, or grown and another filter
        steps = _steps(query, last, columns, moment)
        mask = steps[-1] if steps else None
        sorted_ = self._order_of(order) if order is not None else None
        # The same matches as the last keystroke's (a word typed further that keeps them
        # all, a term half typed) are the same answer: the table sees nothing to repaint.
        if (
            last is not None
            and last.rows is not None
            and last.order is order
            and (last.steps[-1] if last.steps else None) == mask
        ):
            rows = last.rows
        else:
            rows = Matches(self.facts, mask, sorted_, self.row_at, self._position_of)
        self._last = _Selection(query, order, state, moment, steps, rows)
        return rows

    def row_at(self, position: int) -> PolicyRow:
        """The row of the policy at ``position`` in :attr:`facts`."""
        return self.facts[position].row  # type: ignore[attr-defined,no-any-return]

    def _position_of(self, uuid: str) -> int | None:
        """Where the policy ``uuid`` is in :attr:`facts` (the table keeps its cursor on
        its policy across keystrokes); the look-up grows with the index, made anew only
        after an edit."""
        key = (id(self.facts), self._moved)
        if self._where_key[:2] != key or self._where_key[2] > len(self.facts):
            self._where, self._where_key = {}, (*key, 0)
        where, facts, start = self._where, self.facts, self._where_key[2]
        if start < len(facts):
            # The first place of a uuid listed twice (a policy moved between two pages).
            for at, uuid_ in enumerate(map(_UUID, facts[start:]), start):
                where.setdefault(uuid_, at)
            self._where_key = (*key, len(facts))
        return where.get(uuid)

    def _columns_of(self) -> FactColumns:
        """The facts' columns, coded up to the last batch (made anew after an edit)."""
        columns = self._columns
        if columns is None or columns.facts is not self.facts or self._columns_moved != self._moved:
            columns = self._columns = FactColumns(self.facts)
            self._columns_moved = self._moved
        return columns

    def _order_of(self, order: SortOrder) -> _Order:
        key = (order.column, order.descending, self.generation, len(self.facts), self._edits)
        cached = self._orders.get(key)
        if cached is None:
            self._orders = {key: (cached := _Order.of(self.facts, order))}
        return cached

    def completeness(self) -> str:
        """ "12 340 of 100 000 read" while filling; "" once complete."""
        if self.complete and not self.filling:
            return ""
        if self.complete:  # a refresh gathering aside: the rows on view are whole
            return "refreshing…"
        if self.total is None:
            return f"{_grouped(self.read)} read"
        return f"{_grouped(self.read)} of {_grouped(self.total)} read"

    def describe(self, query: Filter, matched: int) -> str:
        """What the filter did, with how complete the index is."""
        reading = not self.complete
        # The terms it could not read are marked in place under this line, not listed.
        text = summary(matched, self.read, replace(query, problems=()), reading=reading)
        if reading and self.total is not None:
            text = f"{text} · {self.completeness()}"
        if self.error:
            text = f"{text} · stopped: {self.error} (r retries)"
        return text


def _steps(
    query: Filter, last: _Selection | None, columns: FactColumns, moment: float
) -> list[Mask]:
    """What each of ``query``'s terms keeps, reusing the last selection's steps: the
    terms it starts with unchanged are not tested again."""
    if last is None:
        return columns.select(query, moment)
    old, new = last.query.terms, query.terms
    same = 0
    while same < min(len(old), len(new)) and _same_term(old[same], new[same]):
        same += 1
    base = last.steps[same - 1] if same else columns.everything()
    return last.steps[:same] + columns.select_each(new[same:], moment, base)


def _same_terms(old: Filter, new: Filter) -> bool:
    return len(old.terms) == len(new.terms) and all(
        _same_term(a, b) for a, b in zip(old.terms, new.terms, strict=True)
    )


def _same_term(old: Term, new: Term) -> bool:
    return (old.field, old.value, old.negated) == (new.field, new.value, new.negated)


def _seconds(now: datetime | float | None) -> float:
    if now is None:
        return time.time()
    if isinstance(now, datetime):
        return now.timestamp()
    return float(now)


def _differs(old: PolicyRow, new: PolicyRow) -> bool:
    """The policy changed between two fills: any column the list shows, or its fired
    state (the row's texts are what the user compares by eye)."""
    return (
        old.fired_key != new.fired_key
        or old.limits != new.limits
        or old.actions != new.actions
        or old.period != new.period
        or old.groups != new.groups
        or old.offering != new.offering
    )
