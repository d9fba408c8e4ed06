"""The app's helper process and the fired scan, seen from outside as a user could: `ps`
for the processes, the demo server's request log for the scan's page requests."""

from __future__ import annotations

import asyncio
import subprocess
import time

from e2e_terminal import DemoServerProcess

from policytui.demo import STAFF_TOKEN

POLICIES = "/api/marketplace-offering-usage-policies/"


def app_and_helper(server: DemoServerProcess) -> tuple[int | None, int | None]:
    """The pids of the app started against ``server`` and of its forked helper (the
    app's child), from ``ps``; the pane's shell line (``env -i …``) is not the app."""
    out = subprocess.run(
        ["ps", "-ww", "-eo", "pid=,ppid=,args="], capture_output=True, text=True
    ).stdout
    ours: dict[int, int] = {}
    for line in out.splitlines():
        pid, ppid, args = line.split(None, 2)
        if f"--url={server.api_url}" in args and "env -i" not in args:
            ours[int(pid)] = int(ppid)
    app = next((pid for pid, ppid in ours.items() if ppid not in ours), None)
    helper = next((pid for pid, ppid in ours.items() if ppid == app), None)
    return app, helper


def scan_page_requests(server: DemoServerProcess) -> int:
    """GETs of the scan's pages (the server's page size) that reached the server."""
    return sum(
        1
        for r in server.requests()
        if r["method"] == "GET" and r["path"] == POLICIES and "page_size=300" in r["query"]
    )


def fired_count(server: DemoServerProcess) -> tuple[int, int]:
    """How many policies have fired and how many there are, asked over HTTP."""
    from policytui.api import WaldurClient

    async def count() -> tuple[int, int]:
        async with WaldurClient(server.api_url.removesuffix("/api/"), STAFF_TOKEN) as client:
            pages = [page async for page in client.policies.walk_raw()]
        items = [p for page in pages for p in page.items]
        return sum(1 for p in items if p["has_fired"]), len(items)

    return asyncio.run(count())


def wait_for_requests(server: DemoServerProcess, count: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while scan_page_requests(server) < count:
        assert time.monotonic() < deadline, f"the scan never sent {count} page requests"
        time.sleep(0.02)
