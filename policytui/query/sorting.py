"""Orders over every match: by any column, numbers as numbers, stable, gaps last.

A column's key reads :class:`PolicyFacts` only. Limits compare as numbers per
component (``limit:cpu`` puts CPU 900 before CPU 10 000, where the text did the
opposite). A policy the column says nothing about (no CPU limit, never created by a
known time) goes after the others in either direction, so "largest first" starts with
the largest limit, not with the policies that have none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import itemgetter
from typing import Any, TypeVar

from policytui.query.facts import PolicyFacts
from policytui.query.parser import Problem

T = TypeVar("T")
#: The key of a (key, item) pair, read in C: a Python function here is a call per policy.
_FIRST = itemgetter(0)
#: A column's key of one policy; None when the policy has nothing in that column.
SortKey = Callable[[PolicyFacts], Any]

#: The server's period number to the window's length in months (Total: every month).
_PERIOD_MONTHS = {2: 1, 3: 3, 4: 12, 1: float("inf")}


def best_limit(components: Iterable[tuple[str, str, int]], wanted: str) -> int | None:
    """The highest limit on the component ``wanted`` (its type or name, case-folded)
    among ``components``; None without one."""
    # A loop, not max() over a list: this runs once per policy of a sort by facts. The
    # limits unpacked, not read by name: a named tuple's fields are not specialised
    # attribute reads in 3.11 (a sort of 100 000 took ~25 % longer).
    best = None
    for type_, name, limit in components:
        if (type_ == wanted or name == wanted) and (best is None or limit > best):
            best = limit
    return best


def _limit_of(component: str) -> SortKey:
    wanted = component.casefold()
    return lambda f: best_limit(f.components, wanted)


#: Every column a list can be sorted by, with its key (``limit:<component>`` besides).
COLUMNS: dict[str, SortKey] = {
    "offering": lambda f: f.offering or None,
    "provider": lambda f: f.provider or None,
    # Joined texts order as the tuples of their parts would (see facts.SEPARATOR).
    "actions": lambda f: f.actions_text or None,
    # Component by component: name, then the number as a number.
    "limits": lambda f: tuple((name, limit) for _, name, limit in f.components) or None,
    "period": lambda f: _PERIOD_MONTHS.get(f.period),
    "groups": lambda f: f.groups_text or None,
    # Fired ones together, ordered by when they fired (the fired view sorts descending);
    # a reset policy's old fired_datetime is not shown, so it does not order it either.
    "fired": lambda f: (True, f.fired_at or 0.0) if f.has_fired else (False, 0.0),
    "created": lambda f: f.created_at,
    "by": lambda f: f.creator_text or None,
    # The highest usage / limit (issue 14): the near-firing view sorts it descending.
    "usage": lambda f: f.usage_percent,
}


@dataclass(frozen=True, slots=True)
class SortOrder:
    #: As written: ``created``, ``limit:cpu``.
    column: str
    descending: bool
    key: SortKey
    #: ``limit:<component>``: the component (case-folded), whose limits an index of
    #: many policies reads from its coded sets of limits rather than with ``key``.
    component: str | None = None


def parse_sort(text: str) -> SortOrder | Problem:
    """``created``, ``-created`` (descending), ``limit:cpu``; a Problem otherwise."""
    written = text.strip()
    descending = written.startswith("-")
    column = written[1:].strip() if descending else written
    name, colon, component = column.partition(":")
    name = name.casefold()
    if colon and name == "limit" and component.strip():
        wanted = component.strip()
        return SortOrder(column, descending, _limit_of(wanted), wanted.casefold())
    if not colon and name in COLUMNS:
        return SortOrder(column, descending, COLUMNS[name])
    columns = ", ".join([*COLUMNS, "limit:<component>"])
    return Problem(0, len(text), text, f"sort expects a column: one of {columns}")


def sort_key(column: str, facts: PolicyFacts) -> Any:
    """The key of ``facts`` in ``column`` (None: nothing in that column); a column
    that is not one raises ValueError (columns come from the program, not the user:
    what a user types goes through :func:`parse_sort`)."""
    order = parse_sort(column)
    if isinstance(order, Problem):
        raise ValueError(order.message)
    return order.key(facts)


def sort_policies(
    items: Iterable[T],
    order: SortOrder,
    *,
    facts: Callable[[T], PolicyFacts] | None = None,
) -> list[T]:
    """``items`` in ``order``: stable (equal keys keep their order, in either
    direction), policies without a key last."""
    keyed: list[tuple[Any, T]] = []
    missing: list[T] = []
    for item in items:
        key = order.key(facts(item) if facts is not None else item)  # type: ignore[arg-type]
        if key is None:
            missing.append(item)
        else:
            keyed.append((key, item))
    # sorted(reverse=True) keeps equal items in their original order: still stable.
    keyed.sort(key=_FIRST, reverse=order.descending)
    return [item for _, item in keyed] + missing
