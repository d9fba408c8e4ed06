"""The policy list against the real demo server over loopback HTTP: paging, filters,
the fired view, sorting, refresh and auto-refresh, as a user at the keyboard meets them."""

from __future__ import annotations

from browse_support import (
    make_app,
    policy_requests,
    screen_text,
    server_policies,
    settle,
    wait_until,
)

from policytui.api.models import OfferingUsagePolicy
from policytui.demo import OWNER_TOKEN, PLAIN_TOKEN, DemoServer, DemoSettings
from policytui.tui.list_state import ListMode
from policytui.tui.messages import PolicySaved
from policytui.tui.screens.policy_list import PolicyListScreen
from policytui.tui.widgets.policy_table import PolicyTable


def uuids(app) -> list[str]:
    return [row.uuid for row in app.screen.query_one(PolicyTable).rows]


async def _sort_by(pilot, table: PolicyTable, column: str) -> None:
    """`s` until ``column`` is the sort (the cycle goes through every column in view)."""
    for _ in range(len(table.visible_columns) + 1):
        if table.sort_column == column:
            return
        await pilot.press("s")
    raise AssertionError(f"s never reached {column!r}")


async def test_first_page_shows_server_order_and_position(demo_server) -> None:
    expected = server_policies(demo_server)
    app = make_app(demo_server, page_size=20)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PolicyListScreen)
        assert uuids(app) == [p["uuid"] for p in expected[:20]]
        text = screen_text(app)
        assert "DEMO" in text
        assert "page 1 of 3 · 60 policies" in text
        assert expected[0]["scope_name"] in text
        # The port of the demo server never reaches the screen.
        assert str(demo_server.port) not in text


async def test_page_size_fits_the_terminal_by_default(demo_server) -> None:
    expected = [p["uuid"] for p in server_policies(demo_server)]
    app = make_app(demo_server)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # 24 lines minus top bar, header, status bar and footer.
        assert len(uuids(app)) == 20
        assert "page 1 of 3" in screen_text(app)
        await pilot.press("right")
        await settle(pilot)
        # A taller terminal: once the resize settles the page is re-fitted, keeping the
        # first policy on view; no key needed.
        await pilot.resize_terminal(80, 34)
        await pilot.pause(0.5)
        await settle(pilot)
        # Policy 21 was on top; with 30 a page it is on page 1, and the cursor stays on it.
        assert uuids(app) == expected[:30]
        assert app.screen.query_one(PolicyTable).current.uuid == expected[20]
        assert "page 1 of 2" in screen_text(app)
        # Back to 24 lines: 20 a page again, still around the same policy.
        await pilot.resize_terminal(80, 24)
        await pilot.pause(0.5)
        await settle(pilot)
        assert uuids(app) == expected[:20]
        assert "page 1 of 3" in screen_text(app)


async def test_next_previous_first_last_pages(demo_server) -> None:
    expected = [p["uuid"] for p in server_policies(demo_server)]
    app = make_app(demo_server, page_size=25)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert uuids(app) == expected[25:50]
        assert "page 2 of 3" in screen_text(app)
        await pilot.press("greater_than_sign")
        await settle(pilot)
        assert uuids(app) == expected[50:]
        assert "page 3 of 3" in screen_text(app)
        await pilot.press("right_square_bracket")  # nothing past the last page
        await settle(pilot)
        assert uuids(app) == expected[50:]
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert uuids(app) == expected[25:50]
        await pilot.press("less_than_sign")
        await settle(pilot)
        assert uuids(app) == expected[:25]


async def test_next_page_is_prefetched_and_shown_without_a_request(demo_server) -> None:
    app = make_app(demo_server, page_size=20)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        asked = [r["query"] for r in policy_requests(demo_server)]
        assert any("page=2" in q for q in asked), asked
        demo_server.clear_requests()
        await pilot.press("right")
        # The cached page is on screen at once, before any worker could run.
        assert "page 2 of 3" in screen_text(app)
        await settle(pilot)
        assert not any("page=2" in r["query"] for r in policy_requests(demo_server))


async def test_moving_past_the_last_row_turns_the_page(demo_server) -> None:
    expected = [p["uuid"] for p in server_policies(demo_server)]
    app = make_app(demo_server, page_size=5)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("G", "down")
        await settle(pilot)
        table = app.screen.query_one(PolicyTable)
        assert uuids(app) == expected[5:10]
        assert table.current.uuid == expected[5]
        await pilot.press("up")
        await settle(pilot)
        assert table.current.uuid == expected[4]


async def test_cursor_stays_on_the_same_policy_across_refresh(demo_server) -> None:
    app = make_app(demo_server, page_size=20)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "j", "j")
        table = app.screen.query_one(PolicyTable)
        chosen = table.current.uuid
        await pilot.press("r")
        await settle(pilot)
        assert table.current.uuid == chosen
        assert table.cursor == 4


async def test_offering_filter_from_the_picker_and_clearing_it(demo_server) -> None:
    app = make_app(demo_server, page_size=50)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        await pilot.press(*"gpu part", "enter")
        await settle(pilot)
        asked = policy_requests(demo_server)[-1]["query"]
        expected = server_policies(demo_server)
        gpu = [p for p in expected if p["scope_name"] == "Acme GPU Partition"]
        assert gpu, "the sample data has GPU policies"
        assert uuids(app) == [p["uuid"] for p in gpu][:50]
        text = screen_text(app)
        assert "Acme GPU Partition" in text.splitlines()[0]
        assert f"{len(gpu)} policies" in text
        assert f"scope_uuid={gpu[0]['scope_uuid']}" in asked
        await pilot.press("x")
        await settle(pilot)
        assert uuids(app) == [p["uuid"] for p in expected[:50]]
        assert "60 policies" in screen_text(app)


async def test_offering_without_policies_says_what_to_do_next() -> None:
    with DemoServer(DemoSettings(policies=3, seed=7)) as server:
        app = make_app(server)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            used = {p["scope_uuid"] for p in server_policies(server)}
            unused = next(u for u in app.catalog.offerings if u not in used)
            name = app.catalog.offerings[unused].name
            # As a user does: `o`, the offering searched for, Enter.
            await pilot.press("o")
            await wait_until(pilot, lambda: "Filter by offering" in screen_text(app), what="o")
            await pilot.press(*unused)
            await wait_until(pilot, lambda: name in screen_text(app), what="the offering found")
            await pilot.press("enter")
            await wait_until(
                pilot,
                lambda: "No usage policies for this offering" in screen_text(app),
                what="the empty offering's state",
            )
            text = screen_text(app)
            assert "No usage policies for this offering" in text
            assert "Press n to create one" in text
            assert "x to show every offering" in text


async def test_a_user_without_roles_sees_an_empty_state_not_an_error(demo_server) -> None:
    app = make_app(demo_server, token=PLAIN_TOKEN)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = screen_text(app)
        assert "No usage policies" in text
        assert "0 policies" in text


async def test_owner_sees_only_their_organizations_policies(demo_server) -> None:
    expected = server_policies(demo_server, token=OWNER_TOKEN)
    app = make_app(demo_server, token=OWNER_TOKEN, page_size=100)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert uuids(app) == [p["uuid"] for p in expected]
        assert f"{len(expected)} policies" in screen_text(app)


async def test_fired_view_lists_only_fired_newest_first_with_count(demo_server) -> None:
    everything = server_policies(demo_server)
    fired = sorted(
        (p for p in everything if p["has_fired"]), key=lambda p: p["fired_datetime"], reverse=True
    )
    app = make_app(demo_server, page_size=10)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert uuids(app) == [p["uuid"] for p in fired]
        text = screen_text(app)
        assert f"{len(fired)} fired of {len(everything)}" in text
        assert "● " in text
        # Leaving the fired view goes back to the page the user was on.
        await pilot.press("f")
        await settle(pilot)
        assert uuids(app) == [p["uuid"] for p in everything[:10]]


async def test_fired_view_of_a_big_server_streams_and_stays_responsive() -> None:
    with DemoServer(DemoSettings(policies=1200, seed=3)) as server:
        fired = [p for p in server_policies(server) if p["has_fired"]]
        app = make_app(server)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await pilot.press("f")
            # Keys are handled while pages stream in.
            await pilot.press("j", "j")
            await settle(pilot)
            screen = app.screen
            assert screen.scan.done
            assert len(uuids(app)) == len(fired)
            assert f"{len(fired)} fired of 1 200" in screen_text(app).replace("\u2009", " ")
            # The end of a long fired list scrolls into view with the cursor on it.
            table = screen.query_one(PolicyTable)
            await pilot.press("G")
            await pilot.pause()
            assert table.current.uuid == table.rows[-1].uuid
            assert round(table.scroll_y) == len(table.rows) + 1 - table.size.height
            await pilot.press("g")
            await pilot.pause()
            assert table.cursor == 0 and round(table.scroll_y) == 0


async def test_quick_filter_over_loaded_rows(demo_server) -> None:
    # `/` filters every policy in the filter language (tests/tui/test_index_filter.py);
    # here the whole sample is one page, as when this filter searched the loaded rows.
    app = make_app(demo_server, page_size=60)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"gpu")
        await settle(pilot)
        rows = app.screen.query_one(PolicyTable).rows
        assert rows and all("gpu" in r.search for r in rows)
        assert len(rows) < 60
        assert f"{len(rows)} of 60 match" in screen_text(app)
        await pilot.press("enter")
        assert isinstance(app.focused, PolicyTable)
        await pilot.press("escape")
        assert len(app.screen.query_one(PolicyTable).rows) == 60


async def test_quick_filter_matches_the_creator(demo_server) -> None:
    app = make_app(demo_server, page_size=60)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"alice")
        await settle(pilot)
        rows = app.screen.query_one(PolicyTable).rows
        assert rows and all(r.policy.created_by_full_name == "Alice Owner" for r in rows)


async def test_sorting_within_the_loaded_rows(demo_server) -> None:
    app = make_app(demo_server, page_size=60)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("s")  # fired, newest first
        rows = app.screen.query_one(PolicyTable).rows
        fired = [r for r in rows if r.policy.has_fired]
        assert rows[: len(fired)] == fired
        dates = [r.policy.fired_datetime for r in fired]
        assert dates == sorted(dates, reverse=True)
        await pilot.press("s", "s")  # created, then offering
        rows = app.screen.query_one(PolicyTable).rows
        names = [r.offering.lower() for r in rows]
        assert names == sorted(names)
        assert "sort offering ▲" in screen_text(app)
        await pilot.press("S")
        names = [r.offering.lower() for r in app.screen.query_one(PolicyTable).rows]
        assert names == sorted(names, reverse=True)


async def test_a_narrow_sorted_column_shortens_its_title_not_its_arrow(demo_server) -> None:
    """At 80 columns "Component limits" fills its column: sorted by it, the header reads
    "Component lim… ▲", the arrow kept where the title would have pushed it out."""
    app = make_app(demo_server)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(PolicyTable)
        assert "Component limits Period" in screen_text(app).splitlines()[1]
        await _sort_by(pilot, table, "limits")
        header = screen_text(app).splitlines()[1]
        assert "Component lim… ▲" in header, header
        await pilot.press("S")
        assert "Component lim… ▼" in screen_text(app).splitlines()[1]


async def test_clicking_a_header_sorts_by_that_column(demo_server) -> None:
    app = make_app(demo_server, page_size=60)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(PolicyTable)
        offering_width = table._columns()[0][1]
        # The "Actions" title: after the mark cell, the offering column and a gap.
        await pilot.click(PolicyTable, offset=(offering_width + 3, 0))
        assert table.sort_column == "actions"
        labels = [r.actions.lower() for r in table.rows]
        assert labels == sorted(labels)


async def test_auto_refresh_marks_policies_whose_fired_state_changed(fresh_demo_server) -> None:
    import httpx

    from policytui.demo import DEMO_NOW, STAFF_TOKEN

    server = fresh_demo_server
    # A short watch: its own timer does the refresh, as with `--watch 1`.
    app = make_app(server, page_size=20, watch=1)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        target = next(r for r in screen.query_one(PolicyTable).rows if not r.policy.has_fired)
        limit_type = target.policy.component_limits_set[0].type
        # A limit of 1 is below any usage: the server fires the policy on save.
        response = httpx.patch(
            f"{server.url}/api/marketplace-offering-usage-policies/{target.uuid}/",
            json={"component_limits_set": [{"type": limit_type, "limit": 1}]},
            headers={"Authorization": f"Token {STAFF_TOKEN}"},
        )
        assert response.status_code == 200 and response.json()["has_fired"]
        await wait_until(
            pilot, lambda: "◆ 1 changed" in screen_text(app), what="the tick's change mark"
        )
        row = next(r for r in screen.query_one(PolicyTable).rows if r.uuid == target.uuid)
        assert row.changed and row.policy.has_fired
        text = screen_text(app)
        # The status says when the server last answered (the app's clock, fixed here).
        assert f"watch 1 s · read {DEMO_NOW:%H:%M:%S} UTC" in text
        await pilot.press("w")
        assert "watch" not in screen_text(app).splitlines()[-2]


async def test_an_edit_updates_its_row_in_place_without_reload(demo_server) -> None:
    # Deletes and creates re-read the page: tests/tui/test_counts_after_writes.py.
    app = make_app(demo_server, page_size=20)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(PolicyTable)
        first = table.rows[0].policy
        demo_server.clear_requests()
        changed = OfferingUsagePolicy.model_validate(
            {**first.model_dump(mode="json"), "period": 4, "period_name": "12 month"}
        )
        app.post_message(PolicySaved(changed, created=False))
        await settle(pilot)
        assert table.rows[0].uuid == first.uuid and table.rows[0].period == changed.period_label
        assert not policy_requests(demo_server)  # an edit moves no other policy


async def test_a_cursor_move_repaints_only_the_two_rows_involved(demo_server) -> None:
    """Over SSH every repainted line costs bytes: a move must not redraw the table."""
    app = make_app(demo_server, page_size=20)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(PolicyTable)
        painted: list[int] = []
        original = table.render_line

        def counting(y: int):
            painted.append(y)
            return original(y)

        table.render_line = counting  # type: ignore[method-assign]
        await pilot.press("j")
        await pilot.pause()
        assert sorted(set(painted)) == [1, 2]  # rows 1 and 2 on screen; the header stays
        painted.clear()
        await pilot.press("j", "j")
        await pilot.pause()
        assert sorted(set(painted)) == [2, 3, 4]


async def test_leaving_the_fired_view_stops_a_scan_stuck_on_a_slow_server(
    fresh_demo_server,
) -> None:
    import time

    from policytui.demo import Fault

    server = fresh_demo_server
    app = make_app(server, page_size=20)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        # Every policy list request now hangs for 30 s.
        server.set_faults(
            [
                Fault(
                    "timeout",
                    method="GET",
                    path="marketplace-offering-usage-policies/",
                    params={"seconds": 30},
                )
            ]
        )
        await pilot.press("f")
        await pilot.pause(0.3)
        assert "Scanning every page" in screen_text(app)
        started = time.monotonic()
        await pilot.press("f")  # back to the pages (cached: no request needed)
        await app.workers.wait_for_complete()
        assert time.monotonic() - started < 5, "the scan thread waited for the server"
        assert app.screen.mode is ListMode.PAGES
        assert len(uuids(app)) == 20
        server.clear_faults()


async def test_keys_typed_fast_after_slash_or_o_land_in_the_box(demo_server) -> None:
    """A terminal delivers "/gpu" in one read: the letters must not run list commands."""
    from textual import events

    from policytui.tui.screens.offering_picker import OfferingPicker

    app = make_app(demo_server, page_size=20)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key in ("slash", "g", "p", "u"):
            app.post_message(events.Key(key, "/" if key == "slash" else key))
        await settle(pilot)
        assert app.screen.query_one("#quick-filter").value == "gpu"
        assert isinstance(app.screen, PolicyListScreen)  # "u" did not open a duplicate
        await pilot.press("escape")
        for key in "ogpu":
            app.post_message(events.Key(key, key))
        await settle(pilot)
        assert isinstance(app.screen, OfferingPicker)
        assert app.screen.query_one("#offering-search").value == "gpu"


async def test_click_selects_and_double_click_opens(demo_server) -> None:
    from policytui.tui.screens.detail import DetailScreen

    app = make_app(demo_server, page_size=20)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(PolicyTable)
        await pilot.click(PolicyTable, offset=(5, 4))  # row 4 (line 0 is the header)
        assert table.cursor == 3
        await pilot.click(PolicyTable, offset=(5, 4), times=2)
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.policy.uuid == table.rows[3].uuid


async def test_the_page_sorts_periods_by_length_and_limits_as_numbers(demo_server) -> None:
    """On the page as over every match: Period ▲ is 1 month, 3, 12, then Total (every
    month); Component limits ▲ puts CPU 900 before CPU 10 000, not after it as text."""
    from policytui.api.models import Period

    app = make_app(demo_server, page_size=60)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(PolicyTable)
        await _sort_by(pilot, table, "period")
        order = [Period.MONTH_1, Period.MONTH_3, Period.MONTH_12, Period.TOTAL]
        periods = [r.policy.period for r in table.rows]
        assert periods == sorted(periods, key=order.index)
        assert periods[0] is not Period.TOTAL and Period.TOTAL in periods
        await _sort_by(pilot, table, "limits")
        firsts = [
            (r.policy.component_limits_set[0].type, r.policy.component_limits_set[0].limit)
            for r in table.rows
            if r.policy.component_limits_set
        ]
        for type_ in {t for t, _ in firsts}:
            limits = [limit for t, limit in firsts if t == type_]
            assert limits == sorted(limits), (type_, limits)


async def test_leaving_the_fired_view_gives_the_page_its_sort_back(demo_server) -> None:
    app = make_app(demo_server, page_size=20)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(PolicyTable)
        await _sort_by(pilot, table, "offering")
        await pilot.press("f")
        await settle(pilot)
        assert "Fired ▼" in screen_text(app)
        await pilot.press("f")
        await settle(pilot)
        assert table.sort_column == "offering" and "Offering ▲" in screen_text(app)
        names = [r.offering.lower() for r in table.rows]
        assert names == sorted(names)
