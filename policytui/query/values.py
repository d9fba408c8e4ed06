"""Readers of what a field term's value means: a count or limit compare, a moment
(an age like ``<7d`` or a date like ``>2026-11-01``, or a range), a period.

Each returns a plain value or raises :class:`Unreadable` with what it expected; the
parser turns that into a problem beside the term. Nothing else may escape them.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from policytui.query.lexer import Value


class Unreadable(Exception):
    """The value is not one the field reads; ``str()`` says what was expected instead."""


#: The comparisons a number may be given with; a bare number means "=".
COMPARISONS: dict[str, Callable[[int, int], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "=": operator.eq,
}

_NUMBER = re.compile(r"\d+(?:[_,]\d+)*\Z")


def whole_number(text: str, field: str) -> int:
    """``10000``, ``10_000`` or ``10,000`` (separators only between digits)."""
    if not _NUMBER.match(text):
        if not text:
            raise Unreadable(f"{field}: expects a number after the comparison")
        raise Unreadable(f"{field}: {text} is not a whole number")
    return int(text.replace("_", "").replace(",", ""))


@dataclass(frozen=True, slots=True)
class Comparison:
    op: str
    number: int

    def test(self, value: int) -> bool:
        return COMPARISONS[self.op](value, self.number)


def comparison(op: str, text: str, field: str) -> Comparison:
    return Comparison(op or "=", whole_number(text, field))


# --- moments ---------------------------------------------------------------------------

#: Seconds in each unit of an age. ``m`` is a month of 30 days: periods here are months,
#: and a filter has no use for minutes.
UNITS = {"h": 3600, "d": 86400, "w": 7 * 86400, "m": 30 * 86400}
_AGE = re.compile(r"(\d{1,6})([hdwm])\Z")
_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\Z")


@dataclass(frozen=True, slots=True)
class Moments:
    """The instants a term accepts, ``lo <= t < hi`` as POSIX seconds.

    An age (``<7d``) is measured back from the moment the filter is applied, so its
    bounds come from :meth:`bounds` with ``now``; a date's bounds are fixed.
    """

    lo: float
    hi: float
    #: For an age: its length in seconds and which side of ``now - age`` is wanted.
    age: float | None = None
    younger: bool = True

    def bounds(self, now: float) -> tuple[float, float]:
        if self.age is None:
            return self.lo, self.hi
        edge = now - self.age
        return (edge, float("inf")) if self.younger else (float("-inf"), edge)


def _day_span(text: str, expects: str) -> tuple[float, float]:
    """The first and one past the last instant of a year, month or day, in UTC."""
    found = _DATE.match(text)
    if not found:
        raise Unreadable(expects)
    year, month, day = (int(part) if part else None for part in found.groups())
    try:
        start = datetime(year, month or 1, day or 1, tzinfo=UTC)
    except ValueError:
        field = expects.split(":", 1)[0]
        raise Unreadable(f"{field}: {text} is not a date (YYYY-MM-DD)") from None
    if day is not None:
        end_ts = start.timestamp() + 86400
    else:
        try:
            end = (
                datetime(year + 1, 1, 1, tzinfo=UTC)
                if month is None or month == 12
                else datetime(year, month + 1, 1, tzinfo=UTC)
            )
            end_ts = end.timestamp()
        except ValueError:  # past year 9999
            end_ts = float("inf")
    return start.timestamp(), end_ts


def moments(value: Value, expects: str) -> Moments:
    """``<7d`` / ``>2w`` (less or more than that long ago; a bare ``7d`` is ``<7d``),
    ``>2026-11-01``, ``<=2026-11``, ``=2026``, ``2026-11-01`` (that day),
    ``2026-11-01..2026-11-30`` and open ranges ``2026-11..`` / ``..2026-10``."""
    text = value.text.strip().lower()
    if ".." in text:
        first, _, last = text.partition("..")
        lo = _day_span(first, expects)[0] if first else float("-inf")
        hi = _day_span(last, expects)[1] if last else float("inf")
        if not first and not last:
            raise Unreadable(expects)
        return Moments(lo, hi)
    op = next((o for o in (">=", "<=", ">", "<", "=") if text.startswith(o)), "")
    rest = text[len(op) :]
    age = _AGE.match(rest)
    if age:
        if op == "=":
            raise Unreadable(expects)
        seconds = int(age.group(1)) * UNITS[age.group(2)]
        return Moments(0.0, 0.0, age=float(seconds), younger=not op.startswith(">"))
    start, end = _day_span(rest, expects)
    inf = float("inf")
    return {
        ">": Moments(end, inf),
        ">=": Moments(start, inf),
        "<": Moments(-inf, start),
        "<=": Moments(-inf, end),
    }.get(op, Moments(start, end))


# --- periods ---------------------------------------------------------------------------

#: Each way to write a period, to the server's number (1 Total, 2/3/4 = 1/3/12 months).
PERIOD_WORDS = {
    "total": 1,
    "all": 1,
    "1m": 2,
    "m": 2,
    "monthly": 2,
    "3m": 3,
    "quarter": 3,
    "quarterly": 3,
    "12m": 4,
    "1y": 4,
    "y": 4,
    "year": 4,
    "yearly": 4,
}


def period(text: str, expects: str) -> int:
    """``total``, ``1m``, ``3m``, ``12m``, or the list's words ("3 months", "12 month")."""
    key = "".join(text.casefold().split())
    key = key.replace("months", "m").replace("month", "m")
    if key not in PERIOD_WORDS:
        raise Unreadable(expects)
    return PERIOD_WORDS[key]
