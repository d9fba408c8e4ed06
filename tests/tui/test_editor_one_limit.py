"""A server that keeps one component limit per policy (Waldur 2024, the demo server with
quirks): the editor says before saving what the server will do with the limits, offers
the one way to change the limits of a policy holding several (create it anew, then
delete the old one), and never offers "retry" for the 500 such a change gets."""

from __future__ import annotations

from typing import Any

import on_screen
from browse_support import make_app, settle
from on_screen import notifications_shown
from test_editor import (
    EditorHarness,
    Underneath,
    banner,
    fill,
    open_editor,
    sent_writes,
    wait_for,
    wait_idle,
)
from textual.widgets import Static

from policytui.api import OfferingUsagePolicy, WaldurClient
from policytui.api.errors import ConnectionFailed, NotFound
from policytui.demo import Fault
from policytui.tui import editing
from policytui.tui.policy_draft import limit_words
from policytui.tui.screens.detail import DetailScreen
from policytui.tui.screens.editor import PolicyEditor
from policytui.tui.screens.policy_list import PolicyListScreen
from policytui.tui.screens.save_review import DiffReviewScreen, ReplaceReviewScreen
from policytui.tui.widgets.policy_table import PolicyTable

SIZE = (100, 50)


def screen_text(app: Any) -> str:
    """The screen's words on one line (a sentence may wrap anywhere)."""
    return " ".join(on_screen.screen_text(app).split())


def limits_note(editor: PolicyEditor) -> str:
    note = editor.query_one("#limits-note", Static)
    return " ".join(str(note.render()).split()) if note.display else ""


async def policies_by_limits(client: WaldurClient, several: bool) -> OfferingUsagePolicy:
    page = await client.policies.list(page_size=300)
    return next(
        p
        for p in page.items
        if (len(p.component_limits_set) > 1) == several and p.organization_groups
    )


def writes(server: Any) -> list[tuple[str, str]]:
    return [
        (r["method"], r["path"])
        for r in server.requests()
        if r["method"] in ("POST", "PUT", "PATCH", "DELETE")
    ]


async def test_limits_of_a_multi_limit_policy_are_changed_by_replacing_it(quirks_demo_server):
    server = quirks_demo_server
    app = EditorHarness(server.url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        old = await policies_by_limits(app.client, several=True)
        editor = await open_editor(app, pilot, editing.open_edit_policy, old)
        # Said before saving, beside the limits.
        assert "cannot change the limits of a policy that holds several limits" in (
            limits_note(editor)
        )
        first = old.component_limits_set[0]
        await fill(editor, pilot, limits=[(first.type, str(first.limit + 1))])
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ReplaceReviewScreen), what="offer")
        text = screen_text(app)
        assert "Replace this policy?" in text
        assert "create a new policy" in text and "then delete this one" in text
        assert "Lost with the old policy" in text
        assert "its fired state" in text and "its created time" in text
        assert "its creator" in text
        assert f"its uuid {old.uuid[:8]}" in text
        assert "Create new, delete old [r]" in text and "Back to form [n]" in text  # fits
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, Underneath), what="replaced")
        # Never the PATCH that cannot work: a POST, then the DELETE of the old one.
        sent = writes(server)
        assert [m for m, _ in sent] == ["POST", "DELETE"], sent
        assert sent[1][1].endswith(f"/{old.uuid}/")
        new = app.saved[-1].policy
        assert app.saved[-1].created and new.uuid != old.uuid
        assert [(c.type, c.limit) for c in new.component_limits_set] == [
            (first.type, first.limit + 1)
        ]
        assert app.deleted == [old.uuid]
        try:
            await app.client.policies.get(old.uuid)
        except NotFound:
            pass
        else:
            raise AssertionError("the old policy is still there")
        # The new one was read back before the old one was deleted.
        log = [(r["method"], r["path"]) for r in server.requests()]
        read_back = log.index(("GET", f"/api/marketplace-offering-usage-policies/{new.uuid}/"))
        assert read_back < log.index(sent[1])
        assert any(
            f"Replaced: the new policy {new.uuid[:8]} holds" in m
            and "the old policy was deleted" in m
            for m in notifications_shown(app)
        )


async def test_going_back_from_the_offer_sends_nothing(quirks_demo_server):
    server = quirks_demo_server
    app = EditorHarness(server.url)
    async with app.run_test(size=SIZE) as pilot:
        old = await policies_by_limits(app.client, several=True)
        editor = await open_editor(app, pilot, editing.open_edit_policy, old)
        first = old.component_limits_set[0]
        await fill(editor, pilot, limits=[(first.type, "7")])
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ReplaceReviewScreen), what="offer")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is editor, what="back to the form")
        assert writes(server) == []
        assert editor.query_one("#limits").values() == [(first.type, "7")]


async def test_a_failed_create_deletes_nothing(quirks_demo_server):
    server = quirks_demo_server
    app = EditorHarness(server.url)
    async with app.run_test(size=SIZE) as pilot:
        old = await policies_by_limits(app.client, several=True)
        editor = await open_editor(app, pilot, editing.open_edit_policy, old)
        first = old.component_limits_set[0]
        await fill(editor, pilot, limits=[(first.type, "7")])
        server.set_faults([Fault("status", method="POST", params={"status": 503})])
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ReplaceReviewScreen), what="offer")
        await pilot.press("r")
        await wait_for(pilot, lambda: app.screen is editor, what="back to the form")
        await wait_idle(pilot, editor)
        assert "Not replaced" in banner(editor) and "old one is untouched" in banner(editor)
        assert [m for m, _ in writes(server)] == ["POST"]
        assert (await app.client.policies.get(old.uuid)).component_limits_set == (
            old.component_limits_set
        )
        assert app.deleted == []


async def test_a_500_to_changing_several_limits_is_never_offered_as_retry(fresh_demo_server):
    """A server not recognised as a one-limit server (current shape) that answers 500 to
    a change of the limits of a policy holding several: no "retry", the replacement."""
    server = fresh_demo_server
    app = EditorHarness(server.url)
    async with app.run_test(size=SIZE) as pilot:
        old = await policies_by_limits(app.client, several=True)
        editor = await open_editor(app, pilot, editing.open_edit_policy, old)
        assert limits_note(editor) == ""  # nothing known against it yet
        first = old.component_limits_set[0]
        await fill(editor, pilot, limits=[(first.type, "7")])
        server.set_faults([Fault("status", method="PATCH", params={"status": 500})])
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, DiffReviewScreen), what="review")
        await pilot.press("y")
        await wait_for(pilot, lambda: app.screen is editor, what="back to the form")
        await wait_idle(pilot, editor)
        text = banner(editor)
        assert text.startswith("Not saved: Server error 500")
        assert "retry" not in text
        assert "create the policy anew" in text
        assert "cannot change the limits" in limits_note(editor)
        server.set_faults([])
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ReplaceReviewScreen), what="offer")
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, Underneath), what="replaced")
        assert app.deleted == [old.uuid]
        assert len(await sent_writes(server, "PATCH")) == 1


async def test_review_says_which_limit_a_one_limit_server_keeps(quirks_demo_server):
    server = quirks_demo_server
    app = EditorHarness(server.url)
    async with app.run_test(size=SIZE) as pilot:
        policy = await policies_by_limits(app.client, several=False)
        editor = await open_editor(app, pilot, editing.open_edit_policy, policy)
        offering = app.catalog.offering(policy.scope_uuid)
        assert offering is not None and len(offering.components) >= 2
        one, two = offering.components[0], offering.components[1]
        await fill(editor, pilot, limits=[(one.type, "5"), (two.type, "7")])
        # Before saving, beside the limits...
        assert f"stores only the last ({two.label})" in limits_note(editor)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, DiffReviewScreen), what="review")
        text = screen_text(app)
        # ...and in the review: "After save" is what the server will keep.
        assert f"{two.label} 7" in text and "(the only one kept)" in text
        assert f"stores only the last, {two.label} 7" in text
        assert f"{one.label} 5" in text and "will not be stored" in text
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen is editor, what="back to the form")
        assert writes(server) == []


async def test_a_new_policy_that_cannot_be_read_back_keeps_the_old_one(quirks_demo_server):
    """Created, but the read-back fails (the connection drops): nothing is deleted."""
    server = quirks_demo_server
    app = EditorHarness(server.url)
    async with app.run_test(size=SIZE) as pilot:
        old = await policies_by_limits(app.client, several=True)
        editor = await open_editor(app, pilot, editing.open_edit_policy, old)
        first = old.component_limits_set[0]
        await fill(editor, pilot, limits=[(first.type, "7")])
        real_get = app.client.policies.get

        async def get_old_only(uuid: str) -> OfferingUsagePolicy:
            if uuid != old.uuid:  # the new policy's read-back: the connection drops
                raise ConnectionFailed("Connection dropped while reading the policy.")
            return await real_get(uuid)

        app.client.policies.get = get_old_only  # type: ignore[method-assign]
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ReplaceReviewScreen), what="offer")
        await pilot.press("r")
        await wait_for(pilot, lambda: app.screen is editor, what="back to the form")
        await wait_idle(pilot, editor)
        text = banner(editor)
        assert "could not read it back" in text and "was NOT deleted" in text
        assert [m for m, _ in writes(server)] == ["POST"]
        assert app.deleted == []
        assert (await real_get(old.uuid)).uuid == old.uuid


def widget_text(app: Any, selector: str) -> str:
    return " ".join(str(app.screen.query_one(selector, Static).render()).split())


async def replace_with_two_limits(app: Any, pilot: Any) -> tuple[OfferingUsagePolicy, Any, Any]:
    """Open a policy holding several limits and ask to save two limits: the replacement."""
    old = await policies_by_limits(app.client, several=True)
    editor = await open_editor(app, pilot, editing.open_edit_policy, old)
    offering = app.catalog.offering(old.scope_uuid)
    assert offering is not None and len(offering.components) >= 2
    one, two = offering.components[0], offering.components[1]
    await fill(editor, pilot, limits=[(one.type, "5"), (two.type, "7")])
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: isinstance(app.screen, ReplaceReviewScreen), what="offer")
    return old, one, two


async def test_the_replace_offer_says_the_new_policy_holds_one_limit_and_the_old_uuid(
    quirks_demo_server,
):
    app = EditorHarness(quirks_demo_server.url)
    async with app.run_test(size=SIZE) as pilot:
        old, one, two = await replace_with_two_limits(app, pilot)
        lost = widget_text(app, "#replace-losses")
        dropped = limit_words(one.type, 5, app.catalog, old.scope_uuid)
        kept = limit_words(two.type, 7, app.catalog, old.scope_uuid)
        assert (
            f"{dropped} will not be stored: this server keeps one limit per policy; "
            f"the new policy holds {kept} only"
        ) in lost
        # The whole old uuid: what links and scripts hold.
        assert f"its uuid {old.uuid}" in lost and "new uuid" in lost
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, PolicyEditor), what="the form")
        assert writes(quirks_demo_server) == []


async def test_an_announced_one_limit_keep_is_not_offered_as_save_again(quirks_demo_server):
    server = quirks_demo_server
    app = EditorHarness(server.url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        old, _one, two = await replace_with_two_limits(app, pilot)
        await pilot.press("r")
        # The loss was announced: the editor leaves and says what was stored.
        await wait_for(pilot, lambda: isinstance(app.screen, Underneath), what="replaced")
        new = app.saved[-1].policy
        assert [(c.type, c.limit) for c in new.component_limits_set] == [(two.type, 7)]
        messages = notifications_shown(app)
        assert any(
            f"Replaced: the new policy {new.uuid[:8]} holds "
            f"{limit_words(two.type, 7, app.catalog, old.scope_uuid)}; "
            "the old policy was deleted." in m
            for m in messages
        ), messages
        assert not any("ctrl+s" in m or "something else" in m for m in messages), messages
        assert [m for m, _ in writes(server)] == ["POST", "DELETE"]
        assert app.deleted == [old.uuid]


async def test_after_a_replacement_from_the_detail_the_deleted_policy_is_not_shown(
    quirks_demo_server,
):
    """Detail (80 columns) → e → replace: back from the editor lands on the list, which
    holds the new policy, never on the detail of the deleted one."""
    server = quirks_demo_server
    app = make_app(server, page_size=100)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.client is not None
        old = await policies_by_limits(app.client, several=True)
        table = app.screen.query_one(PolicyTable)
        index = next(i for i, row in enumerate(table.all_rows) if row.uuid == old.uuid)
        table.cursor = index
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen), what="detail")
        await pilot.press("e")
        await wait_for(
            pilot,
            lambda: isinstance(app.screen, PolicyEditor) and app.screen.ready,
            what="the editor form",
        )
        editor = app.screen
        first = old.component_limits_set[0]
        await fill(editor, pilot, limits=[(first.type, str(first.limit + 1))])
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ReplaceReviewScreen), what="offer")
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, PolicyListScreen), what="the list")
        await settle(pilot)
        uuids = [row.uuid for row in app.screen.query_one(PolicyTable).all_rows]
        assert old.uuid not in uuids
        new = [p for p in (await app.client.policies.list(page_size=100)).items if p.uuid in uuids]
        assert any(
            [(c.type, c.limit) for c in p.component_limits_set] == [(first.type, first.limit + 1)]
            and p.scope_uuid == old.scope_uuid
            for p in new
        )
