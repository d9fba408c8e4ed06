"""Properties of the headroom over any usage: the verdict is the server's, always."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from headroom_inputs import COMPONENTS, CUSTOMERS, policy, row
from hypothesis import given
from hypothesis import strategies as st

from policytui.api.models import Period
from policytui.headroom import headroom, policy_window, summarize

_MONTHS = [f"{y}-{m:02d}" for y in (2025, 2026, 2027) for m in range(1, 13)]
usage_rows = st.lists(
    st.tuples(
        st.sampled_from(sorted(CUSTOMERS)),
        st.sampled_from(["cpu", "ram", "storage"]),
        st.sampled_from(_MONTHS),
        st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False),
    ),
    max_size=40,
)
limits = st.lists(
    st.tuples(st.sampled_from(["cpu", "ram", "storage"]), st.integers(-5, 20_000)),
    min_size=1, max_size=3, unique_by=lambda x: x[0],
)  # fmt: skip
groups = st.lists(st.sampled_from(sorted({g for g in CUSTOMERS.values() if g})), min_size=1,
                  unique=True)  # fmt: skip
days = st.dates(min_value=date(2025, 6, 1), max_value=date(2027, 6, 30))


@given(usage_rows, limits, groups, st.sampled_from(list(Period)), days, st.booleans())
def test_verdict_is_the_pooled_sum_of_the_first_limit_over_it(
    raw, limits, groups, period, today, everyone
) -> None:
    rows = [row(c, t, m, u) for c, t, m, u in raw]
    p = policy(*limits, groups=tuple(groups), period=int(period), apply_to_all=everyone)
    h = headroom(p, COMPONENTS, CUSTOMERS, rows, today)
    window = policy_window(period, today)
    first_type, first_limit = limits[0]
    members = set(CUSTOMERS) if everyone else {c for c, g in CUSTOMERS.items() if g in groups}
    expected = sum(
        (r.usage for r in rows
         if r.type == first_type and r.customer_uuid in members and r.billing_period in window),
        Decimal(0),
    )  # fmt: skip
    assert h.limits[0].usage == expected
    assert h.fires is (expected > first_limit)
    # A later limit never makes the verdict, whatever its usage.
    assert all(not x.checked for x in h.limits[1:])


@given(usage_rows, limits, days)
def test_summary_is_the_highest_ratio(raw, limits, today) -> None:
    """The highest ratio, unless the checked limit is over: then that one (it fires)."""
    rows = [row(c, t, m, u) for c, t, m, u in raw]
    h = headroom(policy(*limits, period=1), COMPONENTS, CUSTOMERS, rows, today)
    top = summarize(h)
    assert top is not None
    ratios = [x.ratio for x in h.limits if x.ratio is not None]
    first = h.limits[0]
    if first.over:
        assert (top.label, top.ratio, top.checked) == (first.label, first.ratio, True)
    elif top.ratio is not None:
        assert top.ratio == max(ratios)
        assert not any(x.ratio is None and x.over for x in h.limits)
    assert top.over is any(x.over for x in h.limits)
