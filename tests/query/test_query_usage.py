"""`usage:` and the `usage` sort: the highest usage / limit in % (issue 14).

The figure is not part of what the server sends: whoever computed the headroom sets
``usage_percent`` on the facts (the list's usage fill, the shell's `list`). A policy
without a figure (not read yet, or not readable) never matches a `usage:` bound and
sorts last, so "nothing over 80 %" is never said of policies nobody measured.
"""

from __future__ import annotations

from datetime import UTC, datetime

from query_samples import sample_facts

from policytui.query import Problem, parse, parse_sort, sort_policies

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def with_usage(percents: dict[str, float | None]):
    facts = sample_facts()
    for f in facts:
        f.usage_percent = percents.get(f.uuid)
    return facts


def chosen(text: str, facts) -> list[str]:
    query = parse(text)
    assert not query.problems, query.problems
    return [f.uuid for f in query.select(facts, NOW)]


def test_usage_bounds_keep_the_policies_at_that_share_of_a_limit() -> None:
    facts = with_usage({"p01": 96.4, "p02": 80.0, "p03": 12.0, "p04": 140.0})
    assert chosen("usage:>80", facts) == ["p01", "p04"]
    assert chosen("usage:>=80", facts) == ["p01", "p02", "p04"]
    assert chosen("usage:>=80%", facts) == ["p01", "p02", "p04"]  # the % may be written
    assert chosen("usage:>100", facts) == ["p04"]
    assert chosen("usage:<50", facts) == ["p03"]


def test_a_policy_without_a_figure_never_meets_a_bound() -> None:
    # p05 has no figure: neither over 0 % nor under 100 %.
    facts = with_usage({"p01": 96.4, "p02": 80.0, "p03": 12.0, "p04": 140.0})
    assert "p05" not in chosen("usage:>=0", facts)
    assert "p05" not in chosen("usage:<=100", facts)


def test_a_zero_limit_that_is_over_is_over_every_bound() -> None:
    facts = with_usage({"p01": float("inf"), "p02": 50.0})
    assert chosen("usage:>=100000", facts) == ["p01"]


def test_sorting_by_usage_puts_the_nearest_first_and_the_unmeasured_last() -> None:
    facts = with_usage({"p01": 96.4, "p02": 80.0, "p03": 12.0, "p04": 140.0})
    order = parse_sort("-usage")
    assert not isinstance(order, Problem)
    assert [f.uuid for f in sort_policies(facts, order)] == ["p04", "p01", "p02", "p03", "p05"]


def test_an_unreadable_usage_term_says_what_it_expects() -> None:
    for text, message in [
        ("usage:lots", "usage: lots is not a whole number"),
        ("usage:", "usage: expects a percentage of a limit, e.g. usage:>80 or usage:>=100"),
    ]:
        problems = parse(text).problems
        assert [p.message for p in problems] == [message]


def test_usage_compares_the_percentage_the_list_shows() -> None:
    # 114.99 % is shown "114 %" (floored, never rounded up to a limit it has not reached).
    facts = with_usage({"p01": 114.99, "p02": 79.99})
    assert chosen("usage:114", facts) == ["p01"]
    assert chosen("usage:>=80", facts) == ["p01"]
