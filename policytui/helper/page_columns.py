"""A page msgspec decoded (:class:`~policytui.helper.page_structs.WirePage`) read into
the index's columns, a field at a time (issue 13's fill time).

Read a policy at a time (``plain_facts``), each policy was ~10 µs of Python: its own
fields checked, its shared parts looked up one by one, its facts object made. But
msgspec has checked every field's type as it decoded the page, so what is left is to
find each policy's three shared values (:mod:`policytui.helper.index_batch`) and to
read its times: here each is one C-level ``map`` over the page's column (a dict's
``get`` over the tuples of the values it is read from). Only a value the reader has
not met is made in Python (with the :class:`~policytui.query.facts.FactsReader` that
reads a model's facts, so both give the same texts), and only what a type cannot say
is checked here: each set of limits' JSON the first time it is met, which raises
:class:`NotPlain` for one no plain policy has (the page is then read the dicts' way).
"""

from __future__ import annotations

from datetime import datetime
from itertools import repeat
from operator import attrgetter, is_, itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple

import msgspec

from policytui.helper.page_structs import LIMITS
from policytui.helper.plain_facts import DEFAULT_PERIOD
from policytui.query.sharing import OfferingSide, PeopleSide
from policytui.tui.item_rows import NotPlain, action_names

if TYPE_CHECKING:
    from policytui.helper.index_batch import Definitions
    from policytui.helper.page_structs import WirePage
    from policytui.query.facts import FactsReader

__all__ = ["PageRead", "WireColumnsReader"]

_COLUMNS = attrgetter(
    "uuid",
    "scope_uuid",
    "scope_name",
    "actions",
    "period",
    "apply_to_all",
    "organization_groups",
    "created_by_full_name",
    "created_by_username",
    "component_limits_set",
    "has_fired",
)
_first, _second = itemgetter(0), itemgetter(1)


class PageRead(NamedTuple):
    """A page's policies as the index's columns (:class:`IndexBatch`'s), in page order."""

    uuids: list[str]
    sides: list[int]
    people: list[int]
    limits: list[int]
    fired: list[bool]
    #: When each last fired, as sent (its fired state) and as a timestamp (its facts).
    fired_moments: list[datetime | None]
    fired_at: list[float | None]
    created_at: list[float | None]


def _timestamps(moments: list[datetime | None]) -> list[float | None]:
    if None not in moments:  # (every policy has its creation time: one map in C)
        return list(map(datetime.timestamp, moments))  # type: ignore[arg-type]
    return [None if m is None else m.timestamp() for m in moments]


class WireColumnsReader:
    """Pages decoded by msgspec read as columns, against one catalog (a new one when
    the catalog changes, numbering on in the scan's :class:`Definitions`)."""

    def __init__(self, reader: FactsReader, definitions: Definitions) -> None:
        self._reader = reader
        self.definitions = definitions
        #: By the values each is read from: its number (and the limits' types, which
        #: the offering's side reads).
        self._limits: dict[tuple[str | None, bytes], tuple[int, tuple[str, ...]]] = {}
        self._sides: dict[tuple[Any, ...], int] = {}
        self._people: dict[tuple[Any, ...], int] = {}
        #: Each limit's number by its offering, type and limit.
        self._components: dict[tuple[str | None, str, int], int] = {}

    def read(self, page: WirePage) -> PageRead:
        """The page's columns; raises :class:`NotPlain` for a page to read the dicts' way."""
        if not page:
            return PageRead([], [], [], [], [], [], [], [])
        (
            uuids,
            scopes,
            scope_names,
            actions,
            periods,
            to_all,
            groups,
            full_names,
            usernames,
            limit_texts,
            has_fired,
        ) = zip(*map(_COLUMNS, page), strict=True)
        fired_moments, created = page.fired_moments, page.created
        limit_keys = list(zip(scopes, map(bytes, limit_texts), strict=True))
        limits = list(map(self._limits.get, limit_keys))
        if None in limits:
            self._met(limits, limit_keys, self._limits_of)
        side_keys = list(
            zip(scopes, scope_names, actions, periods, map(_second, limits), strict=True)
        )
        sides = list(map(self._sides.get, side_keys))
        if None in sides:
            self._met(sides, side_keys, self._side_of)
        people_keys = list(zip(to_all, groups, full_names, usernames, strict=True))
        people = list(map(self._people.get, people_keys))
        if None in people:
            self._met(people, people_keys, self._people_of)
        return PageRead(
            list(uuids),
            sides,
            people,
            list(map(_first, limits)),
            list(map(is_, has_fired, repeat(True))),
            fired_moments,
            _timestamps(fired_moments),
            _timestamps(created),
        )

    @staticmethod
    def _met(found: list[Any], keys: list[tuple[Any, ...]], made: Any) -> None:
        """Fill in what was not found (``made`` adds it to its dict)."""
        for at, value in enumerate(found):
            if value is None:
                found[at] = made(keys[at])

    # Each value the first time: made as a model's facts make it.

    def _limits_of(self, key: tuple[str | None, bytes]) -> tuple[int, tuple[str, ...]]:
        # The demo's 100 000 policies send ~44 000 distinct sets of limits: this runs for
        # each, so each limit is looked up by its values (20 000 distinct), not made.
        scope, text = key
        try:
            limits = LIMITS.decode(text) or ()
        except (msgspec.ValidationError, msgspec.DecodeError):
            raise NotPlain from None
        known = self._components
        numbers, types = [], []
        for limit in limits:
            type_, value = limit.type, limit.limit
            number = known.get((scope, type_, value))
            if number is None:
                number = known[(scope, type_, value)] = self.definitions.components.number(
                    self._reader.component(scope, type_, value)
                )
            numbers.append(number)
            types.append(type_)
        found = self._limits[key] = (
            self.definitions.limits.number(tuple(numbers)),
            tuple(types),
        )
        return found

    def _side_of(self, key: tuple[Any, ...]) -> int:
        scope, scope_name, actions, period, types = key
        reader = self._reader
        offering, offering_uuid, provider = reader.offering_texts(scope, scope_name)
        components_text, units = reader.component_texts(scope, types)
        actions_text = reader.actions_text(action_names(actions))
        if period is None:
            period = DEFAULT_PERIOD
        from policytui.api.models import Period

        period_text = reader.period_text(period, Period(period).label)
        what = reader.shared(
            (offering, provider, period_text, actions_text, components_text, units)
        )
        side = OfferingSide(
            offering,
            offering_uuid,
            provider,
            actions_text,
            components_text,
            period,
            period_text,
            what,
        )
        found = self._sides[key] = self.definitions.sides.number(side)
        return found

    def _people_of(self, key: tuple[Any, ...]) -> int:
        to_all, groups, full_name, username = key
        reader = self._reader
        groups_text = reader.groups_text(to_all is True, groups or ())
        creator_text = reader.creator_text(full_name, username)
        who = reader.shared((groups_text, creator_text))
        found = self._people[key] = self.definitions.people.number(
            PeopleSide(groups_text, creator_text, who)
        )
        return found
