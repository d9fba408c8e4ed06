"""A policy's window: whole calendar months (on ``billing_period``) ending with the
current one, not a rolling number of days; "Total" is every month up to this one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from policytui.api.models import Period

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(first: date, months: int) -> date:
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Window:
    """The billing months a policy sums on a given day."""

    #: The first month; None for "Total" (every month).
    first: date | None
    #: The current month: the server counts no later one.
    last: date

    def __contains__(self, billing_period: date) -> bool:
        month = month_start(billing_period)
        return month <= self.last and (self.first is None or month >= self.first)

    def months(self) -> tuple[date, ...] | None:
        """Every month of the window, oldest first; None for "Total"."""
        if self.first is None:
            return None
        out, month = [], self.first
        while month <= self.last:
            out.append(month)
            month = add_months(month, 1)
        return tuple(out)

    @property
    def words(self) -> str:
        """The window in words: "this month", "Oct to Dec 2026" (with an en dash, as the
        issue writes it), "Dec 2025 to Nov 2026" across a year, "every month to Nov 2026"."""
        last = f"{_MONTHS[self.last.month - 1]} {self.last.year}"
        if self.first is None:
            return f"every month to {last}"
        if self.first == self.last:
            return "this month"
        start = _MONTHS[self.first.month - 1]
        if self.first.year != self.last.year:
            start = f"{start} {self.first.year}"
        return f"{start} – {last}"


def policy_window(period: Period, today: date) -> Window:
    last = month_start(today)
    months = period.months
    return Window(None if months is None else add_months(last, 1 - months), last)
