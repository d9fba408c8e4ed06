"""A batch of the index of every policy as it crosses the helper's pipe (issue 13's
memory and fill time): packed small in the helper, whole again in the UI.

Its rows carry their policies as one compressed block and no search text, and its facts
are linked to their rows; what the user sees of each policy must be what was read: the
same policy when one is opened, the same words for the fired view's search, the same
facts for `/`, and `/` showing the rows of the facts it kept.
"""

from __future__ import annotations

import pickle
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "query"))

from query_samples import NOW, make_catalog, sample_policies

from policytui.helper.events import ScanProgress
from policytui.helper.scan_pipe import _compact
from policytui.query import FactsReader, parse
from policytui.tui.policy_index import PolicyIndex
from policytui.tui.rows import build_row


def _sent(policies):
    """The batch the helper sends for ``policies``, as the UI unpickles it."""
    catalog = make_catalog()
    read = FactsReader(catalog)
    progress = ScanProgress(
        rows=[build_row(p, catalog, NOW, searchable=False) for p in policies],
        facts=[read(p) for p in policies],
        total=len(policies),
    )
    packed, _unfired = _compact(progress, keep_all=True)
    return pickle.loads(pickle.dumps(packed, protocol=pickle.HIGHEST_PROTOCOL))


def test_each_policy_of_an_index_batch_arrives_whole() -> None:
    policies = sample_policies()
    catalog = make_catalog()
    read = FactsReader(catalog)
    received = _sent(policies)
    assert [row.uuid for row in received.rows] == [p.uuid for p in policies]
    assert all(row.model is None for row in received.rows)  # built only when asked
    for row, policy in zip(received.rows, policies, strict=True):
        built = build_row(policy, catalog, NOW)
        assert row.policy == policy  # opened from the index: the policy as read
        assert row.search == built.search  # the fired view's words, made when asked
        assert (row.offering, row.limits, row.groups, row.period) == (
            built.offering,
            built.limits,
            built.groups,
            built.period,
        )
    assert [f.uuid for f in received.facts] == [p.uuid for p in policies]
    for facts, policy in zip(received.facts, policies, strict=True):
        expected = read(policy)
        assert all(
            getattr(facts, name) == getattr(expected, name) for name in expected.__slots__
        )


def test_a_filter_over_a_received_batch_shows_the_rows_of_its_matches() -> None:
    received = _sent(sample_policies())
    index = PolicyIndex()
    generation = index.start(refresh=False)
    index.add(generation, received.rows, received.facts, len(received.rows))
    index.finished(generation, len(received.rows))
    for text in ("acme", "-acme", "fired:yes", "zzzz-nothing"):
        kept = index.select(parse(text), NOW)
        facts = parse(text).select_each(index.facts, NOW.timestamp())
        matched = facts[-1] if facts else index.facts
        assert [row.uuid for row in kept] == [f.uuid for f in matched], text
        held = set(map(id, received.rows))
        assert all(id(row) in held for row in kept)  # the index's own rows, not copies


def test_policies_asked_for_in_any_order_are_each_their_own() -> None:
    # A bulk change over a sorted selection asks for rows' policies out of batch order.
    policies = sample_policies()
    received = _sent(policies)
    for row, policy in reversed(list(zip(received.rows, policies, strict=True))):
        assert row.policy == policy
    sent = _sent(policies).rows
    assert sent[0].policy == policies[0]  # its block is unpacked now
    again = pickle.loads(pickle.dumps(sent[1:]))  # rows of an unpacked block sent on
    assert [row.policy for row in again] == policies[1:]
