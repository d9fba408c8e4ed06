"""Every policy of one offering from one pass over its rows.

``headroom()`` scans all the rows it is given for each policy: 2 000 policies over tens of
thousands of rows is minutes. The server's sum only ever depends on (component type,
billing month, organization group), so ``OfferingUsage`` adds the rows up once by those
keys (and by type and month alone, for ``apply_to_all``); each policy then adds a few of
those sums: O(groups x months x limits), not O(rows). Its answer is the one ``headroom()``
gives from the same rows (tests/headroom/test_pooled.py), customers' shares aside: they
are per customer, so they are kept by (type, month, customer) and summed only when asked
(``breakdown=True``, the detail's view of one policy).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from policytui.api.models import ComponentUsage, OfferingComponent, OfferingUsagePolicy
from policytui.headroom.compute import (
    CustomerShare,
    LimitHeadroom,
    PolicyHeadroom,
    group_uuid_of,
    headroom,
    limit_headroom,
    policy_headroom,
    shares_of,
    unavailable_headroom,
)
from policytui.headroom.windows import Window, month_start, policy_window

_ZERO = Decimal(0)


@dataclass
class _Customer:
    """One customer's rows of one type in one month."""

    usage: Decimal
    #: Position of its first row among the offering's rows: shares tie in that order.
    first: int
    #: ``customer_name`` of that first row.
    name: str | None


@dataclass(frozen=True)
class _Pooled:
    """One limit's sums for one window and set of groups, shared by every policy alike."""

    #: (billing month, usage) oldest first, as LimitHeadroom.months.
    by_month: tuple[tuple[date, Decimal], ...]
    total: Decimal
    #: The months of the window the limit's type has rows in, oldest first.
    months: list[date]


def _plain(uuid: str | None) -> str:
    return (uuid or "").replace("-", "").lower()


class OfferingUsage:
    """One offering's usage rows added up once, for the headroom of any of its policies.

    ``customer_groups`` is as for ``headroom()``: customer uuid → organization group uuid
    (None: in no group), or None when it could not be read (group policies then get no
    figure). ``rows`` may hold other offerings' rows: they are left out.
    """

    def __init__(
        self,
        offering_uuid: str,
        rows: Iterable[ComponentUsage],
        customer_groups: Mapping[str, str | None] | None,
    ) -> None:
        self.offering_uuid = _plain(offering_uuid)
        self._customer_groups = None if customer_groups is None else dict(customer_groups)
        known = self._customer_groups or {}
        #: (type, month) -> usage of every customer (``apply_to_all``).
        self._everyone: dict[tuple[str, date], Decimal] = {}
        #: (type, month) -> group as the map writes it -> usage of its customers.
        self._by_group: dict[tuple[str, date], dict[str, Decimal]] = {}
        #: (type, month) -> customer uuid as the row writes it -> its usage.
        self._by_customer: dict[tuple[str, date], dict[str | None, _Customer]] = {}
        #: type -> the months it has rows in.
        self._months: dict[str, set[date]] = {}
        #: month -> customers with rows but not in the map (any type).
        self._unknown: dict[date, set[str]] = {}
        # Memos: thousands of policies share a few windows and sets of groups.
        self._pooled: dict[tuple[str, Window, frozenset[str] | None], _Pooled] = {}
        self._unknown_in: dict[Window, tuple[str, ...]] = {}
        self._shares_memo: dict[
            tuple[str, Window, frozenset[str] | None], tuple[CustomerShare, ...]
        ] = {}
        self._in_window: dict[tuple[str, Window], list[tuple[str | None, _Customer]]] = {}
        # Rows repeat a few offerings and months: each spelling is normalised once (per
        # row it was a third of the adding up of a 12-month window's 17 892 rows).
        offerings: dict[str | None, bool] = {}
        months: dict[date, date] = {}
        for position, row in enumerate(rows):
            ours = offerings.get(row.offering_uuid)
            if ours is None:
                ours = offerings[row.offering_uuid] = (
                    _plain(row.offering_uuid) == self.offering_uuid
                )
            if not ours:
                continue
            month = months.get(row.billing_period)
            if month is None:
                month = months[row.billing_period] = month_start(row.billing_period)
            key = (row.type, month)
            self._months.setdefault(row.type, set()).add(key[1])
            self._everyone[key] = self._everyone.get(key, _ZERO) + row.usage
            customers = self._by_customer.setdefault(key, {})
            seen = customers.get(row.customer_uuid)
            if seen is None:
                customers[row.customer_uuid] = _Customer(row.usage, position, row.customer_name)
            else:
                seen.usage += row.usage
            if row.customer_uuid in known:
                group = known[row.customer_uuid]
                if group is not None:
                    groups = self._by_group.setdefault(key, {})
                    groups[group] = groups.get(group, _ZERO) + row.usage
            elif row.customer_uuid:
                self._unknown.setdefault(key[1], set()).add(row.customer_uuid)

    def headroom(
        self,
        policy: OfferingUsagePolicy,
        components: Sequence[OfferingComponent],
        today: date,
        *,
        breakdown: bool = False,
        server_resets_on_edit: bool | None = None,
    ) -> PolicyHeadroom:
        """``headroom(policy, components, customer_groups, rows, today)``, from the sums.

        Without ``breakdown`` each limit's ``customers`` (the shares) is empty; with it,
        every field is ``headroom()``'s.
        """
        if _plain(policy.scope_uuid) != self.offering_uuid:
            # Another offering's policy: none of these rows are its.
            return headroom(
                policy, components, self._customer_groups, (), today,
                server_resets_on_edit=server_resets_on_edit,
            )  # fmt: skip
        window = policy_window(policy.period, today)
        if self._customer_groups is None and not policy.apply_to_all:
            return unavailable_headroom(policy, window)
        groups = None
        unknown: tuple[str, ...] = ()
        if not policy.apply_to_all:
            groups = frozenset(group_uuid_of(g) for g in policy.organization_groups)
            unknown = self._unknown_customers(window)
        by_type = {c.type: c for c in components}
        limits = tuple(
            self._limit(i, c.type, c.limit, by_type.get(c.type), window, groups, breakdown)
            for i, c in enumerate(policy.component_limits_set)
        )
        return policy_headroom(policy, window, limits, today, server_resets_on_edit, unknown)

    def _unknown_customers(self, window: Window) -> tuple[str, ...]:
        found = self._unknown_in.get(window)
        if found is None:
            found = tuple(
                sorted(set().union(*(c for m, c in self._unknown.items() if m in window)))
            )
            self._unknown_in[window] = found
        return found

    def _limit(
        self,
        index: int,
        ctype: str,
        limit: int,
        component: OfferingComponent | None,
        window: Window,
        groups: frozenset[str] | None,
        breakdown: bool,
    ) -> LimitHeadroom:
        key = (ctype, window, groups)
        pooled = self._pooled.get(key)
        if pooled is None:
            pooled = self._pooled[key] = self._pool(ctype, window, groups)
        shares = ()
        if breakdown:
            shares = self._shares(ctype, window, pooled.months, groups, pooled.total)
        return limit_headroom(index, ctype, limit, component, pooled.total, pooled.by_month, shares)

    def _pool(self, ctype: str, window: Window, groups: frozenset[str] | None) -> _Pooled:
        by_month: dict[date, Decimal] = dict.fromkeys(window.months() or (), _ZERO)
        months = sorted(m for m in self._months.get(ctype, ()) if m in window)
        for month in months:
            key = (ctype, month)
            if groups is None:
                by_month[month] = self._everyone[key]
                continue
            in_groups = self._by_group.get(key, {})
            sums = [in_groups[g] for g in groups if g in in_groups]
            if sums:
                # A month appears only where a member has a row, as headroom() has it.
                by_month[month] = sum(sums, _ZERO)
        total = sum(by_month.values(), _ZERO)
        return _Pooled(tuple(sorted(by_month.items())), total, months)

    def _shares(
        self, ctype: str, window: Window, months: list[date], groups: frozenset[str] | None,
        total: Decimal,
    ) -> tuple[CustomerShare, ...]:  # fmt: skip
        key = (ctype, window, groups)
        found = self._shares_memo.get(key)
        if found is None:
            found = self._shares_memo[key] = self._shares_of(ctype, window, months, groups, total)
        return found

    def _shares_of(
        self, ctype: str, window: Window, months: list[date], groups: frozenset[str] | None,
        total: Decimal,
    ) -> tuple[CustomerShare, ...]:  # fmt: skip
        known = self._customer_groups or {}
        merged: dict[str, _Customer] = {}
        for uuid, seen in self._window_customers(ctype, window, months):
            if groups is not None and not (uuid in known and known[uuid] in groups):
                continue
            customer = uuid or ""  # headroom() pools a missing uuid with ""
            into = merged.get(customer)
            if into is None:
                merged[customer] = _Customer(seen.usage, seen.first, seen.name)
            else:
                _merge(into, seen)
        ordered = sorted(merged.items(), key=lambda item: item[1].first)
        return shares_of(
            {c: x.usage for c, x in ordered},
            {c: x.name or c for c, x in ordered},
            total,
        )

    def _window_customers(
        self, ctype: str, window: Window, months: list[date]
    ) -> list[tuple[str | None, _Customer]]:
        """Each customer's rows of ``ctype`` over the window's ``months``, whatever its
        group: the same for every set of groups, so made once per window."""
        key = (ctype, window)
        found = self._in_window.get(key)
        if found is None:
            merged: dict[str | None, _Customer] = {}
            for month in months:
                for uuid, seen in self._by_customer[(ctype, month)].items():
                    into = merged.get(uuid)
                    if into is None:
                        merged[uuid] = _Customer(seen.usage, seen.first, seen.name)
                    else:
                        _merge(into, seen)
            found = self._in_window[key] = list(merged.items())
        return found


def _merge(into: _Customer, seen: _Customer) -> None:
    into.usage += seen.usage
    if seen.first < into.first:  # the name of the customer's first row is shown
        into.first, into.name = seen.first, seen.name
