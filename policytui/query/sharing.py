"""One object for each distinct value the index's facts repeat (issue 13's memory).

The helper shares each repeated text and set of limits among the policies it reads
(:class:`policytui.query.facts.FactsReader`), but sends each batch pickled on its own:
two policies with the same offering text or the same limits in two batches arrive as two
copies. At 100 000 policies (~28 batches) that was ~11.5 MB of limits (a tuple of
:class:`ComponentFacts` a policy, each with its own limit number) and ~5 MB of copies of
the ~1 000 distinct texts. The receiver shares them again as it builds each batch's
facts (:mod:`policytui.helper.index_page`), and forgets them when the scan ends.

It also holds each policy's two *sides* once: the offering's (:class:`OfferingSide`: the
offering, its provider, actions, components, period and the free word's text over them)
and the people's (:class:`PeopleSide`: groups, creator and their free-word text). The
demo's 100 000 policies have ~860 and ~190 of them; an index's facts point at one of
each instead of holding eleven values (:class:`policytui.tui.policy_index.IndexedFacts`:
7 MB less at 100 000).
"""

from __future__ import annotations

from typing import NamedTuple

from policytui.query.facts import ComponentFacts, PolicyFacts

__all__ = [
    "PEOPLE_SIDE",
    "SHARED_TEXTS",
    "SIDE",
    "OfferingSide",
    "PeopleSide",
    "SharedFacts",
    "Sides",
]

#: The texts a policy shares with many others (one offering, one set of groups, one
#: creator serve thousands): every text field of the facts but the uuid, its own.
SHARED_TEXTS = tuple(
    name for name, kind in PolicyFacts.__annotations__.items() if kind == "str" and name != "uuid"
)


class OfferingSide(NamedTuple):
    """What a policy's facts read of its offering's side, as :class:`PolicyFacts` names
    them: shared by every policy with the same offering, actions, limited components and
    period."""

    offering: str
    offering_uuid: str
    provider: str
    actions_text: str
    components_text: str
    period: int
    period_label: str
    what: str


class PeopleSide(NamedTuple):
    """What a policy's facts read of the people it is for and by (its groups, its
    creator), as :class:`PolicyFacts` names them."""

    groups_text: str
    creator_text: str
    who: str


#: The places of each side's fields among :class:`PolicyFacts`' fields. Every text a
#: policy shares (:data:`SHARED_TEXTS`) is one side's.
SIDE = tuple(PolicyFacts.__slots__.index(name) for name in OfferingSide._fields)
PEOPLE_SIDE = tuple(PolicyFacts.__slots__.index(name) for name in PeopleSide._fields)


class Sides(dict):  # type: ignore[type-arg]
    """One side object for each tuple of its values met: looked up as a plain tuple of
    the values (``map(sides.__getitem__, zip(...))``, C-level), made on the first."""

    __slots__ = ("kind",)

    def __init__(self, kind: type[OfferingSide] | type[PeopleSide]) -> None:
        super().__init__()
        self.kind = kind

    def __missing__(self, key: tuple[object, ...]) -> OfferingSide | PeopleSide:
        side = self[key] = self.kind(*key)
        return side


class _LimitSets(dict):  # type: ignore[type-arg]
    """Each set of limits met, by value; a set met for the first time is made of the
    limits met before (the demo's 40 000 sets hold 20 000 distinct limits)."""

    __slots__ = ("limits",)

    def __init__(self) -> None:
        super().__init__()
        self.limits: dict[ComponentFacts, ComponentFacts] = {}

    def __missing__(self, key: tuple[ComponentFacts, ...]) -> tuple[ComponentFacts, ...]:
        limit = self.limits.setdefault
        shared = tuple(limit(c, c) for c in key)
        self[shared] = shared
        return shared

    def clear(self) -> None:
        super().clear()
        self.limits.clear()


class SharedFacts:
    """The first object of each value met: texts, sets of limits and their limits, the
    policies' sides.

    Looked up with C-level maps (``map(texts.setdefault, ...)``, ``map(limit_sets
    .__getitem__, ...)``): the UI thread builds 100 000 facts a fill."""

    __slots__ = ("limit_sets", "people", "sides", "texts")

    def __init__(self) -> None:
        self.texts: dict[str, str] = {}
        self.limit_sets: dict[tuple[ComponentFacts, ...], tuple[ComponentFacts, ...]] = _LimitSets()
        self.sides = Sides(OfferingSide)
        self.people = Sides(PeopleSide)

    def clear(self) -> None:
        self.texts.clear()
        self.limit_sets.clear()
        self.sides.clear()
        self.people.clear()
