"""The editor inside the real PolicyApp: opened from the list with its keys, the list
updated in place after a save, and a 401 mid-edit taking the user through sign-in and
back to the form exactly as typed."""

from __future__ import annotations

from test_editor import ACME_HPC, banner, fill, wait_for, wait_idle

from policytui.auth.secret import Secret
from policytui.auth.session import Session
from policytui.demo import PLAIN_TOKEN, STAFF_TOKEN, Fault
from policytui.tui.app import PolicyApp
from policytui.tui.catalog import Catalog
from policytui.tui.screens.confirm import ConfirmScreen
from policytui.tui.screens.editor import PolicyEditor
from policytui.tui.screens.login import LoginScreen
from policytui.tui.screens.policy_list import PolicyListScreen
from policytui.tui.widgets.limit_rows import LimitRows

SIZE = (120, 40)


def session(url: str, token: str = STAFF_TOKEN) -> Session:
    return Session(url, Secret(token), "demo", demo=True)


async def list_ready(app: PolicyApp, pilot) -> PolicyListScreen:
    await wait_for(
        pilot,
        lambda: isinstance(app.screen, PolicyListScreen) and app.screen.paging.total is not None,
        what="the policy list",
    )
    return app.screen  # type: ignore[return-value]


async def editor_ready(app: PolicyApp, pilot) -> PolicyEditor:
    await wait_for(
        pilot,
        lambda: isinstance(app.screen, PolicyEditor) and app.screen.ready,
        what="the editor",
    )
    return app.screen  # type: ignore[return-value]


async def test_new_policy_from_the_list_survives_an_expired_session(fresh_demo_server):
    server = fresh_demo_server
    app = PolicyApp(session(server.url))
    async with app.run_test(size=SIZE) as pilot:
        listing = await list_ready(app, pilot)
        total = listing.paging.total
        await pilot.press("n")
        editor = await editor_ready(app, pilot)
        editor.query_one("#offering").value = ACME_HPC
        await pilot.pause()
        await fill(
            editor,
            pilot,
            actions=["notify_organization_owners"],
            limits=[("cpu", "4321"), ("ram", "8765")],
            groups=1,
        )
        typed = editor.read_draft()
        server.set_faults([Fault("revoke_token", times=1, method="POST")])
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, LoginScreen), what="sign-in")
        # The form waits underneath the login screen, untouched.
        assert app.screen_stack[-2] is editor
        assert editor.read_draft() == typed
        assert "Not signed in" in banner(editor)
        app.screen.dismiss(session(server.url))  # what signing in again hands back
        await wait_for(pilot, lambda: app.screen is editor, what="back to the form")
        assert editor.read_draft() == typed
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is listing, what="back to the list")
        # The list shows the new row at once, without a reload.
        assert listing.paging.total == total + 1
        created = listing.selected_policy()
        assert created is not None
        assert sorted((c.type, c.limit) for c in created.component_limits_set) == [
            ("cpu", 4321),
            ("ram", 8765),
        ]


async def test_edit_from_the_list_updates_its_row(fresh_demo_server):
    app = PolicyApp(session(fresh_demo_server.url))
    async with app.run_test(size=SIZE) as pilot:
        listing = await list_ready(app, pilot)
        policy = listing.selected_policy()
        assert policy is not None
        await pilot.press("e")
        editor = await editor_ready(app, pilot)
        rows = editor.query_one(LimitRows)
        first = rows.rows[0]
        first.limit_input.value = "31337"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is not editor, what="diff preview")
        await pilot.press("y")
        await wait_for(pilot, lambda: app.screen is listing, what="saved")
        updated = listing.selected_policy()
        assert updated is not None and updated.uuid == policy.uuid
        assert updated.component_limits_set[0].limit == 31337


async def test_a_user_with_no_offerings_gets_a_plain_empty_state(demo_server):
    app = PolicyApp(session(demo_server.url, PLAIN_TOKEN))
    async with app.run_test(size=SIZE) as pilot:
        await list_ready(app, pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, PolicyEditor))
        editor = app.screen
        await wait_for(pilot, lambda: editor.query_one("#editor-failed").display)
        text = str(editor.query_one("#editor-failed-text").render())
        assert text.startswith("You manage no offerings, so there is nothing to attach")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, PolicyListScreen))


async def test_catalog_failure_shows_an_error_and_f5_retries(fresh_demo_server):
    server = fresh_demo_server
    app = PolicyApp(session(server.url))
    async with app.run_test(size=SIZE) as pilot:
        await list_ready(app, pilot)
        app.catalog = Catalog()  # as after signing in again: offerings are read anew
        server.set_faults(
            [Fault("status", method="GET", path="provider-offerings", params={"status": 500})]
        )
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, PolicyEditor))
        editor = app.screen
        await wait_for(pilot, lambda: editor.query_one("#editor-failed").display, what="error")
        text = str(editor.query_one("#editor-failed-text").render())
        assert text.startswith("Server error 500") and "F5" in text
        server.clear_faults()
        await pilot.press("f5")
        await editor_ready(app, pilot)
        await wait_idle(pilot, editor)


async def test_ctrl_q_asks_before_dropping_a_dirty_form_and_quits_a_clean_app(demo_server):
    app = PolicyApp(session(demo_server.url))
    async with app.run_test(size=SIZE) as pilot:
        await list_ready(app, pilot)
        await pilot.press("n")
        editor = await editor_ready(app, pilot)
        await fill(editor, pilot, limits=[("cpu", "4321")])
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.is_running, "Ctrl+Q quit with unsaved changes in the form"
        assert isinstance(app.screen, ConfirmScreen)
        assert "Quit policytui?" in str(app.screen.query_one("#confirm-title").render())
        await pilot.press("k")  # keep editing
        await pilot.pause()
        assert app.screen is editor
        assert editor.query_one(LimitRows) is not None
    clean = PolicyApp(session(demo_server.url))
    async with clean.run_test(size=SIZE) as pilot:
        await list_ready(clean, pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not clean.is_running
