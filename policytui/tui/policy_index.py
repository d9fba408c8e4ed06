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
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from itertools import compress, islice, repeat
from operator import attrgetter, is_, is_not
from typing import TYPE_CHECKING, Any

from policytui.query.columns import FactColumns, Mask
from policytui.query.facts import ComponentFacts, PolicyFacts
from policytui.query.sharing import PEOPLE_SIDE, SIDE, OfferingSide, PeopleSide, SharedFacts
from policytui.query.summary import summary
from policytui.tui.item_rows import RowMaker

if TYPE_CHECKING:
    from policytui.api import OfferingUsagePolicy
    from policytui.query import Filter, SortOrder, Term
    from policytui.tui.catalog import Catalog
    from policytui.tui.rows import PackedItems, PolicyRow

#: Two selections this close are "the same moment" for ages (``fired:<7d``): a keystroke
#: may filter what the previous one kept (see ``Filter.narrows``).
SAME_MOMENT_SECONDS = 1.0

#: Thin space: thousands grouped as the rest of the app does ("12 340").
_THIN = "\u2009"


def _grouped(value: int) -> str:
    return f"{value:,}".replace(",", _THIN)


def _of_side(name: str) -> Any:
    """A field of the facts read off one of its sides (C-level: an attribute getter)."""
    return property(attrgetter(name))


class IndexedFacts:
    """A policy's facts as the index holds them, and where its row comes from: the index
    holds these, not a row per policy (issue 13: 100 000 rows were ~40 MB of the app and
    a fifth of the fill, for the ~40 on screen).

    Every field of a :class:`PolicyFacts` reads the same here, but the eleven a policy
    shares with many others are read off its two sides (``side``: its offering's,
    ``people``: its groups' and creator's, one object each for every policy with the
    same values, :mod:`policytui.query.sharing`): 10 slots a policy, not 20 (192 ->
    112 bytes, 8 MB at 100 000).

    ``packed``/``at``: the policy's place in the page of JSON it was read from; its row is
    made from it when first asked for (:meth:`PolicyIndex.row_at`, or :attr:`row`) and
    kept while it is among the index's recently made rows. ``packed`` None: the facts
    are :class:`HeldFacts`, whose ``made`` is the row for good.
    """

    __slots__ = (
        "at",
        "components",
        "created_at",
        "fired_at",
        "has_fired",
        "packed",
        "people",
        "side",
        "usage_percent",
        "uuid",
    )
    #: The policy's row for good: none here (see :class:`HeldFacts`); a row made from
    #: the packed JSON is kept by the index (:class:`_MadeRows`), not by its facts: one
    #: slot less a policy is 16 bytes less of each (1.6 MB at 100 000).
    made: PolicyRow | None = None

    def __init__(
        self,
        uuid: str,
        side: OfferingSide,
        people: PeopleSide,
        components: tuple[ComponentFacts, ...],
        has_fired: bool,
        fired_at: float | None,
        created_at: float | None,
        usage_percent: float | None,
        packed: PackedItems | None,
        at: int,
    ) -> None:
        self.uuid = uuid
        self.side = side
        self.people = people
        self.components = components
        self.has_fired = has_fired
        self.fired_at = fired_at
        self.created_at = created_at
        #: Set by the usage fill (see :attr:`PolicyFacts.usage_percent`).
        self.usage_percent = usage_percent
        self.packed = packed
        self.at = at

    offering: str = _of_side("side.offering")
    offering_uuid: str = _of_side("side.offering_uuid")
    provider: str = _of_side("side.provider")
    actions_text: str = _of_side("side.actions_text")
    components_text: str = _of_side("side.components_text")
    period: int = _of_side("side.period")
    period_label: str = _of_side("side.period_label")
    what: str = _of_side("side.what")
    groups_text: str = _of_side("people.groups_text")
    creator_text: str = _of_side("people.creator_text")
    who: str = _of_side("people.who")

    @property
    def row(self) -> PolicyRow:
        """The policy's row: the one made already, else made now (by the index that
        holds it: see :class:`_MadeRows`)."""
        made = self.made
        if made is None:
            packed = self.packed
            assert packed is not None and packed.maker is not None, "facts of no index"
            made = packed.maker.row(self)
        return made

    def __repr__(self) -> str:
        return f"IndexedFacts({self.uuid!r}, {self.offering!r}, fired={self.has_fired})"

    def __reduce__(self) -> tuple[object, ...]:
        return (_unpickled_facts, (_FACT_FIELDS(self), self.packed, self.at, self.made))


class HeldFacts(IndexedFacts):
    """Facts holding their row for good (``packed`` None): a fill in this process built
    rows with their models; a save put one."""

    __slots__ = ("made",)

    def __init__(self, *fields: Any, made: PolicyRow) -> None:
        super().__init__(*fields)
        self.made = made  # type: ignore[misc]


def facts_of(
    fields: Sequence[Any],
    sides: SharedFacts,
    packed: PackedItems | None = None,
    at: int = 0,
    made: PolicyRow | None = None,
) -> IndexedFacts:
    """The index's facts of a policy whose :class:`PolicyFacts` fields are ``fields`` (in
    their order), its sides shared through ``sides``."""
    values = (
        fields[_UUID_AT],
        sides.sides[tuple(fields[at] for at in SIDE)],
        sides.people[tuple(fields[at] for at in PEOPLE_SIDE)],
        fields[_COMPONENTS_AT],
        fields[_HAS_FIRED_AT],
        fields[_FIRED_AT_AT],
        fields[_CREATED_AT_AT],
        fields[_USAGE_AT],
        packed,
        at,
    )
    return IndexedFacts(*values) if made is None else HeldFacts(*values, made=made)


_SLOTS = PolicyFacts.__slots__
_UUID_AT = _SLOTS.index("uuid")
_COMPONENTS_AT = _SLOTS.index("components")
_HAS_FIRED_AT = _SLOTS.index("has_fired")
_FIRED_AT_AT = _SLOTS.index("fired_at")
_CREATED_AT_AT = _SLOTS.index("created_at")
_USAGE_AT = _SLOTS.index("usage_percent")
#: Every field of a :class:`PolicyFacts`, in order, of one (or of an IndexedFacts).
_FACT_FIELDS = attrgetter(*_SLOTS)


def _unpickled_facts(
    fields: tuple[object, ...], packed: PackedItems | None, at: int, made: PolicyRow | None
) -> IndexedFacts:
    # One by one (the pipe sends a batch's facts as columns instead): sides of its own.
    return facts_of(fields, SharedFacts(), packed, at, made)


_UUID = attrgetter("uuid")
_PACKED = attrgetter("packed")

#: Rows made on demand kept at once: a few screens of scrolling back and forth, a
#: cursor's moves, the table's cache window. Beyond it the oldest made is dropped (made
#: again if asked: the same texts, a new object).
MADE_ROWS = 4096


class _MadeRows:
    """The rows the index made from its facts' packed JSON, the most recent
    :data:`MADE_ROWS` of them (a row stays the same object while it is kept here, so the
    table's line cache, keyed on the row, holds), made with the catalog's names and the
    app's time."""

    def __init__(self, now: Callable[[], datetime]) -> None:
        self.now = now
        #: The last refresh's changed policies, and those marked since (their rows ◆).
        self.changed: set[str] = set()
        self.marked: set[str] = set()
        self._maker = RowMaker(None)
        #: Made rows and their facts, oldest first, by the facts' id.
        self._kept: OrderedDict[int, tuple[IndexedFacts, PolicyRow]] = OrderedDict()

    def name(self, catalog: Catalog | None) -> None:
        """Names from ``catalog`` from now on: rows made before it are made again."""
        if catalog is self._maker.catalog:
            return
        self._maker = RowMaker(catalog)
        self.clear()

    def row(self, facts: IndexedFacts) -> PolicyRow:
        """``facts``' row: the one kept (the last to drop now), else made now."""
        kept = self._kept.get(id(facts))
        if kept is not None and (kept[1].named or not self.named):
            self._kept.move_to_end(id(facts))
            return kept[1]
        return self.make(facts)

    def kept(self, facts: IndexedFacts) -> PolicyRow | None:
        """``facts``' row if one is kept (nothing changes)."""
        kept = self._kept.get(id(facts))
        return kept[1] if kept is not None else None

    def rows(self) -> Iterator[tuple[IndexedFacts, PolicyRow]]:
        """The rows kept, with their facts."""
        return iter(self._kept.values())

    def make(self, facts: IndexedFacts) -> PolicyRow:
        packed = facts.packed
        assert packed is not None
        row = self._maker.row(packed, facts.at, self.now(), changed=self.is_changed(facts.uuid))
        kept = self._kept
        kept[id(facts)] = (facts, row)  # the facts held: their id stays their own
        kept.move_to_end(id(facts))
        if len(kept) > MADE_ROWS:
            kept.popitem(last=False)
        return row

    def is_changed(self, uuid: str) -> bool:
        return uuid in self.changed or uuid in self.marked

    @property
    def named(self) -> bool:
        return self._maker.named

    def policy(self, facts: IndexedFacts) -> OfferingUsagePolicy:
        assert facts.packed is not None
        return self._maker.policy(facts.packed, facts.at)

    def clear(self) -> None:
        self._kept.clear()


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
        row_of: Callable[[IndexedFacts], PolicyRow],
        where: Callable[[str], int | None] | None = None,
        count: int | None = None,
    ) -> None:
        #: The facts the mask was made over (only its first ``len(mask)`` count).
        self.facts = facts
        self._mask = mask
        self._order = order
        self._row_of = row_of
        #: A policy's position in ``facts`` by its uuid (None: not there).
        self._where = where
        size = len(facts) if mask is None else len(mask)
        #: How many match (``count``: counted already by whoever made the mask).
        self._count = count if count is not None else size if mask is None else mask.count(1)
        #: Positions of the first matches in the order shown, and where to look on.
        self._found: list[int] = []
        self._next = 0
        if order is not None and order.matches_only:
            # The matches alone, already in order (few of them: see PolicyIndex.select).
            self._found, self._next = order.perm, -1

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
            facts, row_of = self.facts, self._row_of
            return [row_of(facts[self.position(i)]) for i in range(start, stop, step)]
        if at < 0:
            at += self._count
        if not 0 <= at < self._count:
            raise IndexError(at)
        return self._row_of(self.facts[self.position(at)])

    def __iter__(self) -> Iterator[PolicyRow]:
        facts = self.facts
        return map(self._row_of, map(facts.__getitem__, self.positions()))

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
        facts = self.facts
        position = self._where(uuid) if self._where is not None else None
        if position is not None and (position >= len(facts) or facts[position].uuid != uuid):
            # Shown while the index dropped a policy (a delete, until the matches are
            # selected again): ``where`` reads the index's facts now, not these.
            position = next((at for at, f in enumerate(facts) if f.uuid == uuid), None)
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


def _fired_key(facts: IndexedFacts) -> float:
    """The fired view's order of fired policies: the time of the last firing (as a row's
    ``fired_key``: no time reads as the epoch)."""
    return facts.fired_at or 0.0


_FIRED_KEY = _fired_key


class FiredRows(Sequence["PolicyRow"]):
    """The fired policies of the index in the fired view's order, their rows made as the
    table asks for them (the ~40 on screen), not all at once: the index holds no row per
    fired policy (~15 000 of 100 000: 9 MB of the app), and making them all when `f` is
    pressed held the UI ~1 s.

    Asked to go over every row (the table sorting them by another column, its quick
    filter, marking every one), it makes them all once and keeps them, as the table
    then holds a list of them. Made of the facts at hand: a refresh of the index that
    swaps in other facts does not change what is shown.
    """

    __slots__ = ("_facts", "_made", "_row_of")

    def __init__(
        self, facts: list[IndexedFacts], row_of: Callable[[IndexedFacts], PolicyRow]
    ) -> None:
        self._facts = facts
        self._row_of = row_of
        #: Every row, once all were asked for.
        self._made: list[PolicyRow] | None = None

    def __len__(self) -> int:
        return len(self._facts)

    def __getitem__(self, at: int | slice) -> PolicyRow | list[PolicyRow]:  # type: ignore[override]
        if self._made is not None:
            return self._made[at]
        if isinstance(at, slice):
            return list(map(self._row_of, self._facts[at]))
        return self._row_of(self._facts[at])

    def __iter__(self) -> Iterator[PolicyRow]:
        return iter(self.made())

    def made(self) -> list[PolicyRow]:
        """Every row, made once (in the order of their packed pages, so each block of
        JSON is unpacked once) and kept."""
        made = self._made
        if made is None:
            facts = self._facts
            order = sorted(range(len(facts)), key=lambda at: (id(facts[at].packed), facts[at].at))
            rows: list[PolicyRow | None] = [None] * len(facts)
            for at in order:
                rows[at] = self._row_of(facts[at])
            made = self._made = rows  # type: ignore[assignment]
        return made

    def held(self) -> list[PolicyRow]:
        """The rows made and kept so far (every one, or none)."""
        return self._made or []

    def matching(self, keep: Callable[[IndexedFacts], bool]) -> FiredRows:
        """The rows whose facts ``keep`` keeps, in this order, no row made: the fired
        view's `/` tests each fired policy's facts as the index holds them. Made from
        each row's model, the first key at 15 000 fired policies held the UI ~4 s."""
        return FiredRows(list(filter(keep, self._facts)), self._row_of)

    def uuids(self) -> list[str]:
        """Each policy's uuid, in order (no row made)."""
        return list(map(_UUID, self._facts))

    def policies(self) -> list[OfferingUsagePolicy]:
        """Each policy's model, in order, parsed from its page (no row made; as
        :meth:`PolicyIndex.policies_of`, it may run in a thread)."""
        return PolicyIndex.policies_of(self._facts)

    def with_saved(self, uuid: str, held: IndexedFacts | None) -> FiredRows:
        """These rows after a save read back, no row made: the policy ``uuid`` out, and
        in again at its place in the order when ``held`` (its facts as saved) is fired.

        A row changed, added or removed in place made every row first (the table
        changing a list of them): ~1 s at 15 000 fired policies, and the newly fired
        one went last, not to its place among the newest firings."""
        facts = list(self._facts)
        at = self.find(uuid, 0)
        same_firing = (
            at is not None
            and held is not None
            and held.has_fired
            and _FIRED_KEY(facts[at]) == _FIRED_KEY(held)
        )
        if same_firing:
            facts[at] = held  # type: ignore[index]  # its place, among its ties too
            return FiredRows(facts, self._row_of)
        if at is not None:
            del facts[at]
        if held is not None and held.has_fired:
            # Newest firing first, and before the others of its time: where the fired
            # view's stable descending sort puts a policy that came first (as a save is
            # listed first by the server).
            key = _FIRED_KEY(held)
            facts.insert(bisect_left(facts, -key, key=lambda f: -_FIRED_KEY(f)), held)
        return FiredRows(facts, self._row_of)

    def find(self, uuid: str, guess: int) -> int | None:
        """Where the policy ``uuid`` is (None: not here), looked for near ``guess`` first."""
        facts = self._facts
        for at in range(max(0, guess - 50), min(len(facts), guess + 50)):
            if facts[at].uuid == uuid:
                return at
        try:
            return self.uuids().index(uuid)
        except ValueError:
            return None


#: Up to this many matches are sorted by themselves, not by the index's whole order.
_SORT_MATCHES_ALONE = 20_000
#: Asked for a row this far past the last one found: every match is found at once.
_FIND_AHEAD = 2048


class _Order:
    """Every policy of the index in a sort order: the positions in that order, and
    (made when first asked for) each position's place in it."""

    __slots__ = ("_rank", "matches_only", "perm")

    def __init__(self, perm: list[int], *, matches_only: bool = False) -> None:
        self.perm = perm
        #: ``perm`` holds only a selection's matches (not every policy of the index).
        self.matches_only = matches_only
        self._rank: array[int] | None = None

    @classmethod
    def of(
        cls,
        facts: Sequence[PolicyFacts],
        order: SortOrder,
        positions: list[int] | None = None,
        keys_of_all: list[Any] | None = None,
    ) -> _Order:
        """Stable, the policies without a key last (as :func:`sort_policies`); of the
        policies at ``positions`` only, when given. ``keys_of_all``: every policy's key
        in ``order``, read already (an order by a limit: :meth:`FactColumns.limit_keys`)."""
        if keys_of_all is not None:
            keys = (
                keys_of_all if positions is None else list(map(keys_of_all.__getitem__, positions))
            )
        else:
            chosen = positions if positions is not None else range(len(facts))
            keys = list(map(order.key, map(facts.__getitem__, chosen)))
        places = range(len(keys))
        # Picked in C ("is not None" over the keys): a comprehension was ~10 % of a sort.
        present = list(compress(places, map(is_not, keys, repeat(None))))
        missing = (
            list(compress(places, map(is_, keys, repeat(None)))) if len(present) < len(keys) else []
        )
        present.sort(key=keys.__getitem__, reverse=order.descending)
        if positions is None:
            return cls(present + missing)
        return cls([positions[at] for at in present + missing], matches_only=True)

    @property
    def rank(self) -> array[int]:
        rank = self._rank
        if rank is None:
            rank = self._rank = array("L", [0]) * len(self.perm)
            for place, position in enumerate(self.perm):
                rank[position] = place
        return rank


def indexed(
    facts: Sequence[PolicyFacts], rows: Sequence[PolicyRow], sides: SharedFacts | None = None
) -> list[IndexedFacts]:
    """``facts`` holding ``rows`` for good (the same policies, in the same order), their
    sides shared through ``sides`` (a table of their own when None)."""
    shared = sides if sides is not None else SharedFacts()
    return [
        facts_of(_FACT_FIELDS(held), shared, None, 0, row)
        for held, row in zip(facts, rows, strict=True)
    ]


def _linked(
    facts: Sequence[PolicyFacts], rows: Sequence[PolicyRow], sides: SharedFacts
) -> Sequence[IndexedFacts]:
    """A batch's facts as the index holds them: as sent (each with its packed JSON, no
    rows beside them), else each holding its row."""
    if not rows and set(map(type, facts)) <= {IndexedFacts}:  # (in C: 100 000 at a fill)
        return facts  # type: ignore[return-value]
    return indexed(facts, rows, sides)


@dataclass(frozen=True, slots=True)
class _Selection:
    """A selection remembered: what was asked, of which state of the index, and when."""

    query: Filter
    order: SortOrder | None
    #: (generation, policies held, (edits, usage edits)): a change of any is a new state.
    state: tuple[int, int, tuple[int, int]]
    moment: float
    #: What each term kept of what the terms before it kept (masks over the facts).
    steps: list[Mask]
    #: The matches: the answer (None: made over fewer policies than the index holds).
    rows: Matches | None


@dataclass
class _Fill:
    facts: list[IndexedFacts] = field(default_factory=list)
    #: Coded as the refresh's batches arrive, so the swap does not code 100 000 at once.
    columns: FactColumns | None = None

    def coded(self) -> FactColumns:
        if self.columns is None:
            self.columns = FactColumns(self.facts, sided=True)
        return self.columns


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class PolicyIndex:
    """Every policy read so far, with how complete that is: each policy's facts
    (:attr:`facts`, in the server's order), its row made when asked for (:meth:`row_at`).

    ``generation`` tells a fill's batches from an older one's (the user pressed `r`
    again, or changed the offering): their batches are dropped.
    """

    generation: int = 0
    #: Every policy's facts, in the server's order: a policy's position is its place here.
    facts: list[IndexedFacts] = field(default_factory=list)
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
    #: What a made row's fired label is relative to (the screen gives the app's clock).
    now: Callable[[], datetime] = _utc_now
    _pending: _Fill | None = None
    #: Bumped by every change but an appended batch (which changes the length) and the
    #: usage figures (:attr:`_usage_edits`).
    _edits: int = 0
    #: Bumped when the usage fill sets figures: a selection or an order read the old
    #: ones, but the policies and their places are the same (the uuid list stays: made
    #: anew after each of the fill's batches, it was ~10 ms of 100 000 each).
    _usage_edits: int = 0
    #: The last selection, so a keystroke that narrows the filter looks only at what the
    #: last one kept.
    _last: _Selection | None = None
    #: Bumped when facts are replaced, removed or inserted (not appended): the columns
    #: (codes by position) are made anew then.
    _moved: int = 0
    _columns: FactColumns | None = None
    _columns_moved: int = -1
    #: Every policy's uuid, in the order of :attr:`facts` (grown with each batch), looked
    #: through at C speed for a policy's position. Not a uuid -> position dict: at
    #: 100 000 policies that was 6.3 MB of the app (its table and an int a position)
    #: against 0.8 MB, for a look-up the cursor needs at most once a keystroke (~3 ms
    #: over 100 000, as the table's own look-up in a plain list of rows).
    _uuids: list[str] = field(default_factory=list)
    #: (the facts' id, their moves, the edits) ``_uuids`` was made of: a list made
    #: later may take the id of one let go, but not with the same count of edits.
    _uuids_key: tuple[int, int, int] = (0, -1, -1)
    #: The last sort order's permutation, by (order, state of the index).
    _orders: dict[tuple[object, ...], _Order] = field(default_factory=dict)
    _made: _MadeRows = field(init=False)
    #: The sides of the policies of a fill in this process (rows with their facts), one
    #: of each (see :class:`IndexedFacts`); a fill from the helper shares its own.
    _sides: SharedFacts = field(default_factory=SharedFacts)
    #: Saves (the facts as read back) and deletes (None) made here while a fill runs: a
    #: page it read before the write holds the policy as it was, and a refresh's swap
    #: brought a deleted policy back and undid a save. The first fill's batches leave
    #: these out (the facts on view hold them), and a refresh's swap puts them over what
    #: it gathered (:meth:`_over_gathered`). Emptied as the fill ends or stops.
    _written: dict[str, IndexedFacts | None] = field(default_factory=dict)
    #: The last fill ended with fewer policies than the server counts after a delete
    #: made here during it: a policy moved onto a page it had read (read again).
    short: bool = False

    def __post_init__(self) -> None:
        self._made = _MadeRows(lambda: self.now())

    # -- rows -------------------------------------------------------------------------

    def row_at(self, position: int) -> PolicyRow:
        """The row of the policy at ``position`` of :attr:`facts`: the same object while
        it is among the last :data:`MADE_ROWS` made (or was built with its model)."""
        return self.row_of(self.facts[position])

    def row_of(self, facts: IndexedFacts) -> PolicyRow:
        """The row of the policy of ``facts`` (as :meth:`row_at`)."""
        made = facts.made
        if made is not None:
            return made
        return self._made.row(facts)

    def made_row(self, position: int) -> PolicyRow | None:
        """The row of the policy at ``position`` if one is made and kept (none made)."""
        facts = self.facts[position]
        return facts.made if facts.made is not None else self._made.kept(facts)

    def rows_at(self, positions: Iterable[int]) -> list[PolicyRow]:
        return [self.row_at(at) for at in positions]

    def fired_rows(self, offering_uuid: str | None = None) -> tuple[FiredRows, int]:
        """The fired view over the index: its fired policies (of ``offering_uuid``'s
        offering, or of every one), newest firing first, as the fired view sorts its
        rows; and how many policies that offering has (fired or not)."""
        scope = (offering_uuid or "").casefold()
        facts = self.facts
        if scope:
            chosen = [f for f in facts if f.offering_uuid == scope]
            total = len(chosen)
        else:
            chosen, total = facts, len(facts)
        fired = [f for f in chosen if f.has_fired]
        # Stable, as the table's sort of their rows by ``fired_key`` (descending).
        fired.sort(key=_FIRED_KEY, reverse=True)
        return FiredRows(fired, self.row_of), total

    def policy_at(self, position: int) -> OfferingUsagePolicy:
        """The model of the policy at ``position``, for a reader of many (the usage fill
        of every policy): a row's if one is at hand, else parsed without making one."""
        facts = self.facts[position]
        made = self.made_row(position)
        if facts.packed is None or (made is not None and made.model is not None):
            return self.row_of(facts).policy
        return self._made.policy(facts)  # not the row's: that keeps its page unpacked

    @staticmethod
    def policies_of(facts: Sequence[IndexedFacts]) -> list[OfferingUsagePolicy]:
        """The models of ``facts``' policies, parsed from their pages (each unpacked once
        here, none kept: the usage fill reads every policy), or their rows'. No row is
        made and nothing of the index changes: it may run in a thread."""
        from policytui.api.parsing import parse_policy

        pages: dict[int, list[dict[str, object]]] = {}
        policies = []
        for f in facts:
            packed = f.packed
            if packed is None:
                assert f.made is not None
                policies.append(f.made.policy)
                continue
            items = pages.get(id(packed))
            if items is None:
                items = pages[id(packed)] = packed.unpacked()
            policies.append(parse_policy(items[f.at]))
        return policies

    def holds_as(self, facts: IndexedFacts) -> bool:
        """Whether the index holds ``facts``' policy as ``facts`` has it: those very
        facts, or ones read again that differ in nothing the list shows (a refresh swaps
        in new facts for every policy, a save puts in its own)."""
        now = self.facts_of(facts.uuid)
        return now is not None and (now is facts or not _differs(facts, now))

    def facts_of(self, uuid: str) -> IndexedFacts | None:
        """The facts the index holds of the policy ``uuid`` (None: not in the index)."""
        at = self.position_of(uuid)
        return None if at is None else self.facts[at]

    def position_of(self, uuid: str) -> int | None:
        """Where the policy ``uuid`` is in :attr:`facts` (None: not in the index)."""
        return self._position_of(uuid)

    def name_rows(self, catalog: Catalog | None) -> None:
        """Rows are made with ``catalog``'s names from now on; those made before it are
        made again when next asked for (component and group names come from it)."""
        self._made.name(catalog)

    # -- filling ------------------------------------------------------------------------

    def start(self, *, refresh: bool) -> int:
        """A new fill; its generation. A refresh of a complete index gathers aside and
        swaps at the end; otherwise the index starts empty and fills on view."""
        self.generation += 1
        self._edits += 1
        self._sides = SharedFacts()  # what the last fill's facts share stays with them
        self.filling = True
        self.error = None
        self._written = {}
        if refresh and self.complete:
            self._pending = _Fill()
        else:
            self._pending = None
            self._drop()
            self.total = None
            self.complete = False
        return self.generation

    def _drop(self) -> None:
        self.facts = []
        self._made.clear()

    @property
    def refreshing(self) -> bool:
        return self._pending is not None

    @property
    def gathered(self) -> int:
        """Policies a refresh has gathered aside so far (0: none is running)."""
        return len(self._pending.facts) if self._pending is not None else 0

    def add(
        self,
        generation: int,
        rows: Sequence[PolicyRow],
        facts: Sequence[PolicyFacts],
        total: int | None,
    ) -> bool:
        """A batch of the fill ``generation``; False when it is an old fill's. ``rows``:
        none when the facts come with their packed JSON (the helper's fill), else the
        facts' rows (a fill in this process)."""
        if generation != self.generation or not self.filling:
            return False
        target = self._pending if self._pending is not None else self
        held = _linked(facts, rows, self._sides)
        if self._written and target is self:
            # Written here during this fill: held as :meth:`put` left them (or gone), not
            # as a page read before the write has them. (A refresh's swap sees to its own:
            # :meth:`_over_gathered`.)
            written = self._written
            held = [f for f in held if f.uuid not in written]
        made = self._made
        for packed in dict.fromkeys(map(_PACKED, held)):  # each page once, found in C
            if packed is not None:
                packed.maker = made
        target.facts.extend(held)
        if self._pending is None:
            self.total = total
        # Coded (and their places noted) as they arrive, so no keystroke waits for
        # 100 000 of them at once.
        if self._pending is None:
            self._columns_of().sync()
            self._uuids_of()
        else:
            self._pending.coded().sync()
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
            self._over_gathered(pending)
            before = {f.uuid: f for f in self.facts}
            self.changed = {
                f.uuid
                for f in pending.facts
                if (old := before.get(f.uuid)) is not None and _differs(old, f)
            }
            # Fired now, and not in the state it was in (it had not fired, or it stopped
            # and fired again).
            self.fired = {
                f.uuid
                for f in pending.facts
                if f.uuid in self.changed
                and f.has_fired
                and (before[f.uuid].has_fired, before[f.uuid].fired_at) != (True, f.fired_at)
            }
            # Usage figures are not part of the walk: the last ones stay until the next
            # usage fill replaces them, so `usage:>80` does not empty on every tick.
            known = {f.uuid: f.usage_percent for f in self.facts if f.usage_percent is not None}
            if known:
                for f in pending.facts:
                    f.usage_percent = known.get(f.uuid)
            self._made.clear()
            self._made.changed, self._made.marked = self.changed, set()
            for f in pending.facts:
                if f.made is not None:  # a row built with its model (a fill here)
                    f.made.changed = f.uuid in self.changed
            self.facts = pending.facts
            self._columns, self._columns_moved = pending.coded(), self._moved
        self.total = total if total is not None else len(self.facts)
        # A delete made here during the walk moved the policies after it one place up:
        # one on the first page read after it took a place on a page read before, and
        # the walk missed it (offset pages). Fewer than the server counts says so.
        deleted = any(f is None for f in self._written.values())
        self.short = deleted and len(self.facts) < self.total
        self._written = {}
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
            self._drop()
            self.total = None
            # Saved here during the fill: the pages read again leave them out (they are
            # written), so they stay as :meth:`put` left them, first.
            self.facts = [f for f in self._written.values() if f is not None]

    def failed(self, generation: int, message: str) -> bool:
        """The fill stopped before the end; what was read stays (a refresh keeps the
        last complete index)."""
        if generation != self.generation:
            return False
        self.filling = False
        self._pending = None
        self._written = {}
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
            self._usage_edits += 1  # the last selection read the old figures
        return reached

    def _over_gathered(self, pending: _Fill) -> None:
        """A refresh about to be swapped in, with the writes made during it: its pages
        read before a write hold the policy as it was (a delete left out, a save as read
        back); a policy saved that none of its pages held (created, or moved between
        pages as the walk read them) goes first, as :meth:`put` places a new one."""
        written = self._written
        if not written:
            return
        there: set[str] = set()
        facts: list[IndexedFacts] = []
        for f in pending.facts:
            uuid = f.uuid
            if uuid in written:
                f = written[uuid]
                if f is None:
                    continue
            there.add(uuid)
            facts.append(f)
        missing = [f for uuid, f in written.items() if f is not None and uuid not in there]
        pending.facts = missing + facts
        pending.columns = None  # coded by position: made anew over the new order

    def put(self, row: PolicyRow, facts: PolicyFacts) -> IndexedFacts:
        """A policy saved here, as read back: in its place, or first when new (the
        server lists the newest first). Returns its facts as the index now holds them."""
        self._edits += 1
        (held,) = indexed([facts], [row])
        if self.filling:
            self._written[row.uuid] = held
        at = self.position_of(row.uuid)
        if at is not None:
            self.facts[at] = held
        else:
            self.facts.insert(0, held)
            if self.total is not None:
                self.total += 1
        # After the change: what was made of the facts before it (their columns, their
        # uuids) is made anew.
        self._moved += 1
        return held

    def forget(self, uuid: str) -> None:
        """A policy was deleted here: not a match any more."""
        if self.filling:
            self._written[uuid] = None  # nor in a page this fill read before the delete
        at = self.position_of(uuid)
        if at is None:
            return
        self._edits += 1
        self.facts = self.facts[:at] + self.facts[at + 1 :]
        if self.total is not None:
            self.total = max(0, self.total - 1)

    def mark_changed(self, uuids: set[str]) -> None:
        """Mark ``uuids``' rows changed (◆) until the next refresh swaps in, those made
        later too (usage that crossed 80 % or 100 %)."""
        self._made.marked |= uuids
        for f in self.facts:
            if f.made is not None and f.uuid in uuids:
                f.made.changed = True
        for f, row in self._made.rows():
            if f.uuid in uuids:
                row.changed = True

    # -- reading ------------------------------------------------------------------------

    @property
    def read(self) -> int:
        return len(self.facts)

    def select(
        self, query: Filter, now: datetime | float | None, order: SortOrder | None = None
    ) -> Matches:
        """The rows that match ``query``, in the server's order or in ``order`` (stable,
        numbers as numbers, policies without the column last)."""
        moment = _seconds(now)
        state = (self.generation, len(self.facts), (self._edits, self._usage_edits))
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
        matched = mask.count(1) if mask is not None else len(self.facts)
        sorted_ = None
        if order is not None:
            if mask is not None and matched <= _SORT_MATCHES_ALONE:
                # A few thousand matches: only their keys are read and sorted, not the
                # 100 000 policies' (a limits sort of tuples took ~1 s of every policy).
                positions = list(compress(range(len(mask)), mask))
                sorted_ = _Order.of(self.facts, order, positions)
            else:
                sorted_ = self._order_of(order)
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
            rows = Matches(self.facts, mask, sorted_, self.row_of, self._position_of, matched)
        self._last = _Selection(query, order, state, moment, steps, rows)
        return rows

    def _position_of(self, uuid: str) -> int | None:
        """Where the policy ``uuid`` is in :attr:`facts` (the table keeps its cursor on
        its policy across keystrokes): its first place (a policy moved between two pages
        is listed twice); None when it is not there."""
        try:
            return self._uuids_of().index(uuid)
        except ValueError:
            return None

    def _uuids_of(self) -> list[str]:
        """Each policy's uuid in :attr:`facts`' order, grown to the last batch (made anew
        after an edit)."""
        key = (id(self.facts), self._moved, self._edits)
        uuids, facts = self._uuids, self.facts
        if self._uuids_key != key or len(uuids) > len(facts):
            uuids, self._uuids_key = [], key
            self._uuids = uuids
        if len(uuids) < len(facts):
            uuids.extend(map(_UUID, facts[len(uuids) :]))
        return uuids

    def _columns_of(self) -> FactColumns:
        """The facts' columns, coded up to the last batch (made anew after an edit)."""
        columns = self._columns
        if columns is None or columns.facts is not self.facts or self._columns_moved != self._moved:
            columns = self._columns = FactColumns(self.facts, sided=True)
            self._columns_moved = self._moved
        return columns

    def _order_of(self, order: SortOrder) -> _Order:
        key = (
            order.column,
            order.descending,
            self.generation,
            len(self.facts),
            self._edits,
            self._usage_edits,
        )
        cached = self._orders.get(key)
        if cached is None:
            keys = (
                self._columns_of().limit_keys(order.component)
                if order.component is not None
                else None
            )
            self._orders = {key: (cached := _Order.of(self.facts, order, keys_of_all=keys))}
        return cached

    def completeness(self) -> str:
        """ "12 340 of 100 000 read" while filling, "every page read" once complete; ""
        before any page came (the table says "Reading every page…" then)."""
        if self.complete and not self.filling:
            return "every page read"
        if self.complete:  # a refresh gathering aside: the rows on view are whole
            return "refreshing…"
        if not self.read:
            return ""
        if self.total is None:
            return f"{_grouped(self.read)} read"
        return f"{_grouped(self.read)} of {_grouped(self.total)} read"

    def describe(self, query: Filter, matched: int, *, figures_coming: bool = False) -> str:
        """What the filter did (how complete the index is, the status bar says);
        ``figures_coming``: the terms read figures still being read (``usage:``), so the
        count is so far too."""
        reading = not self.complete or figures_coming
        if reading and not self.read:
            text = "matches show as pages are read"
        else:
            # The terms it could not read are marked in place under this line, not listed.
            text = summary(matched, self.read, replace(query, problems=()), reading=reading)
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


def _differs(old: PolicyFacts, new: PolicyFacts) -> bool:
    """The policy changed between two fills: any column the list shows (its offering,
    actions, limits, period, groups, as the facts hold them), or its fired state."""
    return (
        old.has_fired != new.has_fired
        or old.fired_at != new.fired_at
        or old.components != new.components
        or old.actions_text != new.actions_text
        or old.period != new.period
        or old.groups_text != new.groups_text
        or old.offering != new.offering
        or old.offering_uuid != new.offering_uuid
    )
