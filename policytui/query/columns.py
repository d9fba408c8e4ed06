"""A filter over many policies' facts, each shared text tested once (issue 13).

The facts of 100 000 policies share a few hundred texts: one offering, one set of
groups, one set of actions serve thousands (:class:`FactsReader` makes each once). A
term tested policy by policy is 100 000 substring tests per keystroke (~35 ms for a
free word); tested once per distinct text, it is a few hundred, and which policies
hold a matching text is then one ``bytes.translate`` of a column of codes (C speed,
~0.2 ms for 100 000).

So :class:`FactColumns` keeps, for each text a term reads, every policy's code for
its value, and a selection is a *mask*: ``bytes`` with one byte per policy, 1 for a
match. Terms AND as whole numbers do. A term that reads a number of each policy (an
age, a limit, a usage figure) is still tested per policy, but only over the policies
the terms before it kept.

What a mask keeps is exactly what :meth:`Filter.select` keeps (tests/query/
test_prop_columns.py checks it for any filter text).
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from itertools import compress, repeat
from operator import and_, attrgetter, rshift
from typing import TYPE_CHECKING, Any

from policytui.query.facts import MARKS, SEPARATOR, PolicyFacts
from policytui.query.fields import _YES
from policytui.query.sharing import OfferingSide, PeopleSide
from policytui.query.sorting import best_limit

if TYPE_CHECKING:
    from policytui.query.parser import Filter, Term

#: A selection of the policies of a list: one byte per policy, 1 kept, 0 not.
Mask = bytes

#: The attribute a field's test reads, when it reads only that one (each value then
#: gets one test for all the policies that have it).
_READS: dict[str, str] = {
    "provider": "provider",
    "action": "actions_text",
    "component": "components_text",
    "group": "groups_text",
    "period": "period",
    "by": "creator_text",
}
#: What ``_plan`` may read: coded as the facts arrive.
CODED = (
    "what",
    "who",
    "offering",
    "offering_uuid",
    "provider",
    "actions_text",
    "components_text",
    "groups_text",
    "period",
    "creator_text",
    "has_fired",
)
#: Over the index's facts, which hold each policy's offering side and people side once
#: (``IndexedFacts.side``, ``.people``, :mod:`policytui.query.sharing`): the column of
#: each attribute of a side is the column of the side itself, so 3 columns are coded a
#: policy, not 11 (1 MB less at 100 000, and 8 attribute reads less a policy a fill). A
#: test of the attribute is then one per distinct side (~860), not per distinct value.
SIDED = {
    **dict.fromkeys(OfferingSide._fields, "side"),
    **dict.fromkeys(PeopleSide._fields, "people"),
    "has_fired": "has_fired",
}
_ZEROS = bytes(256)
#: ``bytes.translate`` tables: the byte equal to ``h`` becomes 1, any other 0.
_EQUAL = [bytes(1 if b == h else 0 for b in range(256)) for h in range(256)]


class _Column:
    """Every policy's code for one attribute's value, and one policy per value (the
    value's representative, which a test of that attribute alone reads for all)."""

    __slots__ = ("_codes", "_hi_equal", "get", "hi", "lo", "representatives", "values")

    def __init__(self, attribute: str) -> None:
        self.get = attrgetter(attribute)
        self._codes: dict[Any, int] = {}
        self.values: list[Any] = []
        self.representatives: list[PolicyFacts] = []
        #: The low byte of each policy's code, and (once there are more than 256
        #: values) the high byte: a translate per high byte then tests 65 536 values.
        self.lo = bytearray()
        self.hi: bytearray | None = None
        self._hi_equal: dict[int, bytes] = {}

    def extend(self, facts: Sequence[PolicyFacts]) -> None:
        values = list(map(self.get, facts))
        known = self._codes
        codes = list(map(known.get, values))
        if None in codes:
            for at, code in enumerate(codes):
                if code is None:
                    value = values[at]
                    code = known.get(value)
                    if code is None:
                        code = known[value] = len(self.values)
                        self.values.append(value)
                        self.representatives.append(facts[at])
                    codes[at] = code
        self._hi_equal.clear()
        if len(self.values) <= 256 and self.hi is None:
            self.lo.extend(codes)  # type: ignore[arg-type]
            return
        if self.hi is None:
            self.hi = bytearray(len(self.lo))
        self.lo.extend(map(and_, codes, repeat(0xFF)))  # type: ignore[arg-type]
        self.hi.extend(map(rshift, codes, repeat(8)))  # type: ignore[arg-type]

    def mask(self, table: bytes) -> Mask:
        """The policies whose value's entry in ``table`` (one byte per value, 0/1) is 1."""
        count = len(table)
        if self.hi is None:
            return bytes(self.lo).translate(table.ljust(256, b"\0"))
        whole = 0
        lo = bytes(self.lo)
        for high in range(0, (count + 255) // 256):
            part = table[high * 256 : (high + 1) * 256].ljust(256, b"\0")
            if part == _ZEROS:
                continue
            equal = self._hi_equal.get(high)
            if equal is None:
                equal = self._hi_equal[high] = bytes(self.hi).translate(_EQUAL[high])
            whole |= _int(lo.translate(part)) & _int(equal)
        return _bytes(whole, len(lo))


_COMPONENTS = attrgetter("components")


class _LimitSets:
    """Every policy's set of limits as a code, one code per set, for an order by one
    component's limit (``-limit:cpu``).

    Read per policy, a sort of 100 000 by a limit was a call a policy, each reading its
    scattered facts and their limits (~100-190 ms, issue 13's target 150): here each set
    is worked out once (100 000 policies share ~40 000) and each policy's key is a
    look-up by its code, in C. Sets are told apart by identity (the facts share each set,
    :mod:`policytui.query.sharing`): a look-up by value would read every limit again to
    hash it. Two equal sets that are not shared just get two codes."""

    __slots__ = ("_code_of", "codes", "sets")

    def __init__(self) -> None:
        self._code_of: dict[int, int] = {}
        #: Each set once, in the order of their codes (held: their ids stay theirs).
        self.sets: list[tuple[tuple[str, str, int], ...]] = []
        self.codes = array("I")

    def extend(self, facts: Sequence[PolicyFacts]) -> None:
        sets = list(map(_COMPONENTS, facts))
        ids = list(map(id, sets))
        known = self._code_of
        codes = list(map(known.get, ids))
        if None in codes:
            for at, code in enumerate(codes):
                if code is None:
                    code = known.get(ids[at])
                    if code is None:
                        code = known[ids[at]] = len(self.sets)
                        self.sets.append(sets[at])
                    codes[at] = code
        self.codes.extend(codes)  # type: ignore[arg-type]


class FactColumns:
    """The columns of a list of facts that only grows (the index as it fills); make a
    new one when the list is replaced or changed in place."""

    def __init__(self, facts: list[PolicyFacts], *, sided: bool = False) -> None:
        """``sided``: ``facts`` are the index's (``IndexedFacts``), with their sides."""
        self.facts = facts
        #: The column each coded attribute is read from (by name).
        self._coded_as = {name: SIDED[name] for name in CODED} if sided else {}
        names = set(self._coded_as.values()) if sided else CODED
        self._columns = {name: _Column(name) for name in names}
        self._coded = 0
        #: The sorted limits of one component within one mask (:meth:`_limits_within`).
        self._limits: tuple[Mask, tuple[str, int], list[int], list[int]] | None = None
        #: Coded when an order by a limit first asks (:meth:`limit_keys`).
        self._limit_sets = _LimitSets()

    def limit_keys(self, component: str) -> list[int | None]:
        """Every policy's highest limit on ``component`` (type or name, case-folded), in
        the facts' order; None for a policy without one."""
        sets = self._limit_sets
        coded = len(sets.codes)
        if coded < len(self.facts):
            sets.extend(self.facts[coded:])
        best = [best_limit(limits, component) for limits in sets.sets]
        return list(map(best.__getitem__, sets.codes))

    def _column(self, attribute: str) -> _Column:
        self.sync()
        return self._columns[self._coded_as.get(attribute, attribute)]

    def _subjects(self, attribute: str) -> list[Any]:
        """What a test of ``attribute`` is given, one per coded value: the value itself
        (of a side: the side's), or a policy that has it."""
        column = self._column(attribute)
        if attribute not in _BY_VALUE:
            return column.representatives
        if attribute in self._coded_as and self._coded_as[attribute] != attribute:
            return list(map(attrgetter(attribute), column.values))
        return column.values

    def sync(self) -> None:
        """Code the policies appended since the last selection."""
        done, facts = self._coded, self.facts
        if done == len(facts):
            return
        new = facts[done:]
        for column in self._columns.values():
            column.extend(new)
        self._coded = len(facts)

    def everything(self, start: int = 0) -> Mask:
        return b"\x01" * (len(self.facts) - start)

    def select(self, query: Filter, moment: float) -> list[Mask]:
        """What each term of ``query`` keeps of what the terms before it kept."""
        return self.select_each(query.terms, moment, self.everything())

    def select_each(
        self, terms: Sequence[Term], moment: float, within: Mask, start: int = 0
    ) -> list[Mask]:
        """As :meth:`select`, from ``within``: a mask of the policies from ``start`` on
        (the policies appended since a selection are selected alone, then joined)."""
        steps = []
        for term in terms:
            within = self.term(term, moment, within, start)
            steps.append(within)
        return steps

    def term(self, term: Term, moment: float, within: Mask, start: int = 0) -> Mask:
        """The policies of ``within`` (from ``start`` on) that ``term`` keeps."""
        plan = _plan(term)
        if plan is not None:
            found = self._planned(plan, start, len(within))
        elif (bound := _limit_bound(term)) is not None:
            found = _int(self._limits_within(bound, within, start))
        else:
            # Tested per policy, over what the terms before it kept, and of those only
            # the ones a coded text says may match (a fired one, one with that component).
            candidates = within
            narrowing = _narrowing(term)
            if narrowing is not None:
                candidates = _bytes(
                    _int(within) & self._planned(narrowing, start, len(within)), len(within)
                )
            found = _int(self._hits(term.test(moment), candidates, start))
        kept = _int(within) & (~found if term.negated else found)
        return _bytes(kept, len(within))

    def _planned(self, plan: _Plan, start: int, length: int) -> int:
        """The policies (from ``start``, ``length`` of them) that pass any of ``plan``."""
        found = 0
        for attribute, test in plan:
            column = self._column(attribute)
            mask = column.mask(bytes(map(test, self._subjects(attribute))))
            if start or len(mask) != length:
                mask = mask[start : start + length]
            found |= _int(mask)
        return found

    def _limits_within(self, bound: _Bound, within: Mask, start: int) -> Mask:
        """The policies of ``within`` with a limit on ``bound``'s component within it.

        The limits of what the terms before kept are sorted once, and kept while the
        bound alone is typed (``limit:cpu>1``, ``>10``, ``>100``...): each keystroke is
        then a binary search and the matches marked, not a test of each policy."""
        name, op, number = bound
        cached = self._limits
        if cached is None or cached[0] is not within or cached[1] != (name, start):
            facts, pairs = self.facts, []
            candidates = within
            if name and not any(mark in name for mark in MARKS):
                # Only those whose components' text names it: half the policies or fewer.
                named = self._planned([("components_text", _naming(name))], start, len(within))
                candidates = _bytes(_int(within) & named, len(within))
            for at in compress(range(len(candidates)), candidates):
                for type_, named_as, limit in facts[start + at].components:
                    if not name or type_ == name or named_as == name:
                        pairs.append((limit, at))
            pairs.sort()
            limits = [limit for limit, _ in pairs]
            self._limits = cached = (within, (name, start), limits, [at for _, at in pairs])
        limits, places = cached[2], cached[3]
        low, high = _RANGES[op](limits, number)
        kept = bytearray(len(within))
        for at in places[low:high]:
            kept[at] = 1
        return bytes(kept)

    def _hits(self, test: Callable[[PolicyFacts], bool], within: Mask, start: int) -> Mask:
        facts = self.facts
        kept = bytearray(len(within))
        for at in compress(range(len(within)), within):
            if test(facts[start + at]):
                kept[at] = 1
        return bytes(kept)


def _int(mask: bytes) -> int:
    return int.from_bytes(mask, "little")


def _bytes(number: int, length: int) -> Mask:
    return number.to_bytes(length, "little")


#: The attributes whose tests here read the value itself, not a representative.
_BY_VALUE = frozenset({"what", "who", "offering", "offering_uuid"})


def _contains(wanted: str) -> Callable[[str], bool]:
    return lambda text: wanted in text


_Plan = list[tuple[str, Callable[[Any], bool]]]


def _plan(term: Term) -> _Plan | None:
    """How ``term`` reads coded texts: (attribute, test of a value) pairs, ORed; None
    when it reads a number of each policy (tested per policy)."""
    if term.field is None or term.field == "offering":
        wanted = term.value.casefold()
        if any(mark in wanted for mark in MARKS):
            return [("has_fired", lambda value: False)]  # matches nothing, as its test
        if term.field is None:
            return [("what", _contains(wanted)), ("who", _contains(wanted))]
        uuid = wanted.replace("-", "")
        return [("offering", _contains(wanted)), ("offering_uuid", uuid.__eq__)]
    attribute = _READS.get(term.field)
    if term.field == "fired" and term.value.strip().casefold() in _YES:
        attribute = "has_fired"
    if term.field == "limit" and _OPERATORS.isdisjoint(term.value):
        # "Has a limit on cpu": its components' types and names, which their text holds.
        attribute = "components_text"
    if attribute is None:
        return None
    # The term's own test, once per value: it reads only this attribute of the policy,
    # so the value's representative answers for every policy that has the value.
    return [(attribute, term.test(0.0))]


def _narrowing(term: Term) -> _Plan | None:
    """What every policy ``term`` keeps passes (not negated), for a term tested per
    policy: a fired one for an age of firing; one with a limit on the component."""
    if term.field == "fired":
        return [("has_fired", _HAS_FIRED)]
    if term.field == "limit" and '"' not in term.text:
        cut = min((term.value.find(op) for op in _OPERATORS if op in term.value), default=-1)
        name = term.value[:cut].strip().casefold() if cut >= 0 else ""
        if name and not any(mark in name for mark in MARKS):
            return [("components_text", _naming(name))]
    return None


_HAS_FIRED = attrgetter("has_fired")


def _naming(name: str) -> Callable[[PolicyFacts], bool]:
    """A policy one of whose components' type or name is ``name`` (a superset: read
    off the joined text, which no type or name holds a separator of)."""
    return lambda f: name in f.components_text.split(SEPARATOR)


_OPERATORS = frozenset("<>=")

#: ``limit:cpu>10000`` as (component, operator, number); "" for any component.
_Bound = tuple[str, str, int]
#: Where an operator's matches are in sorted limits: (first, past the last).
_RANGES: dict[str, Callable[[list[int], int], tuple[int, int]]] = {
    ">": lambda limits, n: (bisect_right(limits, n), len(limits)),
    ">=": lambda limits, n: (bisect_left(limits, n), len(limits)),
    "<": lambda limits, n: (0, bisect_left(limits, n)),
    "<=": lambda limits, n: (0, bisect_right(limits, n)),
    "=": lambda limits, n: (bisect_left(limits, n), bisect_right(limits, n)),
}


def _limit_bound(term: Term) -> _Bound | None:
    """``limit:`` with a bound, read as :func:`policytui.query.fields._limit` reads it
    (unquoted: a quoted name may hold an operator; those are tested per policy)."""
    if term.field != "limit" or '"' in term.text:
        return None
    from policytui.query.lexer import Value
    from policytui.query.values import Unreadable, comparison

    value = Value(term.value, (False,) * len(term.value), 0, len(term.value))
    split = value.split_at_operator()
    if split is None:
        return None
    name, op, number = split
    try:
        bound = comparison(op, number.strip(), "limit")
    except Unreadable:
        return None
    return name.strip().casefold(), bound.op, bound.number
