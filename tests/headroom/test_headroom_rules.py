"""The headroom computation, rule by rule, against hand-computed tables (issue 14)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from headroom_inputs import (
    BALTICS,
    COMPONENTS,
    CUSTOMERS,
    EUROPE,
    NORDICS,
    OTHER_OFFERING,
    policy,
    row,
)

from policytui.api.models import Period
from policytui.headroom import Reason, headroom, policy_window, summarize
from policytui.headroom.compute import NO_CUSTOMER_MAP

#: Oslo's CPU, one row per month from Oct 2025 to Jan 2027 (a month after "today" too).
#: Usage in month m is 10 * m-th month number, so every window's sum is easy to check.
MONTHS = [f"{y}-{m:02d}" for y in (2025, 2026, 2027) for m in range(1, 13)][9:25]
HISTORY = [row("oslo", "cpu", m, 10 * (i + 1)) for i, m in enumerate(MONTHS)]
# 2025-10 -> 10, 2025-11 -> 20, 2025-12 -> 30, 2026-01 -> 40, ... 2026-12 -> 150, 2027-01 -> 160


def cpu_usage(period: int, today: date) -> Decimal:
    h = headroom(policy(("cpu", 10**6), period=period), COMPONENTS, CUSTOMERS, HISTORY, today)
    return h.limits[0].usage


@pytest.mark.parametrize(
    ("period", "today", "expected", "words"),
    [
        # One month: the calendar month of today, on its first and its last day.
        (2, date(2026, 12, 1), 150, "this month"),
        (2, date(2026, 12, 31), 150, "this month"),
        (2, date(2026, 11, 30), 140, "this month"),
        # Three months: this one and the two before, across a new year.
        (3, date(2026, 1, 1), 20 + 30 + 40, "Nov 2025 – Jan 2026"),
        (3, date(2026, 12, 31), 130 + 140 + 150, "Oct – Dec 2026"),
        # Twelve months: Jan..Dec 2026 on the 31st of December; Dec 2025..Nov 2026 a day before.
        (4, date(2026, 12, 31), sum(range(40, 151, 10)), "Jan – Dec 2026"),
        (4, date(2026, 11, 30), sum(range(30, 141, 10)), "Dec 2025 – Nov 2026"),
        # Total: every month up to this one, never a later one.
        (1, date(2026, 12, 1), sum(range(10, 151, 10)), "every month to Dec 2026"),
    ],
)
def test_windows_are_calendar_months_ending_with_this_one(
    period: int, today: date, expected: int, words: str
) -> None:
    assert cpu_usage(period, today) == expected
    assert policy_window(Period(period), today).words == words


def test_one_pooled_sum_over_the_groups_customers() -> None:
    rows = [
        row("oslo", "cpu", "2026-12", "400.00"),
        row("uppsala", "cpu", "2026-12", 250),
        row("riga", "cpu", "2026-12", "100.5"),
        row("prague", "cpu", "2026-12", 1000),  # Central Europe: not in the policy
        row("loner", "cpu", "2026-12", 1000),  # in no group
        row("oslo", "cpu", "2026-12", 999, offering=OTHER_OFFERING),  # another offering
        row("oslo", "ram", "2026-12", 999),  # another component
    ]
    h = headroom(
        policy(("cpu", 700), groups=(NORDICS, BALTICS), has_fired=True,
               fired="2026-12-09T10:00:00Z"),
        COMPONENTS, CUSTOMERS, rows, date(2026, 12, 10),
    )  # fmt: skip
    cpu = h.limits[0]
    assert cpu.usage == Decimal("750.5")  # 400 + 250 + 100.5, pooled, not per customer
    assert cpu.over and h.fires and h.reason is None  # fired, and the usage agrees
    assert [(c.name, c.usage) for c in cpu.customers] == [
        ("Oslo", Decimal("400.00")), ("Uppsala", Decimal(250)), ("Riga", Decimal("100.5")),
    ]  # fmt: skip
    assert [round(c.share, 3) for c in cpu.customers] == [0.533, 0.333, 0.134]
    assert cpu.ratio == pytest.approx(750.5 / 700)
    assert (cpu.label, cpu.unit, cpu.checked) == ("CPU", "core-hours", True)


def test_apply_to_all_counts_every_customer_even_without_the_map() -> None:
    rows = [row(c, "cpu", "2026-12", 100) for c in (*CUSTOMERS, "unlisted")]
    everyone = policy(("cpu", 1000), apply_to_all=True)
    with_map = headroom(everyone, COMPONENTS, CUSTOMERS, rows, date(2026, 12, 1))
    without = headroom(everyone, COMPONENTS, None, rows, date(2026, 12, 1))
    assert with_map.limits[0].usage == without.limits[0].usage == 600
    assert without.unavailable is None


def test_a_group_policy_without_the_customer_map_has_no_figure() -> None:
    h = headroom(policy(("cpu", 10)), COMPONENTS, None, HISTORY, date(2026, 12, 1))
    assert h.limits == () and h.unavailable == NO_CUSTOMER_MAP and summarize(h) is None


def test_customers_missing_from_the_map_are_named_not_guessed() -> None:
    rows = [row("oslo", "cpu", "2026-12", 5), row("stranger", "cpu", "2026-12", 500)]
    h = headroom(policy(("cpu", 10)), COMPONENTS, CUSTOMERS, rows, date(2026, 12, 1))
    assert h.limits[0].usage == 5 and h.unknown_customers == ("stranger",)


@pytest.mark.parametrize(("usage", "over"), [("100.00", False), ("100.01", True), (99, False)])
def test_fired_means_strictly_greater(usage: str, over: bool) -> None:
    rows = [row("oslo", "cpu", "2026-12", usage)]
    h = headroom(policy(("cpu", 100)), COMPONENTS, CUSTOMERS, rows, date(2026, 12, 1))
    assert h.limits[0].over is over and h.fires is over


def test_only_the_first_limit_is_checked() -> None:
    rows = [row("oslo", "cpu", "2026-12", 50), row("oslo", "ram", "2026-12", 900)]
    h = headroom(policy(("cpu", 100), ("ram", 500)), COMPONENTS, CUSTOMERS, rows,
                 date(2026, 12, 1))  # fmt: skip
    cpu, ram = h.limits
    assert ram.over and not ram.checked and cpu.checked and not cpu.over
    assert not h.fires and h.reason is Reason.ONLY_FIRST_LIMIT_CHECKED
    assert h.reason_text is not None
    assert h.reason_text.startswith("Over on RAM, but the server checks only CPU")
    top = summarize(h)
    assert top is not None and top.text == "RAM 180 %" and top.over and not top.checked


@pytest.mark.parametrize(
    ("actions", "reason"),
    [
        ("block_creation_of_new_resources", Reason.BLOCK_ONLY_NOT_REEVALUATED),
        ("notify_organization_owners", Reason.OVER_NOT_EVALUATED),
    ],
)
def test_over_and_not_fired(actions: str, reason: Reason) -> None:
    rows = [row("oslo", "cpu", "2026-12", 150)]
    h = headroom(policy(("cpu", 100), actions=actions), COMPONENTS, CUSTOMERS, rows,
                 date(2026, 12, 1))  # fmt: skip
    assert h.fires and not h.has_fired and h.reason is reason


def test_fired_on_an_earlier_month_and_now_under() -> None:
    rows = [row("oslo", "cpu", "2026-11", 500), row("oslo", "cpu", "2026-12", 20)]
    fired = policy(("cpu", 100), has_fired=True, fired="2026-11-20T10:00:00Z")
    h = headroom(fired, COMPONENTS, CUSTOMERS, rows, date(2026, 12, 1))
    assert h.limits[0].usage == 20 and not h.fires
    assert h.reason is Reason.FIRED_EARLIER_MONTH
    assert h.reason_text is not None and h.reason_text.startswith("Fired in Nov 2026;")


@pytest.mark.parametrize(
    ("actions", "server_2024", "reason"),
    [
        ("notify_organization_owners", True, Reason.KEPT_AFTER_EDIT),
        ("block_creation_of_new_resources", False, Reason.BLOCK_ONLY_STILL_FIRED),
        ("notify_organization_owners", False, Reason.UNDER_NOT_EVALUATED),
    ],
)
def test_fired_this_month_and_under(actions: str, server_2024: bool, reason: Reason) -> None:
    rows = [row("oslo", "cpu", "2026-12", 20)]
    fired = policy(("cpu", 100), actions=actions, has_fired=True, fired="2026-12-01T08:00:00Z",
                   server_2024=server_2024)  # fmt: skip
    h = headroom(fired, COMPONENTS, CUSTOMERS, rows, date(2026, 12, 15))
    assert not h.fires and h.reason is reason


def test_fired_and_over_needs_no_reason() -> None:
    rows = [row("oslo", "cpu", "2026-12", 200)]
    fired = policy(("cpu", 100), has_fired=True, fired="2026-10-01T00:00:00Z")
    h = headroom(fired, COMPONENTS, CUSTOMERS, rows, date(2026, 12, 1))
    assert h.fires and h.reason is None and h.reason_text is None


def test_usage_per_month_lists_every_month_of_the_window() -> None:
    rows = [
        row("oslo", "cpu", "2026-10", 30),
        row("uppsala", "cpu", "2026-10", 12),
        row("oslo", "cpu", "2026-12", 5),
    ]
    h = headroom(policy(("cpu", 100), period=3), COMPONENTS, CUSTOMERS, rows, date(2026, 12, 31))
    assert h.limits[0].months == (
        (date(2026, 10, 1), Decimal(42)), (date(2026, 11, 1), Decimal(0)),
        (date(2026, 12, 1), Decimal(5)),
    )  # fmt: skip


def test_summary_takes_the_highest_ratio_and_its_component() -> None:
    rows = [row("oslo", "cpu", "2026-12", 960), row("oslo", "ram", "2026-12", 100)]
    h = headroom(policy(("ram", 1000), ("cpu", 1000)), COMPONENTS, CUSTOMERS, rows,
                 date(2026, 12, 1))  # fmt: skip
    top = summarize(h)
    assert top is not None and top.text == "CPU 96 %" and top.near and not top.over


def test_a_limit_of_zero_has_no_ratio_but_any_usage_is_over() -> None:
    rows = [row("prague", "cpu", "2026-12", 1)]
    h = headroom(policy(("cpu", 0), groups=(EUROPE,)), COMPONENTS, CUSTOMERS, rows,
                 date(2026, 12, 1))  # fmt: skip
    assert h.limits[0].ratio is None and h.fires
    top = summarize(h)
    assert top is not None and top.text == "CPU over"


def test_no_limits_never_fires() -> None:
    h = headroom(policy(), COMPONENTS, CUSTOMERS, HISTORY, date(2026, 12, 1))
    assert h.limits == () and not h.fires and h.reason is None and summarize(h) is None
