"""Saving from the editor against the demo server: create, edit, duplicate, delete, and
every failure keeping the form as typed (default and 2024 "quirks" behaviour)."""

from __future__ import annotations

import asyncio

import httpx
from on_screen import notifications_shown
from test_editor import (
    ACME_HPC,
    NORDIC_VMS,
    SIZE,
    EditorHarness,
    Underneath,
    banner,
    field_error,
    fill,
    first_policy,
    open_editor,
    row_errors,
    sent_writes,
    wait_for,
    wait_idle,
)

from policytui.api import Period, WaldurClient
from policytui.demo import OWNER_TOKEN, STAFF_TOKEN, Fault
from policytui.tui import editing
from policytui.tui.screens.confirm import ConfirmScreen
from policytui.tui.screens.save_review import ConflictScreen, DiffReviewScreen
from policytui.tui.widgets.limit_rows import LimitRows

OWNERS = ["notify_organization_owners"]


async def count_for(client: WaldurClient, offering: str) -> int:
    return await client.policies.count(scope_uuid=offering)


async def test_create_with_two_limits_on_the_current_server(fresh_demo_server):
    server = fresh_demo_server
    app = EditorHarness(server.url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        before = await count_for(app.client, ACME_HPC)
        editor = await open_editor(app, pilot, editing.open_new_policy, ACME_HPC)
        await fill(
            editor,
            pilot,
            actions=OWNERS,
            limits=[("cpu", "90 000"), ("ram", "120000")],
            groups=2,
            period=Period.MONTH_3,
        )
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, Underneath), what="saved")
        assert [m.created for m in app.saved] == [True]
        stored = await app.client.policies.get(app.saved[0].policy.uuid)
        assert sorted((c.type, c.limit) for c in stored.component_limits_set) == [
            ("cpu", 90000),
            ("ram", 120000),
        ]
        assert stored.period is Period.MONTH_3 and stored.actions == OWNERS
        assert len(stored.organization_groups) == 2
        assert await count_for(app.client, ACME_HPC) == before + 1
        assert len(await sent_writes(server, "POST")) == 1
        assert any("Created policy on Acme HPC Cluster" in m for m in notifications_shown(app))


async def test_quirks_server_keeping_one_limit_is_reported_and_fixable(quirks_demo_server):
    server = quirks_demo_server
    app = EditorHarness(server.url)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor(app, pilot, editing.open_new_policy, ACME_HPC)
        # The 2024 server has neither "apply to all" nor options.
        assert not editor.query("#apply-to-all") and not editor.query("#options")
        await fill(
            editor, pilot, actions=OWNERS, limits=[("cpu", "90000"), ("ram", "120000")], groups=1
        )
        await pilot.press("ctrl+s")
        await wait_idle(pilot, editor)
        assert app.screen is editor  # stays open: what was stored is not what was sent
        text = banner(editor)
        assert "Created, but the server stored something else" in text
        assert (
            "Component limits: sent CPU 90\u2009000 core-hours, RAM 120\u2009000 GB-hours" in text
        )
        assert "stored RAM 120\u2009000 GB-hours" in text
        assert "This server keeps one component limit per policy" in text
        # The list already knows about the new policy; the form is now that policy.
        assert [m.created for m in app.saved] == [True]
        assert editor.mode == "edit" and editor.policy is not None
        assert editor.query_one(LimitRows).values() == [("cpu", "90000"), ("ram", "120000")]
        assert editor.dirty


async def test_quirks_server_needs_groups(quirks_demo_server):
    app = EditorHarness(quirks_demo_server.url)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor(app, pilot, editing.open_new_policy, ACME_HPC)
        await fill(editor, pilot, actions=OWNERS, limits=[("cpu", "1")])
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert field_error(editor, "organization_groups") == (
            "This server needs at least one organization group."
        )
        assert await sent_writes(quirks_demo_server, "POST") == []


async def test_edit_previews_old_to_new_and_patches_only_what_changed(fresh_demo_server):
    server = fresh_demo_server
    app = EditorHarness(server.url)
    async with app.run_test(size=SIZE) as pilot:
        policy = await first_policy(app.client, scope_uuid=ACME_HPC)
        sent = []
        real_patch = app.client.policies.patch

        async def spy(uuid, patch, **kw):
            sent.append(patch.body())
            return await real_patch(uuid, patch, **kw)

        app.client.policies.patch = spy  # type: ignore[method-assign]
        editor = await open_editor(app, pilot, editing.open_edit_policy, policy)
        new_period = Period.TOTAL if policy.period is not Period.TOTAL else Period.MONTH_12
        await fill(editor, pilot, period=new_period)
        server.clear_requests()
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, DiffReviewScreen), what="diff")
        review = app.screen
        assert [(c.label, c.old, c.new) for c in review._changes] == [
            ("Period", policy.period.label, new_period.label)
        ]
        # "n" goes back to the form: nothing is sent.
        await pilot.press("n")
        await wait_for(pilot, lambda: app.screen is editor)
        assert await sent_writes(server, "PATCH") == []
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, DiffReviewScreen), what="diff")
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, Underneath), what="saved")
        assert sent == [{"period": int(new_period)}]
        stored = await app.client.policies.get(policy.uuid)
        assert stored.period is new_period
        assert stored.component_limits_set == policy.component_limits_set
        assert [m.created for m in app.saved] == [False]


async def test_nothing_changed_sends_nothing(demo_server):
    app = EditorHarness(demo_server.url)
    async with app.run_test(size=SIZE) as pilot:
        policy = await first_policy(app.client, scope_uuid=ACME_HPC)
        editor = await open_editor(app, pilot, editing.open_edit_policy, policy)
        await pilot.press("ctrl+s")
        await wait_idle(pilot, editor)
        assert "Nothing to save" in banner(editor)


async def test_conflict_shows_both_versions_then_reload_or_overwrite(fresh_demo_server):
    app = EditorHarness(fresh_demo_server.url)
    async with app.run_test(size=SIZE) as pilot:
        policy = await first_policy(app.client, scope_uuid=ACME_HPC)
        editor = await open_editor(app, pilot, editing.open_edit_policy, policy)
        type_ = policy.component_limits_set[0].type
        await fill(editor, pilot, limits=[(type_, "777")])
        # Someone else changes the period meanwhile.
        from policytui.api import PolicyPatch

        theirs = Period.TOTAL if policy.period is not Period.TOTAL else Period.MONTH_12
        await app.client.policies.patch(policy.uuid, PolicyPatch(period=theirs))

        async def to_conflict() -> ConflictScreen:
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: isinstance(app.screen, DiffReviewScreen))
            await pilot.press("y")
            await wait_for(pilot, lambda: isinstance(app.screen, ConflictScreen), what="conflict")
            return app.screen  # type: ignore[return-value]

        conflict = await to_conflict()
        assert [(c.label, c.new) for c in conflict._theirs] == [("Period", theirs.label)]
        assert [c.label for c in conflict._yours] == ["Component limits"]
        await pilot.press("b")
        await wait_for(pilot, lambda: app.screen is editor)
        assert editor.query_one(LimitRows).values() == [(type_, "777")]
        # Overwrite: my limit goes on top of their period.
        await to_conflict()
        await pilot.press("o")
        await wait_for(pilot, lambda: isinstance(app.screen, Underneath), what="saved")
        stored = await app.client.policies.get(policy.uuid)
        assert stored.period is theirs
        assert [(c.type, c.limit) for c in stored.component_limits_set] == [(type_, 777)]


async def test_conflict_reload_loads_theirs(fresh_demo_server):
    app = EditorHarness(fresh_demo_server.url)
    async with app.run_test(size=SIZE) as pilot:
        policy = await first_policy(app.client, scope_uuid=ACME_HPC)
        editor = await open_editor(app, pilot, editing.open_edit_policy, policy)
        await fill(editor, pilot, limits=[(policy.component_limits_set[0].type, "778")])
        from policytui.api import PolicyPatch

        theirs = Period.TOTAL if policy.period is not Period.TOTAL else Period.MONTH_12
        await app.client.policies.patch(policy.uuid, PolicyPatch(period=theirs))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, DiffReviewScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, ConflictScreen))
        await pilot.press("r")
        await wait_for(pilot, lambda: "Reloaded" in banner(editor), what="reload")
        assert editor.read_draft().period is theirs
        assert editor.query_one(LimitRows).values()[0][1] != "778"
        assert not editor.dirty


async def test_post_that_timed_out_before_the_server_applied_it_is_saved_once(
    fresh_demo_server,
):
    server = fresh_demo_server
    app = EditorHarness(server.url, timeout=0.6)
    async with app.run_test(size=SIZE) as pilot:
        before = await count_for(app.client, ACME_HPC)
        editor = await open_editor(app, pilot, editing.open_new_policy, ACME_HPC)
        await fill(editor, pilot, actions=OWNERS, limits=[("cpu", "31337")], groups=1)
        server.set_faults(
            [Fault("timeout", times=1, method="POST", path="usage-policies", params={"seconds": 1})]
        )
        await pilot.press("ctrl+s")
        await wait_idle(pilot, editor)
        assert "did not answer in time" in banner(editor)
        assert "never makes a duplicate" in banner(editor)
        assert editor.query_one(LimitRows).values() == [("cpu", "31337")]
        await asyncio.sleep(0.6)  # the slow server is done with the request
        server.clear_requests()
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, Underneath), what="saved")
        # Looked first (GET), then sent: one policy, never two.
        log = [(r["method"], r["status"]) for r in server.requests() if "usage-pol" in r["path"]]
        assert log[0] == ("GET", 200) and log.count(("POST", 201)) == 1
        assert await count_for(app.client, ACME_HPC) == before + 1


class AnswerLostTransport(httpx.AsyncBaseTransport):
    """The server applies the first write but its answer never arrives (a proxy timeout):
    the demo server cannot lose an answer after committing, so this wraps real HTTP."""

    def __init__(self, method: str = "POST") -> None:
        self._real = httpx.AsyncHTTPTransport()
        self.method = method
        self.lost = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._real.handle_async_request(request)
        if request.method == self.method and not self.lost:
            self.lost += 1
            await response.aread()
            raise httpx.ReadTimeout("answer lost", request=request)
        return response

    async def aclose(self) -> None:
        await self._real.aclose()


async def test_post_applied_but_answer_lost_is_found_not_resent(fresh_demo_server):
    server = fresh_demo_server
    app = EditorHarness(server.url)
    transport = AnswerLostTransport()
    await app.client.aclose()
    app.client = WaldurClient(server.url, STAFF_TOKEN, transport=transport, max_retries=1)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        before = await count_for(app.client, ACME_HPC)
        editor = await open_editor(app, pilot, editing.open_new_policy, ACME_HPC)
        await fill(editor, pilot, actions=OWNERS, limits=[("ram", "4242")], groups=1)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, Underneath), what="found")
        assert transport.lost == 1
        assert len(await sent_writes(server, "POST")) == 1
        assert await count_for(app.client, ACME_HPC) == before + 1
        assert [m.created for m in app.saved] == [True]
        assert any("but it was saved" in m for m in notifications_shown(app))


async def test_server_error_keeps_the_form_and_retry_saves_once(fresh_demo_server):
    server = fresh_demo_server
    app = EditorHarness(server.url)
    async with app.run_test(size=SIZE) as pilot:
        before = await count_for(app.client, ACME_HPC)
        editor = await open_editor(app, pilot, editing.open_new_policy, ACME_HPC)
        await fill(editor, pilot, actions=OWNERS, limits=[("cpu", "5000"), ("ram", "7")], groups=1)
        typed = editor.read_draft()
        server.set_faults([Fault("status", times=1, method="POST", params={"status": 500})])
        await pilot.press("ctrl+s")
        await wait_idle(pilot, editor)
        assert "Not saved: Server error 500" in banner(editor)
        assert editor.read_draft() == typed
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, Underneath), what="saved")
        assert await count_for(app.client, ACME_HPC) == before + 1


async def test_expired_session_asks_to_sign_in_and_keeps_the_form(fresh_demo_server):
    server = fresh_demo_server
    app = EditorHarness(server.url)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor(app, pilot, editing.open_new_policy, ACME_HPC)
        await fill(editor, pilot, actions=OWNERS, limits=[("ram", "64")], groups=1)
        typed = editor.read_draft()
        server.set_faults([Fault("revoke_token", times=1, method="POST")])
        await pilot.press("ctrl+s")
        await wait_idle(pilot, editor)
        assert app.sign_in_requests == 1
        assert "Not saved: Not signed in" in banner(editor)
        assert editor.read_draft() == typed
        app.sign_in_again(STAFF_TOKEN)  # what the login screen hands back
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, Underneath), what="saved")
        assert [m.created for m in app.saved] == [True]


async def test_user_without_rights_gets_a_plain_message(fresh_demo_server):
    server = fresh_demo_server
    app = EditorHarness(server.url, token=OWNER_TOKEN)
    async with app.run_test(size=SIZE) as pilot:
        # The catalog lists an offering this owner may not configure (as a service
        # manager's would): the server answers 400 on scope.
        async with WaldurClient(server.url, STAFF_TOKEN) as staff:
            await app.catalog.load(staff)
        editor = await open_editor(app, pilot, editing.open_new_policy, NORDIC_VMS)
        await fill(editor, pilot, actions=OWNERS, limits=[("ram", "64")], groups=1)
        await pilot.press("ctrl+s")
        await wait_idle(pilot, editor)
        assert banner(editor).startswith(
            "You may not configure policies for Nordic Cloud VMs: only staff and owners"
        )
        assert field_error(editor, "scope") == "Not allowed for your account."


async def test_server_field_and_row_errors_land_beside_them(fresh_demo_server):
    app = EditorHarness(fresh_demo_server.url)
    async with app.run_test(size=SIZE) as pilot:
        # A catalog gone stale: an action and a component the server no longer has.
        await app.catalog.load(app.client)
        app.catalog.actions.append("retired_action")
        from policytui.api import OfferingComponent

        app.catalog.offerings[ACME_HPC].components.append(
            OfferingComponent(type="fpga", name="FPGA", measured_unit="hours")
        )
        editor = await open_editor(app, pilot, editing.open_new_policy, ACME_HPC)
        await fill(editor, pilot, actions=["retired_action"], limits=[("cpu", "1")], groups=1)
        await pilot.press("ctrl+s")
        await wait_idle(pilot, editor)
        assert "The server rejected the policy; your form is kept." in banner(editor)
        assert "unavailable actions" in field_error(editor, "actions")
        await fill(editor, pilot, actions=OWNERS, limits=[("cpu", "1"), ("fpga", "2")])
        await pilot.press("ctrl+s")
        await wait_idle(pilot, editor)
        assert row_errors(editor) == [
            "",
            'Offering "Acme HPC Cluster" has no component of type "fpga".',
        ]
        assert app.screen is editor


async def test_save_that_fires_at_once_says_so(fresh_demo_server):
    app = EditorHarness(fresh_demo_server.url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        editor = await open_editor(app, pilot, editing.open_new_policy, ACME_HPC)
        await fill(editor, pilot, actions=OWNERS, limits=[("cpu", "0")], groups=1)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, Underneath), what="saved")
        assert app.saved[0].policy.has_fired
        assert any("It fired at once" in m for m in notifications_shown(app))


async def test_duplicate_prefills_and_creates_a_new_policy(fresh_demo_server):
    app = EditorHarness(fresh_demo_server.url)
    async with app.run_test(size=SIZE) as pilot:
        source = await first_policy(app.client, scope_uuid=ACME_HPC)
        editor = await open_editor(app, pilot, editing.open_duplicate_policy, source)
        assert "Duplicate policy · Acme HPC Cluster" in str(
            editor.query_one("#editor-title").render()
        )
        assert editor.query_one(LimitRows).values() == [
            (c.type, str(c.limit)) for c in source.component_limits_set
        ]
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, Underneath), what="saved")
        copy = app.saved[0].policy
        assert copy.uuid != source.uuid and app.saved[0].created
        assert sorted(copy.actions) == sorted(source.actions)
        assert copy.period == source.period


async def test_delete_names_offering_and_limits_then_updates_the_list(fresh_demo_server):
    app = EditorHarness(fresh_demo_server.url)
    async with app.run_test(size=SIZE) as pilot:
        await app.catalog.load(app.client)
        policy = await first_policy(app.client, scope_uuid=ACME_HPC)
        editing.confirm_delete_policy(app, policy, client=app.client, catalog=app.catalog)
        await wait_for(pilot, lambda: bool(app.screen.query("#confirm-body")))
        body = str(app.screen.query_one("#confirm-body").render())
        assert body.startswith("Acme HPC Cluster: ")
        component = app.catalog.component(ACME_HPC, policy.component_limits_set[0].type)
        assert component is not None and component.label in body
        await pilot.press("n")  # keep it
        await wait_for(pilot, lambda: isinstance(app.screen, Underneath))
        assert app.deleted == []
        editing.confirm_delete_policy(app, policy, client=app.client, catalog=app.catalog)
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: app.deleted == [policy.uuid], what="deleted")
        from policytui.api.errors import NotFound

        try:
            await app.client.policies.get(policy.uuid)
        except NotFound:
            pass
        else:
            raise AssertionError("the policy is still on the server")


async def test_patch_applied_but_answer_lost_is_not_sent_twice(fresh_demo_server):
    server = fresh_demo_server
    app = EditorHarness(server.url)
    transport = AnswerLostTransport("PATCH")
    await app.client.aclose()
    app.client = WaldurClient(server.url, STAFF_TOKEN, transport=transport, max_retries=1)
    async with app.run_test(size=SIZE) as pilot:
        policy = await first_policy(app.client, scope_uuid=ACME_HPC)
        editor = await open_editor(app, pilot, editing.open_edit_policy, policy)
        type_ = policy.component_limits_set[0].type
        await fill(editor, pilot, limits=[(type_, "5555")])
        for _attempt in range(2):
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: isinstance(app.screen, DiffReviewScreen))
            await pilot.press("y")
            await wait_for(pilot, lambda: app.screen is not editor or not editor.saving)
            await wait_idle(pilot, editor)
            if app.screen is not editor:
                break
            assert "may or may not have been applied" in banner(editor)
            assert editor.query_one(LimitRows).values() == [(type_, "5555")]
        assert isinstance(app.screen, Underneath) and transport.lost == 1
        # The retry re-read the policy, saw the change already made, and sent nothing.
        assert len(await sent_writes(server, "PATCH")) == 1
        stored = await app.client.policies.get(policy.uuid)
        assert [(c.type, c.limit) for c in stored.component_limits_set] == [(type_, 5555)]


async def test_edit_duplicate_delete_on_the_2024_server(quirks_demo_server):
    app = EditorHarness(quirks_demo_server.url)
    async with app.run_test(size=SIZE) as pilot:
        policy = await first_policy(app.client, scope_uuid=ACME_HPC)
        assert policy.apply_to_all is None and policy.options is None  # 2024 shapes
        editor = await open_editor(app, pilot, editing.open_edit_policy, policy)
        assert not editor.query("#options") and not editor.query("#apply-to-all")
        type_ = policy.component_limits_set[0].type
        await fill(editor, pilot, limits=[(type_, "2024")])
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, DiffReviewScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, Underneath), what="saved")
        edited = await app.client.policies.get(policy.uuid)
        assert [(c.type, c.limit) for c in edited.component_limits_set] == [(type_, 2024)]

        await open_editor(app, pilot, editing.open_duplicate_policy, edited)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, Underneath), what="duplicated")
        copy = app.saved[-1].policy
        assert app.saved[-1].created and copy.uuid != policy.uuid
        assert [(c.type, c.limit) for c in copy.component_limits_set] == [(type_, 2024)]

        for target in (copy, edited):
            editing.confirm_delete_policy(app, target, client=app.client, catalog=app.catalog)
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            await pilot.press("y")
            await wait_for(pilot, lambda t=target: t.uuid in app.deleted, what="deleted")
        assert app.deleted == [copy.uuid, policy.uuid]


async def test_raising_the_limit_of_a_fired_policy_says_it_no_longer_fires(fresh_demo_server):
    app = EditorHarness(fresh_demo_server.url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        editor = await open_editor(app, pilot, editing.open_new_policy, ACME_HPC)
        await fill(editor, pilot, actions=OWNERS, limits=[("cpu", "0")], groups=1)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, Underneath), what="saved")
        fired = app.saved[0].policy
        assert fired.has_fired
        editor = await open_editor(app, pilot, editing.open_edit_policy, fired)
        await fill(editor, pilot, limits=[("cpu", "2000000000")])
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, DiffReviewScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, Underneath), what="saved")
        assert not app.saved[-1].policy.has_fired
        assert any("It no longer fires" in m for m in notifications_shown(app))
