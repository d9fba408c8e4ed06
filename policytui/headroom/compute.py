"""One policy's headroom: for each limit the pooled usage of its window, the verdict the
server would reach, and why the server's state differs from it where it does.

The server's rules (``OfferingUsagePolicy.is_triggered``): one pooled sum over the
customers of the policy's organization groups (every customer with resources on the
offering for ``apply_to_all``); the rows of the limit's component whose billing month lies
in the window; fired when ``sum > limit``; and only the first limit is checked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from policytui.api.models import ComponentUsage, OfferingComponent, OfferingUsagePolicy
from policytui.headroom.reasons import Reason, reason_words
from policytui.headroom.windows import Window, month_start, policy_window

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
#: The map of customers to groups could not be read (not staff, not the provider's owner).
NO_CUSTOMER_MAP = (
    "Usage not shown: which customers are in the policy's groups can be read only by "
    "staff and the offering's provider."
)


@dataclass(frozen=True)
class CustomerShare:
    uuid: str
    name: str
    usage: Decimal
    #: Of the limit's pooled usage, 0..1 (0 when nothing was used).
    share: float


@dataclass(frozen=True)
class LimitHeadroom:
    type: str
    #: The component's name ("CPU"), else its type.
    label: str
    unit: str
    limit: int
    usage: Decimal
    #: usage / limit; None for a limit of 0 or less (any usage at all is over it).
    ratio: float | None
    #: ``usage > limit``, strictly, as the server compares.
    over: bool
    #: The first limit: the only one the server checks.
    checked: bool
    customers: tuple[CustomerShare, ...]
    #: (billing month, usage) oldest first; every month of the window, zeros included.
    months: tuple[tuple[date, Decimal], ...]


@dataclass(frozen=True)
class PolicyHeadroom:
    policy_uuid: str
    window: Window
    limits: tuple[LimitHeadroom, ...]
    #: The verdict the server would reach now: its first limit is over.
    fires: bool
    has_fired: bool
    #: Why the server's state differs from the usage (or a later limit is over); None: it
    #: does not.
    reason: Reason | None
    reason_text: str | None
    #: Why no figure could be computed (the customers' groups are unknown); else None.
    unavailable: str | None = None
    #: Customers with usage rows but absent from the offering's customer list: left out
    #: (their group is unknown), never guessed.
    unknown_customers: tuple[str, ...] = ()


def group_uuid_of(url_or_uuid: str) -> str:
    """``.../organization-groups/<uuid>/`` -> ``<uuid>``."""
    return url_or_uuid.rstrip("/").rsplit("/", 1)[-1].replace("-", "").lower()


def _notifies(policy: OfferingUsagePolicy) -> bool:
    return any(a.startswith("notify_") for a in policy.actions)


def _month_words(moment: date) -> str:
    return f"{_MONTHS[moment.month - 1]} {moment.year}"


def _members(
    policy: OfferingUsagePolicy,
    rows: Sequence[ComponentUsage],
    customer_groups: Mapping[str, str | None] | None,
) -> tuple[set[str] | None, tuple[str, ...]]:
    """The customers pooled (None: every customer) and those whose group is unknown."""
    if policy.apply_to_all:
        return None, ()
    assert customer_groups is not None
    groups = {group_uuid_of(g) for g in policy.organization_groups}
    members = {c for c, g in customer_groups.items() if g is not None and g in groups}
    unknown = sorted({r.customer_uuid or "" for r in rows} - set(customer_groups) - {""})
    return members, tuple(unknown)


def _limit(
    index: int,
    ctype: str,
    limit: int,
    component: OfferingComponent | None,
    rows: Sequence[ComponentUsage],
    window: Window,
) -> LimitHeadroom:
    by_customer: dict[str, Decimal] = {}
    names: dict[str, str] = {}
    by_month: dict[date, Decimal] = dict.fromkeys(window.months() or (), Decimal(0))
    for row in rows:
        if row.type != ctype:
            continue
        customer = row.customer_uuid or ""
        by_customer[customer] = by_customer.get(customer, Decimal(0)) + row.usage
        names.setdefault(customer, row.customer_name or customer)
        month = month_start(row.billing_period)
        by_month[month] = by_month.get(month, Decimal(0)) + row.usage
    total = sum(by_customer.values(), Decimal(0))
    months = tuple(sorted(by_month.items()))
    return limit_headroom(
        index, ctype, limit, component, total, months, shares_of(by_customer, names, total)
    )


def shares_of(
    by_customer: Mapping[str, Decimal], names: Mapping[str, str], total: Decimal
) -> tuple[CustomerShare, ...]:
    """Each customer's share of ``total``, largest first (ties by name, then in the order
    ``by_customer`` holds them: the order of their first rows)."""
    return tuple(
        sorted(
            (
                CustomerShare(c, names[c], used, float(used / total) if total else 0.0)
                for c, used in by_customer.items()
            ),
            key=lambda s: (-s.usage, s.name),
        )
    )


def limit_headroom(
    index: int,
    ctype: str,
    limit: int,
    component: OfferingComponent | None,
    total: Decimal,
    months: tuple[tuple[date, Decimal], ...],
    customers: tuple[CustomerShare, ...],
) -> LimitHeadroom:
    """One limit's figures from its pooled ``total`` and usage per month (oldest first)."""
    return LimitHeadroom(
        type=ctype,
        label=(component.label if component else "") or ctype,
        unit=component.measured_unit if component else "",
        limit=limit,
        usage=total,
        ratio=float(total / limit) if limit > 0 else None,
        over=total > limit,
        checked=index == 0,
        customers=customers,
        months=months,
    )


def _reason(
    policy: OfferingUsagePolicy,
    limits: tuple[LimitHeadroom, ...],
    today: date,
    resets_on_edit: bool,
) -> Reason | None:
    if not limits:
        return None
    first = limits[0]
    if not policy.has_fired:
        if first.over:
            if not _notifies(policy):
                return Reason.BLOCK_ONLY_NOT_REEVALUATED
            return Reason.OVER_NOT_EVALUATED
        if any(x.over for x in limits[1:]):
            return Reason.ONLY_FIRST_LIMIT_CHECKED
        return None
    if first.over:
        return None
    fired = policy.fired_datetime
    if fired is not None and month_start(fired.date()) < month_start(today):
        return Reason.FIRED_EARLIER_MONTH
    if not resets_on_edit:
        return Reason.KEPT_AFTER_EDIT
    if not _notifies(policy):
        return Reason.BLOCK_ONLY_STILL_FIRED
    return Reason.UNDER_NOT_EVALUATED


def resets_on_edit(policy: OfferingUsagePolicy) -> bool:
    """Whether the policy's server resets a policy on save: newer servers do, the 2024
    server (whose policies carry neither ``options`` nor ``apply_to_all``) does not."""
    return not (policy.options is None and policy.apply_to_all is None)


def headroom(
    policy: OfferingUsagePolicy,
    components: Sequence[OfferingComponent],
    customer_groups: Mapping[str, str | None] | None,
    rows: Iterable[ComponentUsage],
    today: date,
    *,
    server_resets_on_edit: bool | None = None,
) -> PolicyHeadroom:
    """The policy's headroom on ``today`` (the server's date) from its offering's rows.

    ``customer_groups`` maps each customer of the offering to its organization group uuid
    (None: no group); None when it could not be read, which leaves a group policy without
    a figure (``unavailable``) rather than a guess. ``rows`` may hold any offering's and
    any month's rows: only the policy's offering and window count.
    ``server_resets_on_edit`` defaults to what the policy's shape tells
    (:func:`resets_on_edit`).
    """
    window = policy_window(policy.period, today)
    if customer_groups is None and not policy.apply_to_all:
        return unavailable_headroom(policy, window)
    offering = (policy.scope_uuid or "").replace("-", "").lower()
    mine = [
        r
        for r in rows
        if (r.offering_uuid or "").replace("-", "").lower() == offering
        and r.billing_period in window
    ]
    members, unknown = _members(policy, mine, customer_groups)
    if members is not None:
        mine = [r for r in mine if r.customer_uuid in members]
    by_type = {c.type: c for c in components}
    limits = tuple(
        _limit(i, c.type, c.limit, by_type.get(c.type), mine, window)
        for i, c in enumerate(policy.component_limits_set)
    )
    return policy_headroom(policy, window, limits, today, server_resets_on_edit, unknown)


def unavailable_headroom(policy: OfferingUsagePolicy, window: Window) -> PolicyHeadroom:
    """A group policy whose customers' groups could not be read: no figure, never a guess."""
    return PolicyHeadroom(
        policy.uuid, window, (), False, policy.has_fired, None, None,
        unavailable=NO_CUSTOMER_MAP,
    )  # fmt: skip


def policy_headroom(
    policy: OfferingUsagePolicy,
    window: Window,
    limits: tuple[LimitHeadroom, ...],
    today: date,
    server_resets_on_edit: bool | None,
    unknown_customers: tuple[str, ...],
) -> PolicyHeadroom:
    """The verdict and the reason from the limits' figures."""
    fires = bool(limits) and limits[0].over
    resets = resets_on_edit(policy) if server_resets_on_edit is None else server_resets_on_edit
    reason = _reason(policy, limits, today, resets)
    text = None
    if reason is not None:
        over = next((x.label for x in limits[1:] if x.over), "")
        fired = policy.fired_datetime
        text = reason_words(
            reason,
            first=limits[0].label,
            over=over,
            fired_month=_month_words(fired.date()) if fired else "",
        )
    return PolicyHeadroom(
        policy.uuid, window, limits, fires, policy.has_fired, reason, text,
        unknown_customers=unknown_customers,
    )  # fmt: skip
