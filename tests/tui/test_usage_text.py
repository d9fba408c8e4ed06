"""The words and marks of usage (pure): the list's cell, the levels' edges, the figures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from policytui.headroom import LimitHeadroom, PolicyHeadroom
from policytui.headroom.windows import Window
from policytui.tui.usage_cell import UsageCell
from policytui.tui.usage_load import PolicyUsage
from policytui.tui.usage_text import amount, bar, level, percent, usage_cell


@pytest.mark.parametrize(
    ("ratio", "over", "said"),
    [
        (0.79, False, "ok"),
        (0.8, False, "near"),  # amber from 80 %
        (1.0, False, "near"),  # at the limit is not over: the server fires on sum > limit
        (1.0001, True, "over"),
        (None, True, "over"),  # a limit of 0 with any usage
        (None, False, "ok"),
    ],
)
def test_levels(ratio, over, said) -> None:
    assert level(ratio, over) == said


@pytest.mark.parametrize(
    ("width", "cell", "shown"),
    [
        (16, UsageCell("CPU", "96 %", "near"), "CPU 96 % ▲"),
        (16, UsageCell("RAM", "120 %", "over"), "RAM 120 % !"),
        (16, UsageCell("CPU", "10 %", "ok"), "CPU 10 %"),
        # Narrow: the component is cut, then dropped; the figure and mark never are.
        (12, UsageCell("Egress traffic", "20 %", "ok"), "Egress… 20 %"),
        (8, UsageCell("GPU", "96 %", "near"), "96 % ▲"),
        (8, UsageCell("RAM", "158 %", "over"), "158 % !"),
        (8, UsageCell("", "—", "none"), "—"),
        # A later limit, which the server never checks: marked † at every width.
        (16, UsageCell("RAM", "163 %", "over", unchecked=True), "RAM 163 % !†"),
        (8, UsageCell("RAM", "163 %", "over", unchecked=True), "163 % !†"),
        (8, UsageCell("RAM", "96 %", "near", unchecked=True), "96 % ▲†"),
        (24, UsageCell("RAM", "163 %", "over", "now under", True), "now under RAM 163 %†"),
    ],
)
def test_the_cell_keeps_its_figure(width, cell, shown) -> None:
    assert cell.fit(width) == shown
    assert len(cell.fit(width)) <= width


def test_figures() -> None:
    assert amount(Decimal("2400")) == "2\u2009400"
    assert amount(Decimal("12.5")) == "12.50"
    assert amount(Decimal("0.001")) == "0"
    assert percent(0.999) == "99 %"  # floored: not yet 100 %
    full = bar(1.2, True, 10)
    assert full.plain == "█" * 10
    assert bar(0.5, False, 10).plain == "█" * 5 + "░" * 5


def _headroom(*limits: tuple[str, float, bool]) -> PolicyUsage:
    """Limits as (label, ratio, checked), the first checked, as Waldur checks them."""
    rows = tuple(
        LimitHeadroom(
            label.lower(), label, "h", 100, Decimal(ratio * 100), ratio, ratio > 1, checked, (), ()
        )
        for label, ratio, checked in limits
    )
    fires = rows[0].over
    return PolicyUsage(
        PolicyHeadroom("p", Window(None, date(2026, 12, 1)), rows, fires, fires, None, None)
    )


def test_a_policy_over_its_checked_limit_shows_that_limit_not_a_higher_unchecked_one():
    """It fires on the checked CPU (140 %): the cell says so, not RAM 227 % with the †
    that reads as "the server does not check this" (so "it will not fire")."""
    cell = usage_cell(_headroom(("CPU", 1.4, True), ("RAM", 2.27, False)), fired_view=True)
    assert (cell.label, cell.figure, cell.level, cell.unchecked) == ("CPU", "140 %", "over", False)
    assert cell.note == "still over"
    # Under its checked limit, a higher unchecked one is still shown, with its †.
    cell = usage_cell(_headroom(("CPU", 0.5, True), ("RAM", 2.27, False)))
    assert (cell.label, cell.figure, cell.unchecked) == ("RAM", "227 %", True)
