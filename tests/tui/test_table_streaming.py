"""The policy table while a fired scan streams rows in (PolicyTable.add_rows).

Before the user moves, the head of the list stays in view with the cursor on its first
line, so the newest firings found show at the top however many arrive above the first
batch (pages arrive in any order). Once the user has moved, rows found above keep what
is on screen (and the cursor's row) in place, as a browser's scroll anchoring does:
nothing jumps under the reader, and a batch is a repaint of lines already rendered.
"""

from __future__ import annotations

import pickle
from datetime import UTC, datetime, timedelta

from textual.app import App, ComposeResult
from textual.pilot import Pilot

from policytui.api import OfferingUsagePolicy
from policytui.tui.rows import PolicyRow, build_row
from policytui.tui.widgets.policy_table import PolicyTable

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)


def fired_row(n: int, hours_ago: float) -> PolicyRow:
    policy = OfferingUsagePolicy.model_validate(
        {
            "uuid": f"{n:032x}",
            "scope_name": f"Offering {n}",
            "actions": "notify_organization_owners",
            "component_limits_set": [{"type": "cpu", "limit": n}],
            "has_fired": True,
            "fired_datetime": (NOW - timedelta(hours=hours_ago)).isoformat(),
            "created": "2026-01-01T00:00:00Z",
        }
    )
    return build_row(policy, None, NOW)


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield PolicyTable(id="t")


def on_screen(table: PolicyTable) -> list[str]:
    top = round(table.scroll_y)
    height = table.scrollable_content_region.height - 1
    return [row.uuid for row in table.rows[top : top + height]]


async def first_batch(pilot: Pilot) -> PolicyTable:
    """The fired view's table, sorted newest first, after a first batch of 30 rows."""
    table = pilot.app.query_one(PolicyTable)
    table.sort_by("fired", reverse=True)
    table.add_rows([fired_row(n, hours_ago=100 + n) for n in range(30)])
    await pilot.pause()
    return table


async def test_before_the_user_moves_newer_rows_show_at_the_top() -> None:
    async with TableApp().run_test(size=(100, 12)) as pilot:
        table = await first_batch(pilot)
        table.add_rows([fired_row(100 + n, hours_ago=n) for n in range(5)])  # newer
        await pilot.pause()
        assert on_screen(table)[:5] == [f"{100 + n:032x}" for n in range(5)]
        assert table.current is not None and table.current.uuid == f"{100:032x}"


async def test_before_the_user_moves_more_newer_rows_than_the_screen_holds_stay_on_top() -> None:
    # One row at a time (the binary-search merge) and in one big batch (the sort merge).
    for batches in (
        [[fired_row(100 + n, hours_ago=n)] for n in range(40)],
        [[fired_row(100 + n, hours_ago=n) for n in range(400)]],
    ):
        async with TableApp().run_test(size=(100, 12)) as pilot:
            table = await first_batch(pilot)
            for batch in batches:
                table.add_rows(batch)
            await pilot.pause()
            assert round(table.scroll_y) == 0
            assert on_screen(table)[:5] == [f"{100 + n:032x}" for n in range(5)]
            assert table.current is not None and table.current.uuid == f"{100:032x}"


async def test_once_the_user_moved_rows_found_above_leave_the_screen_as_it_was() -> None:
    async with TableApp().run_test(size=(100, 12)) as pilot:
        table = await first_batch(pilot)
        table.focus()
        await pilot.press("down", "down", "down")
        before, cursor_uuid = on_screen(table), table.current.uuid  # type: ignore[union-attr]
        line = table.cursor - round(table.scroll_y)
        table.add_rows([fired_row(100 + n, hours_ago=n) for n in range(5)])  # all above
        await pilot.pause()
        assert on_screen(table) == before
        assert table.current is not None and table.current.uuid == cursor_uuid
        assert table.cursor - round(table.scroll_y) == line  # same screen line
        table.action_cursor_first()
        await pilot.pause()
        assert on_screen(table)[0] == f"{100:032x}"  # the newest is there, above


async def test_a_row_from_the_helper_builds_its_policy_only_when_asked() -> None:
    row = fired_row(7, hours_ago=3)
    received = pickle.loads(pickle.dumps(row))
    assert received.model is None  # nothing built on arrival
    assert (received.uuid, received.fired_key, received.search) == (
        row.uuid,
        row.fired_key,
        row.search,
    )
    assert received.policy == row.policy  # the same policy, once asked for
    assert received.model is not None and received.model_json is None


async def test_matches_shown_again_paint_each_policy_as_it_is_now() -> None:
    # The index's `/` shows a new list of rows on each keystroke; lines of rows that stay
    # on screen are not painted again, but a policy read again (a refresh: a new row, the
    # same uuid) must show its new texts, and a row that leaves the screen must go.
    from on_screen import screen_text

    async with TableApp().run_test(size=(100, 12)) as pilot:
        table = pilot.app.query_one(PolicyTable)
        rows = [fired_row(n, hours_ago=n) for n in range(1, 6)]
        table.show_ordered(rows, None, False)
        await pilot.pause()
        assert "Offering 3" in screen_text(pilot.app)
        again = fired_row(3, hours_ago=3)
        again.offering = "Offering 3 renamed"
        table.show_ordered([rows[0], rows[1], again, rows[3], rows[4]], None, False)
        await pilot.pause()
        assert "Offering 3 renamed" in screen_text(pilot.app)
        table.show_ordered([rows[0], rows[1], again, rows[4], rows[3]], None, False)
        await pilot.pause()
        shown = screen_text(pilot.app).splitlines()
        assert shown.index(next(line for line in shown if "Offering 5" in line)) < shown.index(
            next(line for line in shown if "Offering 4" in line)
        )
        table.show_ordered(rows[:2], None, False)
        await pilot.pause()
        shown = screen_text(pilot.app)
        assert "Offering 2" in shown and "Offering 3" not in shown
