"""A filter string read into terms that AND together, and what could not be read.

:func:`parse` never raises: a term it cannot read becomes a :class:`Problem` with its
place in the input and what was expected there, and the terms it could read still
apply, so the screen can mark the one bad term inline while the list stays filtered
by the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar

from policytui.query.facts import MARKS, PolicyFacts
from policytui.query.fields import FIELDS, Field, Predicate, Selection, Test
from policytui.query.lexer import RawTerm, lex, quote
from policytui.query.values import Unreadable

T = TypeVar("T")

#: Said for a term whose reader failed in a way it should not have (a bug, not the
#: user's typing): the filter still never raises, and tests look for this text.
NOT_READ = "could not read this term"


@dataclass(frozen=True, slots=True)
class Term:
    """One term that applies: ``field`` None for a free word."""

    start: int
    end: int
    #: The term as typed, ``-`` and quotes included.
    text: str
    field: str | None
    #: The value, unquoted (case as typed).
    value: str
    negated: bool
    test: Test = field(repr=False, compare=False)
    #: A longer value holding this one keeps a subset (see :meth:`Filter.narrows`).
    narrows_as_typed: bool = field(default=False, repr=False, compare=False)
    #: The comprehension that selects what this term keeps, when it has one.
    many: Selection | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class Problem:
    """A term that does not apply: where it is (``start``, ``end`` index the input, as
    ``text[start:end]``) and what was expected instead."""

    start: int
    end: int
    text: str
    message: str


@dataclass(frozen=True, slots=True)
class Filter:
    text: str
    terms: tuple[Term, ...]
    problems: tuple[Problem, ...]

    @property
    def is_empty(self) -> bool:
        """Nothing applies: every policy matches."""
        return not self.terms

    def narrows(self, previous: Filter) -> bool:
        """Every policy this filter keeps, ``previous`` kept too (at the same moment):
        so a screen may filter only what ``previous`` kept. True when each of its terms
        is here, in its place, unchanged or, for a word or a name, typed further
        (``gp`` then ``gpu``), and any other terms come after them."""
        if len(self.terms) < len(previous.terms):
            return False
        for old, new in zip(previous.terms, self.terms, strict=False):
            if (old.field, old.negated) != (new.field, new.negated):
                return False
            if old.value == new.value:
                continue
            typed_on = old.value.casefold() in new.value.casefold()
            if old.negated or not old.narrows_as_typed or not typed_on:
                return False
        return True

    def predicate(self, now: datetime | float | None = None) -> Predicate:
        """One test of a policy's facts; ages (``fired:<7d``) count back from ``now``."""
        tests = self._bound(now)
        if not tests:
            return _everything
        if len(tests) == 1:
            return tests[0]
        return lambda f: all(test(f) for test in tests)

    def matches(self, facts: PolicyFacts, now: datetime | float | None = None) -> bool:
        return self.predicate(now)(facts)

    def select(
        self,
        items: Iterable[T],
        now: datetime | float | None = None,
        *,
        facts: Callable[[T], PolicyFacts] | None = None,
    ) -> list[T]:
        """The items that match, in their order. ``facts`` reads an item's facts when
        the items are not facts themselves (a screen's rows)."""
        steps = self.select_each(items, now, facts=facts)
        return steps[-1] if steps else list(items)

    def select_each(
        self,
        items: Iterable[T],
        now: datetime | float | None = None,
        *,
        facts: Callable[[T], PolicyFacts] | None = None,
        after: int = 0,
    ) -> list[list[T]]:
        """What each term keeps of what the terms before it kept: the last list is
        :meth:`select`'s answer. ``after``: ``items`` already passed the first ``after``
        terms (a screen keeps the steps of the last keystroke and, for a filter whose
        first terms are unchanged, filters on from there)."""
        chosen = list(items)
        steps: list[list[T]] = []
        # One pass per term over what the previous terms kept: each pass shrinks the
        # next, and each is a loop in C (filter) or a comprehension, not a call chain.
        terms = self.terms[after:]
        for term, test in zip(terms, self._bound(now)[after:], strict=True):
            if facts is None and term.many is not None and not term.negated:
                chosen = term.many(chosen)  # type: ignore[arg-type]
            elif facts is None:
                # filter() loops in C: only the test itself runs as Python, per policy.
                chosen = list(filter(test, chosen))  # type: ignore[arg-type]
            else:
                chosen = [item for item in chosen if test(facts(item))]
            steps.append(chosen)
        return steps

    def _bound(self, now: datetime | float | None) -> list[Predicate]:
        moment = _seconds(now)
        return [_negate(t.test(moment)) if t.negated else t.test(moment) for t in self.terms]


def _everything(facts: PolicyFacts) -> bool:
    return True


def _negate(predicate: Predicate) -> Predicate:
    return lambda f: not predicate(f)


def _seconds(now: datetime | float | None) -> float:
    if now is None:
        return datetime.now(UTC).timestamp()
    if isinstance(now, datetime):
        return (now if now.tzinfo else now.replace(tzinfo=UTC)).timestamp()
    return float(now)


def parse(text: str, fields: Mapping[str, Field] = FIELDS) -> Filter:
    """``text`` as a filter; never raises (see :class:`Problem`)."""
    raw_terms, lex_problems = lex(text)
    terms: list[Term] = []
    problems = [Problem(p.start, p.end, text[p.start : p.end], p.message) for p in lex_problems]
    for raw in raw_terms:
        typed = text[raw.start : raw.end]
        try:
            test = _read(raw, fields)
        except Unreadable as unreadable:
            problems.append(Problem(raw.start, raw.end, typed, str(unreadable)))
            continue
        except Exception:  # a reader's bug must not cost the user the filter
            problems.append(Problem(raw.start, raw.end, typed, NOT_READ))
            continue
        narrows = raw.field is None or fields[raw.field].narrows_as_typed
        terms.append(
            Term(
                raw.start, raw.end, typed, raw.field, raw.value.text, raw.negated, test,
                narrows_as_typed=narrows, many=_many(raw, fields),
            )
        )  # fmt: skip
    problems.sort(key=lambda p: p.start)
    return Filter(text, tuple(terms), tuple(problems))


def _read(raw: RawTerm, fields: Mapping[str, Field]) -> Test:
    if raw.field is None:
        return _free_word(raw.value.text.casefold())
    known = fields.get(raw.field)
    if known is None:
        raise Unreadable(_unknown_field(raw, fields))
    return known.read(raw.value, known)


def _many(raw: RawTerm, fields: Mapping[str, Field]) -> Selection | None:
    """The comprehension of a substring term, for the value its test reads."""
    wanted = raw.value.text.casefold()
    if any(mark in wanted for mark in MARKS):
        return None  # its test matches nothing: the plain path says so
    if raw.field is None:
        return lambda fs: [f for f in fs if wanted in f.what or wanted in f.who]
    make = fields[raw.field].many
    return make(wanted) if make is not None else None


def _free_word(wanted: str) -> Test:
    if any(mark in wanted for mark in MARKS):  # no single part holds it: never across two
        return lambda now: _nothing
    return lambda now: lambda f: wanted in f.what or wanted in f.who


def _nothing(facts: PolicyFacts) -> bool:
    return False


def _unknown_field(raw: RawTerm, fields: Mapping[str, Field]) -> str:
    import difflib  # only for a mistyped field

    names = ", ".join(fields)
    close = difflib.get_close_matches(raw.field or "", list(fields), n=1)
    hint = f" (did you mean {close[0]}:?)" if close else ""
    word = quote(f"{raw.field}:{raw.value.text}")
    return (
        f"{raw.field}: is not a field{hint}; the fields are {names}. "
        f"To search for the text itself, quote it: {word}"
    )
