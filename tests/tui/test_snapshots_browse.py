"""Snapshots of the browse screens at 80x24 and 160x48: fixed clock, fixed sample data.

Regenerate with ``pytest tests/tui/test_snapshots_browse.py --snapshot-update`` and look
at the SVGs before committing them.
"""

from __future__ import annotations

import pytest
from browse_support import make_app, settle

from policytui.demo import PLAIN_TOKEN, Fault

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 48), id="160x48")]


@pytest.mark.parametrize("size", SIZES)
def test_list(snap_compare, demo_server, size) -> None:
    assert snap_compare(make_app(demo_server), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES)
def test_detail(snap_compare, demo_server, size) -> None:
    async def open_detail(pilot) -> None:
        await settle(pilot)
        await pilot.press("down", "down", "down", "enter")
        await settle(pilot)

    assert snap_compare(make_app(demo_server), terminal_size=size, run_before=open_detail)


@pytest.mark.parametrize("size", SIZES)
def test_fired_view(snap_compare, demo_server, size) -> None:
    async def fired(pilot) -> None:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)

    assert snap_compare(make_app(demo_server), terminal_size=size, run_before=fired)


@pytest.mark.parametrize("size", SIZES)
def test_empty(snap_compare, demo_server, size) -> None:
    app = make_app(demo_server, token=PLAIN_TOKEN)
    assert snap_compare(app, terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES)
def test_error(snap_compare, fresh_demo_server, size) -> None:
    fresh_demo_server.set_faults(
        [
            Fault(
                "status",
                method="GET",
                path="marketplace-offering-usage-policies/",
                params={"status": 500},
            )
        ]
    )
    assert snap_compare(make_app(fresh_demo_server), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES)
def test_help(snap_compare, demo_server, size) -> None:
    async def help_open(pilot) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(make_app(demo_server), terminal_size=size, run_before=help_open)
