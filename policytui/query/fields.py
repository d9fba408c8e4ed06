"""The field terms of the filter language, one entry each.

A field is a name, the sentence said when its value cannot be read, and a reader that
turns the value into a test. Adding a field is one entry in :data:`FIELDS` (and, when it
reads something new of a policy, one attribute of ``PolicyFacts``); the parser, the
problems and the help text follow from it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from policytui.query.facts import MARKS, PolicyFacts
from policytui.query.lexer import Value
from policytui.query.values import COMPARISONS, Unreadable, comparison, moments, period

Predicate = Callable[[PolicyFacts], bool]
#: The policies of a list that pass a term, in their order.
Selection = Callable[[list[PolicyFacts]], list[PolicyFacts]]
#: A term's predicate once the moment of filtering is known (ages count back from it).
Test = Callable[[float], Predicate]
#: (the value, the field it was given to) -> the test; raises Unreadable.
Reader = Callable[[Value, "Field"], Test]


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    #: Said beside a term whose value this field cannot read.
    expects: str
    read: Reader
    #: One line for the help and docs.
    means: str
    #: A value that holds this one keeps fewer policies (a substring test): typing more
    #: of it narrows, so a screen may filter what the shorter value kept.
    narrows_as_typed: bool = False
    #: For a substring field: the selection of many policies by a (case-folded) value,
    #: written out as a comprehension, which runs a third faster than calling the test
    #: per policy; the typing path (`/`) takes it. It must keep exactly what the test
    #: keeps (tests/query/test_prop_query.py checks every one).
    many: Callable[[str], Selection] | None = None


def _fixed(predicate: Predicate) -> Test:
    return lambda now: predicate


def _nothing(facts: PolicyFacts) -> bool:
    return False


def _wanted(value: Value, field: Field) -> str:
    wanted = value.text.casefold()
    if not wanted.strip():
        raise Unreadable(field.expects)
    return wanted


def _contains(make: Callable[[str], Predicate]) -> Reader:
    """The value occurs in the text ``make``'s predicate tests (one substring test of one
    joined text: the fastest test Python has for it)."""

    def read(value: Value, field: Field) -> Test:
        wanted = _wanted(value, field)
        if any(mark in wanted for mark in MARKS):  # no single part holds it
            return _fixed(_nothing)
        return _fixed(make(wanted))

    return read


def _offering(wanted: str) -> Predicate:
    uuid = wanted.replace("-", "")
    return lambda f: wanted in f.offering or uuid == f.offering_uuid


def _period(value: Value, field: Field) -> Test:
    number = period(value.text, field.expects)
    return _fixed(lambda f: f.period == number)


_YES = {"yes": True, "y": True, "true": True, "no": False, "n": False, "false": False}


def _fired(value: Value, field: Field) -> Test:
    answer = _YES.get(value.text.strip().casefold())
    if answer is not None:
        return _fixed(lambda f: f.has_fired is answer)
    when = moments(value, field.expects)

    def test(now: float) -> Predicate:
        lo, hi = when.bounds(now)
        # Only a policy that is fired now: a reset one keeps its last fired_datetime.
        return lambda f: f.has_fired and f.fired_at is not None and lo <= f.fired_at < hi

    return test


def _created(value: Value, field: Field) -> Test:
    when = moments(value, field.expects)

    def test(now: float) -> Predicate:
        lo, hi = when.bounds(now)
        return lambda f: f.created_at is not None and lo <= f.created_at < hi

    return test


def _limit(value: Value, field: Field) -> Test:
    """``cpu>10000`` (type or name, exactly), ``>10000`` (any component), ``cpu`` (has
    a limit on it)."""
    split = value.split_at_operator()
    if split is None:
        wanted = _wanted(value, field)
        return _fixed(lambda f: any(wanted in (type_, name) for type_, name, _ in f.components))
    name, op, number = split
    bound = comparison(op, number.strip(), field.name)
    test, than = COMPARISONS[bound.op], bound.number
    wanted = name.strip().casefold()

    def matches(f: PolicyFacts) -> bool:
        for type_, name, limit in f.components:
            if (not wanted or type_ == wanted or name == wanted) and test(limit, than):
                return True
        return False

    return _fixed(matches)


def _compare(get: Callable[[PolicyFacts], float | None], unit: str = "") -> Reader:
    """A number ``get`` reads of the policy against ``>1``, ``>=2``, ``<3``, ``<=4``, ``5``
    (a policy without that number never matches). ``unit`` may follow the number as
    written (``usage:>80%``)."""

    def read(value: Value, field: Field) -> Test:
        text = value.text.strip()
        if unit and text.endswith(unit):
            text = text[: -len(unit)].rstrip()
        op = next((o for o in (">=", "<=", ">", "<", "=") if text.startswith(o)), "")
        if not text[len(op) :]:
            raise Unreadable(field.expects)
        bound = comparison(op, text[len(op) :].strip(), field.name)

        def matches(f: PolicyFacts) -> bool:
            number = get(f)
            return number is not None and bound.test(number)

        return _fixed(matches)

    return read


def _shown_percent(percent: float | None) -> float | None:
    if percent is None or percent == float("inf"):
        return percent
    return float(int(percent))


_MOMENT = "<7d or >7d (h, d, w, m), or a date like >2026-11-01 or 2026-11-01..2026-11-30"

FIELDS: dict[str, Field] = {
    field.name: field
    for field in (
        Field(
            "offering",
            'offering: expects a name, e.g. offering:HPC or offering:"GPU partition"',
            _contains(_offering),
            "the offering's name contains it (or it is the offering's uuid)",
        ),
        Field(
            "provider",
            "provider: expects an organization's name, e.g. provider:Acme",
            _contains(lambda wanted: lambda f: wanted in f.provider),
            "the organization providing the offering: its name contains it",
            narrows_as_typed=True,
            many=lambda w: lambda fs: [f for f in fs if w in f.provider],
        ),
        Field(
            "action",
            "action: expects an action, e.g. action:block or action:notify",
            _contains(lambda wanted: lambda f: wanted in f.actions_text),
            "an action's name or label contains it",
            narrows_as_typed=True,
            many=lambda w: lambda fs: [f for f in fs if w in f.actions_text],
        ),
        Field(
            "component",
            "component: expects a component type or name, e.g. component:cpu",
            _contains(lambda wanted: lambda f: wanted in f.components_text),
            "a limited component's type or name contains it",
            narrows_as_typed=True,
            many=lambda w: lambda fs: [f for f in fs if w in f.components_text],
        ),
        Field(
            "group",
            'group: expects a group name, e.g. group:Nordics or group:"Nordic Uni"',
            _contains(lambda wanted: lambda f: wanted in f.groups_text),
            "an organization group's name (or its parent's) contains it",
            narrows_as_typed=True,
            many=lambda w: lambda fs: [f for f in fs if w in f.groups_text],
        ),
        Field(
            "period",
            "period: expects total, 1m, 3m or 12m",
            _period,
            "the period is it",
        ),
        Field(
            "by",
            "by: expects a name or username, e.g. by:alice",
            _contains(lambda wanted: lambda f: wanted in f.creator_text),
            "the creator's full name or username contains it",
            narrows_as_typed=True,
            many=lambda w: lambda fs: [f for f in fs if w in f.creator_text],
        ),
        Field(
            "fired",
            f"fired: expects yes, no, {_MOMENT}",
            _fired,
            "fired or not; or fired within (<) or before (>) an age or a date",
        ),
        Field(
            "created",
            f"created: expects {_MOMENT}",
            _created,
            "created within (<) or before (>) an age, or on, after, before a date",
        ),
        Field(
            "limit",
            "limit: expects a component and a bound, e.g. limit:cpu>10000 (>, >=, <, <=, =)",
            _limit,
            "a limit on that component (type or name, exactly) within the bound",
        ),
        Field(
            "limits",
            "limits: expects a count, e.g. limits:>1 or limits:0",
            _compare(lambda f: len(f.components)),
            "how many component limits the policy has",
        ),
        Field(
            "usage",
            "usage: expects a percentage of a limit, e.g. usage:>80 or usage:>=100",
            # Floored, as the list shows it: 114.99 % reads "114 %", so usage:114 finds it.
            _compare(lambda f: _shown_percent(f.usage_percent), unit="%"),
            "the highest usage / limit among its limits, in % (a policy without a figure "
            "never matches)",
        ),
    )
}
