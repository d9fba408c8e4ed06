"""Start-up answers recorded on one side of a pipe and replayed once on the other.

Real loopback HTTP against the demo server and a real ``os.pipe``; the server's request
log shows which requests reached it, so "answered from the recording" is measured, not
assumed.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Iterator

import pytest

from policytui.api import ComponentLimitIn, Period, PolicyCreate, WaldurClient, errors
from policytui.demo import STAFF_TOKEN, DemoServer, DemoSettings
from policytui.helper.recording import (
    MAX_AGE,
    FrameWriter,
    StartupRecording,
    mark_startup_requests,
)
from policytui.helper.transport import RecordingTransport, ReplayTransport

POLICIES = "/api/marketplace-offering-usage-policies/"


@pytest.fixture
def server() -> Iterator[DemoServer]:
    with DemoServer(DemoSettings(policies=120)) as demo:
        yield demo


def _hits(server: DemoServer, path: str = POLICIES, query: str | None = None) -> int:
    return sum(
        1
        for r in server.requests()
        if r["method"] == "GET" and r["path"] == path and (query is None or r["query"] == query)
    )


def recorder(server: DemoServer, writer: FrameWriter) -> WaldurClient:
    return WaldurClient(
        server.url,
        STAFF_TOKEN,
        max_retries=0,
        wrap_transport=lambda network: RecordingTransport(network(), writer),
    )


def replayer(
    server: DemoServer, recording: StartupRecording, *, startup: bool = True
) -> WaldurClient:
    """The UI's client; with ``startup`` the calling task's requests are the start-up ones
    (as the list screen's start-up worker marks its own)."""
    if startup:
        mark_startup_requests()
    return WaldurClient(
        server.url,
        STAFF_TOKEN,
        wrap_transport=lambda network: ReplayTransport(recording, network),
    )


async def _record(server: DemoServer, *calls: str) -> StartupRecording:
    """Record ``calls`` through a writer on a real pipe, then close it (the child exits)."""
    read_fd, write_fd = os.pipe()
    recording = StartupRecording(read_fd)
    async with recorder(server, FrameWriter(write_fd)) as client:
        for call in calls:
            if call == "page1":
                await client.policies.list(page=1, page_size=25)
            elif call == "catalog":
                await asyncio.gather(client.offerings(), client.policies.actions())
            elif call == "missing":
                with pytest.raises(errors.NotFound):
                    await client.policies.get("0" * 32)
    os.close(write_fd)
    return recording


async def test_a_recorded_page_is_replayed_without_asking_the_server(server: DemoServer) -> None:
    recording = await _record(server, "page1", "catalog")
    asked = _hits(server)
    assert asked == 1
    async with replayer(server, recording) as client:
        page = await client.policies.list(page=1, page_size=25)
        offerings = await client.offerings()
        actions = await client.policies.actions()
    # Same answer as the server's, parsed the same way, and the server was not asked again.
    async with WaldurClient(server.url, STAFF_TOKEN) as direct:
        fresh = await direct.policies.list(page=1, page_size=25)
    assert [p.uuid for p in page.items] == [p.uuid for p in fresh.items]
    assert page.total == fresh.total == 120
    assert page.has_next and offerings and "notify_organization_owners" in actions
    assert _hits(server) == asked + 1  # only the direct client's request
    assert recording.replayed == 3


async def test_each_answer_is_replayed_once_then_the_server_is_asked(server: DemoServer) -> None:
    recording = await _record(server, "page1")
    async with replayer(server, recording) as client:
        await client.policies.list(page=1, page_size=25)
        assert _hits(server) == 1
        await client.policies.list(page=1, page_size=25)  # a refresh: fresh data
        assert _hits(server) == 2


async def test_a_refresh_goes_to_the_server_though_the_recording_holds_its_url(
    server: DemoServer,
) -> None:
    """The helper's first page stood in for its recorded page 1, so that answer was never
    taken; a refresh moments later (another task than the start-up load) must not get it."""
    recording = await _record(server, "page1", "catalog")
    async with replayer(server, recording, startup=False) as client:

        async def start_up() -> None:  # the list screen's start-up worker
            mark_startup_requests()
            await asyncio.gather(client.offerings(), client.policies.actions())

        await asyncio.create_task(start_up())
        asked = _hits(server)
        await client.policies.list(page=1, page_size=25)  # `r`, from a key handler
        assert _hits(server) == asked + 1
        await client.policies.list(page=1, page_size=25)  # and again: the server again
        assert _hits(server) == asked + 2
    assert recording.replayed == 2  # the catalog's two answers, nothing else


async def test_another_url_goes_to_the_server(server: DemoServer) -> None:
    recording = await _record(server, "page1")
    async with replayer(server, recording) as client:
        page = await client.policies.list(page=1, page_size=30)  # the terminal grew
    assert len(page.items) == 30
    assert _hits(server, query="page_size=30") == 1


async def test_errors_are_not_recorded_the_ui_meets_them_itself(server: DemoServer) -> None:
    recording = await _record(server, "missing")
    async with replayer(server, recording) as client:
        with pytest.raises(errors.NotFound):
            await client.policies.get("0" * 32)
    assert _hits(server, path=f"{POLICIES}{'0' * 32}/") == 2
    assert recording.replayed == 0


async def test_an_old_answer_is_not_used(server: DemoServer) -> None:
    now = [1000.0]
    read_fd, write_fd = os.pipe()
    recording = StartupRecording(read_fd, clock=lambda: now[0])
    async with recorder(server, FrameWriter(write_fd)) as client:
        await client.policies.list(page=1, page_size=25)
    os.close(write_fd)
    _wait_done(recording)  # the answer is stored (stamped with the old time) first
    now[0] += MAX_AGE + 1
    async with replayer(server, recording) as client:
        await client.policies.list(page=1, page_size=25)
    assert _hits(server) == 2
    assert recording.replayed == 0


async def test_a_request_waits_for_an_answer_still_on_its_way(server: DemoServer) -> None:
    """The UI can ask before the child has answered: it waits for the child, not the
    server (which would be asked twice)."""
    read_fd, write_fd = os.pipe()
    recording = StartupRecording(read_fd)
    writer = FrameWriter(write_fd)
    async with replayer(server, recording) as ui:
        asked = asyncio.ensure_future(ui.policies.list(page=1, page_size=25))
        await asyncio.sleep(0.1)
        assert not asked.done()
        async with recorder(server, writer) as child:
            await child.policies.list(page=1, page_size=25)
        page = await asyncio.wait_for(asked, 5)
    os.close(write_fd)
    assert len(page.items) == 25
    assert _hits(server) == 1


async def test_a_child_that_dies_mid_answer_costs_only_a_request(server: DemoServer) -> None:
    read_fd, write_fd = os.pipe()
    recording = StartupRecording(read_fd)
    os.write(write_fd, b"\x00\x00\x10\x00half a frame")
    os.close(write_fd)
    async with replayer(server, recording) as client:
        page = await asyncio.wait_for(client.policies.list(page=1, page_size=25), 5)
    assert len(page.items) == 25
    assert recording.done and _hits(server) == 1


async def test_writes_are_never_replayed(fresh_demo_server: DemoServer) -> None:
    server = fresh_demo_server
    read_fd, write_fd = os.pipe()
    recording = StartupRecording(read_fd)
    os.close(write_fd)
    async with replayer(server, recording) as client:
        offering = next(o for o in await client.offerings() if o.components)
        groups = await client.organization_groups()
        body = PolicyCreate(
            scope=offering.url,
            actions=["notify_organization_owners"],
            organization_groups=[groups[0].url],
            component_limits_set=[ComponentLimitIn(type=offering.components[0].type, limit=100)],
            period=Period.MONTH_1,
        )
        created = await client.policies.create(body)
        await client.policies.delete(created.uuid)
    writes = [r["method"] for r in server.requests() if r["method"] in ("POST", "DELETE")]
    assert writes == ["POST", "DELETE"]


def _wait_done(recording: StartupRecording) -> None:
    for _ in range(500):
        if recording.done:
            return
        threading.Event().wait(0.01)


def test_the_reader_thread_ends_with_the_pipe() -> None:
    read_fd, write_fd = os.pipe()
    recording = StartupRecording(read_fd)
    os.close(write_fd)
    _wait_done(recording)
    assert recording.done
    recording._thread.join(1)
    assert not recording._thread.is_alive()
