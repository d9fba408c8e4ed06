"""The detail view, the raw JSON view and copying, against the demo server."""

from __future__ import annotations

import json

import httpx
from browse_support import make_app, screen_text, server_policies, settle
from on_screen import notifications_shown

from policytui.demo import STAFF_TOKEN
from policytui.tui.screens.detail import DetailScreen
from policytui.tui.screens.policy_list import PolicyListScreen
from policytui.tui.screens.raw import RawScreen
from policytui.tui.widgets.policy_detail import PolicyDetail
from policytui.tui.widgets.policy_table import PolicyTable


def notifications(app) -> list[str]:
    return notifications_shown(app)


def _pick(policies: list[dict], **wanted) -> int:
    return next(i for i, p in enumerate(policies) if all(p.get(k) == v for k, v in wanted.items()))


async def test_enter_opens_every_detail_at_80_columns(demo_server) -> None:
    policies = server_policies(demo_server)
    index = _pick(policies, has_fired=True, created_by_username="staff")
    policy = policies[index]
    app = make_app(demo_server, page_size=60)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.query_one(PolicyTable).cursor = index
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        # A taller terminal so the text dump holds every line (80 columns wide still).
        await pilot.resize_terminal(80, 80)
        await settle(pilot)
        text = screen_text(app)
        assert policy["scope_name"] in text
        assert policy["uuid"] in text
        assert policy["scope_uuid"] in text
        assert "● FIRED" in text
        assert "(2026-" in text and "UTC)" in text  # exact time beside the relative one
        assert "by Sam Staff" in text
        for action in policy["actions"].split(","):
            assert action in text
        assert "E-mail the owners" in text or "Refuse new orders" in text
        assert "Component" in text and "Unit" in text and "Limit" in text
        # Component limits by name, type and unit from the offering's components.
        first = policy["component_limits_set"][0]
        assert first["type"] in text
        assert "Affected resources" in text
        assert str(demo_server.port) not in text
        await pilot.press("escape")
        assert isinstance(app.screen, PolicyListScreen)
        assert app.screen.query_one(PolicyTable).current.uuid == policy["uuid"]


async def test_groups_are_named_with_their_parent(demo_server) -> None:
    app = make_app(demo_server, page_size=60)
    async with app.run_test(size=(160, 60)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(PolicyTable)
        index = next(
            i
            for i, r in enumerate(table.rows)
            if any(
                app.catalog.group(u) and app.catalog.group(u).parent
                for u in r.policy.organization_groups
            )
        )
        table.cursor = index
        await pilot.press("enter")
        await settle(pilot)
        text = screen_text(app)
        assert "›" in text.split("Organization groups", 1)[1]


async def test_wide_terminal_shows_the_detail_beside_the_list(demo_server) -> None:
    app = make_app(demo_server, page_size=20)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PolicyListScreen)
        pane = app.screen.query_one("#pane", PolicyDetail)
        table = app.screen.query_one(PolicyTable)
        assert pane.display and pane.policy.uuid == table.current.uuid
        await pilot.press("j")
        await settle(pilot)
        assert pane.policy.uuid == table.rows[1].uuid
        # The uuid folds over two lines in a 52-column pane: never cut with an ellipsis.
        assert table.rows[1].uuid[:24] in screen_text(app)
        await pilot.press("escape")
        assert not pane.display


async def test_raw_view_shows_the_json_as_the_server_sent_it(demo_server) -> None:
    first = server_policies(demo_server)[0]
    app = make_app(demo_server, page_size=20)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, RawScreen)
        assert json.loads(app.screen.text) == first
        text = screen_text(app)
        assert '"scope_uuid"' in text and first["uuid"] in text
        assert STAFF_TOKEN not in text
        await pilot.press("escape")
        assert isinstance(app.screen, PolicyListScreen)


async def test_copy_uuid_and_url_over_osc52_with_a_notification(demo_server) -> None:
    first = server_policies(demo_server)[0]
    app = make_app(demo_server, page_size=20)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("c")
        assert app.clipboard == first["uuid"]
        assert any(first["uuid"] in m for m in notifications(app))
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("C")
        assert app.clipboard == first["url"]
        assert any("Copied policy URL" in m for m in notifications(app))
        assert not any(STAFF_TOKEN in m for m in notifications(app))


async def test_a_toast_leaves_no_stray_character_at_the_right_edge(demo_server) -> None:
    """The toast reaches the edge: the status line beneath ("… C copy URL") once showed
    its last letter through a one-cell gap at the right of the toast."""
    from textual.widgets._toast import Toast

    app = make_app(demo_server, page_size=20)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        toast = app.screen.query_one(Toast)
        lines = screen_text(app).splitlines()
        rows = range(toast.region.y, toast.region.bottom)
        assert any("Copied policy uuid" in lines[y] for y in rows)
        for y in rows:
            beside = lines[y][toast.region.right :]
            assert not beside.strip(), f"{beside!r} shows beside the toast: {lines[y]!r}"
        assert toast.region.right == 80


async def test_detail_of_a_policy_deleted_meanwhile_says_so(fresh_demo_server) -> None:
    server = fresh_demo_server
    first = server_policies(server)[0]
    app = make_app(server, page_size=20)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        response = httpx.delete(
            f"{server.url}/api/marketplace-offering-usage-policies/{first['uuid']}/",
            headers={"Authorization": f"Token {STAFF_TOKEN}"},
        )
        assert response.status_code == 204
        await pilot.press("r")
        await settle(pilot)
        assert "This policy no longer exists" in screen_text(app)
        await pilot.press("e")  # nothing to edit: a warning, not a crash
        assert any("No policy selected" in m for m in notifications(app))


async def test_the_first_screen_at_80x24_says_what_the_policy_is(demo_server) -> None:
    """Limits by component name and unit, period, fired, groups and actions without
    scrolling; uuids and URLs come after them."""
    policies = server_policies(demo_server)[:60]
    # The policy with the most to show: several limits, groups and actions.
    index = max(
        range(len(policies)),
        key=lambda i: (
            len(policies[i]["component_limits_set"]),
            len(policies[i]["organization_groups"]) + len(policies[i]["actions"].split(",")),
        ),
    )
    policy = policies[index]
    assert len(policy["component_limits_set"]) >= 2
    app = make_app(demo_server, page_size=60)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.query_one(PolicyTable).cursor = index
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        first_screen = screen_text(app).replace("\u2009", " ")
        for limit in policy["component_limits_set"]:
            component = app.catalog.component(policy["scope_uuid"], limit["type"])
            assert component is not None
            line = next((row for row in first_screen.splitlines() if component.label in row), "")
            assert component.label in line, f"{component.label} is not on the first screen"
            assert f"{limit['limit']:,}".replace(",", " ") in line
            assert component.measured_unit in line
        assert "Period" in first_screen and "Fired" in first_screen
        assert "Organization groups" in first_screen and "Actions" in first_screen
        assert "Policy uuid" not in first_screen
        # The identifiers are further down (after the usage breakdown), whole.
        await pilot.resize_terminal(80, 200)
        await settle(pilot)
        everything = screen_text(app)
        assert everything.index("Policy uuid") > everything.index("Actions")
        assert policy["uuid"] in everything
