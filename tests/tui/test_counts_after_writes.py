"""After a write the list tells the truth: the count, the number of pages and the rows of
the page on screen, so no policy is hidden between pages (issue 11, item 5).

The writes are real (plain httpx against the demo server, as the editor sends them); the
app hears of them through the messages the editor posts after reading the policy back.
"""

from __future__ import annotations

from typing import Any

import httpx
from browse_support import make_app, screen_text, server_policies, settle

from policytui.api.models import OfferingUsagePolicy
from policytui.demo import STAFF_TOKEN
from policytui.tui.messages import PolicyDeleted, PolicySaved
from policytui.tui.widgets.policy_table import PolicyTable

POLICIES = "/api/marketplace-offering-usage-policies/"
AUTH = {"Authorization": f"Token {STAFF_TOKEN}"}


def create_on_server(server: Any) -> OfferingUsagePolicy:
    """A new policy like one made with the editor: copied from the newest one's fields."""
    template = server_policies(server)[0]
    body = {
        key: template[key]
        for key in ("scope", "actions", "organization_groups", "component_limits_set", "period")
    }
    answer = httpx.post(f"{server.url}{POLICIES}", json=body, headers=AUTH)
    assert answer.status_code == 201, answer.text
    return OfferingUsagePolicy.model_validate(answer.json())


def delete_on_server(server: Any, uuid: str) -> None:
    answer = httpx.delete(f"{server.url}{POLICIES}{uuid}/", headers=AUTH)
    assert answer.status_code == 204, answer.text


def status_line(app: Any) -> str:
    return screen_text(app).replace("\u2009", " ").splitlines()[-2]


def shown_uuids(app: Any) -> list[str]:
    return [row.uuid for row in app.screen.query_one(PolicyTable).rows]


async def test_a_create_counts_one_more_policy_and_one_more_page(fresh_demo_server) -> None:
    app = make_app(fresh_demo_server, page_size=20)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "page 1 of 3 · 60 policies" in status_line(app)
        created = create_on_server(fresh_demo_server)
        app.post_message(PolicySaved(created, created=True))
        await settle(pilot)
        assert "page 1 of 4 · 61 policies" in status_line(app)
        assert shown_uuids(app)[0] == created.uuid
        assert len(shown_uuids(app)) == 20
        await pilot.press("greater_than_sign")  # the last page is the fourth, one policy
        await settle(pilot)
        assert "page 4 of 4 · 61 policies" in status_line(app)
        expected = [p["uuid"] for p in server_policies(fresh_demo_server)][60:]
        assert shown_uuids(app) == expected


async def test_after_a_delete_no_policy_falls_between_pages(fresh_demo_server) -> None:
    app = make_app(fresh_demo_server, page_size=5)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("right_square_bracket")  # page 2 is cached now, as users meet it
        await settle(pilot)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        gone = shown_uuids(app)[1]
        delete_on_server(fresh_demo_server, gone)
        app.post_message(PolicyDeleted(gone))
        await settle(pilot)
        listed = [p["uuid"] for p in server_policies(fresh_demo_server)]
        assert shown_uuids(app) == listed[:5]  # five rows, the sixth moved up; no blank
        assert "page 1 of 12 · 59 policies" in status_line(app)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert shown_uuids(app) == listed[5:10]


async def test_a_create_seen_from_a_later_page_shifts_that_page(fresh_demo_server) -> None:
    app = make_app(fresh_demo_server, page_size=5)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        created = create_on_server(fresh_demo_server)
        app.post_message(PolicySaved(created, created=True))
        await settle(pilot)
        listed = [p["uuid"] for p in server_policies(fresh_demo_server)]
        assert shown_uuids(app) == listed[5:10]  # the policy pushed off page 1 is here
        assert "page 2 of 13 · 61 policies" in status_line(app)


async def test_deleting_the_only_policy_of_the_last_page_goes_to_the_new_last_page(
    fresh_demo_server,
) -> None:
    app = make_app(fresh_demo_server, page_size=59)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("greater_than_sign")
        await settle(pilot)
        (alone,) = shown_uuids(app)
        delete_on_server(fresh_demo_server, alone)
        app.post_message(PolicyDeleted(alone))
        await settle(pilot)
        assert "page 1 of 1 · 59 policies" in status_line(app)
        assert len(shown_uuids(app)) == 59


async def test_fired_view_counts_follow_an_edit(fresh_demo_server) -> None:
    app = make_app(fresh_demo_server, page_size=20)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        fired = [p for p in server_policies(fresh_demo_server) if p["has_fired"]]
        top = app.screen.query_one("#top")
        assert f"{len(fired)} fired of 60" in str(top.render()).replace("\u2009", " ")
        # An edit that brings one policy under its limit: the server resets it.
        target = fired[0]
        answer = httpx.patch(
            f"{fresh_demo_server.url}{POLICIES}{target['uuid']}/",
            json={
                "component_limits_set": [
                    {"type": target["component_limits_set"][0]["type"], "limit": 2**31 - 1}
                ]
            },
            headers=AUTH,
        )
        assert answer.status_code == 200 and not answer.json()["has_fired"], answer.text
        app.post_message(
            PolicySaved(OfferingUsagePolicy.model_validate(answer.json()), created=False)
        )
        await settle(pilot)
        assert target["uuid"] not in shown_uuids(app)
        assert f"{len(fired) - 1} fired of 60" in str(top.render()).replace("\u2009", " ")
