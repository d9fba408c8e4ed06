"""A save or a delete made here while a walk reads every page behind the view (the fired
view's walk behind the index's answer, the index's refresh) is not undone when that walk
lands: a page it read before the write holds the policy as it was, and its answer swapped
in brought a deleted policy back and a save's change undone. Against the demo server over
loopback HTTP, with one page of the walk held by the server so the write falls mid-walk.
Also: a delete in the filter's view over the index once read the wrong rows and crashed
(the matches' positions moved under it).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from browse_support import (
    filter_every_policy,
    make_app,
    screen_text,
    server_policies,
    settle,
    wait_until,
)

from policytui.api.parsing import parse_policy
from policytui.demo import STAFF_TOKEN, DemoServer, DemoSettings, Fault
from policytui.tui.messages import PolicyDeleted, PolicySaved
from policytui.tui.widgets.policy_table import PolicyTable

POLICIES = "/api/marketplace-offering-usage-policies/"
AUTH = {"Authorization": f"Token {STAFF_TOKEN}"}
#: Three pages of the walk (300 a page): the third is held while the first two are read.
SIZE = 700


@pytest.fixture
def server() -> Iterator[DemoServer]:
    with DemoServer(DemoSettings(policies=SIZE, seed=11)) as demo:
        yield demo


def hold_the_third_page(server: DemoServer) -> None:
    """The walk's second page comes a second late, so the first two reach the app as
    batches before the third does, which is held until the test lets it go
    (:func:`let_the_third_page_go`, after the writes; held for a fixed 10 s it was
    answered before the writes on a busy machine), a retry of it too (the client gives
    up on a page after 15 s and asks again): the writes fall between pages the app
    holds already and pages still to come."""
    server.clear_requests()
    server.set_faults(
        [
            Fault(
                "timeout",
                times=times,
                method="GET",
                # The policies' pages only: the usage of the rows on screen is read
                # meanwhile in pages of 300 too, and once took the second page's delay.
                path=POLICIES,
                query=f"page={page}&page_size=300",
                params={"seconds": seconds},
            )
            for page, seconds, times in ((2, 1, 1), (3, 300, None))
        ]
    )


def let_the_third_page_go(server: DemoServer) -> None:
    server.clear_faults()
    server.release_held()


def third_page_held(server: DemoServer) -> bool:
    walk = [r for r in server.requests() if r["path"] == POLICIES and "page_size=300" in r["query"]]
    return any("page=3&" in r["query"] and r.get("status") is None for r in walk)


def deleted_on_server(server: DemoServer, uuid: str) -> None:
    answer = httpx.delete(f"{server.url}{POLICIES}{uuid}/", headers=AUTH)
    assert answer.status_code == 204, answer.text


def patched_on_server(server: DemoServer, uuid: str, **body: Any) -> Any:
    answer = httpx.patch(f"{server.url}{POLICIES}{uuid}/", json=body, headers=AUTH)
    assert answer.status_code == 200, answer.text
    read_back = httpx.get(f"{server.url}{POLICIES}{uuid}/", headers=AUTH)
    return parse_policy(read_back.json())


def shown(app) -> list[str]:
    table = app.screen.query_one(PolicyTable)
    rows = table.all_rows
    return rows.uuids() if hasattr(rows, "uuids") else [row.uuid for row in rows]


def period_of(app, uuid: str) -> str:
    table = app.screen.query_one(PolicyTable)
    return next(row.period for row in table.all_rows if row.uuid == uuid)


async def test_a_delete_and_a_save_during_the_walk_behind_the_fired_view_stay(server) -> None:
    listed = server_policies(server)
    first_pages = listed[:600]  # read by the walk before the writes
    fired = [p for p in first_pages if p["has_fired"] and p["period"] != 4]
    assert len(fired) >= 2
    gone, changed = fired[0], fired[1]
    every_fired = {p["uuid"] for p in listed if p["has_fired"]}
    app = make_app(server, page_size=5)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"acme")
        await wait_until(pilot, lambda: app.screen.index.complete, what="every policy read")
        await pilot.press("escape")
        await settle(pilot)
        hold_the_third_page(server)
        await pilot.press("f")  # the index's answer at once, a walk behind it
        await wait_until(pilot, lambda: set(shown(app)) == every_fired, what="the answer")
        scan = app.screen.scan
        await wait_until(pilot, lambda: scan.pages_read >= 2, what="two pages in the app")
        assert third_page_held(server) and not scan.done
        deleted_on_server(server, gone["uuid"])
        app.post_message(PolicyDeleted(gone["uuid"]))
        saved = patched_on_server(server, changed["uuid"], period=4)
        app.post_message(PolicySaved(saved, created=False))
        await wait_until(pilot, lambda: gone["uuid"] not in shown(app), what="the delete")
        assert not scan.done
        let_the_third_page_go(server)
        await wait_until(pilot, lambda: app.screen.scan.done, timeout=60, what="the walk")
        await settle(pilot)
        assert gone["uuid"] not in shown(app), "the walk brought a deleted policy back"
        assert set(shown(app)) == every_fired - {gone["uuid"]}
        assert "12" in period_of(app, changed["uuid"]), "the walk undid the save"
        assert f"{len(every_fired) - 1} fired of {SIZE - 1}" in screen_text(app)


async def test_a_delete_and_a_save_during_the_index_refresh_stay(server) -> None:
    listed = server_policies(server)
    first_pages = listed[:600]
    matching = [p for p in first_pages if p["period"] != 4]
    gone, changed = matching[0], matching[1]
    app = make_app(server, page_size=5)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await filter_every_policy(pilot, "-zzzz")  # every policy matches
        index = app.screen.index
        assert index.position_of(gone["uuid"]) is not None
        hold_the_third_page(server)
        await pilot.press("r")
        await wait_until(pilot, lambda: index.gathered >= 600, what="two pages in the app")
        assert third_page_held(server) and index.filling
        deleted_on_server(server, gone["uuid"])
        app.post_message(PolicyDeleted(gone["uuid"]))
        saved = patched_on_server(server, changed["uuid"], period=4)
        app.post_message(PolicySaved(saved, created=False))
        await pilot.pause()  # (not settle(): that waits for the walk, page 3 held)
        assert index.filling
        let_the_third_page_go(server)
        await wait_until(pilot, lambda: not index.filling, timeout=60, what="the refresh")
        await settle(pilot)
        assert index.position_of(gone["uuid"]) is None, "the refresh brought a deleted one back"
        # The delete moved page 3's first policy onto page 2, read before it: the walk
        # missed it (offset pages) and, short of the server's count, read every page
        # again, so the index holds exactly what the server has.
        on_server = {p["uuid"] for p in server_policies(server)}
        assert sorted(f.uuid for f in index.facts) == sorted(on_server)
        at = index.position_of(changed["uuid"])
        assert "12" in index.row_at(at).period, "the refresh undid the save"


async def test_a_delete_and_a_save_in_the_filter_view_follow_in_its_matches(
    fresh_demo_server,
) -> None:
    """Every policy matches; the last one in the index is deleted, another saved: the
    app stays up, the matches lose the deleted one and show the save."""
    server = fresh_demo_server
    listed = server_policies(server)
    gone, changed = listed[-1], next(p for p in listed if p["period"] != 4)
    app = make_app(server, page_size=5)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        await filter_every_policy(pilot, "-zzzz")
        assert f"{len(listed)} of {len(listed)} match" in screen_text(app)
        table = app.screen.query_one(PolicyTable)
        assert table.move_to_uuid(gone["uuid"])  # the cursor on it, at the very end
        deleted_on_server(server, gone["uuid"])
        app.post_message(PolicyDeleted(gone["uuid"]))
        saved = patched_on_server(server, changed["uuid"], period=4)
        app.post_message(PolicySaved(saved, created=False))
        await settle(pilot)
        assert app.is_running
        assert gone["uuid"] not in shown(app)
        assert len(shown(app)) == len(listed) - 1
        assert f"{len(listed) - 1} of {len(listed) - 1} match" in screen_text(app)
        assert "12" in period_of(app, changed["uuid"])
        assert table.current is not None and table.current.uuid == listed[-2]["uuid"]


async def test_a_save_that_leaves_the_filter_says_why_it_is_not_shown(fresh_demo_server) -> None:
    """Saved so that it matches the filter no more: the row goes, and a note says why
    (it seemed lost, with only "Saved policy" to go by)."""
    server = fresh_demo_server
    total = [p for p in server_policies(server) if p["period"] == 1]
    assert total
    app = make_app(server, page_size=5)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await settle(pilot)
        await filter_every_policy(pilot, "period:total")
        assert f"{len(total)} of" in screen_text(app)
        saved = patched_on_server(server, total[0]["uuid"], period=4)
        app.post_message(PolicySaved(saved, created=False))
        await settle(pilot)
        assert total[0]["uuid"] not in shown(app)
        assert "Not shown: it does not match 'period:total'" in screen_text(app)


async def test_a_save_under_a_usage_filter_is_not_said_to_leave_it(fresh_demo_server) -> None:
    """Under `usage:` the saved policy's figure is read again before it can match: no
    "Not shown" for a policy that stays (it came back a moment later)."""
    app = make_app(fresh_demo_server, page_size=5)
    async with app.run_test(size=(140, 30), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("h")
        await wait_until(pilot, lambda: "match" in screen_text(app), what="the near view")
        await settle(pilot)
        table = app.screen.query_one(PolicyTable)
        current = table.current
        assert current is not None
        app.post_message(PolicySaved(current.policy, created=False))
        await settle(pilot)
        assert "Not shown" not in screen_text(app)
        assert current.uuid in shown(app)
