"""A write that changes a policy's period changes the window its usage is read over: the
Usage cell must show the new window's figure, in a `/` view as in the paged list, and `r`
in a `/` view reads the usage of what is shown again (issue 13, fresh-eyes findings)."""

from __future__ import annotations

import pytest
from browse_support import make_app, server_policies, settle, wait_until
from on_screen import screen_text

from policytui.tui.screens.policy_list import PolicyListScreen
from policytui.tui.widgets.policy_table import PolicyTable

#: One page holds the sample's every policy: a fresh app's cells are the truth.
EVERY = 100


async def _cells_of_a_fresh_app(server, uuids: list[str]) -> dict[str, str]:
    """What a new app (paged, nothing read before) shows in the Usage column."""
    app = make_app(server, page_size=EVERY)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(PolicyTable)
        await wait_until(
            pilot, lambda: all(table.usage_of(u) for u in uuids), what="a fresh app's usage"
        )
        return {u: table.usage_of(u).text for u in uuids}


async def _set_period_of_marked(pilot, downs: int) -> None:
    app = pilot.app
    await pilot.press("b")
    await wait_until(pilot, lambda: "Set the period…" in screen_text(app), what="the menu")
    await pilot.press("enter")
    await wait_until(pilot, lambda: "Set the period to" in screen_text(app), what="periods")
    for _ in range(downs):  # Total, 1 month, 3 months, 12 months
        await pilot.press("down")
    await pilot.press("enter")
    await wait_until(pilot, lambda: "Apply [y]" in screen_text(app), what="the confirmation")
    await pilot.press("y")
    await wait_until(pilot, lambda: "Close (Esc)" in screen_text(app), what="the summary")
    await pilot.press("escape")


def _tape_monthly(server) -> set[str]:
    """The tape archive's policies, all of one month: its usage is read for one month
    only, so 12 months cannot be computed from what was read."""
    policies = server_policies(server)
    assert {p["period"] for p in policies if "Tape" in p["scope_name"]} == {2}
    return {p["uuid"] for p in policies if "Tape" in p["scope_name"]}


@pytest.mark.parametrize("typed", ["offering:tape", ""], ids=["filter", "page"])
async def test_a_bulk_period_change_shows_the_new_periods_usage(fresh_demo_server, typed):
    server = fresh_demo_server
    tape = _tape_monthly(server)
    app = make_app(server, page_size=EVERY)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PolicyListScreen)
        if typed:
            await pilot.press("slash", *typed)
            await wait_until(pilot, lambda: screen.index.complete, what="the index complete")
            await pilot.press("enter")
        table = screen.table
        targets = [row.uuid for row in table.on_screen() if row.uuid in tape]
        assert targets
        await wait_until(
            pilot, lambda: all(table.usage_of(u) for u in targets), what="the usage shown"
        )
        before = {u: table.usage_of(u).text for u in targets}
        for uuid in targets:
            table.move_to_uuid(uuid)
            await pilot.press("space")
        await _set_period_of_marked(pilot, 3)  # 12 months
        await settle(pilot)
        assert {row.period for row in table.on_screen() if row.uuid in targets} == {"12 months"}
        truth = await _cells_of_a_fresh_app(server, targets)
        assert truth != before, "the sample should give a 12-month figure of its own"
        await wait_until(
            pilot, lambda: _cells(table, targets) == truth, timeout=10, what="the new usage"
        )


async def test_r_in_a_filter_view_reads_the_usage_of_the_matches_again(fresh_demo_server):
    """The period changed on the server (someone else's edit): `r` in the `/` view reads
    the policies again, and their usage for the new window."""
    import httpx

    from policytui.demo import STAFF_TOKEN

    server = fresh_demo_server
    tape = sorted(_tape_monthly(server))
    app = make_app(server, page_size=20)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PolicyListScreen)
        await pilot.press("slash", *"offering:tape")
        await wait_until(pilot, lambda: screen.index.complete, what="the index complete")
        table = screen.table
        await wait_until(pilot, lambda: _cells(table, tape).keys() == set(tape) and all(
            _cells(table, tape).values()), what="the usage shown")  # fmt: skip
        before = _cells(table, tape)
        for uuid in tape:
            answer = httpx.patch(
                f"{server.url}/api/marketplace-offering-usage-policies/{uuid}/",
                json={"period": 4},
                headers={"Authorization": f"Token {STAFF_TOKEN}"},
            )
            assert answer.status_code == 200, answer.text
        truth = await _cells_of_a_fresh_app(server, tape)
        assert truth != before
        await pilot.press("enter", "r")  # out of the box, then refresh
        await wait_until(pilot, lambda: _cells(table, tape) == truth, what="the new usage")


def _cells(table: PolicyTable, uuids: list[str]) -> dict[str, str | None]:
    return {u: (c.text if (c := table.usage_of(u)) else None) for u in uuids}
