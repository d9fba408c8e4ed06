"""The index's facts straight from a page's JSON objects (issue 13's fill time and memory).

The index of every policy reads all 100 000 of them. Validating each into a pydantic
model, building its row and its facts from the model and writing the model back out as
JSON for the UI was ~200 µs of the helper's CPU a policy: the fill waited for it, not
for the server. Here a policy whose JSON is plain (:func:`policytui.tui.item_rows.plain_values`:
every field the models read has the type the server sends) becomes its facts from the
JSON values, each text the facts hold made once and shared; no row is made: the UI
makes the rows it shows from the page's objects, packed (:class:`PackedItems`), with
the same maker as ever (:class:`policytui.tui.item_rows.RowMaker`). The model is left
for the UI to parse from the object itself, when a row is opened. A page msgspec decoded
(its usual way, :mod:`policytui.helper.page_structs`) is read a column at a time
(:mod:`policytui.helper.page_columns`), a page of dicts a policy at a time
(:mod:`policytui.helper.plain_facts`); both into the batch that crosses the pipe
(:mod:`policytui.helper.index_batch`).

Anything else (a limit sent as "250", a number where a text belongs, a time in
another shape, a missing uuid) goes the model's way: :func:`parse_policy`, the client's
own error for a malformed policy, and the facts from the model. So both ways give the
same values (tests/helper/test_index_page.py checks they do).
"""

from __future__ import annotations

from itertools import compress, repeat
from operator import attrgetter, is_not, or_
from typing import TYPE_CHECKING, Any

from policytui.api import json_body
from policytui.helper.events import FiredState, ScanProgress
from policytui.helper.index_batch import Definitions, IndexBatch
from policytui.helper.page_columns import PageRead, WireColumnsReader
from policytui.helper.page_structs import WirePage
from policytui.helper.plain_facts import PlainFactsReader
from policytui.query.facts import FactsReader, PolicyFacts
from policytui.query.sharing import PEOPLE_SIDE, SIDE, OfferingSide, PeopleSide
from policytui.tui.item_rows import NotPlain
from policytui.tui.rows import PackedItems

if TYPE_CHECKING:
    from policytui.tui.catalog import Catalog

__all__ = ["IndexReader"]

_UNFIRED: FiredState = (False, None)


class IndexReader:
    """Every policy of a page as its index facts, against one catalog (None while it is
    loading; make a new reader once it has loaded, as for a FactsReader, with the
    scan's ``definitions``: the numbers of what its policies share)."""

    def __init__(self, catalog: Catalog | None, definitions: Definitions | None = None) -> None:
        # No row is made here, a fired policy's neither: the fired view over the index
        # makes the rows it shows (policy_index.FiredRows). Sent, the fired ones' rows
        # were 9 MB of the app at 100 000 policies.
        self._definitions = definitions if definitions is not None else Definitions()
        self._plain = PlainFactsReader(catalog, PolicyFacts)
        self._model_facts = FactsReader(catalog)
        # The usual way: a page msgspec decoded, read a column at a time (its texts
        # made by the model's reader: the same texts, and shared with its policies').
        self._wire = WireColumnsReader(self._model_facts, self._definitions)

    def keep(self, items: list[Any], progress: ScanProgress) -> None:
        """Append every policy of ``items`` (one page) to ``progress``'s batch
        (``progress.index``): its facts, with its place in the page, packed; and the
        fired state of each that fired or has a firing time (the rest never fired).
        Raises the client's error for a policy the client cannot read (nothing of the
        page is kept then)."""
        batch = progress.index
        if batch is None:  # begun before the page is read: it defines what the page meets
            batch = progress.index = IndexBatch(self._definitions)
        read = None
        if type(items) is WirePage:
            try:
                read = self._wire.read(items)
            except NotPlain:
                # A set of limits or a time no plain policy has: the dicts' way.
                items = [json_body.loads(bytes(o)) for o in items.objects]
        if read is None:
            read = self._of_dicts(items)
        fired = read.fired
        # The fired policies first in the packed page: the fired view over the index
        # makes a row of each of them, and so unpacks a block of 50 of them each, not
        # every block (a policy's place in the packed page, ``at``, is its own).
        # (Sorts in C: a stable sort keeps the page's order within each part, and the
        # places are the inverse of that order.)
        fired_first = sorted(range(len(fired)), key=fired.__getitem__, reverse=True)
        place = sorted(range(len(fired)), key=fired_first.__getitem__)
        # Packed as sent: what the UI will make rows of is what the server sent.
        if type(items) is WirePage:
            objects = items.objects
            packed = PackedItems.of_json([objects[at] for at in fired_first])
        else:
            packed = PackedItems.pack([items[at] for at in fired_first])
        batch.uuids += read.uuids
        batch.sides += read.sides
        batch.people += read.people
        batch.limits += read.limits
        batch.fired += fired
        batch.fired_at += read.fired_at
        batch.created_at += read.created_at
        batch.pages.append((packed, len(fired)))
        batch.at += place
        batch.page_kept()
        # A fired state for each that fired or once did; the UI reads "never fired"
        # off the facts of the rest.
        moments = read.fired_moments
        once = map(or_, fired, map(is_not, moments, repeat(None)))
        states = zip(read.uuids, zip(fired, moments, strict=True), strict=True)
        progress.states.update(compress(states, once))
        progress.fired += sum(fired)

    def _of_dicts(self, items: list[dict[str, Any]]) -> PageRead:
        """A page of decoded objects read a policy at a time (a page msgspec refused:
        a policy the model reads otherwise, or cannot read)."""
        read = PageRead([], [], [], [], [], [], [], [])
        definitions = self._definitions
        for item in items:
            try:
                facts, state = self._plain.read(item)
            except NotPlain:
                # Not plain after all (a period the server does not know, a time in
                # another shape): its object as the client decodes it, the model's way.
                facts, state = self._through_model(item)
            fields = _facts_fields(facts)
            read.uuids.append(facts.uuid)
            read.sides.append(definitions.sides.number(OfferingSide(*(fields[at] for at in SIDE))))
            read.people.append(
                definitions.people.number(PeopleSide(*(fields[at] for at in PEOPLE_SIDE)))
            )
            read.limits.append(definitions.limit_set(facts.components))
            read.fired.append(facts.has_fired)
            read.fired_moments.append(state[1])
            read.fired_at.append(facts.fired_at)
            read.created_at.append(facts.created_at)
        return read

    def _through_model(self, item: dict[str, Any]) -> tuple[PolicyFacts, FiredState]:
        """An unusual policy as before: its model (or the client's error), its facts
        from it."""
        from policytui.api.parsing import parse_policy

        policy = parse_policy(item)
        return self._model_facts(policy), (policy.has_fired, policy.fired_datetime)


#: Every field of a facts, in order (one C call).
_facts_fields = attrgetter(*PolicyFacts.__slots__)
