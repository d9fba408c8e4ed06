"""Snapshots of the policy editor at 80x24 and wide, against the seeded demo server.

Everything on screen comes from fixed sample data (seed 1) and the form's own text;
the server's port never reaches the screen, and cursors are frozen so frames match.
"""

from __future__ import annotations

from typing import Any

import pytest
from test_editor import (
    ACME_HPC,
    EditorHarness,
    fill,
    first_policy,
    open_editor,
    wait_for,
)
from textual.widgets import Input, TextArea

from policytui.api import Period, PolicyPatch
from policytui.tui import editing
from policytui.tui.screens.save_review import ConflictScreen, DiffReviewScreen

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((140, 48), id="wide")]


def freeze(app: Any) -> None:
    """No blinking cursors: a frame must not depend on when it was taken."""
    for widget in app.screen.query(Input):
        widget.cursor_blink = False
    for widget in app.screen.query(TextArea):
        widget.cursor_blink = False


@pytest.mark.parametrize("size", SIZES)
def test_empty_form(snap_compare, demo_server, size):
    app = EditorHarness(demo_server.url)

    async def run_before(pilot):
        await open_editor(app, pilot, editing.open_new_policy)
        freeze(app)
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_filled_form(snap_compare, demo_server, size):
    app = EditorHarness(demo_server.url)

    async def run_before(pilot):
        editor = await open_editor(app, pilot, editing.open_new_policy, ACME_HPC)
        await fill(
            editor,
            pilot,
            actions=["notify_organization_owners", "block_creation_of_new_resources"],
            limits=[("cpu", "90000"), ("ram", "120000")],
            groups=2,
            period=Period.MONTH_3,
        )
        freeze(app)
        editor.query_one("#limits").rows[1].limit_input.focus()
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_form_with_field_errors(snap_compare, demo_server, size):
    app = EditorHarness(demo_server.url)

    async def run_before(pilot):
        editor = await open_editor(app, pilot, editing.open_new_policy, ACME_HPC)
        await fill(
            editor,
            pilot,
            actions=["notify_external_user"],
            limits=[("cpu", "-5"), ("ram", "")],
        )
        editor.query_one("#emails", Input).value = "ops@example.org, not-an-address"
        freeze(app)
        await pilot.press("ctrl+s")
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_diff_preview(snap_compare, demo_server, size):
    app = EditorHarness(demo_server.url)

    async def run_before(pilot):
        policy = await first_policy(app.client, scope_uuid=ACME_HPC)
        editor = await open_editor(app, pilot, editing.open_edit_policy, policy)
        type_ = policy.component_limits_set[0].type
        await fill(editor, pilot, limits=[(type_, "123456")], period=Period.MONTH_12)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, DiffReviewScreen))
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_conflict_view(snap_compare, fresh_demo_server, size):
    app = EditorHarness(fresh_demo_server.url)

    async def run_before(pilot):
        policy = await first_policy(app.client, scope_uuid=ACME_HPC)
        editor = await open_editor(app, pilot, editing.open_edit_policy, policy)
        type_ = policy.component_limits_set[0].type
        await fill(editor, pilot, limits=[(type_, "123456")])
        theirs = Period.TOTAL if policy.period is not Period.TOTAL else Period.MONTH_12
        await app.client.policies.patch(policy.uuid, PolicyPatch(period=theirs))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, DiffReviewScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, ConflictScreen))
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)
