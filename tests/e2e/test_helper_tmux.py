"""End to end: `policytui --url` (not --demo) in tmux, where the helper process is forked.

The start-up page comes from the helper and is asked for once; the fired view's scan runs
in the helper and shows every fired policy; quitting ends the helper too.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator

import pytest
from test_browse_tmux import Terminal

from policytui.demo import STAFF_TOKEN, DemoServer, DemoSettings

pytestmark = pytest.mark.e2e

POLICIES = "/api/marketplace-offering-usage-policies/"


def _processes_running(marker: str) -> list[str]:
    out = subprocess.run(["ps", "-ww", "-eo", "pid,args"], capture_output=True, text=True).stdout
    return [
        line
        for line in out.splitlines()
        if line.split(None, 1)[-1] == f"{sys.executable} -m policytui {marker}"
    ]


@pytest.fixture
def served() -> Iterator[tuple[Terminal, DemoServer, str]]:
    with DemoServer(DemoSettings(policies=700)) as server:
        # A marker in the command line finds the app (and its forked helper) in `ps`.
        marker = f"--page-size=20 --url={server.url}"
        term = Terminal(f"policytui-helper-{uuid.uuid4().hex[:8]}")
        command = shlex.join(
            [sys.executable, "-m", "policytui", "--page-size=20", f"--url={server.url}"]
        )
        env = {**os.environ, "TERM": "xterm-256color", "WALDUR_ACCESS_TOKEN": STAFF_TOKEN}
        tmux = ["tmux", "-L", term.socket, "-f", "/dev/null", "new-session", "-d"]
        subprocess.run(
            [*tmux, "-s", "browse", "-x", "80", "-y", "24", command],
            check=True,
            env=env,
            timeout=10,
        )
        try:
            yield term, server, marker
        finally:
            term.tmux("kill-server")


def test_the_helper_fetches_the_first_page_and_runs_the_fired_scan(served) -> None:  # type: ignore[no-untyped-def]
    terminal, server, marker = served
    first = terminal.wait_for("page 1 of 35")
    assert "700 policies" in first.replace("\u2009", " ").replace(",", "")
    assert len(_processes_running(marker)) == 2  # the app and its helper
    page_one = [
        r for r in server.requests() if r["path"] == POLICIES and r["query"] == "page_size=20"
    ]
    assert len(page_one) == 1  # the helper's; the app replayed it

    expected = _fired_count(server)
    terminal.keys("f")
    fired = terminal.wait_for(f"{expected} fired of 700", timeout=30)
    assert "●" in fired
    terminal.keys("q")
    deadline = time.monotonic() + 10
    while _processes_running(marker) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_running(marker) == []


def _fired_count(server: DemoServer) -> int:
    import asyncio

    from policytui.api import WaldurClient

    async def count() -> int:
        async with WaldurClient(server.url, STAFF_TOKEN) as client:
            pages = [page async for page in client.policies.walk()]
        return sum(1 for page in pages for p in page.items if p.has_fired)

    return asyncio.run(count())
