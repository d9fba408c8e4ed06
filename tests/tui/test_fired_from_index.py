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
    from policytui.tui.policy_index import FiredRows

    rows = app.screen.query_one(PolicyTable).all_rows
    # The index's fired rows tell their uuids without a row made of each.
    return rows.uuids() if isinstance(rows, FiredRows) else [row.uuid for row in rows]


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


async def fired_walked(pilot, app) -> PolicyTable:
    """`f` with no index: the fired view once its walk of every page has ended."""
    await settle(pilot)
    await pilot.press("f")
    await wait_until(pilot, lambda: app.screen.scan.done, timeout=60, what="the walk")
    await settle(pilot)
    return app.screen.query_one(PolicyTable)


async def fired_over_the_index(pilot, app, server, fired: int) -> PolicyTable:
    """`f` over a complete index, its ``fired`` rows on view, and the walk behind them
    held (a retry of its first page too), so the view stays the index's answer."""
    await index_read_then_cleared(pilot, app)
    server.set_faults(
        [Fault("timeout", times=4, method="GET", path=POLICIES, params={"seconds": 20})]
    )
    await pilot.press("f")
    await wait_until(pilot, lambda: len(shown(app)) == fired, what="the index's answer")
    return app.screen.query_one(PolicyTable)


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
        table = await fired_walked(pilot, app)
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


async def test_saves_and_deletes_in_the_fired_view_over_the_index_make_no_row_of_the_rest(
    fresh_demo_server,
):
    """A save read back in the fired view over the index changes its row in place, a
    policy newly fired goes first (the newest firing), one that fires no more leaves,
    and a delete drops its row: the count follows, the cursor stays on its policy, and
    no other fired policy's row is made (~1 s at 15 000 fired, and a newly fired one
    once went last)."""
    from policytui.api.parsing import parse_policy
    from policytui.tui.messages import PolicyDeleted, PolicySaved
    from policytui.tui.policy_index import FiredRows

    server = fresh_demo_server
    listed = server_policies(server)
    fired = sorted(
        (p for p in listed if p["has_fired"]), key=lambda p: p["fired_datetime"], reverse=True
    )
    unfired = [p for p in listed if not p["has_fired"]]
    assert len(fired) >= 3 and unfired
    app = make_app(server, page_size=5)
    async with app.run_test(size=(120, 30)) as pilot:
        table = await fired_over_the_index(pilot, app, server, len(fired))
        await pilot.press("down")
        on_cursor = fired[1]["uuid"]
        assert table.current.uuid == on_cursor

        def held_rows() -> list:
            rows = table.all_rows
            assert isinstance(rows, FiredRows), "the view is no longer the index's"
            return rows.held()

        def on_view() -> list[str]:
            held_rows()
            assert table.rows is table.all_rows  # shown as the index gave them
            return table.all_rows.uuids()  # (no row made to read them)

        def saved(policy: dict, **changes) -> None:
            app.post_message(PolicySaved(parse_policy({**policy, **changes}), created=False))

        assert on_view() == [p["uuid"] for p in fired]
        assert "12" not in table.rows[2].period
        # Changed in place: a fired policy of the view, now over 12 months.
        saved(fired[2], period=4, period_name="12 month")
        await wait_until(pilot, lambda: "12" in table.rows[2].period, what="the save shown")
        assert on_view() == [p["uuid"] for p in fired]
        assert "12" in table.rows[2].period
        assert table.current.uuid == on_cursor
        # Newly fired: the newest firing, first.
        newly = unfired[0]
        saved(newly, has_fired=True, fired_datetime="2099-01-01T00:00:00Z")
        await wait_until(pilot, lambda: len(table.all_rows) == len(fired) + 1, what="it fired")
        assert on_view() == [newly["uuid"]] + [p["uuid"] for p in fired]
        assert table.current.uuid == on_cursor
        assert f"{len(fired) + 1} fired of {len(listed)}" in screen_text(app)
        # Fires no more: it leaves the view.
        saved(fired[0], has_fired=False)
        await wait_until(pilot, lambda: len(table.all_rows) == len(fired), what="it left")
        assert on_view() == [newly["uuid"]] + [p["uuid"] for p in fired[1:]]
        assert f"{len(fired)} fired of {len(listed)}" in screen_text(app)
        # Deleted.
        app.post_message(PolicyDeleted(fired[2]["uuid"]))
        await wait_until(pilot, lambda: len(table.all_rows) == len(fired) - 1, what="deleted")
        await pilot.pause()
        assert fired[2]["uuid"] not in on_view()
        assert len(on_view()) == len(fired) - 1
        assert table.current.uuid == on_cursor
        # The policy under the cursor deleted: the cursor takes its place, the first row
        # stays in view.
        before = on_view()
        at = before.index(on_cursor)
        app.post_message(PolicyDeleted(on_cursor))
        await wait_until(pilot, lambda: on_cursor not in on_view(), what="deleted")
        await pilot.pause()
        assert table.current.uuid == before[at + 1]
        assert table.scroll_y == 0
        assert held_rows() == []  # no row made but the ones the table showed


async def test_a_newly_fired_policy_goes_first_in_the_fired_view_under_a_quick_filter(
    fresh_demo_server,
):
    """With the fired view's own filter typed (its rows searched by their words), a save
    read back that newly fired goes to its place among the newest firings, first, not
    last; the filter stays."""
    from policytui.api.parsing import parse_policy
    from policytui.tui.messages import PolicySaved

    server = fresh_demo_server
    listed = server_policies(server)
    fired = [p for p in listed if p["has_fired"]]
    word = fired[0]["scope_name"].split()[0]
    newly = next(
        p for p in listed if not p["has_fired"] and p["scope_name"] == fired[0]["scope_name"]
    )
    app = make_app(server, page_size=5)
    async with app.run_test(size=(120, 30)) as pilot:
        table = await fired_over_the_index(pilot, app, server, len(fired))
        await pilot.press("slash", *word.lower())
        await wait_until(pilot, lambda: table.filter_text == word.lower(), what="the filter")
        matching = [row.uuid for row in table.rows]
        assert 0 < len(matching) <= len(fired)
        changed = {**newly, "has_fired": True, "fired_datetime": "2099-01-01T00:00:00Z"}
        app.post_message(PolicySaved(parse_policy(changed), created=False))
        await wait_until(pilot, lambda: len(table.rows) == len(matching) + 1, what="it fired")
        assert [row.uuid for row in table.rows] == [newly["uuid"], *matching]
        assert table.filter_text == word.lower()


async def test_slash_in_the_fired_view_over_the_index_tests_the_facts_it_holds(
    fresh_demo_server,
):
    """`/` in the fired view over the index keeps the fired policies its terms name, read
    off the facts the index holds: no row is made of a fired policy it does not show
    (each row's model read for its facts held the UI ~4 s at 15 000 fired policies)."""
    from policytui.tui.policy_index import FiredRows

    server = fresh_demo_server
    fired = [p for p in server_policies(server) if p["has_fired"]]
    kept = {
        p["uuid"]
        for p in fired
        if "block" in p["actions"] and not p["scope_name"].startswith("Acme")
    }
    assert 0 < len(kept) < len(fired)
    app = make_app(server, page_size=5)
    async with app.run_test(size=(120, 30)) as pilot:
        table = await fired_over_the_index(pilot, app, server, len(fired))
        typed = "action:block -offering:acme"
        await pilot.press("slash", *typed)
        await wait_until(pilot, lambda: table.filter_text == typed, what="the filter")
        assert {row.uuid for row in table.rows} == kept
        assert f"{len(kept)} of {len(fired)} match" in screen_text(app)
        rows = table.all_rows
        assert isinstance(rows, FiredRows)
        assert rows.held() == []  # not every fired policy's row made to test it
        await pilot.press("escape")
        await wait_until(pilot, lambda: len(table.rows) == len(fired), what="every row back")


async def test_a_save_that_no_longer_fires_leaves_the_cursor_on_the_next_fired_policy(
    fresh_demo_server,
):
    """In the fired view (its own rows, after the walk), a save read back that fires no
    more takes the policy out and leaves the cursor where it was, on the next one: the
    row was replaced first, sorted down the view with the cursor, then removed there."""
    from policytui.api.parsing import parse_policy
    from policytui.tui.messages import PolicySaved

    server = fresh_demo_server
    fired = [p for p in server_policies(server) if p["has_fired"]]
    app = make_app(server, page_size=5)
    async with app.run_test(size=(120, 30)) as pilot:
        table = await fired_walked(pilot, app)
        assert len(table.rows) == len(fired) >= 4
        await pilot.press("down", "down")
        order = [row.uuid for row in table.rows]
        saved = next(p for p in fired if p["uuid"] == order[2])
        app.post_message(
            PolicySaved(
                parse_policy({**saved, "has_fired": False, "fired_datetime": None}), created=False
            )
        )
        await wait_until(pilot, lambda: len(table.rows) == len(fired) - 1, what="it left")
        assert [row.uuid for row in table.rows] == order[:2] + order[3:]
        assert table.cursor == 2 and table.current.uuid == order[3]
