"""The editor's form validators accept exactly the valid inputs: limits in int32 range,
e-mail addresses, JSON objects. Anything else is a ``FieldError`` with a one-line message,
never another exception (the editor shows the message beside the field)."""

from __future__ import annotations

import json
import string
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

validation = pytest.importorskip(
    "policytui.tui.validation",
    reason="policytui/tui/validation.py (editor engineer) has not landed yet",
)
FieldError = validation.FieldError
INT32_MAX = 2**31 - 1


def one_line(err: Exception) -> None:
    assert str(err) and "\n" not in str(err)


# -- limits -----------------------------------------------------------------------------


@given(st.integers(0, INT32_MAX))
def test_every_limit_in_range_is_accepted(value: int) -> None:
    assert validation.parse_limit(str(value)) == value
    assert validation.parse_limit(f"  {value}  ") == value


@given(st.integers(0, INT32_MAX))
def test_grouped_digits_are_read_as_meant(value: int) -> None:
    assert validation.parse_limit(f"{value:_}") == value
    assert validation.parse_limit(f"{value:,}".replace(",", " ")) == value


@given(st.integers(INT32_MAX + 1, 10**30) | st.integers(max_value=-1))
def test_every_limit_out_of_range_is_refused(value: int) -> None:
    with pytest.raises(FieldError) as caught:
        validation.parse_limit(str(value))
    one_line(caught.value)


@given(st.floats(allow_nan=True, allow_infinity=True).filter(lambda f: not float(f).is_integer()))
def test_fractions_are_refused(value: float) -> None:
    with pytest.raises(FieldError):
        validation.parse_limit(repr(value))


@settings(max_examples=300)
@given(st.text(max_size=20))
def test_any_text_is_a_limit_in_range_or_a_field_error(text: str) -> None:
    try:
        value = validation.parse_limit(text)
    except FieldError as err:
        one_line(err)
    else:
        assert 0 <= value <= INT32_MAX
        # Accepted only if, once trimmed and stripped of digit-group separators, the text
        # is plain ASCII digits.
        digits = text.strip()
        for separator in ("_", " ", "\u2009", "\u202f", "\u00a0"):
            digits = digits.replace(separator, "")
        assert digits.isascii() and digits.isdigit() and int(digits) == value


# -- e-mail addresses -------------------------------------------------------------------

local_part = st.text(
    alphabet=string.ascii_letters + string.digits + "!#$%&'*+/=?^_`{|}~-", min_size=1, max_size=12
)
label = st.from_regex(r"[A-Za-z0-9]([A-Za-z0-9-]{0,10}[A-Za-z0-9])?", fullmatch=True)
domain = st.lists(label, min_size=2, max_size=4).map(".".join)
addresses = st.builds(lambda a, d: f"{a}@{d}", local_part, domain)


@given(st.lists(addresses, min_size=1, max_size=5), st.sampled_from([",", ", ", ";", "\n", " "]))
def test_lists_of_addresses_are_accepted_in_order_without_duplicates(
    emails: list[str], separator: str
) -> None:
    assert validation.parse_emails(separator.join(emails)) == list(dict.fromkeys(emails))


@given(
    st.lists(addresses, max_size=3),
    st.sampled_from(["alice", "alice@", "@example.org", "alice@example", "a@@b.org", "a@b..org"]),
)
def test_a_bad_address_among_good_ones_is_named(emails: list[str], bad: str) -> None:
    with pytest.raises(FieldError) as caught:
        validation.parse_emails(", ".join([*emails, bad]))
    one_line(caught.value)
    assert repr(bad) in str(caught.value)


@given(st.text(alphabet=" ,;\n\t", max_size=5))
def test_no_address_at_all_is_refused(text: str) -> None:
    with pytest.raises(FieldError):
        validation.parse_emails(text)


@settings(max_examples=200)
@given(st.text(max_size=40))
def test_any_text_is_addresses_or_a_field_error(text: str) -> None:
    try:
        emails = validation.parse_emails(text)
    except FieldError as err:
        one_line(err)
    else:
        assert emails and all("@" in e and " " not in e and "," not in e for e in emails)


# -- options: a JSON object -------------------------------------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=10,
)


@given(st.dictionaries(st.text(max_size=8), json_values, max_size=4), st.sampled_from([None, 2]))
def test_every_json_object_is_accepted(options: dict, indent: int | None) -> None:
    assert validation.parse_options(json.dumps(options, indent=indent)) == options


@given(json_values.filter(lambda v: not isinstance(v, dict)))
def test_json_that_is_not_an_object_is_refused(value: object) -> None:
    with pytest.raises(FieldError) as caught:
        validation.parse_options(json.dumps(value))
    one_line(caught.value)


@settings(max_examples=200)
@given(st.text(max_size=40))
def test_any_text_is_an_object_or_a_field_error(text: str) -> None:
    try:
        value = validation.parse_options(text)
    except FieldError as err:
        one_line(err)
    else:
        assert isinstance(value, dict)


def test_options_round_trip_through_the_editor_format() -> None:
    options = {"notify_external_user": ["a@b.org"], "nested": {"k": [1, None]}}
    assert validation.parse_options(validation.format_options(options)) == options


def test_pathologically_deep_json_is_a_field_error_not_a_crash() -> None:
    deep = "[" * (sys.getrecursionlimit() * 2)
    with pytest.raises(FieldError):
        validation.parse_options(deep)
