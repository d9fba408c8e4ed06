"""The fired scan in the helper process (policytui.helper.scan_pipe), forked for real.

The helper can only be forked by a single-threaded process, so each case runs in a fresh
interpreter against a demo server in this process, and prints what it saw as JSON.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator

import pytest

from policytui.demo import STAFF_TOKEN, DemoServer, DemoSettings

_PRELUDE = textwrap.dedent(
    """
    import asyncio, json, os, signal, sys
    from datetime import datetime, UTC
    from policytui.auth.secret import Secret
    from policytui.api import WaldurClient, errors
    from policytui.auth.session import Session
    from policytui.helper.fork import fork_helper
    from policytui.helper.scan_pipe import HelperGone

    URL = sys.argv[1]
    TOKEN = os.environ["WALDUR_ACCESS_TOKEN"]
    session = Session(url=URL, token=Secret(TOKEN), token_source="env")
    work = fork_helper(session, 20)
    assert work is not None, "no helper"
    scans = work.scans
    NOW = datetime(2026, 11, 28, tzinfo=UTC)

    def scan(scope=None, cancel_after=None, token=None):
        who = session if token is None else Session(
            url=URL, token=Secret(token), token_source="env")
        reports = []
        stop = lambda: cancel_after is not None and len(reports) >= cancel_after
        for progress in scans.scan(who, scope, None, NOW, stop):
            reports.append(progress)
        return reports

    async def fired_uuids(scope=None):
        async with WaldurClient(URL, TOKEN) as client:
            return sorted([p.uuid async for page in client.policies.walk(scope_uuid=scope)
                           for p in page.items if p.has_fired])
    """
)


def _run(server: DemoServer, body: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _PRELUDE + textwrap.dedent(body), server.url],
        env={**os.environ, "WALDUR_ACCESS_TOKEN": STAFF_TOKEN},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert STAFF_TOKEN not in done.stdout + done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def server() -> Iterator[DemoServer]:
    # Three pages at the server's cap of 300.
    with DemoServer(DemoSettings(policies=900)) as demo:
        yield demo


def test_the_helper_finds_every_fired_policy_the_server_holds(server: DemoServer) -> None:
    result = _run(
        server,
        """
        reports = scan()
        rows = [r.uuid for p in reports for r in p.rows]
        states = {}
        for p in reports:
            states.update(p.states)
        print(json.dumps({
            "rows": sorted(rows), "expected": asyncio.run(fired_uuids()),
            "done": reports[-1].done, "pages": reports[-1].pages, "total": reports[-1].total,
            "states": len(states), "fired_counted": reports[-1].fired,
            "texts": reports[-1].rows[0].fired if reports[-1].rows else "",
        }))
        scans.close()
        """,
    )
    assert result["rows"] == result["expected"] and result["rows"]
    assert result["done"] is True and result["pages"] == 3 and result["total"] == 900
    assert result["states"] == 900  # every policy's fired state, for the change marks
    assert result["fired_counted"] == len(result["expected"])


def test_a_scoped_scan_keeps_to_its_offering(server: DemoServer) -> None:
    result = _run(
        server,
        """
        async def first_scope():
            async with WaldurClient(URL, TOKEN) as client:
                return (await client.offerings())[0].uuid
        scope = asyncio.run(first_scope())
        reports = scan(scope)
        rows = sorted(r.uuid for p in reports for r in p.rows)
        scopes = {r.policy.scope_uuid for p in reports for r in p.rows}
        print(json.dumps({"rows": rows, "expected": asyncio.run(fired_uuids(scope)),
                          "scopes": sorted(scopes), "scope": scope}))
        scans.close()
        """,
    )
    assert result["rows"] == result["expected"]
    assert result["scopes"] in ([], [result["scope"]])


def test_a_cancelled_scan_stops_and_the_next_one_is_whole() -> None:
    # Ten pages at +200 ms each: the scan is still going when it is cancelled.
    with DemoServer(DemoSettings(policies=3000, latency_ms=200)) as slow:
        result = _run(
            slow,
            """
        first = scan(cancel_after=1)
        second = scan()
        print(json.dumps({
            "first_done": any(p.done for p in first), "first_reports": len(first),
            "second_done": second[-1].done,
            "second_rows": sorted(r.uuid for p in second for r in p.rows),
            "expected": asyncio.run(fired_uuids()),
        }))
        scans.close()
        """,
        )
    assert result["first_done"] is False and result["first_reports"] == 1
    assert result["second_done"] is True
    assert result["second_rows"] == result["expected"]


def test_the_servers_refusal_comes_back_as_the_clients_own_error(server: DemoServer) -> None:
    result = _run(
        server,
        """
        try:
            scan(token="f" * 40)
            outcome = "no error"
        except errors.AuthenticationError as exc:
            outcome = f"AuthenticationError: {exc}"
        after = scan()  # the helper is still there and in step
        print(json.dumps({"outcome": outcome, "after": after[-1].done}))
        scans.close()
        """,
    )
    assert result["outcome"].startswith("AuthenticationError: ")
    assert "f" * 40 not in result["outcome"]
    assert result["after"] is True


def test_a_helper_that_died_is_reported_so_the_ui_can_scan_itself(server: DemoServer) -> None:
    result = _run(
        server,
        """
        os.kill(scans._pid, signal.SIGKILL)
        os.waitpid(scans._pid, 0)
        scans._pid = None
        try:
            scan()
            outcome = "scanned"
        except HelperGone:
            outcome = "gone"
        print(json.dumps({"outcome": outcome, "gone": scans.gone}))
        """,
    )
    assert result == {"outcome": "gone", "gone": True}


def test_the_helper_ends_with_the_ui(server: DemoServer) -> None:
    result = _run(
        server,
        """
        pid = scans._pid
        scans.close()  # closes the command pipe and reaps the helper
        try:
            os.kill(pid, 0)
            alive = True
        except ProcessLookupError:
            alive = False
        print(json.dumps({"alive": alive}))
        """,
    )
    assert result == {"alive": False}


def test_the_helper_reads_no_page_while_keys_come() -> None:
    """Keys noted by the UI (shared memory) pause the helper between pages, as the
    in-process scan pauses: the server, the helper and the UI do not all want the CPU
    while a key is handled. Ten pages at +50 ms: about 0.2 s when nobody types; a key
    held for 1.5 s lets at most a page a second through (MAX_PAUSE_SECONDS). How long
    the quiet scan took is not asserted: on a busy machine it may take longer than the
    typing lasts, which only makes the typing part easier to pass, never flaky."""
    with DemoServer(DemoSettings(policies=3000, latency_ms=50)) as slow:
        result = _run(
            slow,
            """
            import threading, time
            start = time.monotonic()
            quiet = scan()
            quiet_seconds = time.monotonic() - start

            typing = threading.Event()
            def keys():
                while not typing.is_set():
                    scans.input_clock.note(time.monotonic())
                    time.sleep(0.02)
            scans.input_clock.note(time.monotonic())
            threading.Thread(target=keys, daemon=True).start()
            threading.Timer(1.5, typing.set).start()
            start = time.monotonic()
            seen = []
            for progress in scans.scan(session, None, None, NOW, lambda: False):
                seen.append((time.monotonic() - start, progress.pages))
            print(json.dumps({
                "quiet_seconds": quiet_seconds, "quiet_pages": quiet[-1].pages,
                "pages_while_typing": max([p for t, p in seen if t < 1.4] or [0]),
                "pages": seen[-1][1], "done_after": seen[-1][0],
            }))
            scans.close()
            """,
        )
    assert result["quiet_pages"] == result["pages"] == 10
    assert result["pages_while_typing"] <= 3, result
    assert result["done_after"] >= 1.4


def test_quitting_in_the_middle_of_a_scan_does_not_wait_for_it() -> None:
    """The helper may be blocked writing to a pipe the UI no longer reads: closing the
    service must still end and reap it at once."""
    with DemoServer(DemoSettings(policies=3000, latency_ms=100)) as slow:
        result = _run(
            slow,
            """
            import time
            pid = scans._pid
            first = next(iter(scans.scan(session, None, None, NOW, lambda: False)))
            time.sleep(0.5)  # the helper goes on; nobody reads what it sends
            start = time.monotonic()
            scans.close()
            took = time.monotonic() - start
            try:
                os.kill(pid, 0)
                alive = True
            except ProcessLookupError:
                alive = False
            print(json.dumps({"took": took, "alive": alive, "first_pages": first.pages}))
            """,
        )
    assert result["alive"] is False
    assert result["took"] < 2.5


def test_a_scan_begun_before_the_catalog_gets_it_and_names_the_rest() -> None:
    """The catalog is loaded after the first report: the UI sends it to the helper, whose
    rows from then on carry component names and units (issue 11, item 7). Ten pages at
    +1 s each: the later pages are still on their way when it arrives."""
    with DemoServer(DemoSettings(policies=3000, latency_ms=1000)) as slow:
        result = _run(
            slow,
            """
        from policytui.tui.catalog import Catalog
        from policytui.tui.rows import build_row

        async def load():
            async with WaldurClient(URL, TOKEN) as client:
                return await Catalog().load(client)
        full = asyncio.run(load())
        catalog = Catalog()  # still loading when the scan begins
        reports = []
        for progress in scans.scan(session, None, catalog, NOW, lambda: False):
            reports.append(progress)
            if len(reports) == 1:
                catalog.offerings, catalog.groups = full.offerings, full.groups
                catalog.actions, catalog.loaded = full.actions, True
        later = [r for p in reports[1:] for r in p.rows]
        print(json.dumps({
            "first_named": [r.named for r in reports[0].rows],
            "later_named": sorted({r.named for r in later}),
            "later_limits": [r.limits for r in later[:5]],
            "named_limits": [build_row(r.policy, full, NOW).limits for r in later[:5]],
            "later": len(later),
            "rows": sorted(r.uuid for p in reports for r in p.rows),
            "expected": asyncio.run(fired_uuids()),
        }))
        scans.close()
        """,
        )
    assert result["rows"] == result["expected"]
    assert result["later"] > 0 and result["later_named"] == [True]
    assert result["later_limits"] == result["named_limits"]  # names and units
    assert not any(result["first_named"])


def test_the_index_from_the_helper_is_what_the_models_give(server: DemoServer) -> None:
    """The index of every policy (keep_all) read in the helper from the pages' JSON: in
    the UI every row (made from the page when shown), its facts and its opened policy are
    what the client's models give, with the catalog's names once it has loaded and
    without them before."""
    result = _run(
        server,
        """
        from policytui.query import FactsReader
        from policytui.query.facts import PolicyFacts
        from policytui.tui.catalog import Catalog
        from policytui.tui.policy_index import PolicyIndex
        from policytui.tui.rows import _FIELDS, build_row

        async def load():
            async with WaldurClient(URL, TOKEN) as client:
                catalog = await Catalog().load(client)
                policies = [p async for page in client.policies.walk() for p in page.items]
                return catalog, policies
        full, policies = asyncio.run(load())
        by_uuid = {p.uuid: p for p in policies}

        def fields(facts):
            return [repr(getattr(facts, name)) for name in PolicyFacts.__slots__]

        seen = {}
        for named in (full, None):
            read = FactsReader(named)
            rows = differ = 0
            index = PolicyIndex(now=lambda: NOW)
            index.name_rows(named)
            generation = index.start(refresh=False)
            for progress in scans.scan(session, None, named, NOW, lambda: False, keep_all=True):
                differ += len(progress.rows)  # no row crosses the pipe
                start = index.read
                index.add(generation, progress.rows, progress.facts, progress.total)
                for at, facts in enumerate(progress.facts, start):
                    row = index.row_at(at)
                    policy = by_uuid[row.uuid]
                    built = build_row(policy, named, NOW)
                    same = (
                        _FIELDS(row) == _FIELDS(built)
                        and fields(facts) == fields(read(policy))
                        and facts.row is row
                        and row.policy == policy
                    )
                    rows += 1
                    differ += not same
            seen["named" if named else "unnamed"] = [rows, differ]
        print(json.dumps(seen))
        scans.close()
        """,
    )
    assert result == {"named": [900, 0], "unnamed": [900, 0]}
