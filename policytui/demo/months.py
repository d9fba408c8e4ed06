"""Calendar months as the server counts them: a policy's window is whole billing months
ending with the current one (``billing_period`` is the first of a month)."""

from __future__ import annotations

from datetime import date

#: Months of usage each period sums; None: every month ("Total").
PERIOD_MONTHS: dict[int, int | None] = {1: None, 2: 1, 3: 3, 4: 12}


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def window(period: int, today: date) -> tuple[date | None, date]:
    """(first billing month, last billing month) a policy of ``period`` sums on ``today``;
    the first is None for "Total"."""
    last = month_start(today)
    months = PERIOD_MONTHS.get(period, 1)
    return (None if months is None else add_months(last, 1 - months)), last
