"""Bulk changes in the list, as a user makes them: Space marks, b chooses the change,
one confirmation lists the policies, then each write's result; against the demo server."""

from __future__ import annotations

import pytest
from browse_support import filter_every_policy, make_app, server_policies, settle, wait_until
from on_screen import screen_text

from policytui.demo import Fault
from policytui.tui.widgets.policy_table import PolicyTable

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 48), id="160x48")]


async def _mark_first(pilot, count: int) -> list[str]:
    table = pilot.app.screen.query_one(PolicyTable)
    uuids = [row.uuid for row in table.rows[:count]]
    for _ in range(count):
        await pilot.press("space")
    return uuids


async def _choose_period(pilot, label: str) -> None:
    await pilot.press("b")
    await wait_until(pilot, lambda: "Set the period…" in screen_text(pilot.app), what="the menu")
    await pilot.press("enter")  # "Set the period…" is first
    await wait_until(pilot, lambda: "Set the period to" in screen_text(pilot.app), what="periods")
    labels = ["Total", "1 month", "3 months", "12 months"]
    for _ in range(labels.index(label)):
        await pilot.press("down")
    await pilot.press("enter")


async def _choose_delete(pilot) -> None:
    await pilot.press("b")
    await wait_until(pilot, lambda: "Delete them" in screen_text(pilot.app), what="the menu")
    for _ in range(5):  # "Delete them" is last
        await pilot.press("down")
    await pilot.press("enter")


async def test_space_marks_and_b_sets_the_period_of_the_marked_policies(fresh_demo_server):
    server = fresh_demo_server
    app = make_app(server, page_size=20)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        before = {p["uuid"]: p["period"] for p in server_policies(server)}
        marked = await _mark_first(pilot, 3)
        await pilot.pause()
        assert "* 3 marked" in screen_text(app)
        await _choose_period(pilot, "Total")
        await wait_until(pilot, lambda: "policies?" in screen_text(app), what="the confirmation")
        text = screen_text(app)
        already = [u for u in marked if before[u] == 1]
        writes = len(marked) - len(already)
        assert f"Set the period to Total on {writes} polic" in text
        assert "Each is sent once and read back" in text
        server.clear_requests()
        await pilot.press("y")
        await wait_until(pilot, lambda: "Close (Esc)" in screen_text(app), what="the summary")
        assert f"{writes} changed" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        after = {p["uuid"]: p["period"] for p in server_policies(server)}
        assert all(after[u] == 1 for u in marked)
        patches = [r for r in server.requests() if r["method"] == "PATCH"]
        assert len(patches) == writes  # each once
        # Every mark is gone (all succeeded), and the rows show the new period.
        assert "marked" not in screen_text(app).splitlines()[-2]
        rows = {r.uuid: r for r in app.screen.query_one(PolicyTable).rows}
        assert all(rows[u].period == "Total" for u in marked if u in rows)


async def test_a_failed_write_is_said_with_why_and_stays_marked(fresh_demo_server):
    server = fresh_demo_server
    app = make_app(server, page_size=20)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        periods = {p["uuid"]: p["period"] for p in server_policies(server)}
        table = app.screen.query_one(PolicyTable)
        # Three policies whose period is not 12 months, so each needs a write.
        targets = [r.uuid for r in table.rows if periods[r.uuid] != 4][:3]
        for uuid in targets:
            table.move_to_uuid(uuid)
            await pilot.press("space")
        bad = targets[1]
        server.add_fault(Fault("status", times=1, method="PATCH", path=bad, params={"status": 500}))
        await _choose_period(pilot, "12 months")
        await wait_until(pilot, lambda: "policies?" in screen_text(app), what="the confirmation")
        await pilot.press("y")
        await wait_until(pilot, lambda: "Close (Esc)" in screen_text(app), what="the summary")
        text = screen_text(app)
        assert "2 changed, 1 failed" in text
        assert "Failed (left marked) (1)" in text
        await pilot.press("escape")
        await settle(pilot)
        assert "* 1 marked" in screen_text(app)
        assert app.screen.marks.uuids == {bad}
        patches = [r for r in server.requests() if r["method"] == "PATCH" and bad in r["path"]]
        assert len(patches) == 1  # not retried


async def test_star_marks_every_shown_policy_and_again_clears(demo_server):
    app = make_app(demo_server, page_size=20)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        shown = len(app.screen.query_one(PolicyTable).rows)
        await pilot.press("asterisk")
        await pilot.pause()
        assert f"* {shown} marked" in screen_text(app)
        await pilot.press("asterisk")
        await pilot.pause()
        assert "marked" not in screen_text(app).splitlines()[-2]


async def test_cancelling_the_confirmation_writes_nothing(fresh_demo_server):
    server = fresh_demo_server
    app = make_app(server, page_size=20)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        await _mark_first(pilot, 2)
        await _choose_delete(pilot)
        await wait_until(pilot, lambda: "Delete 2 policies?" in screen_text(app), what="confirm")
        server.clear_requests()
        await pilot.press("n")
        await settle(pilot)
        assert not [r for r in server.requests() if r["method"] in ("PATCH", "DELETE")]
        assert "* 2 marked" in screen_text(app)


async def test_a_bulk_delete_in_the_filter_view_over_every_policy_leaves_its_matches(
    fresh_demo_server,
):
    """Every policy matches; the marked ones include the index's last: after the writes
    the app is up and the matches are the rest, counted once."""
    server = fresh_demo_server
    listed = server_policies(server)
    gone = [p["uuid"] for p in listed[-3:]]
    app = make_app(server, page_size=5)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(pilot)
        await filter_every_policy(pilot, "-zzzz")
        assert f"{len(listed)} of {len(listed)} match" in screen_text(app)
        table = app.screen.query_one(PolicyTable)
        for uuid in gone:
            assert table.move_to_uuid(uuid)
            await pilot.press("space")
        await pilot.pause()
        assert "* 3 marked" in screen_text(app)
        await _choose_delete(pilot)
        await wait_until(pilot, lambda: "Delete 3 policies?" in screen_text(app), what="confirm")
        await pilot.press("y")
        await wait_until(pilot, lambda: "Close (Esc)" in screen_text(app), what="the summary")
        assert "3 deleted" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert app.is_running
        left = len(listed) - 3
        assert f"{left} of {left} match" in screen_text(app)
        shown = {row.uuid for row in table.all_rows}
        assert not shown & set(gone)
        assert len(shown) == left
        assert {p["uuid"] for p in server_policies(server)} == shown


@pytest.mark.parametrize("size", SIZES)
def test_bulk_confirmation_snapshot(snap_compare, fresh_demo_server, size) -> None:
    async def confirm(pilot) -> None:
        await settle(pilot)
        await _mark_first(pilot, 4)
        await pilot.press("b", "down", "down", "enter")  # Remove an organization group…
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)

    app = make_app(fresh_demo_server, page_size=20)
    assert snap_compare(app, terminal_size=size, run_before=confirm)


@pytest.mark.parametrize("size", SIZES)
def test_bulk_summary_snapshot(snap_compare, fresh_demo_server, size) -> None:
    async def summary(pilot) -> None:
        await settle(pilot)
        uuids = await _mark_first(pilot, 3)
        fresh_demo_server.add_fault(
            Fault("status", times=1, method="PATCH", path=uuids[0], params={"status": 500})
        )
        await pilot.press("b", "down", "down", "down", "enter")  # Add an action…
        await settle(pilot)
        await pilot.press("down", "down", "enter")  # Block orders
        await settle(pilot)
        await pilot.press("y")
        await wait_until(pilot, lambda: "Close (Esc)" in screen_text(pilot.app), what="summary")
        await settle(pilot)

    app = make_app(fresh_demo_server, page_size=20)
    assert snap_compare(app, terminal_size=size, run_before=summary)


async def test_the_confirmation_of_many_policies_keeps_its_buttons_on_an_80x24_screen(
    fresh_demo_server,
):
    """16 marked at 80x24: the list scrolls, and Delete [y] / Cancel [n] stay on screen
    under it (a list of 16 rows pushed them off)."""
    app = make_app(fresh_demo_server, page_size=20)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _mark_first(pilot, 16)
        await _choose_delete(pilot)
        await wait_until(pilot, lambda: "Delete 16 policies?" in screen_text(app), what="confirm")
        await settle(pilot)
        text = screen_text(app)
        assert "Delete [y]" in text and "Cancel [n]" in text, text
        await pilot.press("n")
        await settle(pilot)
        assert "16 marked" in screen_text(app)
