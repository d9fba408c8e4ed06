"""The index's facts straight from a page's JSON objects (issue 13's fill time and memory).

The index of every policy reads all 100 000 of them. Validating each into a pydantic
model, building its row and its facts from the model and writing the model back out as
JSON for the UI was ~200 µs of the helper's CPU a policy: the fill waited for it, not
for the server. Here a policy whose JSON is plain (:func:`policytui.tui.item_rows.plain_values`:
every field the models read has the type the server sends) becomes its facts from the
JSON values, each text the facts hold made once and shared; no row is made: the UI
makes the rows it shows from the page's objects, packed (:class:`PackedItems`), with
the same maker as ever (:class:`policytui.tui.item_rows.RowMaker`). The model is left
for the UI to parse from the object itself, when a row is opened.

Anything else (a limit sent as "250", a number where a text belongs, a time in
another shape, a missing uuid) goes the model's way: :func:`parse_policy`, the client's
own error for a malformed policy, and the facts from the model. So both ways give the
same values (tests/helper/test_index_page.py checks they do).
"""

from __future__ import annotations

from collections.abc import Iterable
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from policytui.api import json_body
from policytui.helper.events import FiredState, ScanProgress
from policytui.helper.page_structs import WirePage
from policytui.helper.plain_facts import PlainFactsReader
from policytui.query.facts import FactsReader, PolicyFacts
from policytui.query.sharing import PEOPLE_SIDE, SHARED_TEXTS, SIDE, SharedFacts
from policytui.tui.item_rows import NotPlain
from policytui.tui.policy_index import IndexedFacts
from policytui.tui.rows import PackedItems

if TYPE_CHECKING:
    from policytui.tui.catalog import Catalog

__all__ = ["RECEIVED", "IndexReader", "for_the_pipe"]


class PageFacts(PolicyFacts):
    """A policy's facts as the helper reads them, with its place in its packed page: what
    crosses the pipe (:func:`for_the_pipe`), to be held by the UI as
    :class:`~policytui.tui.policy_index.IndexedFacts`."""

    __slots__ = ("at", "packed")
    packed: PackedItems | None
    at: int


class IndexReader:
    """Every policy of a page as its index facts, against one catalog (None while it is
    loading; make a new reader once it has loaded, as for a FactsReader)."""

    def __init__(self, catalog: Catalog | None) -> None:
        # No row is made here, a fired policy's neither: the fired view over the index
        # makes the rows it shows (policy_index.FiredRows). Sent, the fired ones' rows
        # were 9 MB of the app at 100 000 policies.
        self._plain = PlainFactsReader(catalog, PageFacts)
        self._model_facts = FactsReader(catalog)

    def keep(self, items: list[dict[str, Any]], progress: ScanProgress) -> None:
        """Append every policy of ``items`` (one page) to ``progress``: its facts (with
        its place in the page, packed) and its fired state; raises the client's error for
        a policy the client cannot read (nothing of the page is kept then)."""
        wire = type(items) is WirePage
        # The fired policies first in the packed page: the fired view over the index
        # makes a row of each of them, and so unpacks a block of 50 of them each, not
        # every block (a policy's place in the packed page, ``at``, is its own).
        if wire:
            fired_first = sorted(range(len(items)), key=lambda at: items[at].has_fired is not True)
        else:
            fired_first = sorted(
                range(len(items)), key=lambda at: items[at].get("has_fired") is not True
            )
        place = [0] * len(items)
        for packed_at, at in enumerate(fired_first):
            place[at] = packed_at
        # Packed before reading: what the UI will make rows of is what the server sent.
        if wire:
            objects = items.objects
            packed = PackedItems.of_json([objects[at] for at in fired_first])
        else:
            packed = PackedItems.pack([items[at] for at in fired_first])
        facts: list[PolicyFacts] = []
        states: dict[str, FiredState] = {}
        fired = 0
        read = self._plain.read_wire if wire else self._plain.read
        for at, (item, packed_at) in enumerate(zip(items, place, strict=True)):
            try:
                held, state = read(item)
            except NotPlain:
                # Not plain after all (a period the server does not know, a time in
                # another shape): its object as the client decodes it, the model's way.
                held, state = self._through_model(
                    json_body.loads(bytes(items.objects[at])) if wire else item
                )
            held.packed, held.at = packed, packed_at
            facts.append(held)
            states[held.uuid] = state
            fired += state[0]
        progress.facts.extend(facts)
        progress.states.update(states)
        progress.fired += fired

    def _through_model(self, item: dict[str, Any]) -> tuple[PageFacts, FiredState]:
        """An unusual policy as before: its model (or the client's error), its facts
        from it."""
        from policytui.api.parsing import parse_policy

        policy = parse_policy(item)
        facts = PageFacts(*_facts_fields(self._model_facts(policy)))
        return facts, (policy.has_fired, policy.fired_datetime)


_facts_fields = attrgetter(*PolicyFacts.__slots__)
#: What of a facts crosses the pipe: its fields and its place in its packed page (the
#: page pickled once per batch: pickle's memo).
_sent_facts = attrgetter(*PolicyFacts.__slots__, "packed", "at")


def for_the_pipe(progress: ScanProgress) -> None:
    """Have a batch of the index's facts pickled as columns of plain values.

    Pickled one by one, each facts was a call of its ``__reduce__`` in the helper (and a
    state to set in the UI): ~16 µs a policy, the helper's second cost after reading. As
    columns both sides are C (an attribute getter a policy, a transpose; the UI builds
    the objects with one ``map``), and the UI shares each repeated value as it builds
    them (:data:`RECEIVED`).
    """
    progress.facts = _SentFacts(progress.facts)  # type: ignore[assignment]


class _SentFacts(list):  # type: ignore[type-arg]
    def __reduce__(self) -> tuple[Any, ...]:
        return (_facts_from_columns, (list(zip(*map(_sent_facts, self), strict=True)),))


#: The values the batches of the scan being received repeat, one object each: each
#: batch is pickled on its own, so what two batches share arrives twice (at 100 000
#: policies, ~28 batches: ~11.5 MB of limits and ~5 MB of texts). Made anew for each scan
#: by its receiver (:meth:`policytui.helper.scan_pipe.ScanClient`), so they cost nothing
#: after it.
RECEIVED = SharedFacts()
_FACTS_COUNT = len(PolicyFacts.__slots__)
_TEXTS_AT = tuple(PolicyFacts.__slots__.index(name) for name in SHARED_TEXTS)
_COMPONENTS_AT = PolicyFacts.__slots__.index("components")
#: The columns each IndexedFacts takes, in its order, between its two sides.
_OWN_AT = tuple(
    PolicyFacts.__slots__.index(name)
    for name in ("components", "has_fired", "fired_at", "created_at", "usage_percent")
)
_UUID_AT = PolicyFacts.__slots__.index("uuid")


def _facts_from_columns(columns: list[tuple[Any, ...]]) -> list[IndexedFacts]:
    if not columns:
        return []
    values: list[Iterable[Any]] = list(columns)
    # C all the way (a dict's setdefault a value, a side looked up by the tuple of its
    # values): the UI thread builds 100 000 of them.
    texts = RECEIVED.texts.setdefault
    for at in _TEXTS_AT:
        values[at] = map(texts, columns[at], columns[at])
    values[_COMPONENTS_AT] = map(RECEIVED.limit_sets.__getitem__, columns[_COMPONENTS_AT])
    # Each text column is read once: by the side it belongs to (every text but the uuid
    # is a side's).
    sides = map(RECEIVED.sides.__getitem__, zip(*(values[at] for at in SIDE), strict=True))
    people = map(RECEIVED.people.__getitem__, zip(*(values[at] for at in PEOPLE_SIDE), strict=True))
    return list(
        map(
            IndexedFacts,
            values[_UUID_AT],
            sides,
            people,
            *(values[at] for at in _OWN_AT),
            *columns[_FACTS_COUNT:],
        )
    )
