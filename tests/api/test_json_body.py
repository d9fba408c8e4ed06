"""The client decodes a body to the values ``json.loads`` gives (orjson where it agrees).

The models, the index's facts and its packed pages read those values: a number read as
a float where it was whole, or a body refused that ``json.loads`` reads, would change what
a user sees of a policy.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from policytui.api.json_body import loads


def _same(content: bytes) -> None:
    expected = json.loads(content)
    got = loads(content)
    # repr: 1 == 1.0 == True, and NaN != NaN; the types and the digits must match.
    assert repr(got) == repr(expected)


@pytest.mark.parametrize(
    "text",
    [
        # Past 64 bits: orjson reads these as floats, json.loads keeps them whole.
        '[{"type": "cpu", "limit": 18446744073709551616}]',
        '{"limit":-9223372036854775809}',
        "[1,\n  123456789012345678901234567890]",
        "18446744073709551616",
        # Within 64 bits (both read them whole), then what orjson refuses.
        '{"limit": 9223372036854775807, "low": -9223372036854775808}',
        '{"limit": NaN, "other": Infinity}',
        "[1e400]",
        '"\\ud800"',
        "\ufeff[1]",
        '{"a": 1, "a": 2}',
    ],
)
def test_a_body_decodes_to_what_json_loads_gives(text: str) -> None:
    _same(text.encode())


def test_a_body_in_another_encoding_decodes_as_json_loads_reads_it() -> None:
    _same('[{"scope_name": "Ääkkönen"}]'.encode("utf-16"))


def test_a_body_json_loads_refuses_raises_its_error() -> None:
    for content in (b"<html>password</html>", b'{"a": ', b"\xff\xfe\x00"):
        with pytest.raises((ValueError, UnicodeDecodeError)):
            json.loads(content)
        with pytest.raises((ValueError, UnicodeDecodeError)):
            loads(content)


_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(_values, st.sampled_from([(", ", ": "), (",", ":"), (",\n  ", " : ")]))
def test_any_json_decodes_to_what_json_loads_gives(value: object, separators: tuple) -> None:
    _same(json.dumps(value, separators=separators).encode())
