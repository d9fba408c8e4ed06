"""A filter over the index's columns (each shared text tested once, issue 13) keeps
exactly what the filter tested policy by policy keeps, for any text typed and any
policies, in their order, whatever was appended since the last selection."""

from __future__ import annotations

from itertools import compress

from hypothesis import given, settings
from hypothesis import strategies as st
from query_samples import NOW
from test_prop_query import policies, policy_facts, terms, typed

from policytui.query import parse
from policytui.query.columns import FactColumns

MOMENT = NOW.timestamp()


def kept(columns: FactColumns, text: str) -> list[str]:
    steps = columns.select(parse(text), MOMENT)
    mask = steps[-1] if steps else columns.everything()
    return [f.uuid for f in compress(columns.facts, mask)]


def expected(text: str, facts: list) -> list[str]:
    return [f.uuid for f in parse(text).select(facts, NOW)]


@settings(max_examples=400)
@given(typed, policies)
def test_any_text_keeps_over_the_columns_what_it_keeps_policy_by_policy(text, facts) -> None:
    assert kept(FactColumns(list(facts)), text) == expected(text, facts)


def as_indexed(facts) -> list:
    """``facts`` as the index holds them: their shared fields read off two sides."""
    from policytui.query.sharing import SharedFacts
    from policytui.tui.policy_index import _FACT_FIELDS, facts_of

    shared = SharedFacts()
    return [facts_of(_FACT_FIELDS(f), shared) for f in facts]


@settings(max_examples=400)
@given(typed, policies)
def test_over_the_index_sides_a_text_keeps_what_it_keeps_policy_by_policy(text, facts) -> None:
    """The index codes each side once (not each of its attributes): the same matches."""
    assert kept(FactColumns(as_indexed(facts), sided=True), text) == expected(text, facts)


@settings(max_examples=100)
@given(st.lists(terms(), min_size=1, max_size=3), policies, st.lists(policy_facts(), max_size=6))
def test_sided_policies_appended_after_a_selection_are_coded_on_the_next(
    words, facts, later
) -> None:
    held = as_indexed(facts)
    columns = FactColumns(held, sided=True)
    text = " ".join(words)
    kept(columns, text)
    held.extend(as_indexed(later))
    assert kept(columns, text) == expected(text, [*facts, *later])


@settings(max_examples=300)
@given(st.lists(terms(), min_size=1, max_size=4), st.lists(st.booleans(), max_size=4), policies)
def test_terms_and_negations_over_the_columns(words, negations, facts) -> None:
    signs = [*negations, *[False] * len(words)]
    text = " ".join(f"-{w}" if negated else w for w, negated in zip(words, signs, strict=False))
    assert kept(FactColumns(list(facts)), text) == expected(text, facts)


@settings(max_examples=100)
@given(st.lists(terms(), min_size=1, max_size=3), policies, st.lists(policy_facts(), max_size=6))
def test_policies_appended_after_a_selection_are_coded_on_the_next(words, facts, later) -> None:
    held = list(facts)
    columns = FactColumns(held)
    text = " ".join(words)
    kept(columns, text)
    held.extend(later)
    assert kept(columns, text) == expected(text, held)


def test_more_than_256_distinct_texts_are_told_apart() -> None:
    """The codes of a column with more than 256 values take two bytes: each value still
    finds exactly its own policies, before and after the column outgrows one byte."""
    from dataclasses import replace

    from query_samples import sample_facts

    base = sample_facts()[0]
    facts = [replace(base, uuid=f"{n:032x}", provider=f"org {n:04d}") for n in range(200)]
    columns = FactColumns(facts)
    assert kept(columns, "provider:0150") == [f"{150:032x}"]
    facts.extend(replace(base, uuid=f"{n:032x}", provider=f"org {n:04d}") for n in range(200, 700))
    assert kept(columns, "provider:0150") == [f"{150:032x}"]
    assert kept(columns, "provider:0650") == [f"{650:032x}"]
    assert kept(columns, "provider:org") == [f"{n:032x}" for n in range(700)]
    assert kept(columns, "-provider:06") == [
        f"{n:032x}" for n in range(700) if "06" not in f"org {n:04d}"
    ]


def test_more_than_256_distinct_sides_are_told_apart() -> None:
    """As above, over the index's sides: 700 providers are 700 offering sides."""
    from dataclasses import replace

    from query_samples import sample_facts

    base = sample_facts()[0]
    facts = [
        replace(base, uuid=f"{n:032x}", provider=f"org {n:04d}", what=f"org {n:04d}")
        for n in range(700)
    ]
    held = as_indexed(facts[:200])
    columns = FactColumns(held, sided=True)
    assert kept(columns, "provider:0150") == [f"{150:032x}"]
    held.extend(as_indexed(facts[200:]))
    assert kept(columns, "provider:0650") == [f"{650:032x}"]
    assert kept(columns, "org 0150") == [f"{150:032x}"]  # a free word: the side's `what`
    assert kept(columns, "provider:org") == [f"{n:032x}" for n in range(700)]
