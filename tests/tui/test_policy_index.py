"""The index of every policy as a plain object: filling batch by batch, how complete it
says it is, a refresh gathered aside with changed policies marked, writes made here, and
selecting and sorting over every match (the list's `/` and `s` read it)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "query"))

import pytest
from query_samples import NOW, make_catalog, make_policy, sample_policies

from policytui.query import FactsReader, parse, parse_sort, sort_policies
from policytui.tui import policy_index
from policytui.tui.policy_index import PolicyIndex
from policytui.tui.rows import build_row


def _batch(policies):
    catalog = make_catalog()
    read = FactsReader(catalog)
    return [build_row(p, catalog, NOW) for p in policies], [read(p) for p in policies]


def _filled(policies=None) -> PolicyIndex:
    index = PolicyIndex()
    generation = index.start(refresh=False)
    rows, facts = _batch(policies or sample_policies())
    index.add(generation, rows, facts, len(rows))
    index.finished(generation, len(rows))
    return index


def test_filling_says_how_much_is_read_until_complete() -> None:
    index = PolicyIndex()
    generation = index.start(refresh=False)
    rows, facts = _batch(sample_policies())
    query = parse("acme")
    # Before any page: nothing is read, so nothing "matches" yet (no "0 read").
    assert index.completeness() == ""
    assert index.describe(query, 0) == "matches show as pages are read"
    index.add(generation, rows[:2], facts[:2], 12340)
    assert index.completeness() == "2 of 12\u2009340 read"
    # How much is read is said once, by completeness (the status bar), not the note too.
    assert index.describe(query, 2) == "2 of 2 match so far"
    assert index.describe(parse("zzz"), 0) == "No policy matches zzz so far · Esc clears the filter"
    index.add(generation, rows[2:], facts[2:], 12340)
    index.finished(generation, 5)
    assert index.complete and index.completeness() == "every page read"
    assert index.describe(query, 4) == "4 of 5 match"
    assert index.describe(parse("zzz"), 0).startswith("No policy matches zzz (5 read)")


def test_an_old_fills_batches_are_dropped() -> None:
    index = PolicyIndex()
    old = index.start(refresh=False)
    new = index.start(refresh=False)
    rows, facts = _batch(sample_policies())
    assert not index.add(old, rows, facts, 5)
    assert index.read == 0
    assert index.add(new, rows, facts, 5)
    assert not index.finished(old, 5) and not index.complete


def test_select_filters_every_policy_and_sorts_limits_as_numbers() -> None:
    index = _filled()
    rows = index.select(parse("limit:cpu>1000"), NOW, parse_sort("-limit:cpu"))
    # 12 000 before 10 000 before 2 830: numbers, not text.
    assert [r.uuid for r in rows] == ["p02", "p04", "p01"]
    ascending = index.select(parse("limit:cpu>1000"), NOW, parse_sort("limit:cpu"))
    assert [r.uuid for r in ascending] == ["p01", "p04", "p02"]
    assert [r.uuid for r in index.select(parse("-fired:yes"), NOW)] == ["p01", "p04", "p05"]


def test_a_refresh_keeps_the_rows_on_view_until_it_is_complete_and_marks_changes() -> None:
    index = _filled()
    generation = index.start(refresh=True)
    assert index.refreshing and index.read == 5
    changed = sample_policies()
    changed[0] = make_policy("p01", has_fired=True, fired_datetime="2026-11-27T10:00:00Z")
    rows, facts = _batch(changed)
    index.add(generation, rows[:3], facts[:3], 5)
    assert index.read == 5  # the old, complete rows until the refresh has every page
    index.add(generation, rows[3:], facts[3:], 5)
    index.finished(generation, 5)
    assert index.changed == {"p01"}
    assert index.fired == {"p01"}  # --notify tells it
    assert [r.uuid for r in index.rows_at(range(index.read)) if r.changed] == ["p01"]
    assert [r.uuid for r in index.select(parse("fired:yes"), NOW)] == ["p01", "p02", "p03"]


def test_a_failed_fill_says_so_and_keeps_what_it_read() -> None:
    index = PolicyIndex()
    generation = index.start(refresh=False)
    rows, facts = _batch(sample_policies())
    index.add(generation, rows[:2], facts[:2], 5)
    index.failed(generation, "The server did not answer.")
    assert index.read == 2 and not index.complete
    assert "stopped: The server did not answer. (r retries)" in index.describe(parse("acme"), 2)


def test_writes_here_are_in_the_index_at_once() -> None:
    index = _filled()
    catalog = make_catalog()
    edited = make_policy("p01", component_limits_set=[{"type": "cpu", "limit": 99999}])
    index.put(build_row(edited, catalog, NOW), FactsReader(catalog)(edited))
    assert [r.uuid for r in index.select(parse("limit:cpu>50000"), NOW)] == ["p01"]
    new = make_policy("p09", created="2026-11-27T00:00:00Z")
    index.put(build_row(new, catalog, NOW), FactsReader(catalog)(new))
    assert index.row_at(0).uuid == "p09" and index.total == 6
    index.forget("p02")
    assert "p02" not in {r.uuid for r in index.select(parse(""), NOW)}
    assert index.total == 5


def _saved(uuid: str, limit: int):
    catalog = make_catalog()
    edited = make_policy(uuid, component_limits_set=[{"type": "cpu", "limit": limit}])
    return build_row(edited, catalog, NOW), FactsReader(catalog)(edited)


def test_writes_after_a_refresh_gathered_their_pages_are_kept_by_its_swap() -> None:
    """The refresh's pages holding the policies came in before the delete and the save:
    swapped in, the deleted one stays gone and the save stays."""
    index = _filled()
    generation = index.start(refresh=True)
    rows, facts = _batch(sample_policies())
    index.add(generation, rows, facts, len(rows))  # every page gathered, before the writes
    index.forget("p02")
    index.put(*_saved("p01", 99999))
    index.finished(generation, len(rows) - 1)
    assert index.position_of("p02") is None
    assert [r.uuid for r in index.select(parse("limit:cpu>50000"), NOW)] == ["p01"]
    assert len({f.uuid for f in index.facts}) == len(index.facts) == len(rows) - 1


def test_a_save_during_the_first_fill_stays_when_its_pages_are_read_again() -> None:
    """The helper stopped and the fill reads every page again here: the policy saved
    meanwhile is kept as saved (its pages leave it out), not lost."""
    index = PolicyIndex()
    generation = index.start(refresh=False)
    rows, facts = _batch(sample_policies())
    index.add(generation, rows[:2], facts[:2], len(rows))
    index.put(*_saved("p01", 99999))
    index.resumed(generation)
    index.add(generation, rows, facts, len(rows))
    index.finished(generation, len(rows))
    assert [r.uuid for r in index.select(parse("limit:cpu>50000"), NOW)] == ["p01"]
    assert sorted(f.uuid for f in index.facts) == sorted(r.uuid for r in rows)


def test_typing_further_gives_what_a_fresh_filter_would_and_a_write_is_seen() -> None:
    index = _filled()
    order = parse_sort("-limit:cpu")
    text = 'group:nor limit:cpu>100 -"acme gpu" fired:no'
    # Typed a key at a time, then taken back a key at a time (Backspace).
    typing = [text[:end] for end in range(1, len(text) + 1)]
    for typed in [*typing, *reversed(typing), "acme", "acme limit:cpu"]:
        narrowed = index.select(parse(typed), NOW, order)
        fresh = _filled().select(parse(typed), NOW, order)
        assert [r.uuid for r in narrowed] == [r.uuid for r in fresh], typed
    # A write between two keystrokes: the next one reads the index, not the last matches.
    catalog = make_catalog()
    edited = make_policy("p01", component_limits_set=[{"type": "cpu", "limit": 50}])
    index.put(build_row(edited, catalog, NOW), FactsReader(catalog)(edited))
    assert "p01" not in {r.uuid for r in index.select(parse("limit:cpu>100 acme "), NOW, order)}


def test_only_a_policy_that_fired_since_the_last_fill_is_told_as_fired() -> None:
    """A changed limit is a change (◆) but not a firing; a policy that stopped and fired
    again between two fills (a new fired_datetime) fired anew."""
    before = [
        make_policy("a"),
        make_policy("b", has_fired=True, fired_datetime="2026-11-01T10:00:00Z"),
        make_policy("c", has_fired=True, fired_datetime="2026-11-01T10:00:00Z"),
        make_policy("d", has_fired=True, fired_datetime="2026-11-01T10:00:00Z"),
    ]
    index = _filled(before)
    assert index.fired == set()  # the first fill is the first look
    after = [
        make_policy("a", component_limits_set=[{"type": "cpu", "limit": 1}]),
        make_policy("b", has_fired=True, fired_datetime="2026-11-28T10:00:00Z"),
        make_policy("c", has_fired=False, fired_datetime="2026-11-28T10:00:00Z"),
        before[3],
    ]
    generation = index.start(refresh=True)
    rows, facts = _batch(after)
    index.add(generation, rows, facts, 4)
    index.finished(generation, 4)
    assert index.changed == {"a", "b", "c"}
    assert index.fired == {"b"}


def test_a_filter_shown_while_batches_arrive_gives_what_a_fresh_filter_would() -> None:
    """Each batch is selected alone and joined on to the last answer (issue 13): after
    every batch, the same filter gives what it gives over every policy read so far."""
    policies = sample_policies()
    rows, facts = _batch(policies)
    for text in ("acme", "fired:yes -group:nor", "limit:cpu>100", "-limit:cpu>1000 acme"):
        index = PolicyIndex()
        generation = index.start(refresh=False)
        query = parse(text)
        for end in range(1, len(rows) + 1):
            index.add(generation, rows[end - 1 : end], facts[end - 1 : end], len(rows))
            shown = [r.uuid for r in index.select(query, NOW)]
            assert shown == [f.uuid for f in query.select(facts[:end], NOW)], (text, end)


@pytest.mark.parametrize("alone", [20_000, 0], ids=["matches sorted alone", "index order"])
def test_many_matches_are_found_in_order_wherever_the_table_looks(monkeypatch, alone) -> None:
    """Thousands of matches, sorted or not: a row far down (End), a slice in the middle
    and the count are the ones a full sort of the matches gives, whether the matches
    are sorted by themselves or read off the order of every policy."""
    monkeypatch.setattr(policy_index, "_SORT_MATCHES_ALONE", alone)
    base = sample_policies()
    policies = [
        make_policy(
            f"q{n:05d}",
            component_limits_set=[{"type": "cpu", "limit": (n * 7919) % 10007}],
            scope_uuid=base[n % len(base)].scope_uuid,
        )
        for n in range(6000)
    ]
    index = _filled(policies)
    order = parse_sort("-limit:cpu")
    for text in ("limit:cpu>5000", "limit:cpu>9990", "acme"):
        query = parse(text)
        expected = [f.uuid for f in sort_policies(query.select(index.facts, NOW), order)]
        for sorting in (order, None):
            want = expected if sorting else [f.uuid for f in query.select(index.facts, NOW)]
            matches = index.select(query, NOW, sorting)
            assert len(matches) == len(want)
            assert matches[len(want) - 1].uuid == want[-1]  # End first: found at once
            middle = len(want) // 2
            assert [r.uuid for r in matches[middle : middle + 5]] == want[middle : middle + 5]
            assert matches.uuids() == want
            fresh = _filled(policies).select(query, NOW, sorting)  # nothing found yet
            assert [r.uuid for r in fresh[:40]] == want[:40]
            if want:
                assert fresh.find(want[-1], 0) == len(want) - 1


def test_an_order_by_a_limit_over_every_policy_is_the_order_of_their_limits(monkeypatch) -> None:
    """Every policy sorted by a limit reads each set of limits once (policies sharing a
    set share its key): the order is still each policy's own highest limit on that
    component, by type or by name, stable, and the policies without one last, across
    batches whose equal sets are not shared and after a batch arrives."""
    monkeypatch.setattr(policy_index, "_SORT_MATCHES_ALONE", 0)  # every policy's order
    base = sample_policies()

    def limits(n: int) -> list[dict[str, object]]:
        chosen = [{"type": "cpu", "limit": (n * 37) % 11}] if n % 4 else []
        return [*chosen, {"type": "ram", "limit": n % 5}] if n % 3 else chosen

    policies = [
        make_policy(
            f"s{n:03d}",
            component_limits_set=limits(n),
            scope_uuid=base[n % len(base)].scope_uuid,
        )
        for n in range(90)
    ]
    index = PolicyIndex()
    generation = index.start(refresh=False)
    # Two batches, each read by a reader of its own: their equal sets are two objects.
    for part in (policies[:40], policies[40:70]):
        rows, facts = _batch(part)
        index.add(generation, rows, facts, len(policies))
    everything = parse("")
    for text in ("-limit:cpu", "limit:cpu", "-limit:RAM", "limit:ram"):
        order = parse_sort(text)
        expected = [f.uuid for f in sort_policies(index.facts, order)]
        assert [r.uuid for r in index.select(everything, NOW, order)] == expected, text
    # A batch arrives: the new policies' sets are read too.
    rows, facts = _batch(policies[70:])
    index.add(generation, rows, facts, len(policies))
    index.finished(generation, len(policies))
    order = parse_sort("-limit:cpu")
    got = [r.uuid for r in index.select(everything, NOW, order)]
    assert got == [f.uuid for f in sort_policies(index.facts, order)]
    cpu = {
        p.uuid: max((c.limit for c in p.component_limits_set if c.type == "cpu"), default=None)
        for p in policies
    }
    assert [cpu[u] for u in got if cpu[u] is not None] == sorted(
        (v for v in cpu.values() if v is not None), reverse=True
    )
    assert all(cpu[u] is None for u in got[len(got) - list(cpu.values()).count(None) :])
