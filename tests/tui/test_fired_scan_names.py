"""Rows end up named whatever arrives first: the fired scan's rows or the catalog.

`f` pressed the moment page 1 appears starts the scan before the offering catalog has
arrived; its rows are built with component types ("storage 120", "1 group"). Once the
catalog is there every row reads its names and units ("Storage 120 GB-months", the group
names), and stays so after the scan ends (issue 11, item 7).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import pytest
from browse_support import make_app, screen_text, settle
from textual.pilot import Pilot

from policytui.api import WaldurClient
from policytui.api.pagination import SERVER_PAGE_SIZE_CAP
from policytui.demo import DEMO_NOW, STAFF_TOKEN, DemoServer, DemoSettings
from policytui.tui.catalog import Catalog
from policytui.tui.rows import build_row
from policytui.tui.widgets.policy_table import PolicyTable


async def _until(pilot: Pilot, condition: Callable[[], object], what: str) -> None:
    for _ in range(1200):  # a generous minute: the machine is shared
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"{what} never happened")


async def _named_fired_rows(server: DemoServer) -> dict[str, tuple[list[str], str]]:
    """Each fired policy's limits and groups as a row built with the catalog shows them."""
    async with WaldurClient(server.url, STAFF_TOKEN) as client:
        catalog = await Catalog().load(client)
        policies = [p async for page in client.policies.walk() for p in page.items]
    return {
        p.uuid: (row.limits, row.groups)
        for p in policies
        if p.has_fired
        for row in [build_row(p, catalog, DEMO_NOW)]
    }


def _gate_scan_pages(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, threading.Event]:
    """The scan's pages from the third on wait for ``opened``; ``reached`` says one does.

    The scan runs in a thread with its own loop, so the gate is a thread event.
    """
    reached, opened = threading.Event(), threading.Event()
    get_page = WaldurClient.get_page

    async def gated(self: WaldurClient, *args: Any, **kwargs: Any) -> Any:
        if kwargs.get("page", 1) >= 3 and kwargs.get("page_size") == SERVER_PAGE_SIZE_CAP:
            reached.set()
            await asyncio.to_thread(opened.wait, 60)
        return await get_page(self, *args, **kwargs)

    monkeypatch.setattr(WaldurClient, "get_page", gated)
    return reached, opened


def _hold_catalog(app) -> asyncio.Event:  # type: ignore[no-untyped-def]
    """The app's catalog loads only once the returned event is set."""
    release = asyncio.Event()
    catalog = app.catalog
    load = Catalog.load

    async def held_load(client: WaldurClient, *, force: bool = False) -> Catalog:
        await release.wait()
        return await load(catalog, client, force=force)

    catalog.load = held_load  # type: ignore[method-assign]
    return release


async def test_a_scan_begun_before_the_catalog_ends_with_every_row_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with DemoServer(DemoSettings(policies=1500, seed=5)) as server:
        expected = await _named_fired_rows(server)
        reached, opened = _gate_scan_pages(monkeypatch)
        app = make_app(server, page_size=10)
        # The catalog is held back until the scan has read its first pages.
        release = _hold_catalog(app)
        catalog = app.catalog
        async with app.run_test(size=(200, 50)) as pilot:
            screen = app.screen
            table = screen.query_one(PolicyTable)
            await _until(pilot, lambda: table.row_count, "page 1")
            before = table.all_rows[0]
            # Without the catalog: component types and a count of groups, in good English.
            assert (before.limits, before.groups) != expected.get(before.uuid, ((), ""))
            assert not any(row.groups.startswith("1 groups") for row in table.all_rows)
            await pilot.press("f")
            await _until(pilot, reached.is_set, "the scan's third page")
            release.set()  # the catalog arrives in the middle of the scan
            await _until(pilot, lambda: catalog.loaded, "the catalog")
            opened.set()
            await _until(pilot, lambda: screen.scan.done, "the end of the scan")
            await settle(pilot)
            shown = {row.uuid: (row.limits, row.groups) for row in table.all_rows}
            assert shown == expected
            # What the terminal shows: the first row's names and units.
            top = table.rows[0]
            assert top.limits[0] in screen_text(app)


async def test_the_page_held_aside_by_a_filter_comes_back_named_after_the_catalog() -> None:
    """`/` typed before the catalog arrives: the page waits aside while the filter has
    the table; Esc after the catalog shows it with component and group names, not the
    types it was first painted with (a fresh-eyes review saw "cpu 40 900" in --demo)."""
    with DemoServer(DemoSettings(policies=60, seed=5)) as server:
        app = make_app(server, page_size=10)
        release = _hold_catalog(app)
        catalog = app.catalog
        async with app.run_test(size=(200, 50)) as pilot:
            screen = app.screen
            table = screen.query_one(PolicyTable)
            await _until(pilot, lambda: table.row_count, "page 1")
            assert not all(row.named for row in table.all_rows)
            await pilot.press("slash", "a")
            release.set()
            await _until(pilot, lambda: catalog.loaded, "the catalog")
            await settle(pilot)
            await pilot.press("escape", "escape")
            await settle(pilot)
            assert screen.query_filter is None and table.row_count == 10
            assert all(row.named for row in table.all_rows)
