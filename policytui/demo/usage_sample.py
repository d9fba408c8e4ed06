"""Deterministic component usages for the last 14 months, consistent with the sample
policies, with a few chosen policies pushed into the cases operators ask about.

The sample policies were drawn against one offering-wide usage per component
(``catalog.current_usage``): a fired policy's first limit lies below it, every other limit
at least 1.1 times above it. Here that monthly usage is shared out among the customers
that use the offering (at 70-97 % of it each month), so whatever groups a policy names,
its pooled sum stays under every limit of a policy that has not fired: no unfired policy
is over without a reason. A fired policy may be under now: it fired in an earlier month
(the sample's firings lie before the demo's months), which the server never re-checks
until usage is reported or the policy saved.

Then, for a handful of the newest policies, usage is added in the current month so the
demo shows each case of issue 14: a policy at 80-99 %, a block-only policy over its
limit and not fired (usage reports do not re-evaluate it), and a policy over on its
second limit and not fired (only the first is checked). Each addition is kept only if no
unfired policy with a notifying action would then be over its first limit (the server
would have fired that one when the usage was reported), so the data stays consistent
with the server's rules. The sample's generator reports each policy to a
:class:`SampleDigest` as it is drawn, so this costs one pass, done once.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field

from policytui.demo.catalog import OFFERINGS, monthly_usage
from policytui.demo.consumers import SAMPLE_CUSTOMERS, Resource, resources_of, weight
from policytui.demo.months import PERIOD_MONTHS

#: Months of history, the current one included (issue 14: "the last 14 months").
HISTORY_MONTHS = 14
#: A policy's members: a frozenset of group uuids, or ALL for ``apply_to_all``.
ALL = "*"
#: The policy the demo tests create (demo_http.valid_body, capture 10): 1 month, Nordics
#: (and Baltics), CPU of Acme HPC Cluster, limit 1000; it must not fire at once.
_HPC = "f2f7197ac8c95301bba4cceb22b7d108"
_NORDICS = "8130456b77b452d8ae8c11d9551f8b22"
_BALTICS = "4be3cba97346512ca69880741d4ecfd0"
_FIXED_CAPS = {
    (_HPC, "cpu", frozenset({_NORDICS}), 2): 1000,
    (_HPC, "cpu", frozenset({_NORDICS, _BALTICS}), 2): 1000,
}
_CANDIDATES = 40


@dataclass(frozen=True)
class Star:
    """A sample policy chosen to show one case."""

    uuid: str
    offering: str
    members: frozenset[str] | str
    period: int
    limits: tuple[tuple[str, int], ...]


@dataclass
class SampleDigest:
    """What the usage needs to know of the sample policies, gathered as they are drawn."""

    #: (offering, first limit's type, members, period) -> the lowest first limit of an
    #: unfired policy with a notifying action: its pooled sum must stay at or under it.
    caps: dict[tuple[str, str, object, int], int] = field(default_factory=dict)
    near: list[Star] = field(default_factory=list)
    block_only: list[Star] = field(default_factory=list)
    several: list[Star] = field(default_factory=list)
    _full: bool = False

    def add(
        self,
        uuid: str,
        offering: str,
        actions: str,
        apply_to_all: bool,
        groups: frozenset[str],
        first_type: str,
        first_limit: int,
        limits_json: str,
        period: int,
    ) -> None:
        """One unfired policy (fired ones need no cap: a fired policy may be anything)."""
        members: frozenset[str] | str = ALL if apply_to_all else groups
        notify = "notify_" in actions
        if notify:
            key = (offering, first_type, members, period)
            cap = self.caps.get(key)
            if cap is None or first_limit < cap:
                self.caps[key] = first_limit
        if self._full:
            return
        limits = tuple((t, int(v)) for t, v in json.loads(limits_json))
        star = Star(uuid, offering, members, period, limits)
        for wanted, chosen in (
            (True, self.near),
            (not notify, self.block_only),
            (notify and len(limits) > 1, self.several),
        ):
            if wanted and len(chosen) < _CANDIDATES:
                chosen.append(star)
        self._full = all(len(x) >= _CANDIDATES for x in (self.near, self.block_only, self.several))


def _draw(*parts: object) -> int:
    return int.from_bytes(hashlib.sha256(":".join(map(str, parts)).encode()).digest()[:4], "big")


def _months_of(period: int) -> int:
    months = PERIOD_MONTHS.get(period, 1)
    return HISTORY_MONTHS if months is None else months


class _Plan:
    """Usage amounts per (resource, type, months back), and the pooled sums over them."""

    def __init__(self, seed: int, customers: int) -> None:
        self.amounts: dict[tuple[str, str, int], int] = {}
        self.by_offering: dict[str, tuple[Resource, ...]] = {}
        #: (resource, type, period) -> that resource's sum over the period's window.
        self.sums: dict[tuple[str, str, int], int] = {}
        # Memos: the policies' member sets repeat, and sums change only on a push.
        self._members: dict[tuple[str, object], list[Resource]] = {}
        self._pooled: dict[tuple[str, object, str, int], int] = {}
        #: (offering, type, group) -> the room its caps leave (see _slack).
        self.slack: dict[tuple[str, str, str | None], float] = {}
        for offering in OFFERINGS:
            users = resources_of(offering.uuid, customers)
            self.by_offering[offering.uuid] = users
            total = sum(weight(r) for r in users) or 1
            for ctype in offering.component_types:
                monthly = monthly_usage(offering.uuid, ctype, seed)
                for back in range(HISTORY_MONTHS):
                    draw = _draw("month", offering.uuid, ctype, back) % 1000
                    factor = 0.70 + 0.27 * draw / 1000
                    for r in users:
                        self.amounts[(r.uuid, ctype, back)] = math.floor(
                            monthly * weight(r) / total * factor
                        )
                for r in users:
                    for period in PERIOD_MONTHS:
                        self.sums[(r.uuid, ctype, period)] = sum(
                            self.amounts[(r.uuid, ctype, back)]
                            for back in range(_months_of(period))
                        )

    def members(self, offering: str, members: object) -> list[Resource]:
        key = (offering, members)
        found = self._members.get(key)
        if found is None:
            users = self.by_offering[offering]
            if members == ALL:
                found = list(users)
            else:
                assert isinstance(members, frozenset)
                found = [r for r in users if r.customer.group_uuid in members]
            self._members[key] = found
        return found

    def pooled(self, offering: str, members: object, ctype: str, period: int) -> int:
        key = (offering, members, ctype, period)
        total = self._pooled.get(key)
        if total is None:
            sums = self.sums
            total = sum(sums[(r.uuid, ctype, period)] for r in self.members(offering, members))
            self._pooled[key] = total
        return total

    def add_this_month(self, resource: Resource, ctype: str, extra: int) -> None:
        key = (resource.uuid, ctype, 0)
        self.amounts[key] = self.amounts.get(key, 0) + extra
        for period in PERIOD_MONTHS:  # the current month is in every window
            self.sums[(resource.uuid, ctype, period)] += extra
        self._pooled.clear()
        self.slack.clear()


Caps = dict[tuple[str, str], list[tuple[object, int, int]]]


def _slack(plan: _Plan, caps: Caps, resource: Resource, ctype: str) -> float:
    """How much more this month on ``resource`` every cap of its offering still allows
    (the same for every customer of a group, so kept per group until the next push)."""
    offering = resource.offering.uuid
    group = resource.customer.group_uuid
    key = (offering, ctype, group)
    room = plan.slack.get(key)
    if room is None:
        room = math.inf
        for members, period, cap in caps.get((offering, ctype), ()):
            if members != ALL and group not in members:  # type: ignore[operator]
                continue
            room = min(room, cap - plan.pooled(offering, members, ctype, period))
        plan.slack[key] = room
    return room


def _cap(caps: Caps, offering: str, ctype: str, members: object, period: int, cap: int) -> None:
    caps.setdefault((offering, ctype), []).append((members, period, cap))


def _push(
    plan: _Plan, caps: Caps, star: Star, ctype: str, limit: int, least: int, most: int
) -> bool:
    """Add usage this month so that ``star``'s ``ctype`` sum lies in ``least..most``
    (as near ``most`` as the caps allow), on the customer the caps leave most room."""
    now = plan.pooled(star.offering, star.members, ctype, star.period)
    if now >= least:
        return now <= most
    best: tuple[float, Resource] | None = None
    for resource in plan.members(star.offering, star.members):
        room = _slack(plan, caps, resource, ctype)
        if best is None or room > best[0]:
            best = (room, resource)
    if best is None or now + best[0] < least:
        return False
    extra = int(min(most - now, best[0]))
    plan.add_this_month(best[1], ctype, extra)
    return True


def plan_usage(
    seed: int, digest: SampleDigest | None, customers: int = SAMPLE_CUSTOMERS
) -> tuple[dict[tuple[str, str, int], int], dict[str, list[str]]]:
    """Amounts per (resource uuid, type, months back) and the uuids chosen per case."""
    plan = _Plan(seed, customers)
    chosen: dict[str, list[str]] = {"near": [], "block_only_over": [], "second_limit_over": []}
    if digest is None:
        return plan.amounts, chosen
    caps: Caps = {}
    for (offering, ctype, members, period), cap in [*digest.caps.items(), *_FIXED_CAPS.items()]:
        _cap(caps, offering, ctype, members, period, cap)  # both kept: the lower binds
    for target in (0.96, 0.9, 0.84):
        for star in digest.near:
            if star.uuid in chosen["near"]:
                continue
            ctype, limit = star.limits[0]
            least, most = math.ceil(0.8 * limit), math.floor(target * limit)
            if _push(plan, caps, star, ctype, limit, least, most):
                chosen["near"].append(star.uuid)
                # From now on its sum must stay under the limit, whatever its actions.
                _cap(
                    caps, star.offering, ctype, star.members, star.period, math.floor(0.99 * limit)
                )
                plan.slack.clear()  # a new cap: the room it leaves is computed again
                break
    for name, stars, index, target in (
        ("block_only_over", digest.block_only, 0, 1.2),
        ("second_limit_over", digest.several, 1, 1.15),
    ):
        for star in stars:
            if len(chosen[name]) == 2:
                break
            if star.uuid in chosen["near"]:
                continue
            ctype, limit = star.limits[index]
            if _push(plan, caps, star, ctype, limit, limit + 1, math.floor(target * limit)):
                chosen[name].append(star.uuid)
    return plan.amounts, chosen
