"""A policy of the index as its table row, made from the server's own JSON object.

The index of every policy holds 100 000 policies but shows ~40 rows: it keeps each
policy's facts and its page's JSON packed (:class:`policytui.tui.rows.PackedItems`),
and makes a row only when one is asked for (:meth:`PolicyIndex.row_at`). The helper
reads the same objects into facts (:mod:`policytui.helper.index_page`), so what makes
a policy "plain" is said once, here (:func:`plain_values`).

A plain policy (every field the models read has the type the server sends: texts,
true/false, whole numbers, ISO times with at most microseconds) becomes its row from
the JSON values; anything else goes the model's way (``parse_policy`` and
``build_row``), so both ways give the same row (tests/helper/test_index_page.py).
"""

from __future__ import annotations

import re
from collections import OrderedDict
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from policytui.tui.format import actions_text, group_thousands, short_date
from policytui.tui.rows import (
    _FIELDS,
    PACKED_BLOCK,
    PackedItems,
    PolicyRow,
    build_row,
    fired_label,
    fired_order,
    groups_label,
    index_row,
    offering_label,
)

if TYPE_CHECKING:
    from policytui.api import OfferingUsagePolicy
    from policytui.tui.catalog import Catalog

__all__ = ["NotPlain", "PlainPolicy", "RowMaker", "plain_values"]

#: A time as Waldur writes it ("2026-11-27T07:15:21.681484Z"); anything else (dates
#: alone, more than microseconds, week dates, odd offsets) is left to pydantic, whose
#: reading of it may differ from ``datetime.fromisoformat``'s.
_MOMENT = re.compile(
    r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)?",
    re.ASCII,
)
#: Whole numbers pydantic keeps as they are (a wider one it may refuse).
_INT_RANGE = range(-(2**63), 2**63)
_PERIODS = (1, 2, 3, 4)
#: Blocks of a page kept unpacked for making rows (each ~0.1 MB of objects).
UNPACKED_BLOCKS = 16


class NotPlain(Exception):
    """The policy's JSON is not plain: read it through its model."""


class PlainPolicy(NamedTuple):
    """What the row and the facts read of a plain policy's JSON, typed."""

    uuid: str
    scope: str | None
    scope_name: str | None
    full_name: str | None
    username: str | None
    period: int
    apply_to_all: bool
    has_fired: bool
    groups: tuple[str, ...]
    limits: tuple[tuple[str, int], ...]
    fired_at: datetime | None
    created: datetime | None
    #: The server's comma string of action names (None: none).
    actions: str | None


def _moment(text: Any) -> datetime | None:
    if text is None:
        return None
    if type(text) is not str or _MOMENT.fullmatch(text) is None:
        raise NotPlain
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise NotPlain from None


def _read_limits(limits: Any) -> tuple[tuple[str, int], ...]:
    if limits is None:
        return ()
    if type(limits) is not list:
        raise NotPlain
    read = []
    for limit in limits:
        if type(limit) is not dict:
            raise NotPlain
        type_, value = limit.get("type"), limit.get("limit")
        if type(type_) is not str or type(value) is not int or value not in _INT_RANGE:
            raise NotPlain
        read.append((type_, value))
    return tuple(read)


def plain_values(item: dict[str, Any]) -> PlainPolicy:
    """The values of a plain policy's JSON; raises :class:`NotPlain` for any other."""
    get = item.get
    uuid = get("uuid")
    scope = get("scope_uuid")
    scope_name = get("scope_name")
    full_name = get("created_by_full_name")
    username = get("created_by_username")
    period_name = get("period_name")
    if type(uuid) is not str or not (
        (scope is None or type(scope) is str)
        and (scope_name is None or type(scope_name) is str)
        and (full_name is None or type(full_name) is str)
        and (username is None or type(username) is str)
        and (period_name is None or type(period_name) is str)
        and type(get("url", "")) is str
        and type(get("scope", "")) is str
    ):
        raise NotPlain
    options = get("options")
    if options is not None and type(options) is not dict:
        raise NotPlain
    count = get("affected_resources_count")
    if count is not None and (type(count) is not int or count not in _INT_RANGE):
        raise NotPlain
    apply_to_all = get("apply_to_all")
    has_fired = get("has_fired")
    if (apply_to_all is not None and type(apply_to_all) is not bool) or (
        has_fired is not None and type(has_fired) is not bool
    ):
        raise NotPlain
    period = get("period")
    if period is None:
        period = 2  # the model's default: one month
    elif type(period) is not int or period not in _PERIODS:
        raise NotPlain
    groups = get("organization_groups")
    if groups is None:
        groups = ()
    elif type(groups) is not list or not all(type(g) is str for g in groups):
        raise NotPlain
    else:
        groups = tuple(groups)
    actions = get("actions")
    if actions is not None and type(actions) is not str:
        raise NotPlain  # a list is valid too, but rare: the model reads it
    return PlainPolicy(
        uuid,
        scope,
        scope_name,
        full_name,
        username,
        period,
        bool(apply_to_all),
        bool(has_fired),
        groups,
        _read_limits(get("component_limits_set")),
        _moment(get("fired_datetime")),
        _moment(get("created")),
        actions,
    )


def action_names(text: str | None) -> tuple[str, ...]:
    """The action names of the server's comma string."""
    return tuple(part for part in (text or "").split(",") if part)


class RowMaker:
    """Rows of the index from their policies' JSON objects, against one catalog (None
    while it is loading; make a new one once it has loaded: the texts it keeps were
    named by the old one)."""

    def __init__(self, catalog: Catalog | None) -> None:
        self.catalog = catalog
        self._named = catalog is not None
        self._offerings: dict[tuple[str | None, str | None], str] = {}
        self._actions: dict[str | None, str] = {}
        self._groups: dict[tuple[bool, tuple[str, ...]], str] = {}
        self._limit_parts: dict[tuple[str | None, str], tuple[str, str]] = {}
        self._periods: dict[int, str] = {}
        self._days: dict[str, str] = {}
        #: The blocks unpacked last, by their page's id and place (the page held, so the
        #: id stays its own), with their first policy's place in the page.
        self._blocks: OrderedDict[
            tuple[int, int], tuple[PackedItems, int, list[dict[str, Any]]]
        ] = OrderedDict()

    def _item(self, packed: PackedItems, at: int) -> dict[str, Any]:
        """The ``at``-th policy of ``packed``; its block kept unpacked a while (the rows
        on screen are made one by one, often from the same blocks)."""
        blocks = self._blocks
        key = (id(packed), at // PACKED_BLOCK)
        found = blocks.get(key)
        if found is not None:
            blocks.move_to_end(key)
        else:
            found = blocks[key] = (packed, *packed.block(at))
            if len(blocks) > UNPACKED_BLOCKS:
                blocks.popitem(last=False)
        _, start, items = found
        return items[at - start]

    def policy(self, packed: PackedItems, at: int) -> OfferingUsagePolicy:
        """The ``at``-th policy of ``packed`` as the client parses it (no row made)."""
        from policytui.api.parsing import parse_policy

        return parse_policy(self._item(packed, at))

    def row(self, packed: PackedItems, at: int, now: datetime, *, changed: bool) -> PolicyRow:
        """The row of the ``at``-th policy of ``packed``, its fired label as of ``now``.

        The policy was read once already (the fill made its facts), so a malformed one
        never gets here; an unusual one is parsed by the client as before."""
        return self.row_of(self._item(packed, at), packed, at, now, changed=changed)

    def row_of(
        self,
        item: dict[str, Any],
        packed: PackedItems,
        at: int,
        now: datetime,
        *,
        changed: bool = False,
        values: PlainPolicy | None = None,
    ) -> PolicyRow:
        """The row of ``item``, the ``at``-th policy of ``packed`` (``values``: its plain
        values, read already)."""
        if values is None:
            try:
                values = plain_values(item)
            except NotPlain:
                from policytui.api.parsing import parse_policy

                built = build_row(parse_policy(item), self.catalog, now, changed=changed)
                return index_row(_FIELDS(built), packed, at)
        return index_row(self._fields(values, now, changed), packed, at)

    @property
    def named(self) -> bool:
        return self._named

    def _fields(self, values: PlainPolicy, now: datetime, changed: bool) -> tuple[Any, ...]:
        """A row's fields (as :func:`index_row` takes them), as ``build_row`` makes them."""
        scope, limits, has_fired, fired_at = (
            values.scope,
            values.limits,
            values.has_fired,
            values.fired_at,
        )
        offering = self._offerings.get((scope, values.scope_name))
        if offering is None:
            offering = self._offerings[(scope, values.scope_name)] = offering_label(
                scope, values.scope_name, self.catalog
            )
        group_key = (values.apply_to_all, values.groups)
        groups_text = self._groups.get(group_key)
        if groups_text is None:
            groups_text = self._groups[group_key] = groups_label(
                values.apply_to_all, values.groups, self.catalog
            )
        period_label = self._periods.get(values.period)
        if period_label is None:
            from policytui.api.models import Period

            period_label = self._periods[values.period] = Period(values.period).label
        actions = self._actions.get(values.actions)
        if actions is None:
            actions = self._actions[values.actions] = actions_text(action_names(values.actions))
        return (
            offering,
            actions,
            [self._limit_text(scope, type_, limit) for type_, limit in limits],
            period_label,
            groups_text,
            fired_label(has_fired, fired_at, now),
            self._created(values.created),
            None,  # no search text: the index's `/` reads the facts
            changed,
            self._named,
            values.uuid,
            fired_order(has_fired, fired_at),
        )

    def _limit_text(self, scope: str | None, type_: str, limit: int) -> str:
        """A limit as :func:`policytui.tui.format.limit_text` writes it ("CPU 10 000
        core-hours"), its component's name and unit found once per offering and type."""
        key = (scope, type_)
        parts = self._limit_parts.get(key)
        if parts is None:
            catalog = self.catalog
            component = catalog.component(scope, type_) if catalog else None
            name = component.label if component else type_
            unit = component.measured_unit if component else ""
            parts = (f"{name} " if name else "", f" {unit}" if unit else "")
            self._limit_parts[key] = parts
        return parts[0] + group_thousands(limit) + parts[1]

    def _created(self, created: datetime | None) -> str:
        """The created column; one text a UTC day, shared by the day's rows."""
        if created is None:
            return ""
        offset = created.utcoffset()
        if offset is not None and offset.total_seconds() != 0:
            return short_date(created)
        day = created.date().isoformat()
        text = self._days.get(day)
        if text is None:
            text = self._days[day] = short_date(created)
        return text
