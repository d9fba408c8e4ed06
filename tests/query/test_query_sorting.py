"""Sorting every match: by any column, numbers as numbers, stable, gaps last."""

from __future__ import annotations

import pytest
from query_samples import make_catalog, make_policy

from policytui.query import COLUMNS, Problem, facts_from, parse_sort, sort_key, sort_policies


def order(facts, column: str) -> list[str]:
    sort = parse_sort(column)
    assert not isinstance(sort, Problem), sort
    return [f.uuid for f in sort_policies(facts, sort)]


def test_limits_sort_as_numbers_not_as_text() -> None:
    # As text "CPU 10 000" sorts before "CPU 900"; as numbers it is the other way round.
    catalog = make_catalog()
    facts = [
        facts_from(make_policy(name, component_limits_set=[{"type": "cpu", "limit": n}]), catalog)
        for name, n in [("ten-thousand", 10000), ("nine-hundred", 900), ("two-thousand", 2000)]
    ]
    assert order(facts, "limit:cpu") == ["nine-hundred", "two-thousand", "ten-thousand"]
    assert order(facts, "-limit:cpu") == ["ten-thousand", "two-thousand", "nine-hundred"]
    assert order(facts, "limits") == ["nine-hundred", "two-thousand", "ten-thousand"]


def test_a_policy_without_the_component_goes_last_either_way(facts) -> None:
    # p01 2830, p02 12000, p04 10000; p03 and p05 have no CPU limit.
    assert order(facts, "limit:cpu") == ["p01", "p04", "p02", "p03", "p05"]
    assert order(facts, "-limit:cpu") == ["p02", "p04", "p01", "p03", "p05"]
    assert order(facts, "limit:CPU") == order(facts, "limit:cpu")  # type or name, any case


def test_equal_keys_keep_their_order_in_both_directions(facts) -> None:
    # p01, p04 and p05 share the offering; their order among themselves is the input's.
    assert order(facts, "offering") == ["p02", "p01", "p04", "p05", "p03"]
    assert order(facts, "-offering") == ["p03", "p01", "p04", "p05", "p02"]
    reversed_input = list(reversed(facts))
    assert [f.uuid for f in sort_policies(reversed_input, parse_sort("offering"))] == [
        "p02", "p05", "p04", "p01", "p03",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        ("created", ["p04", "p03", "p02", "p01", "p05"]),  # p05 has no created date
        ("-created", ["p01", "p02", "p03", "p04", "p05"]),
        ("period", ["p01", "p05", "p04", "p02", "p03"]),  # by window: 1, 3, 12 months, Total
        # Fired first, newest firing first; p05's old firing (it was reset) does not count.
        ("-fired", ["p02", "p03", "p01", "p04", "p05"]),
        ("by", ["p01", "p03", "p05", "p02", "p04"]),  # p04 has no creator
        ("groups", ["p04", "p03", "p01", "p05", "p02"]),
        ("provider", ["p01", "p02", "p04", "p05", "p03"]),
        # As the column reads: "Notify emails" < "Notify owners" < "Notify owners, Block orders"
        ("actions", ["p05", "p01", "p03", "p04", "p02"]),
    ],
)
def test_each_column_sorts_by_what_it_shows(column: str, expected: list[str], facts) -> None:
    assert order(facts, column) == expected


def test_every_column_has_a_key_for_every_policy_shape(facts) -> None:
    for column in COLUMNS:
        for f in facts:
            sort_key(column, f)  # never raises, whatever the policy lacks
    assert sort_key("limit:cpu", facts[0]) == 2830
    assert sort_key("limit:cpu", facts[2]) is None


def test_a_sort_column_that_is_not_one_is_a_problem_for_the_user() -> None:
    problem = parse_sort("colour")
    assert isinstance(problem, Problem)
    assert "sort expects a column: one of offering, provider" in problem.message
    assert "limit:<component>" in problem.message
    assert isinstance(parse_sort("limit:"), Problem)
    with pytest.raises(ValueError, match="sort expects a column"):
        sort_key("colour", None)  # type: ignore[arg-type]


def test_sort_reads_facts_off_rows(facts) -> None:
    rows = [{"facts": f} for f in facts]
    sorted_rows = sort_policies(rows, parse_sort("-limit:cpu"), facts=lambda r: r["facts"])
    assert [r["facts"].uuid for r in sorted_rows] == ["p02", "p04", "p01", "p03", "p05"]
