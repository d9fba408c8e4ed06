"""The helper process's start-up (policytui.helper.fork, policytui.helper.startup),
through the interface the app uses (policytui.helper.work.Forked): forked for real,
against the demo server.

A fork is only safe in a single-threaded process, and the test process is not one (the
demo server runs in a thread), so the forking side runs in a fresh interpreter; the
server's request log, in this process, shows what reached the server.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

from policytui.auth.session import Session
from policytui.demo import STAFF_TOKEN, DemoServer, DemoSettings
from policytui.demo.settings import Fault
from policytui.helper.fork import fork_helper

POLICIES = "/api/marketplace-offering-usage-policies/"

_SCRIPT = textwrap.dedent(
    """
    import asyncio, json, os, sys
    from policytui.auth.secret import Secret
    from policytui.auth.session import Session
    from policytui.helper.fork import fork_helper
    from policytui.tui.catalog import Catalog

    session = Session(
        url=sys.argv[1], token=Secret(os.environ["WALDUR_ACCESS_TOKEN"]), token_source="env"
    )
    SIZE = int(sys.argv[2])
    work = fork_helper(session, SIZE)
    if work is None:
        print(json.dumps({"started": False}))
        raise SystemExit(0)

    async def main():
        # As the list screen's start-up worker does: the first page, then the client.
        first = await work.first_page()
        client = work.client(session)
        async with client:
            # Without the helper's rows the screen asks for page 1 (the recording has it).
            page = await client.policies.list(page=1, page_size=SIZE) if first is None else None
            catalog = await Catalog().load(client)
            second = await client.policies.list(page=2, page_size=SIZE)
        return {
            "started": True,
            "rows": len(first.rows) if first else len(page.items),
            "from_helper_rows": first is not None,
            "second": len(second.items),
            "offerings": len(catalog.offerings),
            "replayed": work.recording.replayed,
        }

    print(json.dumps(asyncio.run(main())))
    work.close()
    """
)


def _run(server: DemoServer, page_size: int, **env: str) -> tuple[dict, str]:
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, server.url, str(page_size)],
        env={**os.environ, "WALDUR_ACCESS_TOKEN": STAFF_TOKEN, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stdout + done.stderr


def test_the_child_fetches_what_the_list_asks_for_and_the_server_is_asked_once() -> None:
    with DemoServer(DemoSettings(policies=80)) as server:
        result, output = _run(server, 20)
        log = server.requests()
    assert result["started"] is True and result["from_helper_rows"] is True
    assert result["rows"] == 20 and result["second"] == 20 and result["offerings"] > 0
    # Page 1 came as rows; page 2, offerings, groups and actions as recorded answers...
    assert result["replayed"] == 4
    # ...so each reached the server once, from the child only.
    queries = [r["query"] for r in log if r["path"] == POLICIES]
    assert queries.count("page_size=20") == 1
    assert queries.count("page=2&page_size=20") == 1
    assert len(log) == 5, log
    # The child never writes to the terminal it shares with the UI.
    assert output.strip() == json.dumps(result)
    assert STAFF_TOKEN not in output


def test_a_failing_server_leaves_the_ui_to_ask_and_retry_itself() -> None:
    """The child makes one attempt and records no error; the UI's request meets the
    failure itself, with its own retries, exactly as without a child."""
    with DemoServer(DemoSettings(policies=80, error_rate=1.0)) as server:
        done = subprocess.run(
            [sys.executable, "-c", _SCRIPT, server.url, "20"],
            env={**os.environ, "WALDUR_ACCESS_TOKEN": STAFF_TOKEN},
            capture_output=True,
            text=True,
            timeout=120,
        )
        log = server.requests()
    assert done.returncode != 0
    assert "ServerError" in done.stderr or "server" in done.stderr.lower()
    page_requests = [r for r in log if r["path"] == POLICIES and r["query"] == "page_size=20"]
    assert len(page_requests) == 1 + 4  # the child's one attempt, then the UI's 1 + 3 retries


def test_without_the_catalog_page_1_comes_as_the_servers_answer_and_is_replayed() -> None:
    """The child's request for offerings fails (one attempt): it builds no rows, so page 1
    crosses the pipe as the recorded answer instead, and the UI builds the rows itself
    without asking the server for page 1 again."""
    offerings_fail_once = Fault(
        "status", times=1, path="marketplace-provider-offerings", params={"status": 500}
    )
    with DemoServer(DemoSettings(policies=80, faults=[offerings_fail_once])) as server:
        result, _ = _run(server, 20)
        log = server.requests()
    assert result["from_helper_rows"] is False
    assert result["rows"] == 20 and result["offerings"] > 0
    # Page 1, page 2, groups and actions replayed; the offerings asked again by the UI.
    assert result["replayed"] == 4
    queries = [r["query"] for r in log if r["path"] == POLICIES]
    assert queries.count("page_size=20") == 1
    offerings = [r for r in log if "marketplace-provider-offerings" in r["path"]]
    assert [r["status"] for r in offerings] == [500, 200]


def test_no_child_in_a_process_with_threads(demo_server: DemoServer) -> None:
    session = Session(url=demo_server.url, token=_secret(), token_source="env")
    assert fork_helper(session, 20) is None  # the demo server's thread is running


def test_no_child_when_switched_off() -> None:
    with DemoServer(DemoSettings(policies=10)) as server:
        result, _ = _run(server, 20, POLICYTUI_NO_PREFETCH="1")
        assert result == {"started": False}
        assert server.requests() == []


def _secret():  # type: ignore[no-untyped-def]
    from policytui.auth.secret import Secret

    return Secret(STAFF_TOKEN)
