"""The index's rows and facts straight from a page's JSON objects (issue 13's fill time).

The index of every policy reads all 100 000 of them. Validating each into a pydantic
model, building its row and its facts from the model and writing the model back out as
JSON for the UI was ~200 µs of the helper's CPU a policy: the fill waited for it, not
for the server. Here a policy whose JSON is plain (every field the models read has
the type the server sends: texts, true/false, whole numbers, ISO times with at most
microseconds) becomes its row and facts from the JSON values, each text the row and
the facts show made once and shared (an offering, a set of groups, a set of actions),
and its model is left for the UI to parse from the object itself, when a row is
opened (:class:`policytui.tui.rows.PackedItems`).

Anything else (a limit sent as "250", a number where a text belongs, a time in
another shape, a missing uuid) goes the model's way: :func:`parse_policy`, the client's
own error for a malformed policy, and the same ``build_row`` and facts as before. So
both ways give the same values (tests/helper/test_index_page.py checks they do).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from policytui.helper.events import FiredState, ScanProgress
from policytui.query.facts import FactsReader, PolicyFacts
from policytui.tui.format import actions_text, group_thousands, short_date
from policytui.tui.policy_index import IndexedFacts
from policytui.tui.rows import (
    _FIELDS,
    _FIELDS_NAMES,
    PackedItems,
    PolicyRow,
    build_row,
    fired_label,
    groups_label,
    index_row,
    offering_label,
    rows_from_fields,
)

if TYPE_CHECKING:
    from policytui.tui.catalog import Catalog

__all__ = ["IndexReader"]

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
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class _NotPlain(Exception):
    """The policy's JSON is not plain: read it through its model."""


def _moment(text: Any) -> datetime | None:
    if text is None:
        return None
    if type(text) is not str or _MOMENT.fullmatch(text) is None:
        raise _NotPlain
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise _NotPlain from None


def _timestamp(moment: datetime | None) -> float | None:
    """As :mod:`policytui.query.facts` reads a time: naive is UTC."""
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


class IndexReader:
    """Every policy of a page as its index row and facts, against one catalog (None
    while it is loading; make a new reader once it has loaded, as for a FactsReader)."""

    def __init__(self, catalog: Catalog | None, now: datetime) -> None:
        self._catalog = catalog
        self._now = now
        self._named = catalog is not None
        self._facts = FactsReader(catalog, made=IndexedFacts)
        self._model_facts = FactsReader(catalog)
        self._offerings: dict[tuple[str | None, str | None], str] = {}
        self._actions: dict[str | None, tuple[tuple[str, ...], str]] = {}
        self._groups: dict[tuple[bool, tuple[str, ...]], str] = {}
        self._limits: dict[tuple[str | None, tuple[tuple[str, int], ...]], list[str]] = {}
        self._limit_parts: dict[tuple[str | None, str], tuple[str, str]] = {}
        self._periods: dict[int, str] = {}
        self._days: dict[str, str] = {}
        #: A text or tuple shared by every row that has it (one object, pickled once).
        self._shared: dict[Any, Any] = {}

    def keep(self, items: list[dict[str, Any]], progress: ScanProgress) -> None:
        """Append every policy of ``items`` (one page) to ``progress``: its row, its facts
        (linked to the row) and its fired state; raises the client's error for a policy
        the client cannot read (nothing of the page is kept then)."""
        packed = PackedItems.pack(items)  # before reading: what the UI will parse
        # Shared within a page only: limits and firing times are nearly one a policy,
        # and a cache of 100 000 of them held a fifth of the helper's peak.
        self._limits.clear()
        self._shared.clear()
        rows: list[PolicyRow] = []
        facts: list[PolicyFacts] = []
        states: dict[str, FiredState] = {}
        fired = 0
        for at, item in enumerate(items):
            try:
                row, held, state = self._plain(item, packed, at)
            except _NotPlain:
                row, held, state = self._through_model(item, packed, at)
            rows.append(row)
            facts.append(held)
            states[row.uuid] = state
            fired += state[0]
        progress.rows.extend(rows)
        progress.facts.extend(facts)
        progress.states.update(states)
        progress.fired += fired

    def _plain(
        self, item: dict[str, Any], packed: PackedItems, at: int
    ) -> tuple[PolicyRow, PolicyFacts, FiredState]:
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
            raise _NotPlain
        options = get("options")
        if options is not None and type(options) is not dict:
            raise _NotPlain
        count = get("affected_resources_count")
        if count is not None and (type(count) is not int or count not in _INT_RANGE):
            raise _NotPlain
        apply_to_all = get("apply_to_all")
        has_fired = get("has_fired")
        if (apply_to_all is not None and type(apply_to_all) is not bool) or (
            has_fired is not None and type(has_fired) is not bool
        ):
            raise _NotPlain
        apply_to_all = bool(apply_to_all)
        has_fired = bool(has_fired)
        period = get("period")
        if period is None:
            period = 2  # the model's default: one month
        elif type(period) is not int or period not in _PERIODS:
            raise _NotPlain
        groups = get("organization_groups")
        if groups is None:
            groups = ()
        elif type(groups) is not list or not all(type(g) is str for g in groups):
            raise _NotPlain
        else:
            groups = tuple(groups)
        limits = self._read_limits(get("component_limits_set"))
        fired_at = _moment(get("fired_datetime"))
        created = _moment(get("created"))
        names, actions = self._actions_of(get("actions"))

        share = self._shared.setdefault
        offering = self._offerings.get((scope, scope_name))
        if offering is None:
            offering = self._offerings[(scope, scope_name)] = offering_label(
                scope, scope_name, self._catalog
            )
        group_key = (apply_to_all, groups)
        groups_text = self._groups.get(group_key)
        if groups_text is None:
            groups_text = self._groups[group_key] = groups_label(
                apply_to_all, groups, self._catalog
            )
        limit_key = (scope, limits)
        limits_list = self._limits.get(limit_key)
        if limits_list is None:
            limits_list = self._limits[limit_key] = [
                self._limit_text(scope, type_, limit) for type_, limit in limits
            ]
        period_label = self._periods.get(period)
        if period_label is None:
            from policytui.api.models import Period

            period_label = self._periods[period] = Period(period).label
        fired_key = (has_fired, (fired_at or _EPOCH).timestamp())
        fired_key = share(fired_key, fired_key)
        fired = fired_label(has_fired, fired_at, self._now)
        fired = share(fired, fired)
        row = index_row(
            (
                offering,
                actions,
                limits_list,
                period_label,
                groups_text,
                fired,
                self._created(created),
                None,  # no search text: the index's `/` reads the facts
                False,
                self._named,
                uuid,
                fired_key,
            ),
            packed,
            at,
        )
        facts = self._facts.read(
            uuid,
            scope,
            scope_name,
            limits,
            names,
            apply_to_all,
            groups,
            full_name,
            username,
            period,
            period_label,
            has_fired,
            _timestamp(fired_at),
            _timestamp(created),
        )
        facts.row = row  # type: ignore[attr-defined]
        return row, facts, (has_fired, fired_at)

    def _read_limits(self, limits: Any) -> tuple[tuple[str, int], ...]:
        if limits is None:
            return ()
        if type(limits) is not list:
            raise _NotPlain
        read = []
        for limit in limits:
            if type(limit) is not dict:
                raise _NotPlain
            type_, value = limit.get("type"), limit.get("limit")
            if type(type_) is not str or type(value) is not int or value not in _INT_RANGE:
                raise _NotPlain
            read.append((type_, value))
        return tuple(read)

    def _limit_text(self, scope: str | None, type_: str, limit: int) -> str:
        """A limit as :func:`policytui.tui.format.limit_text` writes it ("CPU 10 000
        core-hours"), its component's name and unit found once per offering and type."""
        key = (scope, type_)
        parts = self._limit_parts.get(key)
        if parts is None:
            component = self._catalog.component(scope, type_) if self._catalog else None
            name = component.label if component else type_
            unit = component.measured_unit if component else ""
            parts = (f"{name} " if name else "", f" {unit}" if unit else "")
            self._limit_parts[key] = parts
        return parts[0] + group_thousands(limit) + parts[1]

    def _actions_of(self, text: Any) -> tuple[tuple[str, ...], str]:
        """The action names of the server's comma string and the row's text of them."""
        if text is not None and type(text) is not str:
            raise _NotPlain  # a list is valid too, but rare: the model reads it
        found = self._actions.get(text)
        if found is None:
            names = tuple(part for part in (text or "").split(",") if part)
            found = self._actions[text] = (names, actions_text(names))
        return found

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

    def _through_model(
        self, item: dict[str, Any], packed: PackedItems, at: int
    ) -> tuple[PolicyRow, PolicyFacts, FiredState]:
        """An unusual policy as before: its model (or the client's error), its row and
        facts from it; the row then holds its place in ``packed`` as the plain ones do."""
        from policytui.api.parsing import parse_policy

        policy = parse_policy(item)
        built = build_row(policy, self._catalog, self._now, searchable=False)
        row = index_row(_row_fields(built), packed, at)
        made = self._model_facts(policy)
        facts = IndexedFacts(*_facts_fields(made))
        facts.row = row
        return row, facts, (policy.has_fired, policy.fired_datetime)


#: A row's fields but its model (as :func:`index_row` takes them), a facts' fields.
_row_fields = _FIELDS
_facts_fields = attrgetter(*PolicyFacts.__slots__)
#: What of a row crosses the pipe: its fields and its place in its packed page.
_sent_row = attrgetter(*_FIELDS_NAMES, "model_json")


def for_the_pipe(progress: ScanProgress) -> None:
    """Have a batch of the index's rows and facts pickled as columns of plain values.

    Pickled one by one, each row and each facts was a call of its ``__reduce__`` in the
    helper (and a state to set in the UI): ~16 µs a policy, the helper's second cost
    after reading. As columns the helper's side is C (an attribute getter a policy), and
    the UI builds the same objects, each facts linked to its row, in one loop.
    """
    rows = _SentRows(progress.rows)
    progress.rows = rows
    progress.facts = _SentFacts(progress.facts, rows)  # type: ignore[assignment]


class _SentRows(list):  # type: ignore[type-arg]
    def __reduce__(self) -> tuple[Any, ...]:
        return (rows_from_fields, ([_sent_row(row) for row in self],))


class _SentFacts(list):  # type: ignore[type-arg]
    def __init__(self, facts: list[PolicyFacts], rows: _SentRows) -> None:
        super().__init__(facts)
        self.rows = rows

    def __reduce__(self) -> tuple[Any, ...]:
        return (_facts_from_fields, ([_facts_fields(f) for f in self], self.rows))


def _facts_from_fields(fields: list[tuple[Any, ...]], rows: list[PolicyRow]) -> list[IndexedFacts]:
    made = []
    for values, row in zip(fields, rows, strict=True):
        facts = IndexedFacts(*values)
        facts.row = row
        made.append(facts)
    return made
