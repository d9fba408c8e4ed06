"""Properties of the filter language that must hold for any text a user types.

- Any string gives a filter: terms and problems, never an exception, every problem at a
  place that exists in the input.
- ``-term`` keeps exactly the policies ``term`` drops; ``a b`` keeps exactly those both
  keep; a value written with :func:`quote` reads back as itself.
- A sort is a stable permutation with the policies lacking a key last.
"""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st
from query_samples import NOW, sample_facts

from policytui.query import (
    COLUMNS,
    FIELDS,
    ComponentFacts,
    PolicyFacts,
    parse,
    parse_sort,
    quote,
    sort_policies,
)
from policytui.query.parser import NOT_READ

SAMPLES = sample_facts()

# -- policies of every shape --------------------------------------------------------------

_words = st.text(st.characters(exclude_categories=["Cs"]), max_size=8).map(str.casefold)
_short = st.sampled_from(["cpu", "ram", "gpu", "nordics", "acme", "", "x y", "cpu>"]) | _words
#: A component's type or name: the separators of the joined texts never in one (a
#: component type is a slug; tests/query/test_prop_columns.py reads them off the text).
_part = _short.filter(lambda text: "\x1e" not in text and "\x1f" not in text)
_moment = st.none() | st.floats(min_value=-1e10, max_value=4e9, allow_nan=False)


def _joined(parts: list[str]) -> str:
    return "\x1f".join(parts)


@st.composite
def policy_facts(draw: st.DrawFn) -> PolicyFacts:
    components = draw(
        st.lists(st.builds(ComponentFacts, _part, _part, st.integers(0, 2**31 - 1)), max_size=3)
    )
    offering, provider = draw(_short), draw(_short)
    actions = _joined(draw(st.lists(_short, max_size=3)))
    components_text = _joined([part for c in components for part in (c.type, c.name)])
    groups = _joined(draw(st.lists(_short, max_size=3)))
    creator = _joined(draw(st.lists(_short, max_size=2)))
    period_label = draw(st.sampled_from(["total", "1 month", "3 months", "12 months"]))
    return PolicyFacts(
        uuid=draw(st.uuids()).hex,
        offering=offering,
        offering_uuid=draw(st.uuids()).hex,
        provider=provider,
        actions_text=actions,
        components=tuple(components),
        components_text=components_text,
        groups_text=groups,
        period=draw(st.integers(1, 4)),
        period_label=period_label,
        creator_text=creator,
        has_fired=draw(st.booleans()),
        fired_at=draw(_moment),
        created_at=draw(_moment),
        what=_joined([offering, provider, period_label, actions, components_text]),
        who=_joined([groups, creator]),
    )


policies = st.lists(policy_facts(), max_size=4).map(lambda drawn: SAMPLES + drawn)

# -- what users type ----------------------------------------------------------------------

_FIELD_NAMES = [*FIELDS, "grup", "usage"]
_FRAGMENTS = st.sampled_from(
    [
        *(f"{name}:" for name in _FIELD_NAMES),
        "-", '"', "\\", " ", "  ", ":", "<", ">", ">=", "<=", "=", "..", "_", ",",
        "7d", "48h", "2w", "1m", "999999d", "yes", "no", "total", "3m", "12 months",
        "2026", "2026-11", "2026-11-01", "0000-00-00", "9999-12-31", "10000", "cpu",
        "nordics", "Nordic Uni", "\x1f", "ß", "İ", "\t", "\n",
    ]
)  # fmt: skip
typed = st.one_of(
    st.text(),
    st.lists(_FRAGMENTS | st.text(max_size=3), max_size=12).map("".join),
)


_TEXT_FIELDS = ["offering", "provider", "action", "component", "group", "by"]


@st.composite
def terms(draw: st.DrawFn) -> str:
    """One well-formed term (its quotes closed), not negated, valid or not."""
    value = draw(st.text(max_size=12) | st.sampled_from(["cpu", "nordics", "acme", "gpu"]))
    kind = draw(st.sampled_from(["free", "text", "compare", "moment", "fired", "period"]))
    if kind == "free":
        return quote(value) if value else "acme"
    if kind == "text":
        field = draw(st.sampled_from(_TEXT_FIELDS))
        return f"{field}:{quote(value)}"
    if kind == "compare":
        op = draw(st.sampled_from(["", ">", ">=", "<", "<=", "="]))
        number = draw(st.integers(0, 20000))
        which = draw(st.sampled_from(["limit:cpu", "limit:", "limit:vcpu", "limits:", "usage:"]))
        return f"{which}{op}{number}"
    if kind == "moment":
        op = draw(st.sampled_from(["", ">", ">=", "<", "<=", "="]))
        when = draw(st.sampled_from(["7d", "48h", "2w", "1m", "2026-11", "2026-11-02", "2025"]))
        return f"{draw(st.sampled_from(['fired', 'created']))}:{op}{when}"
    if kind == "fired":
        return f"fired:{draw(st.sampled_from(['yes', 'no']))}"
    return f"period:{draw(st.sampled_from(['total', '1m', '3m', '12m']))}"


def chosen(text: str, facts: list[PolicyFacts]) -> list[str]:
    return [f.uuid for f in parse(text).select(facts, NOW)]


@settings(max_examples=300)
@given(typed, policies)
def test_any_text_is_a_filter_or_a_marked_problem_never_an_exception(
    text: str, facts: list[PolicyFacts]
) -> None:
    query = parse(text)
    places = [(t.start, t.end, t.text) for t in query.terms]
    places += [(p.start, p.end, p.text) for p in query.problems]
    for start, end, written in places:
        assert 0 <= start < end <= len(text)
        assert text[start:end] == written
    assert all(p.message and p.message != NOT_READ for p in query.problems)
    # Terms and problems never overlap: each mark covers its own characters.
    spans = sorted((start, end) for start, end, _ in places)
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in itertools.pairwise(spans))
    matched = query.select(facts, NOW)  # applying it never raises either
    assert all(query.matches(f, NOW) for f in matched)


@given(terms(), policies)
def test_a_negated_term_keeps_exactly_what_the_term_drops(
    term: str, facts: list[PolicyFacts]
) -> None:
    query = parse(term)
    if query.problems:  # an unreadable term filters nothing either way
        assert chosen(f"-{term}", facts) == chosen(term, facts) == [f.uuid for f in facts]
        return
    kept = set(chosen(term, facts))
    assert set(chosen(f"-{term}", facts)) == {f.uuid for f in facts} - kept


@given(st.lists(terms(), min_size=1, max_size=3), st.lists(terms(), min_size=1, max_size=3),
       policies)  # fmt: skip
def test_terms_side_by_side_keep_what_both_keep(
    first: list[str], second: list[str], facts: list[PolicyFacts]
) -> None:
    a, b = " ".join(first), " ".join(second)
    both = set(chosen(b, facts))
    assert chosen(f"{a} {b}", facts) == [uuid for uuid in chosen(a, facts) if uuid in both]


@given(st.text(min_size=1))
def test_a_quoted_value_reads_back_as_itself(value: str) -> None:
    for prefix, field in (("", None), ("group:", "group"), ("by:", "by"), ("-", None)):
        query = parse(prefix + quote(value))
        if field is not None and not value.strip():
            # A blank name asks nothing of a field: it says what it expects instead.
            assert query.terms == () and len(query.problems) == 1
            continue
        (term,) = query.terms
        assert (term.field, term.value, term.negated) == (field, value, prefix == "-")


@given(st.lists(terms(), max_size=3), st.text(max_size=3), st.lists(terms(), max_size=2),
       policies)  # fmt: skip
def test_a_filter_that_narrows_keeps_only_what_the_previous_kept(
    first: list[str], more: str, extra: list[str], facts: list[PolicyFacts]
) -> None:
    before = " ".join(first)
    after = " ".join([before + more, *extra])
    old, new = parse(before), parse(after)
    if new.narrows(old):
        kept = old.select(facts, NOW)
        assert new.select(kept, NOW) == new.select(facts, NOW)


#: A word from each column of the samples, so each field has policies on both sides.
_SAMPLE_WORDS = ["cpu", "vcpu", "nordics", "baltics", "acme", "gpu", "alice", "staff",
                 "block", "owners", "total", "x y"]  # fmt: skip


_FAST_FIELDS = [None, *(name for name, field in FIELDS.items() if field.many)]


@given(st.sampled_from(_SAMPLE_WORDS) | st.text(max_size=6), policies)
def test_a_terms_fast_selection_keeps_exactly_what_its_test_keeps(
    value: str, facts: list[PolicyFacts]
) -> None:
    for field in _FAST_FIELDS:
        query = parse(quote(value) if field is None else f"{field}:{quote(value)}")
        for term in query.terms:
            if term.many is None:  # a value no single text can hold has no fast path
                assert any(mark in value.casefold() for mark in "\x1e\x1f")
                continue
            test = term.test(NOW.timestamp())
            assert term.many(facts) == [f for f in facts if test(f)], field


_COLUMNS = st.sampled_from([*COLUMNS, "limit:cpu", "limit:vcpu", "limit:gpu hours"])


@given(policies, _COLUMNS, st.booleans())
def test_a_sort_is_a_stable_permutation_with_gaps_last(
    facts: list[PolicyFacts], column: str, descending: bool
) -> None:
    order = parse_sort(("-" if descending else "") + column)
    result = sort_policies(facts, order)
    assert sorted(map(id, result)) == sorted(map(id, facts))
    keys = [order.key(f) for f in result]
    present = [k for k in keys if k is not None]
    assert keys[: len(present)] == present  # every policy without a key comes last
    assert present == sorted(present, reverse=descending)
    position = {id(f): i for i, f in enumerate(facts)}
    for (k1, f1), (k2, f2) in itertools.pairwise(zip(keys, result, strict=True)):
        if k1 == k2:  # equal keys (or both missing) keep the input's order
            assert position[id(f1)] < position[id(f2)]
