"""Full garbage collections wait for the user to be idle (issue 13): CPython's own ran
every 1-2 s under `/` keystrokes over 100 000 policies, each 120-360 ms."""

from __future__ import annotations

import gc

from policytui.tui.idle_collect import DEFERRED, IDLE_SECONDS, IdleCollector


def _young_collections(count: int) -> None:
    for _ in range(count):
        gc.collect(1)


def test_a_due_full_collection_runs_once_the_user_is_idle_and_not_before() -> None:
    before = gc.get_threshold()
    collector = IdleCollector()
    try:
        assert gc.get_threshold()[2] == DEFERRED  # CPython never gets to it itself
        gc.collect()
        _young_collections(collector.due_after)
        assert not collector.tick(idle_seconds=0.0)  # keys are coming
        assert gc.get_count()[2] >= collector.due_after  # still due
        assert collector.tick(idle_seconds=IDLE_SECONDS)
        assert gc.get_count()[2] == 0  # the oldest generation was collected
        _young_collections(collector.due_after)
        assert not collector.tick(idle_seconds=60.0)  # not again at once
    finally:
        collector.close()
    assert gc.get_threshold() == before


def test_nothing_is_collected_when_none_is_due() -> None:
    collector = IdleCollector()
    try:
        gc.collect()
        assert not collector.tick(idle_seconds=60.0)
    finally:
        collector.close()
