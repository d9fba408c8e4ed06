"""The field terms of the filter language, one entry each.

A field is a name, the sentence said when its value cannot be read, and a reader that
turns the value into a test. Adding a field is one entry in :data:`FIELDS` (and, when it
reads something new of a policy, one attribute of ``PolicyFacts``); the parser, the
problems and the help text follow from it. ``usage:>80`` (headroom) would be::

    Field("usage", "usage: expects a percentage, e.g. usage:>80",
          _compare(lambda f: f.usage_percent), "the highest usage / limit, in %")
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from policytui.query.facts import PolicyFacts
from policytui.query.lexer import Value
from policytui.query.values import Unreadable, comparison, moments, period

Predicate = Callable[[PolicyFacts], bool]
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


def _fixed(predicate: Predicate) -> Test:
    return lambda now: predicate


def _wanted(value: Value, field: Field) -> str:
    wanted = value.text.casefold()
    if not wanted.strip():
        raise Unreadable(field.expects)
    return wanted


def _in_texts(get: Callable[[PolicyFacts], tuple[str, ...]]) -> Reader:
    """The value occurs in one of the texts ``get`` gives."""

    def read(value: Value, field: Field) -> Test:
        wanted = _wanted(value, field)
        return _fixed(lambda f: any(wanted in text for text in get(f)))

    return read


def _offering(value: Value, field: Field) -> Test:
    wanted = _wanted(value, field)
    uuid = wanted.replace("-", "")
    return _fixed(lambda f: wanted in f.offering or uuid == f.offering_uuid)


def _provider(value: Value, field: Field) -> Test:
    wanted = _wanted(value, field)
    return _fixed(lambda f: wanted in f.provider)


def _component(value: Value, field: Field) -> Test:
    wanted = _wanted(value, field)
    return _fixed(lambda f: any(wanted in c.type or wanted in c.name for c in f.components))


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
        return _fixed(lambda f: any(c.is_called(wanted) for c in f.components))
    name, op, number = split
    bound = comparison(op, number.strip(), field.name)
    wanted = name.strip().casefold()
    if not wanted:
        return _fixed(lambda f: any(bound.test(c.limit) for c in f.components))
    return _fixed(lambda f: any(c.is_called(wanted) and bound.test(c.limit) for c in f.components))


def _compare(get: Callable[[PolicyFacts], float | None]) -> Reader:
    """A number ``get`` reads of the policy against ``>1``, ``>=2``, ``<3``, ``<=4``, ``5``
    (a policy without that number never matches)."""

    def read(value: Value, field: Field) -> Test:
        text = value.text.strip()
        op = next((o for o in (">=", "<=", ">", "<", "=") if text.startswith(o)), "")
        if not text[len(op) :]:
            raise Unreadable(field.expects)
        bound = comparison(op, text[len(op) :].strip(), field.name)

        def matches(f: PolicyFacts) -> bool:
            number = get(f)
            return number is not None and bound.test(number)

        return _fixed(matches)

    return read


_MOMENT = "<7d or >7d (h, d, w, m), or a date like >2026-11-01 or 2026-11-01..2026-11-30"

FIELDS: dict[str, Field] = {
    field.name: field
    for field in (
        Field(
            "offering",
            'offering: expects a name, e.g. offering:HPC or offering:"GPU partition"',
            _offering,
            "the offering's name contains it (or it is the offering's uuid)",
        ),
        Field(
            "provider",
            "provider: expects an organization's name, e.g. provider:Acme",
            _provider,
            "the organization providing the offering: its name contains it",
        ),
        Field(
            "action",
            "action: expects an action, e.g. action:block or action:notify",
            _in_texts(lambda f: f.actions + f.action_labels),
            "an action's name or label contains it",
        ),
        Field(
            "component",
            "component: expects a component type or name, e.g. component:cpu",
            _component,
            "a limited component's type or name contains it",
        ),
        Field(
            "group",
            'group: expects a group name, e.g. group:Nordics or group:"Nordic Uni"',
            _in_texts(lambda f: f.groups),
            "an organization group's name (or its parent's) contains it",
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
            _in_texts(lambda f: f.creator),
            "the creator's full name or username contains it",
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
    )
}
