"""Snapshots of `/` over every policy at 80x24 and 160x48: a filter, no match, a term it
cannot read, a sort across every match, a saved view opened at start. Fixed clock, fixed
sample data, the index complete before the picture.

Regenerate with ``pytest tests/tui/test_snapshots_index.py --snapshot-update`` and look
at the SVGs before committing them.
"""

from __future__ import annotations

import pytest
from browse_support import make_app, settle, wait_until
from textual.widgets import Input

from policytui.auth.config import SavedView

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 48), id="160x48")]


def freeze(app) -> None:
    """No blinking cursor in the `/` box: a frame must not depend on when it was taken
    (the usage of the matches on screen is read after typing pauses, so when the picture
    is taken moves with the machine's load)."""
    for widget in app.screen.query(Input):
        widget.cursor_blink = False


def _typing(*keys: str):
    async def run(pilot) -> None:
        await settle(pilot)
        freeze(pilot.app)
        await pilot.press("slash", *keys)
        screen = pilot.app.screen
        await wait_until(pilot, lambda: screen.index.complete, what="the index complete")
        await settle(pilot)

    return run


def _keys(text: str) -> list[str]:
    return ["space" if c == " " else c for c in text]


@pytest.mark.parametrize("size", SIZES)
def test_filter(snap_compare, demo_server, size) -> None:
    run = _typing(*_keys("group:nordics limit:cpu>100"))
    assert snap_compare(make_app(demo_server), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_no_match(snap_compare, demo_server, size) -> None:
    run = _typing(*_keys("offering:tape fired:yes"))
    assert snap_compare(make_app(demo_server), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_filter_problem(snap_compare, demo_server, size) -> None:
    run = _typing(*_keys("gpu created:>someday"))
    assert snap_compare(make_app(demo_server), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_sort_across_matches(snap_compare, demo_server, size) -> None:
    async def run(pilot) -> None:
        await _typing(*_keys("limit:cpu"))(pilot)
        await pilot.press("enter")
        table = pilot.app.screen.table
        for _ in range(7):  # s cycles the columns shown (fewer at 80 columns)
            if table.sort_column == "limits":
                break
            await pilot.press("s")
        await settle(pilot)
        assert table.sort_column == "limits"

    assert snap_compare(make_app(demo_server), terminal_size=size, run_before=run)


@pytest.mark.parametrize("size", SIZES)
def test_saved_view(snap_compare, demo_server, size) -> None:
    app = make_app(demo_server)
    app.start_view = SavedView("nordic-cpu", "provider:nordic limit:cpu", "-limit:cpu")

    async def run(pilot) -> None:
        screen = pilot.app.screen
        await wait_until(pilot, lambda: screen.index.complete, what="the index complete")
        freeze(pilot.app)
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run)
