"""The editor's rough edges as a user meets them at 80x24 (issue 11, item 17): Tab into a
list ticks with the first Space, a refused save shows and focuses what to fix, and a
banner about the last ctrl+s goes once the form changes."""

from __future__ import annotations

from typing import Any

from on_screen import screen_text
from test_editor import (
    ACME_HPC,
    EditorHarness,
    banner,
    fill,
    first_policy,
    open_editor,
    wait_for,
    wait_idle,
)
from textual.widgets import Input, Select

from policytui.api import Period
from policytui.tui import editing
from policytui.tui.screens.editor import PolicyEditor
from policytui.tui.widgets.limit_rows import LimitRows
from policytui.tui.widgets.multi_select import MultiSelect, TickList

SMALL = (80, 24)
OWNERS = ["notify_organization_owners"]


def within(editor: PolicyEditor, widget: Any) -> Any:
    """The MultiSelect / LimitRows / field ``widget`` sits in, by walking up."""
    node = widget
    while node is not None and node is not editor:
        if getattr(node, "id", None):
            return node
        node = node.parent
    return None


async def test_tab_into_the_actions_list_then_space_ticks_the_first_action(demo_server):
    app = EditorHarness(demo_server.url)
    async with app.run_test(size=SMALL) as pilot:
        editor = await open_editor(app, pilot, editing.open_new_policy, ACME_HPC)
        assert app.focused is editor.query_one("#offering", Select)
        await pilot.press("tab")
        actions = editor.query_one("#actions", MultiSelect)
        assert app.focused is actions.list
        await pilot.press("space")
        await pilot.pause()
        first = actions.list.get_option_at_index(0).value
        assert actions.selected == [first]
        assert "✓" in screen_text(app)


async def test_tab_into_the_groups_list_from_its_filter_highlights_a_row(demo_server):
    app = EditorHarness(demo_server.url)
    async with app.run_test(size=SMALL) as pilot:
        editor = await open_editor(app, pilot, editing.open_new_policy, ACME_HPC)
        groups = editor.query_one("#groups", MultiSelect)
        groups.query_one(Input).focus()
        await pilot.press("tab")
        assert isinstance(app.focused, TickList) and app.focused is groups.list
        await pilot.press("space")
        await pilot.pause()
        assert len(groups.selected) == 1


async def test_a_refused_save_focuses_and_shows_the_first_field_in_error(demo_server):
    app = EditorHarness(demo_server.url)
    async with app.run_test(size=SMALL) as pilot:
        editor = await open_editor(app, pilot, editing.open_new_policy, ACME_HPC)
        # Everything right but the groups, which sit below the first screen at 80x24.
        await fill(editor, pilot, actions=OWNERS, limits=[("cpu", "100")])
        await pilot.press("ctrl+s")
        await wait_for(
            pilot,
            lambda: "Choose at least one organization group" in screen_text(app),
            what="the groups' message on screen",
        )
        assert within(editor, app.focused) is editor.query_one("#groups", MultiSelect)
        assert "Not saved: 1 field needs attention" in screen_text(app)


async def test_a_refused_save_scrolls_to_the_limit_in_error(demo_server):
    app = EditorHarness(demo_server.url)
    async with app.run_test(size=SMALL) as pilot:
        editor = await open_editor(app, pilot, editing.open_new_policy, ACME_HPC)
        await fill(editor, pilot, actions=OWNERS, limits=[("cpu", "100")], groups=1)
        groups = editor.query_one("#groups", MultiSelect)
        groups.list.focus()  # the user is at the bottom of the form...
        await pilot.pause()
        row = editor.query_one(LimitRows).rows[0]
        row.limit_input.value = "12.5"  # ...after a bad limit higher up
        editor.query_one("#editor-form").scroll_end(animate=False)
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_for(
            pilot,
            lambda: "12.5 is not a whole number" in screen_text(app),
            what="the limit's message on screen",
        )
        assert app.focused is row.limit_input


async def test_not_saved_banner_goes_once_the_form_changes(demo_server):
    app = EditorHarness(demo_server.url)
    async with app.run_test(size=SMALL) as pilot:
        editor = await open_editor(app, pilot, editing.open_new_policy, ACME_HPC)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert banner(editor).startswith("Not saved")
        editor.query_one("#period", Select).value = Period.MONTH_3
        await wait_for(pilot, lambda: banner(editor) == "", what="the banner to go")


async def test_not_saved_banner_goes_when_a_limit_is_typed(demo_server):
    app = EditorHarness(demo_server.url)
    async with app.run_test(size=SMALL) as pilot:
        editor = await open_editor(app, pilot, editing.open_new_policy, ACME_HPC)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert banner(editor).startswith("Not saved")
        editor.query_one(LimitRows).rows[0].limit_input.focus()
        await pilot.press("7")
        await wait_for(pilot, lambda: banner(editor) == "", what="the banner to go")


async def test_nothing_to_save_goes_once_the_form_changes(demo_server):
    app = EditorHarness(demo_server.url)
    async with app.run_test(size=SMALL) as pilot:
        policy = await first_policy(app.client, scope_uuid=ACME_HPC)
        editor = await open_editor(app, pilot, editing.open_edit_policy, policy)
        await pilot.press("ctrl+s")
        await wait_idle(pilot, editor)
        assert "Nothing to save" in banner(editor)
        editor.query_one("#actions", MultiSelect).list.focus()
        await pilot.press("space")
        await wait_for(pilot, lambda: banner(editor) == "", what="the banner to go")
