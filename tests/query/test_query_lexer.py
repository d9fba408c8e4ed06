"""How a filter's text is cut into terms: spaces, quotes, negation, fields, and where
each term stands in the input (the screen marks terms by these places)."""

from __future__ import annotations

from policytui.query import parse, quote


def test_quotes_group_words_into_one_value() -> None:
    (term,) = parse('group:"Nordic Uni"').terms
    assert (term.field, term.value, term.negated) == ("group", "Nordic Uni", False)
    assert (term.start, term.end, term.text) == (0, 18, 'group:"Nordic Uni"')


def test_quotes_may_sit_anywhere_in_a_term() -> None:
    assert parse('"group":x').terms[0].field is None  # a quoted field name is text
    assert parse('group:Nordic" Uni"').terms[0].value == "Nordic Uni"
    assert parse('-"a b"c').terms[0].value == "a bc"


def test_inside_quotes_a_backslash_escapes_a_quote_or_a_backslash_only() -> None:
    assert parse(r'by:"say \"hi\""').terms[0].value == 'say "hi"'
    assert parse(r'by:"a\\b"').terms[0].value == "a\\b"
    assert parse(r'by:"a\b"').terms[0].value == "a\\b"  # other backslashes stay
    assert parse(r"by:a\b").terms[0].value == "a\\b"  # and outside quotes too


def test_a_quote_left_open_runs_to_the_end_so_half_typed_filters_already_work() -> None:
    query = parse('fired:yes group:"Nordic U')
    assert not query.problems
    assert [t.value for t in query.terms] == ["yes", "Nordic U"]
    assert query.terms[1].end == len('fired:yes group:"Nordic U')


def test_negation_is_a_dash_in_front_of_any_term() -> None:
    terms = parse('-fired:yes -"a b" -word in-between').terms
    assert [(t.negated, t.field, t.value) for t in terms] == [
        (True, "fired", "yes"),
        (True, None, "a b"),
        (True, None, "word"),
        (False, None, "in-between"),
    ]
    assert terms[0].text == "-fired:yes" and terms[0].start == 0


def test_spans_index_the_input_whatever_the_spacing() -> None:
    text = "  acme\tfired:no   -limits:0 "
    query = parse(text)
    assert [text[t.start : t.end] for t in query.terms] == ["acme", "fired:no", "-limits:0"]


def test_an_empty_phrase_asks_for_nothing() -> None:
    query = parse('"" acme')
    assert not query.problems
    assert [t.value for t in query.terms] == ["acme"]


def test_the_value_may_hold_colons() -> None:
    (term,) = parse("offering:a:b").terms
    assert (term.field, term.value) == ("offering", "a:b")


def test_quote_leaves_plain_words_bare_and_quotes_the_rest() -> None:
    assert quote("Nordics") == "Nordics"
    assert quote("Nordic Uni") == '"Nordic Uni"'
    assert quote("-x") == '"-x"'
    assert quote("a:b") == '"a:b"'
    assert quote("") == '""'
    assert quote('say "hi"') == r'"say \"hi\""'
