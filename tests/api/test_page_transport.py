"""The walks' transport (api/page_transport.py) against the demo server over loopback
HTTP: the pages it reads are the pages httpx's own transport reads, and every fault a
read can meet ends as it does through httpx's (the same typed error, after the same
number of tries), so the client's retries and messages hold for the index's fill too.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import AbstractContextManager

import pytest
from starlette.middleware.gzip import GZipMiddleware
from uvicorn_thread import serving

from policytui.api import WaldurClient, errors
from policytui.demo import STAFF_TOKEN, DemoServer, DemoSettings, Fault, create_app

POLICIES = "/api/marketplace-offering-usage-policies/"


@pytest.fixture(scope="module")
def server() -> Iterator[DemoServer]:
    with DemoServer(DemoSettings(policies=700, seed=5)) as demo:
        yield demo


@pytest.fixture(autouse=True)
def no_faults_left(server: DemoServer) -> Iterator[None]:
    yield
    server.clear_faults()
    server.set_latency(0)


def client(url: str, page_transport: bool, **options: object) -> WaldurClient:
    options.setdefault("backoff", 0.01)
    options.setdefault("max_backoff", 0.05)
    return WaldurClient(url, STAFF_TOKEN, page_transport=page_transport, **options)  # type: ignore[arg-type]


async def walk(url: str, page_transport: bool, **options: object) -> tuple[list, int]:
    """Every policy, as the walks read them, and the GETs it took."""
    async with client(url, page_transport, **options) as it:
        items = [item async for page in it.policies.walk_raw() for item in page.items]
    return items, it.sent.get("GET", 0)


async def outcome(url: str, page_transport: bool, **options: object) -> tuple[str, int]:
    """How a walk ends: its typed error (or "read N"), and the GETs sent."""
    async with client(url, page_transport, **options) as it:
        try:
            read = [item async for page in it.policies.walk_raw() for item in page.items]
        except errors.WaldurError as error:
            return f"{type(error).__name__}: {error}", it.sent.get("GET", 0)
    return f"read {len(read)}", it.sent.get("GET", 0)


async def test_a_walk_reads_the_same_pages_as_through_httpx(server: DemoServer) -> None:
    plain, plain_gets = await walk(server.url, False)
    fast, fast_gets = await walk(server.url, True)
    assert len(plain) == 700 and fast == plain
    assert fast_gets == plain_gets == 3


@pytest.mark.parametrize(
    ("fault", "latency"),
    [
        # The body cut short once: the GET is tried again and the walk completes.
        (Fault("drop", times=1, method="GET", path=POLICIES, query="page=2&"), 0),
        # Every time: the client's "dropped mid-answer", after its tries.
        (Fault("drop", method="GET", path=POLICIES, query="page=2&"), 0),
        (Fault("status", times=1, method="GET", path=POLICIES, params={"status": 503}), 0),
        (Fault("status", method="GET", path=POLICIES, params={"status": 500}), 0),
        (Fault("malformed_json", method="GET", path=POLICIES, query="page=3&"), 0),
        (Fault("html", method="GET", path=POLICIES), 0),
        (Fault("revoke_token", method="GET", path=POLICIES, query="page=2&"), 0),
        (Fault("no_link", method="GET", path=POLICIES), 0),
        # Slower than the client waits: its Timeout, after its tries.
        (None, 700),
    ],
    ids=[
        "drop-once",
        "drop-always",
        "503-once",
        "500-always",
        "malformed-json",
        "html",
        "token-revoked",
        "no-link",
        "timeout",
    ],
)
async def test_a_fault_ends_a_walk_as_through_httpx(
    server: DemoServer, fault: Fault | None, latency: int
) -> None:
    ends = []
    for page_transport in (False, True):
        # A copy each time: a fault counts its uses down in place.
        server.set_faults([fault.to_dict()] if fault is not None else [])
        server.set_latency(latency)
        ends.append(await outcome(server.url, page_transport, timeout=0.3, max_retries=2))
    assert ends[1] == ends[0]
    assert STAFF_TOKEN not in ends[1][0]


async def test_nobody_listening_is_the_same_error(unused_port: int) -> None:
    url = f"http://127.0.0.1:{unused_port}"
    plain = await outcome(url, False, max_retries=1)
    fast = await outcome(url, True, max_retries=1)
    assert fast == plain and fast[0].startswith("ConnectionFailed")


async def test_a_write_goes_through_httpx_transport_once() -> None:
    """The walks only read: a write by the same client is sent once, as ever."""
    with DemoServer(DemoSettings(policies=20, seed=5)) as server:
        async with client(server.url, True) as it:
            policy = (await it.policies.list(page_size=1)).items[0]
            server.clear_requests()
            await it.policies.delete(policy.uuid)
            assert it.sent["DELETE"] == 1
            assert [r["status"] for r in server.requests() if r["method"] == "DELETE"] == [204]
            assert await it.policies.count() == 19


async def test_a_proxy_from_the_environment_is_still_used(
    server: DemoServer, unused_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """httpx honours HTTP_PROXY only for its own transport: with one set the walks use
    that (here a proxy nobody runs: the walk fails on it, the server being up, as
    through httpx); one that NO_PROXY bypasses changes nothing."""
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{unused_port}")
    plain = await outcome(server.url, False, max_retries=0)
    fast = await outcome(server.url, True, max_retries=0)
    assert fast == plain and fast[0].startswith("ConnectionFailed")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    assert (await outcome(server.url, True))[0] == "read 700"


def gzip_server() -> AbstractContextManager[int]:
    """The demo app behind starlette's GZipMiddleware, as a proxy compressing answers."""
    app = GZipMiddleware(create_app(DemoSettings(policies=700, seed=5)), minimum_size=100)
    return serving(app)


async def test_a_compressed_answer_is_read_as_through_httpx(server: DemoServer) -> None:
    with gzip_server() as port:
        url = f"http://127.0.0.1:{port}"
        import httpx

        raw = httpx.get(
            f"{url}{POLICIES}",
            params={"page_size": 300},
            headers={"Authorization": f"Token {STAFF_TOKEN}", "Accept-Encoding": "gzip"},
        )
        assert raw.headers["content-encoding"] == "gzip"  # compressed on the wire
        fast, _ = await walk(url, True)
        plain, _ = await walk(url, False)
    assert len(fast) == 700 and fast == plain


@pytest.fixture
def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
