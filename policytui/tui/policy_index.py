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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from operator import attrgetter
from typing import TYPE_CHECKING

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
    """The rows of a selection, read off the facts it kept as they are asked for.

    A keystroke over 100 000 policies made a list of the matches' rows beside the list
    of their facts, and the table copied it twice more: each a young container of up to
    100 000 references that every young garbage collection of the repaint then walked
    (~90 ms of a keystroke at 100 000, issue 13). One list, the facts', is enough: the
    table reads the rows on screen through this.
    """

    __slots__ = ("facts",)

    def __init__(self, facts: list[PolicyFacts]) -> None:
        self.facts = facts

    def __len__(self) -> int:
        return len(self.facts)

    def __getitem__(self, at: int | slice) -> PolicyRow | list[PolicyRow]:  # type: ignore[override]
        if isinstance(at, slice):
            return list(map(_ROW, self.facts[at]))
        return self.facts[at].row  # type: ignore[attr-defined,no-any-return]

    def __iter__(self) -> Iterator[PolicyRow]:
        return map(_ROW, self.facts)

    def uuids(self) -> list[str]:
        """Each match's uuid, in order (read off the facts, no row touched)."""
        return list(map(_UUID, self.facts))


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
    #: What each term kept of what the terms before it kept, in the index's order.
    steps: list[list[PolicyFacts]]
    #: The facts kept, in the order shown.
    kept: list[PolicyFacts]
    #: Their rows: the answer.
    rows: Matches


@dataclass
class _Fill:
    rows: list[PolicyRow] = field(default_factory=list)
    facts: list[PolicyFacts] = field(default_factory=list)


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
        from policytui.query import sort_policies

        moment = _seconds(now)
        state = (self.generation, len(self.facts), self._edits)
        last = self._last
        if last is not None and (
            last.state != state or abs(last.moment - moment) >= SAME_MOMENT_SECONDS
        ):
            last = None  # another index, or ages (fired:<7d) read at another moment
        steps = _steps(query, last, self.facts, moment)
        # A copy when no term applies: the index's own list grows as batches arrive,
        # and the matches shown must not change under the table.
        matched = steps[-1] if steps else list(self.facts)
        if order is None:
            kept = matched
        elif last is not None and last.order is order and query.narrows(last.query):
            # Typed further (gp, gpu): the last answer, already in order, thinned out.
            chosen = set(map(id, matched))
            kept = [f for f in last.kept if id(f) in chosen]
        else:
            kept = sort_policies(matched, order)
        # The same matches as the last keystroke's (a word typed further that keeps them
        # all, a term half typed) are the same answer: the table sees nothing to repaint.
        # Else the rows are read off the kept facts as the table shows them (Matches).
        same = last is not None and kept == last.kept
        rows = last.rows if same and last is not None else Matches(kept)
        self._last = _Selection(query, order, state, moment, steps, kept, rows)
        return rows

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
    query: Filter, last: _Selection | None, facts: list[PolicyFacts], moment: float
) -> list[list[PolicyFacts]]:
    """What each of ``query``'s terms keeps, reusing the last selection's steps: the
    terms it starts with unchanged are not applied again, and a term typed further
    (``group:nor`` after ``group:no``) filters what that term kept last time."""
    if last is None:
        return query.select_each(facts, moment)
    old, new = last.query.terms, query.terms
    same = 0
    while same < min(len(old), len(new)) and _same_term(old[same], new[same]):
        same += 1
    base = last.steps[same - 1] if same else facts
    if same < min(len(old), len(new)):
        from policytui.query import Filter

        typed_on = Filter(query.text, (new[same],), ()).narrows(
            Filter(last.query.text, (old[same],), ())
        )
        if typed_on:
            base = last.steps[same]
    return last.steps[:same] + query.select_each(base, moment, after=same)


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
