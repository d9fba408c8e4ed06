"""A batch of the index's facts as it crosses the pipe: a column a field, and what
thousands of policies share sent once a scan (issue 13's fill time).

A policy's facts are four things of its own (uuid, fired, when it fired, when it was
made) and three it shares with thousands of others: its offering's side, its people's
side (:mod:`policytui.query.sharing`) and its set of limits. The demo's 100 000
policies have ~1 100, ~190 and ~44 000 of them (of 20 000 distinct limits). So the
helper numbers each one the
first time its scan meets it (:class:`Definitions`), sends it once, in the batch that
met it, and sends each policy as the three numbers; the UI keeps what it was sent by
number (:class:`Received`) and builds each policy's :class:`IndexedFacts` with one
``map`` over the columns.

Sent as objects, the facts were a tuple of 18 fields a policy pickled and unpickled
(~0.5 s of the helper and ~0.7 s of the UI at 100 000), each shared value looked up
again in the UI: most of what the fill cost over a plain fetch of every page.
"""

from __future__ import annotations

from itertools import chain, repeat, starmap
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from policytui.query.facts import ComponentFacts
from policytui.query.sharing import OfferingSide, PeopleSide
from policytui.tui.policy_index import IndexedFacts

if TYPE_CHECKING:
    from policytui.tui.rows import PackedItems

__all__ = ["RECEIVED", "Definitions", "IndexBatch", "Received"]

V = TypeVar("V")


class Numbered(Generic[V]):
    """Values numbered in the order met: 0, 1, 2..."""

    __slots__ = ("numbers", "values")

    def __init__(self) -> None:
        self.numbers: dict[V, int] = {}
        self.values: list[V] = []

    def number(self, value: V) -> int:
        found = self.numbers.get(value)
        if found is None:
            found = self.numbers[value] = len(self.values)
            self.values.append(value)
        return found


class Definitions:
    """The helper's side: what one scan's policies share, each numbered the first time
    the scan meets it. One for the whole scan (a reader made anew when the catalog
    loads numbers on from where the last one stopped).

    A set of limits is sent as the numbers of its limits (``components``): the demo's
    44 000 sets hold 20 000 distinct limits, and the UI holds each once."""

    __slots__ = ("_sets", "components", "limits", "people", "sides")

    def __init__(self) -> None:
        self.sides: Numbered[OfferingSide] = Numbered()
        self.people: Numbered[PeopleSide] = Numbered()
        self.components: Numbered[ComponentFacts] = Numbered()
        self.limits: Numbered[tuple[int, ...]] = Numbered()
        self._sets: dict[tuple[ComponentFacts, ...], int] = {}

    def limit_set(self, components: tuple[ComponentFacts, ...]) -> int:
        """The number of a set of limits."""
        found = self._sets.get(components)
        if found is None:
            numbers = tuple(map(self.components.number, components))
            found = self._sets[components] = self.limits.number(numbers)
        return found

    def counts(self) -> tuple[int, ...]:
        return tuple(len(kind.values) for kind in self.kinds())

    def kinds(self) -> tuple[Numbered[Any], ...]:
        """In the order a batch defines them (:data:`Defined`)."""
        return (self.sides, self.people, self.components, self.limits)


#: What a batch defines, of each kind (sides, people, limits, sets of limits' numbers):
#: the number of its first value, and the values.
Defined = tuple[tuple[int, list[Any]], ...]


class IndexBatch:
    """Every policy a batch of the fill read, a column a field, and what they share
    that the scan had not met before (``defined``)."""

    __slots__ = (
        "_definitions",
        "_ends",
        "_starts",
        "at",
        "created_at",
        "defined",
        "fired",
        "fired_at",
        "limits",
        "pages",
        "people",
        "sides",
        "uuids",
    )

    def __init__(self, definitions: Definitions | None) -> None:
        self._definitions = definitions
        self._starts = self._ends = definitions.counts() if definitions is not None else ()
        self.defined: Defined | None = None
        self.uuids: list[str] = []
        #: The numbers of each policy's offering side, people side and set of limits.
        self.sides: list[int] = []
        self.people: list[int] = []
        self.limits: list[int] = []
        self.fired: list[bool] = []
        self.fired_at: list[float | None] = []
        self.created_at: list[float | None] = []
        #: Each page's packed JSON and how many of the policies it holds, in order...
        self.pages: list[tuple[PackedItems, int]] = []
        #: ...and each policy's place in its page's (fired first: ``IndexReader.keep``).
        self.at: list[int] = []

    def __reduce__(self) -> tuple[Any, ...]:
        return (
            _sent,
            (
                self.what_it_defines(),
                self.uuids,
                self.sides,
                self.people,
                self.limits,
                self.fired,
                self.fired_at,
                self.created_at,
                self.pages,
                self.at,
            ),
        )

    def page_kept(self) -> None:
        """A page's policies are in: what they met first is this batch's to define."""
        assert self._definitions is not None
        self._ends = self._definitions.counts()

    def what_it_defines(self) -> Defined:
        """The values its scan met first in this batch's pages, with the number of each
        kind's first. A limit as a plain tuple: a named tuple pickles through a Python
        call, ~3 µs each."""
        if self.defined is not None:
            return self.defined
        assert self._definitions is not None
        sides, people, components, limits = (
            kind.values[start:end]
            for kind, start, end in zip(
                self._definitions.kinds(), self._starts, self._ends, strict=True
            )
        )
        return tuple(
            zip(self._starts, (sides, people, list(map(tuple, components)), limits), strict=True)
        )

    def facts(self, received: Received) -> list[IndexedFacts]:
        """The UI's side: the batch's policies as the index holds them, what they share
        defined in ``received`` first."""
        received.define(self.what_it_defines())
        packed = chain.from_iterable(repeat(page, count) for page, count in self.pages)
        return list(
            map(
                IndexedFacts,
                self.uuids,
                map(received.sides.__getitem__, self.sides),
                map(received.people.__getitem__, self.people),
                map(received.limits.__getitem__, self.limits),
                self.fired,
                self.fired_at,
                self.created_at,
                repeat(None),  # usage_percent: the usage fill's, later
                packed,
                self.at,
            )
        )


def _sent(defined: Defined, *columns: Any) -> IndexBatch:
    batch = IndexBatch(None)
    batch.defined = defined
    (
        batch.uuids,
        batch.sides,
        batch.people,
        batch.limits,
        batch.fired,
        batch.fired_at,
        batch.created_at,
        batch.pages,
        batch.at,
    ) = columns
    return batch


class Received:
    """The UI's side: what the batches of the scan being received defined, by number.
    Emptied as each scan begins and ends (:class:`policytui.helper.scan_pipe.ScanClient`);
    the facts built keep what they share."""

    __slots__ = ("components", "limits", "people", "sides")

    def __init__(self) -> None:
        self.sides: list[OfferingSide] = []
        self.people: list[PeopleSide] = []
        self.components: list[ComponentFacts] = []
        #: Each set of limits, made of the limits above (each held once).
        self.limits: list[tuple[ComponentFacts, ...]] = []

    def define(self, defined: Defined) -> None:
        """Number each value a batch defines from where its scan stood: a batch numbers
        on from the one before it; a new scan's first from 0."""
        kinds = (self.sides, self.people, self.components, self.limits)
        for kind, (start, _) in zip(kinds, defined, strict=True):
            del kind[start:]
            if len(kind) != start:
                # A batch of the scan was lost: its policies would read others' values.
                raise ValueError("a batch of the index's fill is missing")
        (_, sides), (_, people), (_, components), (_, limits) = defined
        self.sides.extend(sides)
        self.people.extend(people)
        self.components.extend(starmap(ComponentFacts, components))
        limit = self.components.__getitem__
        # Each set's limits looked up in C: tuple(map(limit, numbers)) for each.
        self.limits.extend(map(tuple, map(map, repeat(limit), limits)))

    def clear(self) -> None:
        for kind in (self.sides, self.people, self.components, self.limits):
            kind.clear()


#: The UI process's: one scan is received at a time.
RECEIVED = Received()
