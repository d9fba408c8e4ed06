"""A plain policy's JSON read into its index facts in one pass (issue 13's fill time).

Checking every field's type (:func:`policytui.tui.item_rows.plain_values`) and then
building the facts from the checked values (:meth:`policytui.query.facts.FactsReader.read`)
read each field twice and was ~35 µs of the helper's CPU a policy, most of a fill. But
most of a policy repeats across thousands of others: its offering, creator, actions,
groups and period (its *profile*). Here a policy's profile is looked up as the server
sent it, and only what is its own (uuid, times, fired state, limits, the fields only
checked) is read and checked per policy.

A profile is read the reference way the first time it comes: ``plain_values`` (which
raises :class:`NotPlain` for a policy that is not plain) and ``FactsReader.read``, whose
texts every later policy with that profile shares. A later policy finds it only by
being equal to it, and a value equal to a text is a text (and None only equals None), so
finding it checks those fields' types too. Numbers are the exception (``1 == True ==
1.0``): the flags, the period and the limits are checked by type each time.
"""

from __future__ import annotations

from datetime import UTC, datetime
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from policytui.query.facts import FactsReader, PolicyFacts
from policytui.tui.item_rows import (
    _INT_RANGE,
    _MOMENT,
    _PERIODS,
    NotPlain,
    _read_limits,
    action_names,
)

if TYPE_CHECKING:
    from policytui.helper.events import FiredState
    from policytui.tui.catalog import Catalog

__all__ = ["DEFAULT_PERIOD", "PlainFactsReader"]

_fullmatch = _MOMENT.fullmatch
_fromisoformat = datetime.fromisoformat
#: The server's default for a policy sent without a period (the model's: one month).
DEFAULT_PERIOD = 2


#: What a policy's facts read of its JSON, in :meth:`PlainFactsReader.read`'s order.
_FIELD_NAMES = (
    "uuid",
    "url",
    "has_fired",
    "apply_to_all",
    "period",
    "options",
    "affected_resources_count",
    "period_name",
    "scope_uuid",
    "scope_name",
    "scope",
    "created_by_full_name",
    "created_by_username",
    "actions",
    "organization_groups",
    "component_limits_set",
    "fired_datetime",
    "created",
)
#: One C call for all of them (a policy lacking one is read field by field).
_FIELDS = itemgetter(*_FIELD_NAMES)
_LINKS = {"url", "scope"}


def _moment(text: Any) -> datetime | None:
    """As :func:`policytui.tui.item_rows._moment`."""
    if text is None:
        return None
    if type(text) is not str or _fullmatch(text) is None:
        raise NotPlain
    try:
        return _fromisoformat(text)
    except ValueError:
        raise NotPlain from None


def _timestamp(moment: datetime | None) -> float | None:
    """As :mod:`policytui.query.facts` reads a time: naive is UTC."""
    if moment is None:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp()


class PlainFactsReader:
    """The facts of plain policies from their JSON, against one catalog (as a
    :class:`FactsReader`: make a new one when the catalog changes)."""

    def __init__(self, catalog: Catalog | None, made: type[PolicyFacts]) -> None:
        self._made = made
        self._reader = reader = FactsReader(catalog, made=made)
        self._shared = reader.shared
        #: Each part by the JSON values it is read from (finding a value checks its type).
        self._offerings: dict[tuple[Any, ...], tuple[str, str, str]] = {}
        self._creators: dict[tuple[Any, ...], str] = {}
        self._actions: dict[Any, str] = {}
        self._groups: dict[tuple[bool, Any], tuple[tuple[str, ...], str]] = {}
        self._periods: dict[int, str] = {}

    def read(self, item: dict[str, Any]) -> tuple[PolicyFacts, FiredState]:
        """The facts and fired state of the policy ``item``; raises :class:`NotPlain`
        for what ``plain_values`` refuses. (No row is made in the helper: the UI makes
        the rows it shows from the packed page.)"""
        try:
            values = _FIELDS(item)
        except KeyError:  # a field left out: None (a link: "", as plain_values reads it)
            values = [item.get(name, "" if name in _LINKS else None) for name in _FIELD_NAMES]
        (
            uuid,
            link,
            has_fired,
            apply_to_all,
            period,
            options,
            count,
            period_name,
            scope,
            scope_name,
            scope_link,
            full_name,
            username,
            actions,
            groups,
            limits,
            fired_text,
            created_text,
        ) = values
        if (
            type(uuid) is not str
            or type(link) is not str
            or (has_fired is not True and has_fired is not False and has_fired is not None)
            or (apply_to_all is not True and apply_to_all is not False and apply_to_all is not None)
            or (options is not None and type(options) is not dict)
            or (count is not None and (type(count) is not int or count not in _INT_RANGE))
            or (period_name is not None and type(period_name) is not str)
        ):
            raise NotPlain
        if period is None:
            period = DEFAULT_PERIOD
        elif type(period) is not int:
            raise NotPlain
        return self._facts(
            uuid,
            has_fired,
            apply_to_all is True,
            period,
            scope,
            scope_name,
            scope_link,
            full_name,
            username,
            actions,
            groups,
            _read_limits(limits),  # NotPlain when not plain
            fired_text,
            created_text,
        )

    def _facts(
        self,
        uuid: str,
        has_fired: bool | None,
        to_all: bool,
        period: int,
        scope: Any,
        scope_name: Any,
        scope_link: Any,
        full_name: Any,
        username: Any,
        actions: Any,
        groups: Any,
        limits: tuple[tuple[str, int], ...],
        fired_text: Any,
        created_text: Any,
    ) -> tuple[PolicyFacts, FiredState]:
        """The facts of a policy whose own values are checked (the shared ones are
        checked as they are found: see the module's docstring)."""
        try:
            offering = self._offerings.get((scope, scope_name, scope_link))
            creator_text = self._creators.get((full_name, username))
            actions_text = self._actions.get(actions)
            if type(groups) is list:
                group_key = (to_all, tuple(groups))
            elif groups is None:
                group_key = (to_all, None)
            else:
                raise NotPlain
            named_groups = self._groups.get(group_key)
        except TypeError:  # a list or an object where a text belongs
            raise NotPlain from None
        reader = self._reader
        if offering is None:
            offering = self._offering(scope, scope_name, scope_link)
        if creator_text is None:
            creator_text = self._creator(full_name, username)
        if actions_text is None:
            actions_text = self._actions_text(actions)
        if named_groups is None:
            named_groups = self._named_groups(group_key)
        period_text = self._periods.get(period)
        if period_text is None:
            period_text = self._period(period)
        fired_at = None if fired_text is None else _moment(fired_text)
        created = None if created_text is None else _moment(created_text)
        components, types = reader.components(scope, limits)
        components_text, units = reader.component_texts(scope, types)
        offering_text, offering_uuid, provider = offering
        groups_text = named_groups[1]
        shared = self._shared
        fired = has_fired is True
        facts = self._made(
            uuid,
            offering_text,
            offering_uuid,
            provider,
            actions_text,
            components,
            components_text,
            groups_text,
            period,
            period_text,
            creator_text,
            fired,
            None if fired_at is None else _timestamp(fired_at),
            None if created is None else _timestamp(created),
            shared((offering_text, provider, period_text, actions_text, components_text, units)),
            shared((groups_text, creator_text)),
        )
        return facts, (fired, fired_at)

    # Each part the first time: its values checked as plain_values checks them.

    def _offering(self, scope: Any, scope_name: Any, link: Any) -> tuple[str, str, str]:
        if not (
            (scope is None or type(scope) is str)
            and (scope_name is None or type(scope_name) is str)
            and type(link) is str
        ):
            raise NotPlain
        found = self._offerings[(scope, scope_name, link)] = self._reader.offering_texts(
            scope, scope_name
        )
        return found

    def _creator(self, full_name: Any, username: Any) -> str:
        if not (
            (full_name is None or type(full_name) is str)
            and (username is None or type(username) is str)
        ):
            raise NotPlain
        found = self._creators[(full_name, username)] = self._reader.creator_text(
            full_name, username
        )
        return found

    def _actions_text(self, actions: Any) -> str:
        if actions is not None and type(actions) is not str:
            raise NotPlain  # a list is valid too, but rare: the model reads it
        found = self._actions[actions] = self._reader.actions_text(action_names(actions))
        return found

    def _named_groups(self, key: tuple[bool, Any]) -> tuple[tuple[str, ...], str]:
        to_all, groups = key
        if groups is None:
            groups = ()
        elif not all(type(g) is str for g in groups):
            raise NotPlain
        found = self._groups[key] = (groups, self._reader.groups_text(to_all, groups))
        return found

    def _period(self, period: int) -> str:
        if period not in _PERIODS:
            raise NotPlain
        from policytui.api.models import Period

        found = self._periods[period] = self._reader.period_text(period, Period(period).label)
        return found
