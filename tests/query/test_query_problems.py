"""A term the language cannot read is a problem beside that term, never an exception:
the screen marks ``text[start:end]`` and says what was expected, and the other terms
still filter."""

from __future__ import annotations

import pytest
from query_samples import NOW

from policytui.query import parse
from policytui.query.parser import NOT_READ


@pytest.mark.parametrize(
    ("text", "bad", "expected"),
    [
        ("fired:maybe", "fired:maybe", "fired: expects yes, no, <7d or >7d"),
        ("fired:=7d", "fired:=7d", "fired: expects yes, no, <7d or >7d"),
        ("fired:<7x", "fired:<7x", "fired: expects yes, no, <7d or >7d"),
        ("created:yesterday", "created:yesterday", "created: expects <7d or >7d"),
        (
            "created:2026-13-01",
            "created:2026-13-01",
            "created: 2026-13-01 is not a date (YYYY-MM-DD)",
        ),
        ("created:2026-02-30", "created:2026-02-30", "created: 2026-02-30 is not a date"),
        ("created:..", "created:..", "created: expects"),
        ("period:weekly", "period:weekly", "period: expects total, 1m, 3m or 12m"),
        ("limit:cpu>lots", "limit:cpu>lots", "limit: lots is not a whole number"),
        ("limit:cpu>", "limit:cpu>", "limit: expects a number after the comparison"),
        ("limit:cpu>-5", "limit:cpu>-5", "limit: -5 is not a whole number"),
        ("limit:", "limit:", "limit: expects a component and a bound"),
        ("limits:many", "limits:many", "limits: many is not a whole number"),
        ("limits:>", "limits:>", "limits: expects a count"),
        ("group:", "group:", "group: expects a group name, e.g. group:Nordics"),
        ('group:""', 'group:""', "group: expects a group name"),
        ("offering:", "offering:", "offering: expects a name"),
        ("by:", "by:", "by: expects a name or username"),
    ],
)
def test_a_bad_value_says_what_the_field_expects(text: str, bad: str, expected: str) -> None:
    query = parse(text)
    assert query.terms == ()
    (problem,) = query.problems
    assert text[problem.start : problem.end] == bad == problem.text
    assert expected in problem.message


def test_the_other_terms_still_apply_and_the_bad_one_is_marked_where_it_stands(facts) -> None:
    text = "group:baltics fired:soon -limits:0"
    query = parse(text)
    (problem,) = query.problems
    assert (problem.start, problem.end) == (14, 24)
    assert text[problem.start : problem.end] == "fired:soon"
    assert [t.text for t in query.terms] == ["group:baltics", "-limits:0"]
    # Filtered by the two good terms: p05 (no limits) is out, p03 stays.
    assert [f.uuid for f in query.select(facts, NOW)] == ["p03"]


def test_an_unknown_field_suggests_the_near_one_and_how_to_search_the_text() -> None:
    (problem,) = parse("grup:nordics").problems
    assert problem.message.startswith("grup: is not a field (did you mean group:?)")
    assert "offering, provider, action" in problem.message
    assert 'quote it: "grup:nordics"' in problem.message


def test_a_quoted_word_with_a_colon_is_searched_as_text(facts) -> None:
    # The advice of the unknown-field message works: quoted, it is a free word.
    query = parse('"acme-owner:"')
    assert not query.problems
    assert query.terms[0].field is None and query.terms[0].value == "acme-owner:"
    # Words whose colon follows a non-letter are text already ("12:30", "a1:b").
    assert parse("12:30").terms[0].field is None


def test_a_lone_dash_asks_for_a_term_after_it() -> None:
    query = parse("fired:yes - group:x")
    (problem,) = query.problems
    assert (problem.start, problem.end, problem.text) == (10, 11, "-")
    assert "expects a term right after it" in problem.message
    assert [t.text for t in query.terms] == ["fired:yes", "group:x"]


def test_problems_come_in_the_order_they_stand() -> None:
    query = parse("x:1 fired:no - period:? ok")
    assert [p.text for p in query.problems] == ["x:1", "-", "period:?"]
    assert [p.start for p in query.problems] == sorted(p.start for p in query.problems)


def test_dates_past_the_calendar_are_problems_not_crashes() -> None:
    # Year 0 and years past 9999 are not dates Python holds.
    for text in ("created:0000-01-01", "created:10000", "fired:<9999999d"):
        query = parse(text)
        assert query.terms == () and len(query.problems) == 1, text
        assert query.problems[0].message != NOT_READ
    # The last day Python holds still reads (its end is past the calendar).
    assert not parse("created:9999-12").problems
    assert not parse("created:9999-12-31").problems
