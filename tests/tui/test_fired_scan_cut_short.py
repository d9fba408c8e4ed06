"""A fired scan cut short never passes for the answer (issue 11, item 8).

When the helper process stops in the middle of a scan (killed, out of memory), the rows it
sent are only part of the answer: the app finishes the scan in its own process without
being asked, adds what the helper had not sent without repeating what is on screen, and
shows the full count. A scan that stops for good says how many pages it read.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import httpx
from browse_support import make_app, screen_text, settle
from textual.pilot import Pilot

from policytui.api import WaldurClient
from policytui.api.parsing import parse_policy
from policytui.demo import STAFF_TOKEN, DemoServer, DemoSettings
from policytui.helper.clock import InputClock
from policytui.helper.events import ScanProgress
from policytui.helper.recording import StartupRecording
from policytui.helper.scan_pipe import HelperGone
from policytui.helper.work import Forked
from policytui.tui.messages import PolicySaved
from policytui.tui.rows import build_row
from policytui.tui.screens.list_texts import fired_headline, scan_position
from policytui.tui.widgets.policy_table import PolicyTable

PER_PAGE = 300  # the demo server's cap: the scan reads pages of this size


def test_a_scan_that_did_not_read_every_page_says_what_it_read() -> None:
    assert scan_position(True, 223, 5000, 4456, 100_000, complete=False) == (
        "4\u2009456 fired in 223 of 5\u2009000 pages read"
    )
    assert fired_headline(4456, 100_000, (223, 5000)) == (
        "4\u2009456 fired in 223 of 5\u2009000 pages read (incomplete)"
    )
    # The finished scan's tally is unchanged.
    assert scan_position(True, 5000, 5000, 14912, 100_000) == (
        "14\u2009912 fired of 100\u2009000 policies"
    )


class DyingHelper:
    """The helper's scans (a stand-in for ``ScanClient``) sending the fired rows of the
    first page, then going once they are on screen (``shown`` is set by the test when it
    sees them)."""

    def __init__(self, first_page: list[Any], page_count: int, total: int) -> None:
        self.input_clock = InputClock()
        self.gone = False
        self.shown = threading.Event()
        self._first = first_page
        self._page_count = page_count
        self._total = total

    def scan(
        self,
        session: object,
        scope_uuid: str | None,
        catalog: Any,
        now: datetime,
        cancelled: Callable[[], bool],
        *,
        keep_all: bool = False,
    ) -> Iterator[ScanProgress]:
        assert not keep_all, "these tests scan for the fired view only"
        fired = [p for p in self._first if p.has_fired]
        yield ScanProgress(
            pages=1,
            page_count=self._page_count,
            total=self._total,
            fired=len(fired),
            rows=[build_row(p, catalog if catalog.loaded else None, now) for p in fired],
            states={p.uuid: (p.has_fired, p.fired_datetime) for p in self._first},
        )
        # Reports with nothing new (a slow page) until the first rows are painted.
        while not self.shown.wait(0.05) and not cancelled():
            yield ScanProgress(
                pages=1, page_count=self._page_count, total=self._total, fired=len(fired)
            )
        self.gone = True
        raise HelperGone

    def close(self) -> None:
        self.gone = True


def helper_work(scans: DyingHelper) -> Forked:
    """The app's work in a "helper" whose start-up sent nothing (its pipe closed at once)
    and whose scans are ``scans``: the app cannot tell it from a forked one."""
    read_fd, write_fd = os.pipe()
    os.close(write_fd)
    return Forked(StartupRecording(read_fd), scans)  # type: ignore[arg-type]


async def _server_view(server: DemoServer) -> tuple[list[Any], list[str], int]:
    async with WaldurClient(server.url, STAFF_TOKEN) as client:
        pages = [page async for page in client.policies.walk()]
    fired = sorted(p.uuid for page in pages for p in page.items if p.has_fired)
    return pages[0].items, fired, len(pages)


async def _until(pilot: Pilot, condition: Callable[[], object], what: str) -> None:
    for _ in range(1200):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"{what} never happened")


async def test_the_app_finishes_a_scan_its_helper_left_unfinished() -> None:
    with DemoServer(DemoSettings(policies=1500, seed=7)) as server:
        first_page, fired, page_count = await _server_view(server)
        app = make_app(server, page_size=10)
        helper = DyingHelper(first_page, page_count, 1500)
        app.work = helper_work(helper)
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(pilot)
            await pilot.press("f")
            screen = app.screen
            table = screen.query_one(PolicyTable)
            await _until(pilot, lambda: table.row_count, "the helper's rows")
            helper.shown.set()
            await _until(pilot, lambda: screen.scan.done, "the end of the scan")
            await settle(pilot)
            rows = [row.uuid for row in screen.query_one(PolicyTable).all_rows]
            # Every fired policy once: the helper's rows were not repeated.
            assert sorted(rows) == fired
            text = screen_text(app).replace("\u2009", " ")
            assert f"{len(fired)} fired of 1 500 policies" in text
            assert "pages read" not in text


async def test_a_scan_that_stops_for_good_is_not_shown_as_the_answer() -> None:
    with DemoServer(DemoSettings(policies=1500, seed=7)) as server:
        first_page, fired, page_count = await _server_view(server)
        app = make_app(server, page_size=10)
        helper = DyingHelper(first_page, page_count, 1500)
        app.work = helper_work(helper)
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(pilot)
            # From now on the server fails every list request (the app's retries too).
            server.set_faults([{"name": "status", "params": {"status": 503}, "method": "GET"}])
            await pilot.press("f")
            screen = app.screen
            table = screen.query_one(PolicyTable)
            await _until(pilot, lambda: table.row_count, "the helper's rows")
            helper.shown.set()
            await _until(pilot, lambda: screen.scan.done, "the end of the scan")
            await settle(pilot)
            shown = len(screen.query_one(PolicyTable).all_rows)
            assert 0 < shown < len(fired)
            text = screen_text(app).replace("\u2009", " ")
            assert f"{shown} fired in 1 of {page_count} pages read" in text
            assert "fired of 1 500" not in text


async def test_a_policy_saved_while_the_app_finishes_the_scan_stays_on_view() -> None:
    """Saved (still fired) while the app finishes what the helper began: the walk's row
    of it is left out, so the end keeps the row as saved instead of dropping it."""
    with DemoServer(DemoSettings(policies=1500, seed=7)) as server:
        first_page, fired, page_count = await _server_view(server)
        target = next(p for p in first_page if p.has_fired and p.period != 4)
        app = make_app(server, page_size=10)
        helper = DyingHelper(first_page, page_count, 1500)
        app.work = helper_work(helper)
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(pilot)
            await pilot.press("f")
            screen = app.screen
            table = screen.query_one(PolicyTable)
            await _until(pilot, lambda: table.row_count, "the helper's rows")
            url = f"{server.url}/api/marketplace-offering-usage-policies/{target.uuid}/"
            auth = {"Authorization": f"Token {STAFF_TOKEN}"}
            async with httpx.AsyncClient(headers=auth) as http:
                assert (await http.patch(url, json={"period": 4})).status_code == 200
                saved = parse_policy((await http.get(url)).json())
            app.post_message(PolicySaved(saved, created=False))
            helper.shown.set()
            await _until(pilot, lambda: screen.scan.done, "the end of the scan")
            await settle(pilot)
            rows = list(table.all_rows)
            assert sorted(row.uuid for row in rows) == fired
            (row,) = [row for row in rows if row.uuid == target.uuid]
            assert "12" in row.period
