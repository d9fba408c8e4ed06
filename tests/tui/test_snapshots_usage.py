"""Snapshots of headroom on screen (issue 14): the detail's usage at 80x24 (the full
screen) and wide (the list's side pane), the list's Usage column under NO_COLOR, and the
editor's preview. Fixed clock, fixed sample data and the demo's fixed "today" (conftest).

Regenerate with ``pytest tests/tui/test_snapshots_usage.py --snapshot-update`` and look at
the SVGs before committing them.
"""

from __future__ import annotations

import pytest
from browse_support import make_app, settle
from test_editor import EditorHarness, fill, open_editor, wait_for
from test_snapshots_editor import freeze
from test_usage_detail import (
    FIRED_NOW_UNDER,
    NEAR,
    OVER_AND_FIRED,
    OVER_NOT_FIRED,
    UNDER,
    policy,
)
from textual.widgets import Input

from policytui.tui import editing
from policytui.tui.screens.detail import DetailScreen
from policytui.tui.screens.save_review import DiffReviewScreen
from policytui.tui.widgets.policy_table import PolicyTable

CASES = [
    pytest.param(OVER_AND_FIRED, id="over-fired"),
    pytest.param(NEAR, id="near"),
    pytest.param(UNDER, id="under"),
    pytest.param(FIRED_NOW_UNDER, id="fired-now-under"),
    pytest.param(OVER_NOT_FIRED, id="over-not-fired"),
]


@pytest.mark.parametrize("case", CASES)
def test_detail_80x24(snap_compare, demo_server, case) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot)
        pilot.app.push_screen(DetailScreen(policy(demo_server, case)))
        await settle(pilot)

    assert snap_compare(make_app(demo_server), terminal_size=(80, 24), run_before=run_before)


@pytest.mark.parametrize("case", CASES)
def test_detail_pane_wide(snap_compare, demo_server, case) -> None:
    async def run_before(pilot) -> None:
        await settle(pilot)
        table = pilot.app.screen.query_one(PolicyTable)
        assert table.move_to_uuid(policy(demo_server, case).uuid)
        await pilot.press("enter")
        await settle(pilot)

    assert snap_compare(make_app(demo_server), terminal_size=(160, 48), run_before=run_before)


@pytest.mark.parametrize(
    "size", [pytest.param((80, 24), id="80x24"), pytest.param((160, 48), id="160x48")]
)
def test_list_no_color(snap_compare, demo_server, size, monkeypatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(make_app(demo_server), terminal_size=size, run_before=settle)


EDITOR_SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((140, 48), id="wide")]


@pytest.mark.parametrize("size", EDITOR_SIZES)
def test_editor_preview(snap_compare, demo_server, size) -> None:
    """The near policy's GPU limit typed lower: the row says over, the note that the
    save fires it at once."""
    app = EditorHarness(demo_server.url)

    async def run_before(pilot) -> None:
        near = policy(demo_server, NEAR)
        editor = await open_editor(app, pilot, editing.open_edit_policy, near)
        await fill(editor, pilot, limits=[(near.component_limits_set[0].type, "500")])
        await wait_for(pilot, lambda: "at once" in str(editor.query_one("#usage-note").render()))
        freeze(app)
        editor.query_one("#limits").rows[0].limit_input.focus()
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", EDITOR_SIZES)
def test_save_review_says_it_fires(snap_compare, demo_server, size) -> None:
    app = EditorHarness(demo_server.url)

    async def run_before(pilot) -> None:
        near = policy(demo_server, NEAR)
        editor = await open_editor(app, pilot, editing.open_edit_policy, near)
        await fill(editor, pilot, limits=[(near.component_limits_set[0].type, "500")])
        await wait_for(pilot, lambda: editor.usage_preview is not None)
        for widget in app.screen.query(Input):
            widget.cursor_blink = False
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, DiffReviewScreen))
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


NEAR_SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 48), id="160x48")]


async def _near_view(pilot) -> None:
    from browse_support import wait_until
    from on_screen import screen_text

    await settle(pilot)
    await pilot.press("h")
    await wait_until(
        pilot,
        lambda: " match" in screen_text(pilot.app) and "usage of" not in screen_text(pilot.app),
        what="the near-firing view with every policy's usage",
    )
    await settle(pilot)


@pytest.mark.parametrize("size", NEAR_SIZES)
def test_near_firing_view(snap_compare, demo_server, size) -> None:
    """`h`: every policy at or over 80 % of a limit, nearest first (page size 5: the
    matches come from every page)."""
    app = make_app(demo_server, page_size=5)
    assert snap_compare(app, terminal_size=size, run_before=_near_view)


@pytest.mark.parametrize("size", NEAR_SIZES)
def test_fired_view_still_over(snap_compare, demo_server, size, monkeypatch) -> None:
    """The fired view under NO_COLOR: each fired policy still over or now under, in words."""
    from browse_support import wait_until

    monkeypatch.setenv("NO_COLOR", "1")

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("f")
        table = pilot.app.screen.query_one(PolicyTable)
        await wait_until(
            pilot,
            lambda: table.all_rows and all(table.usage_of(r.uuid) for r in table.all_rows),
            what="every fired policy's usage",
        )
        await settle(pilot)

    assert snap_compare(make_app(demo_server), terminal_size=size, run_before=run_before)
