"""The list's state objects, driven without a terminal (policytui.tui.list_state)."""

from __future__ import annotations

from datetime import UTC, datetime

from policytui.tui.list_state import FiredScan, FiredStates, FiringAlerts, Paging, fired_anew

FIRED_AT = datetime(2026, 11, 30, 8, tzinfo=UTC)


def test_a_create_that_overflows_the_last_page_adds_a_page() -> None:
    paging = Paging(size=20)
    paging.go_to(3)
    paging.page_shown(3, total=60, page_count=3, has_next=False, rows=20)
    assert not paging.more  # page 3 of 3
    paging.count_changed(+1)  # 61 policies need 4 pages of 20
    assert (paging.total, paging.page_count, paging.more) == (61, 4, True)
    paging.count_changed(-1)
    assert (paging.total, paging.page_count, paging.more) == (60, 3, False)


def test_a_delete_never_leaves_zero_pages() -> None:
    paging = Paging(size=5)
    paging.page_shown(1, total=1, page_count=1, has_next=False, rows=1)
    paging.count_changed(-1)
    assert (paging.total, paging.page_count) == (0, 1)


def test_without_a_count_a_full_page_may_have_a_next_one() -> None:
    paging = Paging(size=5)
    paging.page_shown(1, total=None, page_count=None, has_next=False, rows=5)
    assert paging.more and paging.page_count is None
    paging.count_changed(+1)  # nothing known to move
    assert paging.total is None
    paging.page_shown(2, total=None, page_count=None, has_next=False, rows=3)
    assert not paging.more


def test_turning_pages_is_told_apart_from_showing_the_same_page_again() -> None:
    paging = Paging(size=5)
    assert paging.page_shown(1, total=12, page_count=3, has_next=True, rows=5)
    assert not paging.page_shown(1, total=12, page_count=3, has_next=True, rows=5)
    assert paging.page_shown(2, total=12, page_count=3, has_next=True, rows=5)


def test_a_refit_keeps_the_first_policy_on_view() -> None:
    paging = Paging(size=20)
    paging.go_to(4)  # policies 61-80 on view
    assert paging.refit(35)  # policy 61 is on page 2 of 35 (36-70)
    assert (paging.size, paging.number) == (35, 2)
    assert not paging.refit(35)
    assert paging.key(2) == (None, 2, 35)


def test_another_offering_starts_on_its_first_page_with_counts_unknown() -> None:
    paging = Paging(size=5)
    paging.go_to(3)
    paging.page_shown(3, total=40, page_count=8, has_next=True, rows=5)
    paging.scope_set("off-1")
    assert (paging.number, paging.total, paging.page_count, paging.more) == (1, None, None, False)
    assert paging.key(1) == ("off-1", 1, 5)


def test_last_page_is_offered_only_when_known_and_elsewhere() -> None:
    paging = Paging(size=5)
    assert paging.last is None  # not known
    paging.page_shown(1, total=12, page_count=3, has_next=True, rows=5)
    assert paging.last == 3
    paging.go_to(3)
    assert paging.last is None  # already there
    paging.go_to(0)
    assert paging.number == 1 and paging.at_first


def test_a_report_of_an_older_scan_is_not_current() -> None:
    scan = FiredScan()
    first = scan.start(quiet=False)
    second = scan.start(quiet=False)
    assert not scan.current(first) and scan.current(second)


def test_a_quiet_rescan_keeps_the_last_answer_until_it_has_its_own() -> None:
    scan = FiredScan()
    scan.start(quiet=False)
    scan.reported(pages=17, page_count=17, total=5000)
    scan.fired = 729
    scan.finished()
    scan.start(quiet=True)
    assert (scan.fired, scan.total, scan.complete, scan.done) == (729, 5000, True, False)
    scan.start(quiet=False)
    assert (scan.fired, scan.total, scan.complete) == (0, None, False)


def test_a_stopped_scan_says_what_it_read() -> None:
    scan = FiredScan()
    scan.start(quiet=False)
    scan.reported(pages=4, page_count=100, total=30000)
    scan.reported(pages=3, page_count=100, total=30000)  # reports may come out of order
    assert scan.read is None  # still running
    scan.stopped(quiet=False)
    assert scan.read == (4, 100)  # the most read, not the last report
    scan.start(quiet=False)
    scan.reported(pages=100, page_count=100, total=30000)
    scan.finished()
    assert scan.read is None


def test_a_changed_fired_state_is_marked_once_and_only_after_a_first_look() -> None:
    states = FiredStates()
    assert states.note({"a": (False, None), "b": (True, FIRED_AT)}, mark=False) == 0
    assert states.note({"a": (True, FIRED_AT), "c": (True, FIRED_AT)}, mark=True) == 1
    assert states.is_changed("a") and not states.is_changed("c")  # c: never seen before
    assert states.note({"a": (False, None)}, mark=True) == 0  # marked already
    assert states.forget("b") is True and states.forget("zz") is False
    assert states.forget("a") is False and not states.is_changed("a")


LATER = datetime(2026, 11, 30, 9, tzinfo=UTC)


def test_a_refresh_says_which_policies_fired_even_when_marked_already() -> None:
    """``--notify``: the policies that went from not fired to fired (or stopped and fired
    again) since the last look, not those that stopped; a ``--watch`` tick keeps earlier
    marks, and a policy marked for stopping that fires again is told."""
    states = FiredStates()
    states.note({"a": (False, None), "b": (True, FIRED_AT), "c": (True, FIRED_AT)}, mark=False)
    assert states.take_fired() == set()  # the first look
    states.note({"a": (True, LATER), "b": (False, FIRED_AT), "c": (True, FIRED_AT)}, mark=True)
    assert states.take_fired() == {"a"} and states.take_fired() == set()
    states.note({"b": (True, LATER)}, mark=True)  # marked already, fires again
    assert states.take_fired() == {"b"}
    assert fired_anew((True, FIRED_AT), (True, LATER))
    assert not fired_anew((True, FIRED_AT), (False, FIRED_AT))


def test_each_firing_is_told_once_across_the_page_its_usage_and_the_index() -> None:
    alerts = FiringAlerts()
    fired = {"a": (True, LATER)}
    alerts.fired({"a"}, fired)
    assert alerts.take() == (["a"], [])
    # The same tick's usage (over its limit) and index (fired) see it again: not told.
    alerts.went_over({"a", "z"}, {**fired, "z": (False, None)})
    alerts.fired({"a"}, fired)
    assert alerts.take() == ([], ["z"])
    # It stopped and fired again: told again.
    alerts.fired({"a"}, {"a": (True, datetime(2026, 12, 1, tzinfo=UTC))})
    assert alerts.take() == (["a"], [])
