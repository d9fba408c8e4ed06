"""Full garbage collections wait for the user to be idle (issue 13): CPython's own ran
every 1-2 s under `/` keystrokes over 100 000 policies, each 120-360 ms."""

from __future__ import annotations

import gc
import weakref

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
        assert not collector.tick(idle_seconds=0.0)  # keys are coming: frozen, not collected
        assert gc.get_freeze_count() > 0
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


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_garbage_made_under_keys_is_collected_under_keys_and_the_frozen_when_idle() -> None:
    """A line painted under keys leaves a cycle; it must go while keys are still coming
    (the app's peak memory), without a collection of the whole heap under a key."""
    collector = IdleCollector()
    try:
        gc.collect()
        old = _Cycle()
        old_ref = weakref.ref(old)
        _young_collections(collector.due_after)  # old is in the oldest generation now
        collector.tick(idle_seconds=0.0)  # due under keys: what is alive is frozen
        del old  # garbage among the frozen: not looked at under keys
        young = _Cycle()
        young_ref = weakref.ref(young)
        _young_collections(collector.due_after)  # young reaches the oldest generation too
        del young
        gc.collect(1)  # the young generations do not hold it
        assert young_ref() is not None  # garbage only a full collection finds
        collector.tick(idle_seconds=0.0)  # due again under keys: the young part collected
        assert young_ref() is None
        assert old_ref() is not None
        collector._last = 0.0  # the last full collection was long ago
        _young_collections(collector.due_after)
        assert collector.tick(idle_seconds=IDLE_SECONDS)  # idle: the frozen too
        assert old_ref() is None
    finally:
        collector.close()
    assert gc.get_freeze_count() == 0
