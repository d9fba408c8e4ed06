"""The line under a filtered list: how many match, or that none does and how to clear."""

from __future__ import annotations

from policytui.query import parse, summary

THIN = "\u2009"


def test_a_match_count_is_n_of_m_with_grouped_numbers() -> None:
    assert summary(12, 340, parse("acme")) == "12 of 340 match"
    assert summary(1234, 100000, parse("acme")) == f"1{THIN}234 of 100{THIN}000 match"


def test_no_filter_counts_the_policies() -> None:
    assert summary(7, 7) == "7 policies"
    assert summary(1, 1, parse("  ")) == "1 policy"
    assert summary(9, 9, parse(""), reading=True) == "9 policies so far"


def test_no_match_says_what_was_asked_and_how_to_clear_it() -> None:
    text = summary(0, 340, parse("group:nowhere  -fired:yes"))
    assert text == "No policy matches group:nowhere -fired:yes (340 read) · Esc clears the filter"
    shell = summary(0, 5, parse("x"), clear_hint="drop --filter to list every policy")
    assert shell.endswith("· drop --filter to list every policy")


def test_an_ignored_term_is_named_with_what_it_expected() -> None:
    text = summary(3, 10, parse("acme fired:soon"))
    assert text.startswith("3 of 10 match · ignored fired:soon: fired: expects yes, no")
    two = summary(3, 10, parse("acme fired:soon period:x"))
    assert two.endswith("(and 1 more)")


def test_a_filter_of_only_bad_terms_filters_nothing_and_says_why() -> None:
    text = summary(10, 10, parse("fired:soon"))
    assert text.startswith("10 policies · ignored fired:soon:")


def test_while_the_index_fills_the_count_is_so_far() -> None:
    assert summary(2, 500, parse("acme"), reading=True) == "2 of 500 match so far"
