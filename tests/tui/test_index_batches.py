"""A batch of the index of every policy as it crosses the helper's pipe (issue 13's
memory and fill time): the facts of each policy and its page's JSON, packed; no rows.

The index makes a policy's row only when it is shown (``PolicyIndex.row_at``), and what
the user sees of it must be what the old fill built for every policy: the same texts in
every column with the catalog's names, the same fired label, the same policy when it is
opened, the same words for the fired view's search; a row made before the catalog is
made again with its names; a refresh marks the policies that changed, as before.
"""

from __future__ import annotations

import pickle
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "query"))

from query_samples import NOW, make_catalog, make_policy, sample_policies

from policytui.api import OfferingUsagePolicy
from policytui.api.models import Period
from policytui.api.parsing import parse_policy
from policytui.helper.events import ScanProgress
from policytui.helper.index_batch import RECEIVED
from policytui.helper.index_page import IndexReader
from policytui.helper.scan_pipe import _compact, _expand
from policytui.query import FactsReader, parse
from policytui.tui import policy_index
from policytui.tui.catalog import Catalog
from policytui.tui.policy_index import IndexedFacts, PolicyIndex
from policytui.tui.rows import _FIELDS, build_row


def _wire(policy: OfferingUsagePolicy) -> dict[str, Any]:
    return policy.model_dump(mode="json", by_alias=True)


def _sent(
    policies: list[OfferingUsagePolicy],
    catalog: Catalog | None,
    reader: IndexReader | None = None,
) -> ScanProgress:
    """The batch the helper sends for ``policies`` (one page; ``reader``: the scan's,
    when it has read pages before), as the UI receives it."""
    progress = ScanProgress(total=len(policies))
    (reader or IndexReader(catalog)).keep([_wire(p) for p in policies], progress)
    packed, unfired = _compact(progress)
    received = pickle.loads(pickle.dumps(packed, protocol=pickle.HIGHEST_PROTOCOL))
    return _expand(received, unfired)


def _filled(
    policies: list[OfferingUsagePolicy], catalog: Catalog | None = None, index=None
) -> PolicyIndex:
    index = index or PolicyIndex(now=lambda: NOW)
    index.name_rows(catalog)
    generation = index.start(refresh=index.complete)
    received = _sent(policies, catalog)
    index.add(generation, received.rows, received.facts, len(policies))
    index.finished(generation, len(policies))
    return index


def test_a_row_made_when_shown_is_the_row_the_old_fill_built() -> None:
    policies = sample_policies()
    catalog = make_catalog()
    read = FactsReader(catalog)
    received = _sent(policies, catalog)
    assert received.rows == []  # facts and the page cross the pipe, no list of rows
    # Not even the fired policies' rows: the fired view over the index makes those shown.
    assert all(type(f) is IndexedFacts and f.made is None for f in received.facts)
    index = _filled(policies, catalog)
    for at, policy in enumerate(policies):
        row, built = index.row_at(at), build_row(policy, catalog, NOW)
        assert _FIELDS(row) == _FIELDS(built)  # every column, the fired label, the sort key
        assert row.model is None  # built only when opened
        assert row.policy == policy  # opened from the index: the policy as read
        assert row.search == build_row(policy, catalog, NOW).search
    for facts, policy in zip(index.facts, policies, strict=True):
        expected = read(policy)
        assert all(getattr(facts, name) == getattr(expected, name) for name in expected.__slots__)


def test_a_filter_shows_the_index_rows_and_the_same_row_each_time() -> None:
    index = _filled(sample_policies(), make_catalog())
    for text in ("acme", "-acme", "fired:yes", "zzzz-nothing"):
        kept = index.select(parse(text), NOW)
        steps = parse(text).select_each(index.facts, NOW.timestamp())
        matched = steps[-1] if steps else index.facts
        assert [row.uuid for row in kept] == [f.uuid for f in matched], text
        # The table's line cache keys on the row: the same object while it is kept.
        at = {id(f): n for n, f in enumerate(index.facts)}
        assert all(row is index.row_at(at[id(f)]) for row, f in zip(kept, matched, strict=True))


def test_rows_beyond_the_kept_are_made_again_alike(monkeypatch) -> None:
    monkeypatch.setattr(policy_index, "MADE_ROWS", 2)
    policies = sample_policies()
    index = _filled(policies, make_catalog())
    first = index.row_at(0)
    index.rows_at(range(1, len(policies)))  # scrolled on: the first is dropped
    assert index.made_row(0) is None
    again = index.row_at(0)
    assert again is not first and _FIELDS(again) == _FIELDS(first)
    assert again.policy == policies[0]


def test_a_row_made_before_the_catalog_is_made_again_with_its_names() -> None:
    policies = sample_policies()
    catalog = make_catalog()
    index = _filled(policies, None)
    unnamed = index.row_at(0)
    assert not unnamed.named
    assert _FIELDS(unnamed) == _FIELDS(build_row(policies[0], None, NOW))
    assert policies[1].has_fired and not index.row_at(1).named  # the helper sent it so
    index.name_rows(catalog)
    for at in (0, 1):  # made here, and sent by the helper with a fired policy
        named = index.row_at(at)
        assert named.named and index.facts[at].row is named
        assert _FIELDS(named) == _FIELDS(build_row(policies[at], catalog, NOW))


def test_a_refresh_over_the_helpers_batches_marks_the_changed_policies() -> None:
    catalog = make_catalog()
    index = _filled(sample_policies(), catalog)
    shown = index.row_at(1)
    changed = sample_policies()
    changed[0] = make_policy("p01", has_fired=True, fired_datetime="2026-11-27T10:00:00Z")
    # Only its limit: the facts' component limits tell it changed.
    changed[3] = parse_policy(
        {**_wire(changed[3]), "component_limits_set": [{"type": "cpu", "limit": 1}]}
    )
    _filled(changed, catalog, index)
    assert index.changed == {"p01", "p04"}
    assert index.fired == {"p01"}  # --notify tells it
    rows = index.rows_at(range(index.read))
    assert [r.uuid for r in rows if r.changed] == ["p01", "p04"]
    assert rows[0].fired == "2 h ago" and rows[3].limits == ["CPU 1 core-hours"]
    assert index.row_at(1) is not shown  # the refreshed policy's row, not the old one


def test_policies_asked_for_in_any_order_are_each_their_own() -> None:
    # A bulk change over a sorted selection asks for rows' policies out of batch order;
    # the usage fill reads every policy without making rows.
    policies = sample_policies()
    index = _filled(policies, make_catalog())
    assert PolicyIndex.policies_of(list(reversed(index.facts))) == policies[::-1]
    assert [index.made_row(at) for at in range(len(policies))] == [None] * len(policies)
    for at in reversed(range(len(policies))):
        assert index.row_at(at).policy == policies[at]
    assert [index.policy_at(at) for at in range(len(policies))] == policies


def test_the_same_limits_and_texts_in_two_batches_are_held_once_and_still_filter() -> None:
    """What a scan's policies share crosses the pipe once, in the batch that met it
    first: the index keeps one of each (its memory at 100 000), and `limit:` and free
    words read them as before."""
    RECEIVED.clear()
    cpu = [{"type": "cpu", "limit": 12_000}]
    first = [make_policy("a1", component_limits_set=cpu), make_policy("a2")]
    second = [make_policy("b1", component_limits_set=cpu), make_policy("b2")]
    index = PolicyIndex(now=lambda: NOW)
    index.name_rows(None)
    generation = index.start(refresh=False)
    reader = IndexReader(None)  # one scan: what its batches share is sent once
    for page in (first, second):
        received = _sent(page, None, reader)
        index.add(generation, received.rows, received.facts, 4)
    index.finished(generation, 4)
    a1, a2, b1, b2 = index.facts
    assert a1.components is b1.components
    assert a1.components[0] is b1.components[0]
    assert a2.components is b2.components
    assert a1.components != a2.components
    assert a1.what is b1.what and a1.groups_text is b2.groups_text
    # Each side once: what a policy shares with others (its offering's, its people's).
    assert a1.side is b1.side and a1.people is b2.people
    assert a1.uuid == "a1" and b1.uuid == "b1"
    assert [row.uuid for row in index.select(parse("by:alice"), NOW)] == ["a1", "a2", "b1", "b2"]
    assert [row.uuid for row in index.select(parse("limit:cpu>10000"), NOW)] == ["a1", "b1"]
    assert [row.uuid for row in index.select(parse("limit:cpu<10000"), NOW)] == ["a2", "b2"]


def test_the_fired_view_over_the_index_makes_only_the_rows_it_shows() -> None:
    """`f` over a complete index shows its fired policies, newest firing first, of the
    offering on view; the index holds no row of them (the helper sends none): a row is
    made when the table asks for it, every one only when the table goes over them all."""
    policies = sample_policies()
    policies.append(make_policy("p09", has_fired=True, fired_datetime="2026-11-30T00:00:00Z"))
    catalog = make_catalog()
    index = _filled(policies, catalog)
    fired = [p for p in policies if p.has_fired]
    newest_first = sorted(fired, key=lambda p: p.fired_datetime, reverse=True)
    assert len(newest_first) >= 3
    rows, total = index.fired_rows(None)
    assert total == len(policies) and len(rows) == len(fired)
    assert rows.uuids() == [p.uuid for p in newest_first]
    made = [index.made_row(at) for at in range(len(policies))]
    assert made == [None] * len(policies)  # none made before they are shown
    first = rows[0]
    assert _FIELDS(first) == _FIELDS(build_row(newest_first[0], catalog, NOW))
    made = [at for at in range(len(policies)) if index.made_row(at) is not None]
    assert [index.facts[at].uuid for at in made] == [newest_first[0].uuid]
    assert rows.find(newest_first[-1].uuid, 0) == len(fired) - 1
    assert rows.policies() == newest_first  # the usage fill's models, no row made
    assert [row.uuid for row in rows] == [p.uuid for p in newest_first]  # all made, once
    assert rows.held() == list(rows)
    # Of one offering: its fired policies, and how many it has.
    scope = newest_first[0].scope_uuid
    of_one, count = index.fired_rows(scope)
    assert of_one.uuids() == [p.uuid for p in newest_first if p.scope_uuid == scope]
    assert count == sum(p.scope_uuid == scope for p in policies)


def test_a_save_in_the_fired_view_over_the_index_keeps_its_order_and_makes_no_row() -> None:
    """A save read back, shown in the fired view over the index: changed in place, newly
    fired first (the newest firing), gone when it fires no more; no row made."""
    policies = sample_policies()
    policies.append(make_policy("p09", has_fired=True, fired_datetime="2026-11-30T00:00:00Z"))
    catalog = make_catalog()
    index = _filled(policies, catalog)
    rows, _ = index.fired_rows(None)
    order = rows.uuids()
    assert len(order) >= 3
    read = FactsReader(catalog)

    def saved(policy: OfferingUsagePolicy) -> IndexedFacts:
        return index.put(build_row(policy, catalog, NOW), read(policy))

    second = next(p for p in policies if p.uuid == order[1])
    changed = rows.with_saved(second.uuid, saved(second.model_copy(update={"period": Period(4)})))
    assert changed.uuids() == order
    unfired = next(p for p in policies if not p.has_fired)
    newly = unfired.model_copy(
        update={"has_fired": True, "fired_datetime": NOW.replace(year=NOW.year + 1)}
    )
    added = changed.with_saved(newly.uuid, saved(newly))
    assert added.uuids() == [newly.uuid, *order]
    first = next(p for p in policies if p.uuid == order[0])
    gone = added.with_saved(first.uuid, saved(first.model_copy(update={"has_fired": False})))
    assert gone.uuids() == [newly.uuid, *order[1:]]
    assert gone.held() == [] and rows.held() == []
    # Two fired at the same moment: the second saved keeps its place after the first.
    tied = [
        make_policy("t1", has_fired=True, fired_datetime="2026-11-29T00:00:00Z"),
        make_policy("t2", has_fired=True, fired_datetime="2026-11-29T00:00:00Z"),
    ]
    index = _filled(tied, catalog)
    rows, _ = index.fired_rows(None)
    assert rows.uuids() == ["t1", "t2"]
    assert rows.with_saved("t2", saved(tied[1])).uuids() == ["t1", "t2"]


def test_a_firing_time_without_a_zone_orders_the_table_as_the_index(monkeypatch) -> None:
    """A time sent without a zone is UTC to the index's facts; the table's Fired sort
    reads it so too, so the fired view over the index and the table's own sort agree on
    a terminal whose clock is not UTC."""
    import time as clock

    monkeypatch.setenv("TZ", "Asia/Tokyo")
    clock.tzset()
    try:
        naive = make_policy("n1", has_fired=True, fired_datetime="2026-11-30T00:00:00")
        row = build_row(naive, None, NOW)
        assert row.fired_key == (True, FactsReader(None)(naive).fired_at)
        assert row.fired_key[1] == 1795996800.0  # 2026-11-30 00:00 UTC
    finally:
        monkeypatch.delenv("TZ")
        clock.tzset()


def test_usage_figures_change_what_usage_matches_but_not_the_uuids_read() -> None:
    """The usage fill sets figures batch after batch: `usage:` reads the new ones at
    once, and the list of every uuid (the cursor's lookup, 100 000 long) is not made
    again for each batch."""
    policies = sample_policies()
    index = _filled(policies, make_catalog())
    uuids = index._uuids_of()
    assert len(index.select(parse("usage:>50"), NOW)) == 0
    assert index.set_usage({policies[0].uuid: 90.0}) == 1
    assert [row.uuid for row in index.select(parse("usage:>50"), NOW)] == [policies[0].uuid]
    assert index._uuids_of() is uuids
