"""End to end, as users start policytui: the console script in tmux against `policytui
demo-server` over HTTP, the helper process on (the default path).

- A refresh pressed right after start-up shows what the server holds now, not the
  helper's start-up recording (issue 11, item 3).
- Pressing `f` the moment page 1 appears still ends with every fired row named: component
  names and units, group names (item 7).
- Killing the helper in the middle of the fired scan: the app says the scan is
  incomplete, finishes it itself and shows the full, correct count (item 8).
"""

from __future__ import annotations

import os
import re
import signal
from datetime import UTC, datetime
from typing import Any

import pytest
from e2e_terminal import (
    DemoServerProcess,
    demo_server_process,
    policytui_against,
    terminal,
    user_env,
)
from helper_process import app_and_helper, fired_count, scan_page_requests, wait_for_requests

from policytui.demo import STAFF_TOKEN

pytestmark = pytest.mark.e2e

POLICIES = "/api/marketplace-offering-usage-policies/"


def _get(server: DemoServerProcess, path: str) -> Any:
    return server.control("GET", path, token=STAFF_TOKEN)


def _page_requests(server: DemoServerProcess, query: str) -> int:
    return sum(
        1
        for r in server.requests()
        if r["method"] == "GET" and r["path"] == POLICIES and r["query"] == query
    )


def test_refresh_right_after_start_up_shows_the_servers_data(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with demo_server_process("--policies", "200") as server:
        first = _get(server, f"{POLICIES}?page_size=5")[0]
        before = _page_requests(server, "page_size=5")  # this test's own look
        env = user_env(tmp_path, WALDUR_ACCESS_TOKEN=STAFF_TOKEN, NO_COLOR="1")
        with terminal(policytui_against(server, "--page-size=5"), env) as term:
            term.wait_for("page 1 of 40")
            # The helper asked for page 1 once; the app painted its answer.
            assert _page_requests(server, "page_size=5") == before + 1
            limit = first["component_limits_set"][0]
            server.control(
                "PATCH",
                f"{POLICIES}{first['uuid']}/",
                {"component_limits_set": [{"type": limit["type"], "limit": 987654}]},
                token=STAFF_TOKEN,
            )
            term.keys("r")  # at once: well within the recording's lifetime
            term.wait_for("987 654", timeout=20)
            # The refresh reached the server.
            assert _page_requests(server, "page_size=5") == before + 2
            term.keys("q")
            term.wait_for("[exited 0]")
        term.assert_no_secret(STAFF_TOKEN)


def _fired_rows_named(server: DemoServerProcess) -> list[Any]:
    """The fired policies as rows built with the catalog, newest firing first."""
    import asyncio

    from policytui.api import WaldurClient
    from policytui.tui.catalog import Catalog
    from policytui.tui.rows import build_row

    async def rows() -> list[Any]:
        async with WaldurClient(server.api_url.removesuffix("/api/"), STAFF_TOKEN) as client:
            catalog = await Catalog().load(client)
            policies = [p async for page in client.policies.walk() for p in page.items]
        now = datetime.now(UTC)
        fired = [build_row(p, catalog, now) for p in policies if p.has_fired]
        return sorted(fired, key=lambda row: row.fired_key, reverse=True)

    return asyncio.run(rows())


def test_fired_rows_are_named_when_f_is_pressed_as_page_1_appears(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with demo_server_process("--policies", "5000") as server:
        expected = _fired_rows_named(server)
        env = user_env(tmp_path, WALDUR_ACCESS_TOKEN=STAFF_TOKEN)
        with terminal(policytui_against(server), env, size=(200, 50)) as term:
            term.wait_for("page 1 of")
            term.keys("f")  # before the app has loaded the catalog itself
            term.wait_for(f"{len(expected):,} fired of 5,000".replace(",", " "), timeout=90)
            # The newest firings are on top, with component names, units and group names:
            # rows the scan built before the catalog arrived (on a busy machine it can come
            # after the scan's end) are named once it has, without a key pressed.
            names = [row.limits[0].replace("\u2009", " ") for row in expected[:5]]
            groups = [row.groups.split(",")[0] for row in expected[:5]]
            done = term.wait_for(*names, *groups, timeout=30)
            # No row is left with a count of groups instead of their names.
            assert re.search(r"\b\d+ groups?\b", done) is None, done
            term.keys("q")
            term.wait_for("[exited 0]")


def test_a_scan_whose_helper_is_killed_is_finished_by_the_app(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # 100 pages of 300, each answered after 300 ms, six at a time: a scan of 5 s or more.
    with demo_server_process("--policies", "30000", "--latency-ms", "300") as server:
        fired, total = fired_count(server)
        env = user_env(tmp_path, WALDUR_ACCESS_TOKEN=STAFF_TOKEN)
        with terminal(policytui_against(server), env, size=(100, 30)) as term:
            term.wait_for("page 1 of")
            app, helper = app_and_helper(server)
            assert app is not None and helper is not None, "the app and its helper"
            before = scan_page_requests(server)
            term.keys("f")
            wait_for_requests(server, before + 10)  # the helper's scan is under way
            # ...and has sent fired rows that are on screen: the app must now reconcile
            # them with what it reads itself (a helper that dies before sending anything
            # is simply replaced, with nothing to say).
            term.wait_until(
                lambda screen: re.search(r"scanning… [1-9][\d ]* fired so far", screen),
                timeout=30,
                what="the helper's first fired rows, mid-scan",
                every=0.02,
            )
            os.kill(helper, signal.SIGKILL)
            # The app says the helper's scan was cut short and finishes it itself...
            term.wait_for("finishing the scan here", timeout=30)
            # ...and ends with the full answer, every fired policy once.
            grouped = f"{fired:,} fired of {total:,} policies".replace(",", " ")
            screen = term.wait_for(grouped, timeout=120)
            assert "(incomplete)" not in screen and " fired in " not in screen
            assert app_and_helper(server)[0] == app  # the same app, still up
            term.keys("q")
            term.wait_for("[exited 0]")
        term.assert_no_secret(STAFF_TOKEN)
