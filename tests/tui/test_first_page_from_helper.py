"""The first page is painted from the helper's rows, before pydantic and httpx load.

The app runs for real (headless Textual, a forked helper, the demo server over loopback)
in a fresh interpreter: the test process has long imported pydantic, and a fork is only
safe in a single-threaded process. The script records what was imported at the moment
the first rows were handed to the table, then what the screen showed once everything
had loaded; this process compares that with the rows it builds through the client.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import UTC, datetime

from policytui.auth.secret import Secret
from policytui.auth.session import Session
from policytui.demo import STAFF_TOKEN, DemoServer, DemoSettings
from policytui.tui.catalog import Catalog
from policytui.tui.rows import build_row

PAGE_SIZE = 25
POLICIES = "/api/marketplace-offering-usage-policies/"

_SCRIPT = textwrap.dedent(
    """
    import asyncio, json, os, sys
    from policytui.auth.secret import Secret
    from policytui.auth.session import Session
    from policytui.auth.settings import Settings
    from policytui.helper.fork import fork_helper

    session = Session(
        url=sys.argv[1], token=Secret(os.environ["WALDUR_ACCESS_TOKEN"]), token_source="env"
    )
    work = fork_helper(session, int(sys.argv[2]))
    assert work is not None, "the helper was not forked"

    from policytui.tui.app import PolicyApp
    from policytui.tui.screens.policy_list import PolicyListScreen

    shown = []
    show_rows = PolicyListScreen._show_rows

    def spy(self, page, rows):
        shown.append(
            {"rows": len(rows), "pydantic": "pydantic" in sys.modules,
             "httpx": "httpx" in sys.modules, "connected": self.policy_app.connected}
        )
        return show_rows(self, page, rows)

    PolicyListScreen._show_rows = spy
    from policytui.tui.widgets.policy_table import PolicyTable

    set_rows_calls = []
    set_rows = PolicyTable.set_rows

    def count_set_rows(self, *args, **kwargs):
        set_rows_calls.append(1)
        return set_rows(self, *args, **kwargs)

    PolicyTable.set_rows = count_set_rows
    app = PolicyApp(session, Settings(page_size=int(sys.argv[2])), work=work)

    async def main():
        async with app.run_test(size=(120, 40)) as pilot:
            screen = app.screen
            table = screen.table
            for _ in range(400):
                if app.connected and app.catalog.loaded and app.user is not None:
                    break
                await pilot.pause(0.025)
            await pilot.pause(0.2)
            return {
                "shown": shown,
                "connected": app.connected,
                "catalog": app.catalog.loaded,
                "user": app.user.username if app.user else None,
                "set_rows_calls": len(set_rows_calls),
                "status": str(screen.query_one("#status").render()),
                "rows": [
                    [r.uuid, r.offering, r.actions, r.limits, r.period, r.groups, r.fired != ""]
                    for r in table.all_rows
                ],
                "first_model": table.all_rows[0].policy.uuid,
                "replayed": work.recording.replayed,
            }

    print(json.dumps(asyncio.run(main())))
    work.close()
    """
)


def _run(server: DemoServer) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTUAL", "POLICYTUI_"))}
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, server.url, str(PAGE_SIZE)],
        env={**env, "WALDUR_ACCESS_TOKEN": STAFF_TOKEN},
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


async def _rows_through_the_client(server: DemoServer) -> list[list[object]]:
    session = Session(url=server.url, token=Secret(STAFF_TOKEN), token_source="env")
    async with session.client() as client:
        page = await client.policies.list(page=1, page_size=PAGE_SIZE)
        catalog = await Catalog().load(client)
    now = datetime.now(UTC)
    rows = [build_row(p, catalog, now) for p in page.items]
    return [
        [r.uuid, r.offering, r.actions, r.limits, r.period, r.groups, r.fired != ""] for r in rows
    ]


async def test_the_first_page_is_painted_before_pydantic_and_httpx_are_imported() -> None:
    with DemoServer(DemoSettings(policies=300)) as server:
        result = _run(server)
        log = server.requests()
        expected = await _rows_through_the_client(server)
    first = result["shown"][0]
    assert first == {"rows": PAGE_SIZE, "pydantic": False, "httpx": False, "connected": False}
    # Only the first paint came from the helper: no page was shown twice.
    assert len(result["shown"]) == 1
    # The same rows, names and units included, as the client and catalog give.
    assert result["rows"] == expected
    assert "page 1 of 12" in result["status"] and "300 policies" in result["status"]
    # Afterwards the app is whole: client made, catalog and user loaded, models built on
    # demand; and the catalog's arrival did not repaint rows that already had its names.
    assert result["connected"] and result["catalog"] and result["user"] == "staff"
    assert result["first_model"] == expected[0][0]
    assert result["set_rows_calls"] == 1  # the first paint, and no other
    # Page 1 reached the server once, from the helper (its rows were painted); the
    # catalog's answers were recorded there and replayed here.
    firsts = [r for r in log if r["path"] == POLICIES and r["query"] == f"page_size={PAGE_SIZE}"]
    assert len(firsts) == 1, firsts
    assert result["replayed"] >= 3


_WATCH_SCRIPT = textwrap.dedent(
    """
    import asyncio, json, os, re, sys, urllib.request
    from policytui.auth.secret import Secret
    from policytui.auth.session import Session
    from policytui.auth.settings import Settings
    from policytui.helper.fork import fork_helper

    URL, TOKEN = sys.argv[1], os.environ["WALDUR_ACCESS_TOKEN"]
    session = Session(url=URL, token=Secret(TOKEN), token_source="env")
    work = fork_helper(session, int(sys.argv[2]))
    assert work is not None, "the helper was not forked"

    from policytui.tui.app import PolicyApp

    def patch_first_policy():
        # Someone changes a policy elsewhere (curl), after the helper recorded page 1.
        listed = urllib.request.Request(
            f"{URL}/api/marketplace-offering-usage-policies/?page_size={sys.argv[2]}",
            headers={"Authorization": f"Token {TOKEN}"})
        first = json.loads(urllib.request.urlopen(listed).read())[0]
        kind = first["component_limits_set"][0]["type"]
        body = json.dumps({"component_limits_set": [{"type": kind, "limit": 987654}]})
        change = urllib.request.Request(
            f"{URL}/api/marketplace-offering-usage-policies/{first['uuid']}/",
            data=body.encode(), method="PATCH",
            headers={"Authorization": f"Token {TOKEN}", "Content-Type": "application/json"})
        urllib.request.urlopen(change).read()
        return first["uuid"]

    app = PolicyApp(session, Settings(page_size=int(sys.argv[2]), watch=1.0), work=work)

    async def main():
        async with app.run_test(size=(120, 40)) as pilot:
            screen = app.screen

            def status():
                return str(screen.query_one("#status").render())

            def read_at():
                # "watch 1 s · read 15:40:02 UTC": when the server last answered a tick.
                found = re.search("read ([0-9:]{8})", status())
                return found.group(1) if found else None

            async def until(condition):
                for _ in range(1500):
                    if condition():
                        return True
                    await pilot.pause(0.02)
                return False

            await until(lambda: screen.table.all_rows)  # page 1, from the helper
            uuid = patch_first_policy()
            # Two ticks after the change: the first may have been asked before it.
            reads = [read_at()]
            for _ in range(2):
                await until(lambda: read_at() not in (None, reads[-1]))
                reads.append(read_at())
            row = next((r for r in screen.table.all_rows if r.uuid == uuid), None)
            return {"limits": row.limits if row else None, "reads": reads, "status": status()}

    print(json.dumps(asyncio.run(main())))
    work.close()
    """
)


def test_a_watch_tick_right_after_start_up_shows_the_servers_data() -> None:
    """The first --watch tick (1 s after start, well within the recording's 10 s) asks
    the server, not the helper's recording of page 1 (issue 11, item 3)."""
    with DemoServer(DemoSettings(policies=300)) as server:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("TEXTUAL", "POLICYTUI_"))}
        done = subprocess.run(
            [sys.executable, "-c", _WATCH_SCRIPT, server.url, str(PAGE_SIZE)],
            env={**env, "WALDUR_ACCESS_TOKEN": STAFF_TOKEN},
            capture_output=True,
            text=True,
            timeout=90,
        )
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert None not in result["reads"][1:], f"no two ticks were shown: {result}"
    assert result["limits"] is not None, result
    assert "987\u2009654" in result["limits"][0], result
