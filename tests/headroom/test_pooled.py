"""Every policy of an offering from sums made once: the same answer as ``headroom()``."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from headroom_inputs import (
    BALTICS,
    COMPONENTS,
    CUSTOMERS,
    EUROPE,
    NORDICS,
    OFFERING,
    OTHER_OFFERING,
    policy,
    row,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from policytui.api.models import ComponentUsage, OfferingUsagePolicy, Period
from policytui.headroom import OfferingUsage, PolicyHeadroom, headroom
from policytui.headroom.compute import NO_CUSTOMER_MAP

_MONTHS = [f"{y}-{m:02d}" for y in (2025, 2026, 2027) for m in range(1, 13)]
_GROUPS = [NORDICS, BALTICS, EUROPE, "0" * 32]
#: Customers of the rows: those of the map, one it does not know, and a row with none.
_FEW_OR_ANY_MONTHS = st.sampled_from([_MONTHS[22:25], _MONTHS])
_ROW_CUSTOMERS = [*sorted(CUSTOMERS), "stranger", None]


@st.composite
def usage_row(draw: st.DrawFn) -> ComponentUsage:
    customer = draw(st.sampled_from(_ROW_CUSTOMERS))
    return ComponentUsage.model_validate(
        {
            "uuid": draw(st.uuids()).hex,
            "type": draw(st.sampled_from(["cpu", "ram", "storage", "gpu"])),
            # Often the same few figures and months: ties in the shares, names across months.
            "usage": draw(
                st.one_of(
                    st.sampled_from([Decimal(0), Decimal(1), Decimal("2.50")]),
                    st.decimals(min_value=0, max_value=10_000, places=2),
                )
            ),
            "billing_period": f"{draw(st.sampled_from(draw(_FEW_OR_ANY_MONTHS)))}"
            f"-{draw(st.integers(1, 28)):02d}",
            "customer_uuid": customer,
            # The same customer under two names: the first row's is shown.
            "customer_name": draw(st.sampled_from([None, "", "Alpha", "Beta"])),
            "offering_uuid": draw(st.sampled_from([OFFERING, OFFERING.upper(), OTHER_OFFERING])),
        }
    )


customer_maps = st.one_of(
    st.none(),
    st.dictionaries(
        st.sampled_from(sorted(CUSTOMERS)), st.one_of(st.none(), st.sampled_from(_GROUPS))
    ),
)


@st.composite
def any_policy(draw: st.DrawFn) -> OfferingUsagePolicy:
    limit = st.tuples(st.sampled_from(["cpu", "ram", "storage", "gpu"]), st.integers(-5, 30_000))
    limits = draw(st.lists(limit, max_size=3, unique_by=lambda x: x[0]))
    has_fired = draw(st.booleans())
    fired = None
    if has_fired and draw(st.booleans()):
        fired = f"{draw(st.sampled_from(_MONTHS))}-15T10:00:00+00:00"
    # Groups as the server writes them: URLs, some with dashes or in capitals.
    groups = draw(st.lists(st.sampled_from(_GROUPS), unique=True, max_size=3))
    p = policy(
        *limits,
        groups=(),
        period=int(draw(st.sampled_from(list(Period)))),
        actions=draw(st.sampled_from(["notify_organization_owners", "block_small_allocations"])),
        has_fired=has_fired,
        fired=fired,
        apply_to_all=draw(st.sampled_from([False, True, None])),
        server_2024=draw(st.booleans()),
    )
    written = [
        f"http://x/api/organization-groups/{_dashed(g) if i % 2 else g.upper()}/"
        for i, g in enumerate(groups)
    ]
    scope = draw(st.sampled_from([OFFERING, _dashed(OFFERING), OTHER_OFFERING]))
    return p.model_copy(
        update={"organization_groups": [] if p.apply_to_all else written, "scope_uuid": scope}
    )


def _dashed(uuid: str) -> str:
    return f"{uuid[:8]}-{uuid[8:12]}-{uuid[12:16]}-{uuid[16:20]}-{uuid[20:]}"


def without_shares(h: PolicyHeadroom) -> PolicyHeadroom:
    return dataclasses.replace(
        h, limits=tuple(dataclasses.replace(x, customers=()) for x in h.limits)
    )


# Month edges: the first and last days of months, and any day between.
days = st.one_of(
    st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31)),
    st.builds(lambda y, m: date(y, m, 1), st.sampled_from([2025, 2026, 2027]), st.integers(1, 12)),
    st.builds(
        lambda y, m: date(y + m // 12, m % 12 + 1, 1) - timedelta(days=1),
        st.sampled_from([2025, 2026, 2027]),
        st.integers(1, 12),
    ),
)


@settings(max_examples=300)
@given(
    st.lists(usage_row(), max_size=60),
    customer_maps,
    st.lists(any_policy(), min_size=1, max_size=4),
    days,
)
def test_pooled_is_headroom_for_every_policy(
    rows: list[ComponentUsage],
    customer_groups: dict[str, str | None] | None,
    policies: list[OfferingUsagePolicy],
    today: date,
) -> None:
    pooled = OfferingUsage(_dashed(OFFERING), rows, customer_groups)
    # What headroom() counts of this offering's rows (another offering's policy: none).
    mine = [r for r in rows if (r.offering_uuid or "").lower() == OFFERING]
    for p in policies:
        expected = headroom(p, COMPONENTS, customer_groups, mine, today)
        assert pooled.headroom(p, COMPONENTS, today, breakdown=True) == expected
        assert pooled.headroom(p, COMPONENTS, today) == without_shares(expected)


# -- by hand ---------------------------------------------------------------------------


def _usage(h: PolicyHeadroom) -> list[Any]:
    return [(x.type, x.usage, x.over) for x in h.limits]


TODAY = date(2026, 12, 31)
ROWS = [
    row("oslo", "cpu", "2026-12", "60.50"),
    row("uppsala", "cpu", "2026-11", "40"),
    row("riga", "cpu", "2026-12", "500"),
    row("oslo", "cpu", "2026-01", "1000"),  # outside a 3-month window
    row("oslo", "cpu", "2026-12", "9999", offering=OTHER_OFFERING),
    row("stranger", "ram", "2026-12", "7"),
]


def test_a_group_policy_pools_its_groups_customers_in_its_window() -> None:
    pooled = OfferingUsage(OFFERING, ROWS, CUSTOMERS)
    h = pooled.headroom(policy(("cpu", 100), period=3), COMPONENTS, TODAY)
    # Oslo 60.50 (Dec) + Uppsala 40 (Nov): Riga is Baltic, Jan is outside, the other
    # offering's row is not this offering's.
    assert _usage(h) == [("cpu", Decimal("100.50"), True)]
    assert h.fires
    assert h.limits[0].months == (
        (date(2026, 10, 1), 0),
        (date(2026, 11, 1), Decimal(40)),
        (date(2026, 12, 1), Decimal("60.50")),
    )
    assert h.unknown_customers == ("stranger",)
    assert h.limits[0].customers == ()


def test_the_breakdown_gives_each_customers_share() -> None:
    pooled = OfferingUsage(OFFERING, ROWS, CUSTOMERS)
    h = pooled.headroom(policy(("cpu", 100), period=3), COMPONENTS, TODAY, breakdown=True)
    assert [(c.uuid, c.name, c.usage) for c in h.limits[0].customers] == [
        ("oslo", "Oslo", Decimal("60.50")),
        ("uppsala", "Uppsala", Decimal(40)),
    ]
    assert round(h.limits[0].customers[0].share, 4) == round(60.5 / 100.5, 4)


def test_apply_to_all_counts_every_customer_even_without_a_customer_map() -> None:
    pooled = OfferingUsage(OFFERING, ROWS, None)
    everyone = pooled.headroom(policy(("cpu", 600), period=3, apply_to_all=True), COMPONENTS, TODAY)
    assert _usage(everyone) == [("cpu", Decimal("600.50"), True)]
    assert everyone.unknown_customers == ()
    group = pooled.headroom(policy(("cpu", 600), period=3), COMPONENTS, TODAY)
    assert group.unavailable == NO_CUSTOMER_MAP
    assert group.limits == ()


def test_total_counts_every_month_to_today_and_only_the_first_limit_fires() -> None:
    pooled = OfferingUsage(OFFERING, ROWS, CUSTOMERS)
    p = policy(("ram", 10), ("cpu", 100), period=int(Period.TOTAL))
    h = pooled.headroom(p, COMPONENTS, TODAY)
    # No member has RAM rows; Oslo's and Uppsala's CPU of every month: 1100.50.
    assert _usage(h) == [("ram", 0, False), ("cpu", Decimal("1100.50"), True)]
    assert not h.fires
    assert h.reason is not None and h.reason.name == "ONLY_FIRST_LIMIT_CHECKED"
    assert h.limits[0].months == ()


def test_shares_tie_in_the_order_of_first_rows_and_keep_the_first_rows_name() -> None:
    def named(customer: str, month: str, usage: str, name: str) -> ComponentUsage:
        r = row(customer, "cpu", month, usage)
        return r.model_copy(update={"customer_name": name})

    rows = [
        named("uppsala", "2026-12", "5", "Same"),
        named("oslo", "2026-11", "5", "Same"),
        # Riga's later-month row came first in the rows: its name is the one shown.
        named("riga", "2026-12", "1", "Riga now"),
        named("riga", "2026-11", "1", "Riga before"),
    ]
    groups = {**CUSTOMERS, "riga": NORDICS}
    p = policy(("cpu", 100), period=3)
    h = OfferingUsage(OFFERING, rows, groups).headroom(p, COMPONENTS, TODAY, breakdown=True)
    assert [(c.uuid, c.name) for c in h.limits[0].customers] == [
        ("uppsala", "Same"),
        ("oslo", "Same"),
        ("riga", "Riga now"),
    ]
    assert h == headroom(p, COMPONENTS, groups, rows, TODAY)
