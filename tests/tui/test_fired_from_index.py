"""The fired view as a view over the index of every policy (issue 13): once `/` has read
every page, `f` shows the fired policies at once, from the index, while a walk reads the
pages again behind them; the view then holds what that walk read. Against the demo server
over loopback HTTP."""

from __future__ import annotations

from browse_support import make_app, screen_text, server_policies, settle, wait_until

from policytui.demo import Fault
from policytui.tui.widgets.policy_table import PolicyTable

POLICIES = "marketplace-offering-usage-policies/"


def shown(app) -> list[str]:
    return [row.uuid for row in app.screen.query_one(PolicyTable).all_rows]


def held_walks(server) -> list[dict]:
    """List requests for policies the server has not answered yet."""
    return [
        r
        for r in server.requests()
        if r["method"] == "GET" and r["path"].endswith(POLICIES) and r.get("status") is None
    ]


async def index_read_then_cleared(pilot, app) -> None:
    """`/` fills the index of every page; Esc leaves the filter, the index stays."""
    await settle(pilot)
    await pilot.press("slash", *"acme")
    await wait_until(pilot, lambda: app.screen.index.complete, what="every policy read")
    await pilot.press("escape")
    await settle(pilot)


async def test_f_after_a_filter_shows_the_index_fired_policies_at_once(fresh_demo_server):
    server = fresh_demo_server
    listed = server_policies(server)
    fired = [p for p in listed if p["has_fired"]]
    assert 2 < len(fired) < len(listed)
    # Five a page: the fired policies are spread over pages the list never showed.
    app = make_app(server, page_size=5)
    async with app.run_test(size=(120, 30)) as pilot:
        await index_read_then_cleared(pilot, app)
        await pilot.press("G")  # the cursor on the page's last row: the fired view starts anew
        # The next walk's first page is held: what `f` shows meanwhile is the index's.
        server.set_faults(
            [Fault("timeout", times=1, method="GET", path=POLICIES, params={"seconds": 4})]
        )
        await pilot.press("f")
        await wait_until(
            pilot,
            lambda: set(shown(app)) == {p["uuid"] for p in fired},
            what="the fired policies",
        )
        assert held_walks(server), "the walk had already answered: not the index's rows"
        newest_first = sorted(fired, key=lambda p: p["fired_datetime"] or "", reverse=True)
        on_view = [row.uuid for row in app.screen.query_one(PolicyTable).rows]
        assert on_view == [p["uuid"] for p in newest_first]
        table = app.screen.query_one(PolicyTable)
        assert table.cursor == 0 and table.current.uuid == newest_first[0]["uuid"]
        text = screen_text(app)
        assert f"{len(fired)} fired of {len(listed)}" in text
        # The walk behind is not the answer: the status bar gives the answer's tally.
        status = text.splitlines()[-2]
        assert "refreshing" in status and "so far" not in text
        # The walk behind it ends with the same answer.
        await wait_until(pilot, lambda: app.screen.scan.done, timeout=60, what="the walk")
        await settle(pilot)
        assert not held_walks(server)
        assert set(shown(app)) == {p["uuid"] for p in fired}
        # The walk's rows replace the index's, sorted as the view was: newest firing first.
        assert [row.uuid for row in table.rows] == [p["uuid"] for p in newest_first]


async def test_without_an_index_f_walks_every_page_as_before(fresh_demo_server):
    server = fresh_demo_server
    fired = {p["uuid"] for p in server_policies(server) if p["has_fired"]}
    app = make_app(server, page_size=5)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await wait_until(pilot, lambda: app.screen.scan.done, timeout=60, what="the walk")
        await settle(pilot)
        assert set(shown(app)) == fired
        assert not app.screen.index.complete  # nothing typed: no index was filled


async def test_r_in_the_fired_view_keeps_its_rows_while_every_page_is_read_again(
    fresh_demo_server,
):
    """`r` in the fired view reads every page again behind the answer on view: the rows
    and the cursor's place stay, the status bar says it refreshes, and the new answer
    replaces them when the walk ends (marking a policy that changed meanwhile)."""
    server = fresh_demo_server
    fired = [p for p in server_policies(server) if p["has_fired"]]
    app = make_app(server, page_size=5)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await wait_until(pilot, lambda: app.screen.scan.done, timeout=60, what="the walk")
        await settle(pilot)
        table = app.screen.query_one(PolicyTable)
        await pilot.press("down", "down")
        on_cursor = table.current.uuid
        server.set_faults(
            [Fault("timeout", times=1, method="GET", path=POLICIES, params={"seconds": 4})]
        )
        await pilot.press("r")
        await wait_until(pilot, lambda: held_walks(server), what="the walk's first page held")
        await pilot.pause()
        assert held_walks(server), "the walk had already answered"
        assert set(shown(app)) == {p["uuid"] for p in fired}
        assert table.current.uuid == on_cursor
        text = screen_text(app)
        assert "Scanning every page" not in text
        assert "refreshing 0 %" in text.splitlines()[-2]
        await wait_until(pilot, lambda: app.screen.scan.done, timeout=60, what="the walk")
        await settle(pilot)
        assert set(shown(app)) == {p["uuid"] for p in fired}
        assert table.current.uuid == on_cursor


async def test_r_while_the_walk_behind_the_index_answer_runs_keeps_the_view(fresh_demo_server):
    """`f` over a complete index shows its answer and walks every page behind it; `r`
    pressed while that walk is held starts it again behind the same answer: the rows and
    the cursor stay, no "Scanning every page", and the status bar says it refreshes."""
    server = fresh_demo_server
    fired = {p["uuid"] for p in server_policies(server) if p["has_fired"]}
    app = make_app(server, page_size=5)
    async with app.run_test(size=(120, 30)) as pilot:
        await index_read_then_cleared(pilot, app)

        def slow(times: int = 1) -> Fault:  # a fault counts its uses: a new one each time
            return Fault("timeout", times=times, method="GET", path=POLICIES, params={"seconds": 4})

        server.set_faults([slow()])
        await pilot.press("f")
        await wait_until(pilot, lambda: set(shown(app)) == fired, what="the index's answer")
        await wait_until(pilot, lambda: held_walks(server), what="the walk's first page held")
        table = app.screen.query_one(PolicyTable)
        await pilot.press("down")
        on_cursor = table.current.uuid
        server.set_faults([slow(times=2)])  # r walks the index again too
        await pilot.press("r")
        await pilot.pause()
        assert not app.screen.scan.done, "the walk behind ended before r: nothing tested"
        text = screen_text(app)
        assert set(shown(app)) == fired
        assert table.current.uuid == on_cursor
        assert "Scanning every page" not in text
        assert "refreshing" in text.splitlines()[-2]
        await wait_until(pilot, lambda: app.screen.scan.done, timeout=60, what="the walk")
        await settle(pilot)
        assert set(shown(app)) == fired
        assert table.current.uuid == on_cursor
