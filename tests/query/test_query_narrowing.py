"""Typing on narrows: a screen may filter only what the previous keystroke kept, and
must know exactly when that is safe."""

from __future__ import annotations

import pytest
from query_samples import NOW

from policytui.query import parse


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("", "g"),
        ("g", "gp"),
        ("gp", "gpu"),
        ("gpu", "gpu "),
        ("gpu", "gpu fired:yes"),
        ("gpu fired:ye", "gpu fired:yes"),  # the half-typed term filtered nothing
        ("fired:<7", "fired:<7d"),
        ("group:nor", "group:nord"),
        ('group:"Nordic', 'group:"Nordic U'),
        ("by:al", "by:ali"),
        ("GP", "gpu"),  # case does not matter to a word
        ("acme limit:cpu>10", "acme limit:cpu>10 -fired:yes"),
    ],
)
def test_typing_on_narrows(before: str, after: str, facts) -> None:
    old, new = parse(before), parse(after)
    assert new.narrows(old)
    kept = old.select(facts, NOW)
    assert new.select(kept, NOW) == new.select(facts, NOW)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("gpu", "gp"),  # deleting widens
        ("gpu fired:yes", "gpu"),
        ("-gp", "-gpu"),  # a longer excluded word excludes fewer
        ("limit:cpu>1", "limit:cpu>10"),  # a number is not a word
        ("limits:1", "limits:10"),
        ("created:>2026", "created:>2026-11"),  # a date typed on moves its bound
        ("offering:abc", "offering:abcd"),  # an offering may be meant by uuid
        ("gpu acme", "acme gpu"),  # terms compare in their places
        ("group:x", "by:x"),
    ],
)
def test_anything_else_does_not_claim_to_narrow(before: str, after: str) -> None:
    assert not parse(after).narrows(parse(before))
