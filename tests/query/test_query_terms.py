"""Each term of the filter language picks the policies a user means by it.

The sample (tests/query/conftest.py) names its policies p01..p05; each test says which
a term must find, from what the policies hold (their offerings, groups, limits, times).
"""

from __future__ import annotations

import pytest
from query_samples import NOW, VMS

from policytui.query import PolicyFacts, parse


def found(text: str, facts: list[PolicyFacts]) -> list[str]:
    query = parse(text)
    assert not query.problems, query.problems
    return [f.uuid for f in query.select(facts, NOW)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Offering, provider, action labels and names, component types and names...
        ("gpu", ["p02"]),
        ("ACME", ["p01", "p02", "p03", "p04", "p05"]),  # p03: its creator is acme-owner
        ("nordic", ["p01", "p02", "p03", "p05"]),  # groups; p03's offering and provider
        ("block", ["p02"]),  # the action's label ("Block orders") and its name
        ("notify_external", ["p05"]),
        ("vcpu", ["p03"]),  # a component's name ("vCPU"; its type is "cores")
        ("total", ["p03"]),  # the Period column
        ("months 3", ["p04"]),  # two words, each somewhere in the policy
        ('"months 3"', []),  # one phrase, in no policy
        ('"3 months"', ["p04"]),
        ("staff", ["p02"]),  # the creator's username
        ("all organizations", ["p04"]),
        ("uni nordics", ["p02"]),  # words AND together, in any order
        ("gb-hours", ["p04"]),  # a limited component's unit (p04's RAM)
        ("gpu-hours", ["p02"]),
    ],
)
def test_free_words_search_every_column(text: str, expected: list[str], facts) -> None:
    assert found(text, facts) == expected


def test_a_unit_is_a_free_words_not_a_components(facts) -> None:
    # component: names a component by its type or name; "GB-hours" is neither.
    assert found("component:gb-hours", facts) == []


def test_free_words_do_not_match_across_two_columns(facts) -> None:
    # p01's offering ends in "cluster" and its provider starts with "acme": the words
    # are in different columns, so the phrase is in none.
    assert found('"cluster acme"', facts) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("offering:hpc", ["p01", "p04", "p05"]),
        ('offering:"GPU Partition"', ["p02"]),
        (f"offering:{VMS}", ["p03"]),  # by uuid
        ("provider:nordic", ["p03"]),
        ("provider:acme", ["p01", "p02", "p04", "p05"]),
        ("action:block", ["p02"]),
        ('action:"notify owners"', ["p01", "p02", "p03", "p04"]),
        ("action:notify_external_user", ["p05"]),
        ("component:ram", ["p04"]),
        ("component:gpu", ["p02"]),  # type gpu_hours, name "GPU hours"
        ("component:vcpu", ["p03"]),
        ("group:nordics", ["p01", "p02", "p05"]),  # p02 is in a child of Nordics
        ('group:"Nordic Uni"', ["p02"]),
        ("group:baltics", ["p03", "p05"]),
        ("group:all", ["p04"]),  # apply_to_all
        ("by:alice", ["p01", "p03", "p05"]),
        ("by:staff", ["p02"]),
    ],
)
def test_text_fields_search_their_column(text: str, expected: list[str], facts) -> None:
    assert found(text, facts) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("period:total", ["p03"]),
        ("period:1m", ["p01", "p05"]),
        ("period:3m", ["p04"]),
        ('period:"3 months"', ["p04"]),  # as the list shows it
        ("period:12m", ["p02"]),
        ("period:year", ["p02"]),
        ('period:"12 month"', ["p02"]),  # as the server's period_name says it
    ],
)
def test_period_is_one_of_the_four(text: str, expected: list[str], facts) -> None:
    assert found(text, facts) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("fired:yes", ["p02", "p03"]),
        ("fired:no", ["p01", "p04", "p05"]),
        # NOW is 2026-11-27 12:00. p02 fired on 11-25, p03 on 10-01.
        ("fired:<7d", ["p02"]),
        ("fired:7d", ["p02"]),
        ("fired:>7d", ["p03"]),
        ("fired:<48h", []),  # p02 fired 52 h ago
        ("fired:<60h", ["p02"]),
        ("fired:<2w", ["p02"]),
        ("fired:>1m", ["p03"]),  # a month is 30 days
        ("fired:>2m", []),
        ("fired:>=2026-11-25", ["p02"]),
        ("fired:2026-10", ["p03"]),
        ("fired:2026-10-01..2026-11-30", ["p02", "p03"]),
    ],
)
def test_fired_by_state_age_or_date(text: str, expected: list[str], facts) -> None:
    # p05 was reset (not fired, yet it keeps a fired_datetime of 11-26): no age finds it.
    assert found(text, facts) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # p01 11-24 22:39, p02 11-02, p03 10-15, p04 2025-12-31 23:59:59, p05 unknown
        ("created:>2026-11-01", ["p01", "p02"]),
        ("created:>=2026-11-02", ["p01", "p02"]),
        ("created:>2026-11-02", ["p01"]),  # after that day, not during it
        ("created:<2026-11-02", ["p03", "p04"]),
        ("created:<=2026-11-02", ["p02", "p03", "p04"]),
        ("created:=2026-11-02", ["p02"]),
        ("created:2026-11-02", ["p02"]),
        ("created:2025", ["p04"]),
        ("created:2025-12-31", ["p04"]),  # its last second is still that day, in UTC
        ("created:2026-10..2026-11-02", ["p02", "p03"]),
        ("created:2026-11..", ["p01", "p02"]),
        ("created:..2025", ["p04"]),
        ("created:<7d", ["p01"]),
        ("created:>30d", ["p03", "p04"]),
    ],
)
def test_created_by_date_range_or_age(text: str, expected: list[str], facts) -> None:
    assert found(text, facts) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("limit:cpu>10000", ["p02"]),
        ("limit:cpu>=10000", ["p02", "p04"]),
        ("limit:CPU<10000", ["p01"]),
        ("limit:cpu<=10000", ["p01", "p04"]),
        ("limit:cpu=2830", ["p01"]),
        ("limit:cpu>10_000", ["p02"]),
        ("limit:cpu>10,000", ["p02"]),
        ("limit:vcpu<1000", ["p03"]),  # by name
        ("limit:cores<1000", ["p03"]),  # by type
        ('limit:"GPU hours">100', ["p02"]),  # a name with a space, quoted
        ("limit:gpu_hours>100", ["p02"]),
        ("limit:gpu>100", []),  # a limit's component is named exactly, not in part
        ("limit:ram", ["p04"]),  # has a RAM limit at all
        ("limit:>11000", ["p02"]),  # any component
    ],
)
def test_limit_compares_numbers_per_component(text: str, expected: list[str], facts) -> None:
    assert found(text, facts) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("limits:>1", ["p02", "p04"]),
        ("limits:1", ["p01", "p03"]),
        ("limits:=0", ["p05"]),
        ("limits:<2", ["p01", "p03", "p05"]),
        ("limits:>=2", ["p02", "p04"]),
        ("limits:<=0", ["p05"]),
    ],
)
def test_limits_counts_them(text: str, expected: list[str], facts) -> None:
    assert found(text, facts) == expected


def test_negation_excludes_what_the_term_finds(facts) -> None:
    assert found("-fired:yes", facts) == ["p01", "p04", "p05"]
    assert found("-group:nordics -limits:0", facts) == ["p03", "p04"]
    assert found('-"acme hpc"', facts) == ["p03"]


def test_the_issues_example_finds_the_nordic_gpu_policy_over_10000_cpu(facts) -> None:
    # "the Nordics policies on the GPU partition with a CPU limit over 10 000"
    assert found("group:nordics offering:gpu limit:cpu>10000", facts) == ["p02"]


def test_field_names_ignore_case(facts) -> None:
    assert found("GROUP:baltics Fired:YES", facts) == ["p03"]


def test_an_empty_filter_keeps_everything_in_order(facts) -> None:
    assert found("", facts) == ["p01", "p02", "p03", "p04", "p05"]
    assert found("   ", facts) == ["p01", "p02", "p03", "p04", "p05"]
    assert parse("").is_empty


def test_select_reads_facts_off_a_screens_rows(facts) -> None:
    rows = [(f"row of {f.uuid}", f) for f in facts]
    chosen = parse("fired:yes").select(rows, NOW, facts=lambda row: row[1])
    assert [label for label, _ in chosen] == ["row of p02", "row of p03"]


def test_matches_and_predicate_agree_with_select(facts) -> None:
    query = parse("acme -fired:yes limits:>0")
    chosen = {f.uuid for f in query.select(facts, NOW)}
    assert {f.uuid for f in facts if query.matches(f, NOW)} == chosen
    test = query.predicate(NOW)
    assert {f.uuid for f in facts if test(f)} == chosen == {"p01", "p04"}


def test_ages_count_back_from_the_moment_given(facts) -> None:
    from datetime import timedelta

    query = parse("fired:<7d")
    assert [f.uuid for f in query.select(facts, NOW)] == ["p02"]
    # A week later p02's firing is older than 7 days.
    assert query.select(facts, NOW + timedelta(days=7)) == []
