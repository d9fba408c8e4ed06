"""The policy editor against the real demo server over loopback HTTP (pilot tests).

A small harness app stands in for the browse engineer's PolicyApp: it holds the
session, client and catalog the editor expects, and records PolicySaved/PolicyDeleted
and sign-in requests so the tests can see what a user's list would see.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from on_screen import notifications_shown
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Input, Select, Static, TextArea

from policytui.api import OfferingUsagePolicy, Period, WaldurClient
from policytui.auth.secret import Secret
from policytui.auth.session import Session
from policytui.demo import DEMO_NOW, STAFF_TOKEN
from policytui.tui import editing
from policytui.tui.catalog import Catalog
from policytui.tui.messages import PolicyDeleted, PolicySaved, SignInRequired
from policytui.tui.screens.confirm import ConfirmScreen
from policytui.tui.screens.editor import PolicyEditor
from policytui.tui.widgets.limit_rows import LimitRows
from policytui.tui.widgets.multi_select import MultiSelect

ACME_HPC = "f2f7197ac8c95301bba4cceb22b7d108"
NORDIC_VMS = "63dc5f4af13e58f5b06ff688a799a088"
SIZE = (100, 50)


class Underneath(Screen):
    """Stands for the list screen the editor is opened from."""

    def compose(self) -> ComposeResult:
        yield Static("policy list")


class EditorHarness(App):
    """Holds what PolicyApp holds for the editor: session, client, catalog."""

    def __init__(self, url: str, token: str = STAFF_TOKEN, *, timeout: float = 10.0) -> None:
        super().__init__()
        self.session = Session(url, Secret(token), "demo", demo=True)
        self.client: WaldurClient = self.session.client(timeout=timeout, max_retries=1)
        self.catalog = Catalog()
        self.saved: list[PolicySaved] = []
        self.deleted: list[str] = []
        self.sign_in_requests = 0

    def on_mount(self) -> None:
        self.push_screen(Underneath())

    def now(self) -> datetime:
        """PolicyApp's clock, fixed: the editor's usage preview ends with its month."""
        return DEMO_NOW

    async def on_unmount(self) -> None:
        await self.client.aclose()

    async def action_quit(self) -> None:
        editing.quit_or_ask(self)  # as PolicyApp does: ask first when a form is unsaved

    def on_sign_in_required(self, message: SignInRequired) -> None:
        self.sign_in_requests += 1

    def sign_in_again(self, token: str) -> None:
        """What PolicyApp does after the login screen: a new session and client."""
        self.session = Session(self.session.url, Secret(token), "demo", demo=True)
        self.client = self.session.client(max_retries=1)

    def on_policy_saved(self, message: PolicySaved) -> None:
        self.saved.append(message)

    def on_policy_deleted(self, message: PolicyDeleted) -> None:
        self.deleted.append(message.uuid)


# -- helpers --------------------------------------------------------------------------


async def wait_for(pilot: Any, condition: Any, timeout: float = 8.0, what: str = "") -> None:
    """Let the app run until `condition()` holds (network answers come from a real server)."""
    steps = int(timeout / 0.02)
    for _ in range(steps):
        if condition():
            await pilot.pause()  # let messages posted just before (e.g. toasts) land
            return
        await pilot.pause(0.02)
    raise AssertionError(f"timed out waiting for {what or condition}")


async def open_editor(app: EditorHarness, pilot: Any, opener: Any, *args: Any) -> PolicyEditor:
    opener(app, *args)
    await wait_for(
        pilot,
        lambda: (
            isinstance(app.screen, PolicyEditor) and app.screen.ready and app.screen.usage_settled
        ),
        what="the editor form and its usage preview",
    )
    screen = app.screen
    assert isinstance(screen, PolicyEditor)
    return screen


async def wait_idle(pilot: Any, editor: PolicyEditor) -> None:
    await pilot.pause(0.05)
    await wait_for(pilot, lambda: not editor.saving, what="the save to finish")
    await pilot.pause(0.05)


def banner(editor: PolicyEditor) -> str:
    widget = editor.query_one("#editor-banner", Static)
    return str(widget.render()) if widget.display else ""


def field_error(editor: PolicyEditor, name: str) -> str:
    widget = editor.query_one(f"#error-{name}", Static)
    return str(widget.render()) if widget.display else ""


def row_errors(editor: PolicyEditor) -> list[str]:
    out = []
    for row in editor.query_one(LimitRows).rows:
        error = row.query_one(".limit-error", Static)
        out.append(str(error.render()) if error.display else "")
    return out


async def fill(
    editor: PolicyEditor,
    pilot: Any,
    *,
    actions: list[str] | None = None,
    limits: list[tuple[str, str]] | None = None,
    groups: int | None = None,
    period: Period | None = None,
) -> None:
    """Fill the form through its widgets, as a user's picks would."""
    if actions is not None:
        editor.query_one("#actions", MultiSelect).set_selected(actions)
        editor.query_one("#actions", MultiSelect).post_message(
            MultiSelect.Changed(editor.query_one("#actions", MultiSelect), actions)
        )
    if limits is not None:
        rows = editor.query_one(LimitRows)
        await rows.set_limits(limits)
    if groups is not None:
        multi = editor.query_one("#groups", MultiSelect)
        multi.list.select_all() if groups < 0 else None
        options = [multi.list.get_option_at_index(i).value for i in range(groups)]
        multi.set_selected(options)
        multi.post_message(MultiSelect.Changed(multi, options))
    if period is not None:
        editor.query_one("#period", Select).value = period
    await pilot.pause()


async def sent_writes(server: Any, method: str) -> list[dict[str, Any]]:
    return [
        r
        for r in server.requests()
        if r["method"] == method and "marketplace-offering-usage-policies" in r["path"]
    ]


async def first_policy(client: WaldurClient, **filters: Any) -> OfferingUsagePolicy:
    page = await client.policies.list(page_size=50, **filters)
    return page.items[0]


# -- the form ---------------------------------------------------------------------------


async def test_empty_form_marks_every_missing_field_and_sends_nothing(fresh_demo_server):
    server = fresh_demo_server
    app = EditorHarness(server.url)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor(app, pilot, editing.open_new_policy)
        server.clear_requests()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "4 fields need attention" in banner(editor)
        assert field_error(editor, "scope") == "Choose the offering this policy belongs to."
        assert field_error(editor, "actions") == "Choose at least one action."
        assert "at least one organization group" in field_error(editor, "organization_groups")
        assert row_errors(editor) == ["Add at least one component limit."]
        # The first marked field gets the focus, so the user lands where to fix it.
        assert app.focused is editor.query_one("#offering")
        assert await sent_writes(server, "POST") == []


async def test_limit_must_be_a_whole_number_in_range(demo_server):
    app = EditorHarness(demo_server.url)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor(app, pilot, editing.open_new_policy, ACME_HPC)
        posts_before = len(await sent_writes(demo_server, "POST"))
        await fill(
            editor,
            pilot,
            actions=["notify_organization_owners"],
            groups=1,
            limits=[("cpu", "-5"), ("ram", "2147483648"), ("storage", "")],
        )
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert row_errors(editor) == [
            "A limit cannot be negative (a negative limit fires at once).",
            "A limit can be at most 2 147 483 647.",
            "Enter a limit (a whole number, 0 or more).",
        ]
        # What is typed stays as typed, and the row says at once why it is no limit.
        row = editor.query_one(LimitRows).rows[0]
        row.limit_input.focus()
        row.limit_input.value = ""
        await pilot.press("1", "2", ".", "5")
        assert row.limit_input.value == "12.5"
        assert row_errors(editor)[0] == (
            "12.5 is not a whole number: a limit is a whole number from 0 to 2 147 483 647."
        )
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert row.limit_input.value == "12.5", "a refused save loses nothing"
        assert "Not saved" in banner(editor)
        row.limit_input.value = ""
        await pilot.press("1", "x")
        assert row.limit_input.value == "1x"
        assert row_errors(editor)[0].startswith("1x is not a whole number")
        # Fixing a row clears its message straight away.
        await pilot.press("backspace")
        assert row_errors(editor)[0] == ""
        assert len(await sent_writes(demo_server, "POST")) == posts_before


async def test_rows_are_added_and_removed_from_the_keyboard(demo_server):
    app = EditorHarness(demo_server.url)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        editor = await open_editor(app, pilot, editing.open_new_policy, ACME_HPC)
        rows = editor.query_one(LimitRows)
        rows.rows[0].component_select.value = "cpu"
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert len(rows.rows) == 2
        second = rows.rows[1]
        assert app.focused is second.component_select
        # The picker offers the offering's components minus the ones already used.
        offered = [value for _, value in second.component_select._options if value != Select.NULL]
        assert offered == ["ram", "storage"]
        second.component_select.value = "ram"
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.pause()
        rows.rows[2].component_select.value = "storage"
        await pilot.pause()
        # Every component has a row: a fourth would be a duplicate.
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert len(rows.rows) == 3
        assert any("already has a row" in m for m in notifications_shown(app))
        # ctrl+r removes the row holding the focus.
        rows.rows[1].limit_input.focus()
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert [r.type for r in rows.rows] == ["cpu", "storage"]
        await pilot.press("ctrl+r")
        await pilot.press("ctrl+r")
        await pilot.pause()
        # The last row is cleared, never removed: a policy needs one limit.
        assert len(rows.rows) == 1
        assert rows.values() == [(None, "")]


async def test_changing_the_offering_rechecks_the_rows(demo_server):
    app = EditorHarness(demo_server.url)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor(app, pilot, editing.open_new_policy, ACME_HPC)
        await fill(editor, pilot, limits=[("cpu", "100"), ("ram", "200")])
        editor.query_one("#offering", Select).value = NORDIC_VMS
        await pilot.pause()
        await pilot.pause()
        rows = editor.query_one(LimitRows)
        # Nordic Cloud VMs has ram but no cpu (it calls its cores "cores").
        assert [r.type for r in rows.rows] == [None, "ram"]
        assert row_errors(editor) == ["'cpu' is not a component of this offering.", ""]
        assert rows.rows[1].query_one(".limit-unit", Static).render().plain == "GB-hours"
        assert "Nordic Cloud VMs" in str(editor.query_one("#editor-title", Static).render())


async def test_external_notification_asks_for_valid_addresses(demo_server):
    app = EditorHarness(demo_server.url)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor(app, pilot, editing.open_new_policy, ACME_HPC)
        emails = editor.query_one("#emails-field")
        assert not emails.display
        await fill(editor, pilot, actions=["notify_external_user"], groups=1, limits=[("cpu", "5")])
        assert emails.display
        editor.query_one("#emails", Input).value = "ops@example.org, not-an-address"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert field_error(editor, "emails") == "Not a valid e-mail address: 'not-an-address'."


async def test_options_must_be_a_json_object(demo_server):
    app = EditorHarness(demo_server.url)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor(app, pilot, editing.open_new_policy, ACME_HPC)
        await fill(editor, pilot, actions=["notify_organization_owners"], groups=1)
        await fill(editor, pilot, limits=[("cpu", "5")])
        editor.query_one("#options", TextArea).text = '["a list"]'
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert field_error(editor, "options") == "Options must be a JSON object {…}, not a list."
        editor.query_one("#options", TextArea).text = '{"a": '
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert field_error(editor, "options").startswith("Not valid JSON: Expecting value")


async def test_apply_to_all_greys_out_the_groups_and_is_saved_without_them(fresh_demo_server):
    app = EditorHarness(fresh_demo_server.url)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor(app, pilot, editing.open_new_policy, ACME_HPC)
        groups = editor.query_one("#groups", MultiSelect)
        assert not groups.disabled
        editor.query_one("#apply-to-all").value = True
        await pilot.pause()
        assert groups.disabled
        await fill(editor, pilot, actions=["notify_organization_owners"], limits=[("cpu", "9999")])
        await pilot.press("ctrl+s")
        # With "apply to all" no group is needed: the policy is created without any.
        await wait_for(pilot, lambda: isinstance(app.screen, Underneath), what="saved")
        stored = await app.client.policies.get(app.saved[0].policy.uuid)
        assert stored.apply_to_all is True
        assert stored.organization_groups == []


async def test_group_filter_keeps_ticks(demo_server):
    app = EditorHarness(demo_server.url)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor(app, pilot, editing.open_new_policy, ACME_HPC)
        groups = editor.query_one("#groups", MultiSelect)
        groups.query_one(Input).focus()
        await pilot.press(*"nordics")
        await pilot.pause()
        # Matches by name and by parent name: Nordics, and Finland/Sweden under it.
        shown = [groups.list.get_option_at_index(i).value for i in range(groups.list.option_count)]
        names = sorted(app.catalog.groups[url].name for url in shown)
        assert names == ["Finland", "Nordics", "Sweden"]
        await pilot.press("enter", "space")
        await pilot.pause()
        assert len(groups.selected) == 1
        ticked = groups.selected
        groups.query_one(Input).value = ""
        await pilot.pause()
        assert groups.selected == ticked
        assert groups.list.option_count == len(app.catalog.groups)


async def test_unsaved_changes_are_not_thrown_away_without_asking(demo_server):
    app = EditorHarness(demo_server.url)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor(app, pilot, editing.open_new_policy, ACME_HPC)
        # Nothing typed yet: Esc simply leaves.
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, Underneath))
        editor = await open_editor(app, pilot, editing.open_new_policy, ACME_HPC)
        await fill(editor, pilot, limits=[("cpu", "42")])
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("k")
        await wait_for(pilot, lambda: app.screen is editor)
        assert editor.query_one(LimitRows).values() == [("cpu", "42")]
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, Underneath))
        assert app.saved == []


async def test_q_on_a_picker_asks_before_quitting_a_half_filled_form(demo_server):
    app = EditorHarness(demo_server.url)
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor(app, pilot, editing.open_new_policy, ACME_HPC)
        await fill(editor, pilot, limits=[("cpu", "42")])
        editor.query_one("#offering").focus()
        await pilot.press("q")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("k")
        await wait_for(pilot, lambda: app.screen is editor)
        assert app.is_running
        # In a text box q is just a letter.
        editor.query_one("#emails", Input).display = True
        editor.query_one("#emails", Input).focus()
        await pilot.press("q")
        assert editor.query_one("#emails", Input).value == "q"
        assert app.screen is editor
        editor.query_one("#offering").focus()
        await pilot.press("q")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("q")
        await wait_for(pilot, lambda: not app.is_running, what="the app to quit")


async def test_names_with_brackets_are_shown_as_written(demo_server):
    """Offering names and server messages are text, never Textual markup."""
    app = EditorHarness(demo_server.url)
    async with app.run_test(size=SIZE) as pilot:
        await app.catalog.load(app.client)
        app.catalog.offerings[ACME_HPC].name = "HPC [gpu/] [/]"
        editor = await open_editor(app, pilot, editing.open_new_policy, ACME_HPC)
        assert "New policy · HPC [gpu/] [/]" in str(editor.query_one("#editor-title").render())
        editor._banner("Server said: [/] [b]", "error")
        await pilot.pause()
        assert banner(editor) == "Server said: [/] [b]"
