"""The walks' transport (api/page_transport.py) against the demo server over loopback
HTTP: the pages it reads are the pages httpx's own transport reads, and every fault a
read can meet ends as it does through httpx's (the same typed error, after the same
number of tries), so the client's retries and messages hold for the index's fill too.
"""

from __future__ import annotations

import asyncio
import gc
import socket
import threading
import time
import warnings
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import NoReturn

import pytest
from starlette.middleware.gzip import GZipMiddleware
from uvicorn_thread import serving

from policytui.api import WaldurClient, errors
from policytui.api._http import httpx
from policytui.api.page_transport import PageTransport
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


# -- what a review of the transport found (each failed before its fix) ---------------


@contextmanager
def raw_server(
    answer: Callable[[asyncio.StreamWriter], Awaitable[None]], heads: list[bytes] | None = None
) -> Iterator[str]:
    """A loopback HTTP server writing ``answer`` for every request head, in a thread
    (each head kept in ``heads`` when given)."""
    ready: list[str] = []
    stop = threading.Event()

    def run() -> None:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            try:
                while True:
                    head = await reader.readuntil(b"\r\n\r\n")
                    if heads is not None:
                        heads.append(head)
                    await answer(writer)
            except (asyncio.IncompleteReadError, ConnectionError):
                pass
            finally:
                writer.close()

        async def serve() -> None:
            server = await asyncio.start_server(handle, "127.0.0.1", 0)
            ready.append(f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}")
            while not stop.is_set():
                await asyncio.sleep(0.02)
            server.close()

        asyncio.run(serve())

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    while not ready:
        time.sleep(0.01)
    try:
        yield ready[0]
    finally:
        stop.set()
        thread.join(timeout=5)


async def test_a_response_head_of_30_kb_in_pieces_is_read() -> None:
    """h11 buffers 16 KiB of a head by default; httpcore lets it have 100 KiB."""

    async def answer(writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 10_000)
        for _ in range(2):  # 20 KB of it waiting for its end: more than h11's 16 KiB
            await writer.drain()
            await asyncio.sleep(0.02)
            writer.write(b"a" * 10_000)
        writer.write(b"\r\nContent-Length: 2\r\n\r\n[]")
        await writer.drain()

    with raw_server(answer) as url:
        for page_transport in (False, True):
            async with client(url, page_transport, max_retries=0) as it:
                assert (await it.get_json("x/")) == []


async def test_a_cancelled_walk_leaves_no_error_unread(
    server: DemoServer, caplog: pytest.LogCaptureFixture
) -> None:
    """Cancelled mid-page (the fired view left), then the connection closed: asyncio
    once logged "Future exception was never retrieved" for each (on a terminal, over the
    TUI)."""
    server.set_faults([Fault("timeout", method="GET", path=POLICIES, params={"seconds": 5})])
    async with client(server.url, True) as it:
        task = asyncio.ensure_future(it.policies.list())
        await asyncio.sleep(0.2)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    server.release_held()
    gc.collect()
    await asyncio.sleep(0.05)
    assert not [r for r in caplog.records if "never retrieved" in r.getMessage()]


async def test_a_cancel_as_a_connection_frees_up_still_cancels() -> None:
    """Python 3.11's wait_for dropped a cancel that came as the pool slot was granted
    (gh-86296): the cancelled request went on. A pool of one, its slot held."""

    async def answer(writer: asyncio.StreamWriter) -> None:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
        await writer.drain()

    with raw_server(answer) as url:
        transport = PageTransport(max_connections=1)
        async with httpx.AsyncClient(transport=transport, timeout=5) as http:
            await http.get(url)  # makes the pool
            gate = transport._gate
            assert gate is not None
            await gate.acquire()  # another request has the one connection
            waiting = asyncio.ensure_future(http.get(url))
            await asyncio.sleep(0.05)
            gate.release()  # it is done, and at once the walk is cancelled
            await asyncio.sleep(0)
            waiting.cancel()
            with pytest.raises(asyncio.CancelledError):
                await waiting


def test_tls_connections_are_closed_when_the_walk_ends(tmp_path: Path) -> None:
    """A shell command runs one asyncio.run: its TLS sockets were still open when it
    returned (a TLS close takes the loop a few turns), "unclosed transport" warnings."""
    from test_api_tls import _serve_https, _write_ca_and_server_cert

    ca, cert, key = _write_ca_and_server_cert(tmp_path)
    with _serve_https(cert, key) as port:

        async def walk_there() -> int:
            url = f"https://127.0.0.1:{port}"
            async with client(url, True, ca_bundle=str(ca)) as it:
                return len([i async for p in it.policies.walk_raw() for i in p.items])

        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ResourceWarning)
            assert asyncio.run(walk_there()) == 60
            gc.collect()
    assert not [w for w in caught if issubclass(w.category, ResourceWarning)]


async def test_an_international_host_is_looked_up_as_httpx_looks_it_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """faß.de is xn--fa-hia.de (IDNA 2008, httpx's), not fass.de (Python's own codec):
    the name looked up (no DNS here: the look-up is where it stops)."""
    looked_up: list[bytes] = []

    def lookup(host: str | bytes, *args: object, **kwargs: object) -> NoReturn:
        looked_up.append(host.encode("idna") if isinstance(host, str) else host)
        raise socket.gaierror("no DNS in the test")

    monkeypatch.setattr(socket, "getaddrinfo", lookup)
    for page_transport in (False, True):
        async with client("http://faß.de/api/", page_transport, max_retries=0) as it:
            with pytest.raises(errors.ConnectionFailed):
                await it.policies.count()
    assert looked_up == [b"xn--fa-hia.de", b"xn--fa-hia.de"]


async def test_a_token_with_a_line_break_is_the_same_typed_error(server: DemoServer) -> None:
    """h11 will not send such a header: its own exception escaped the client's error
    handling once; now it is httpx's, as through httpx's transport (no token shown)."""
    ends = []
    for page_transport in (False, True):
        async with WaldurClient(
            server.url, "abc\ndef", page_transport=page_transport, max_retries=0
        ) as it:
            with pytest.raises(errors.WaldurError) as raised:
                await it.policies.list()
        ends.append(f"{type(raised.value).__name__}: {raised.value}")
    assert ends[1] == ends[0] and "abc" not in ends[1]


# -- reads sent past httpx's client (PageTransport.read) ------------------------------


@contextmanager
def recording_server(set_cookie: bytes = b"") -> Iterator[tuple[str, list[bytes]]]:
    """A loopback server answering ``[]`` to every request and keeping each request's
    head; the first answer sets ``set_cookie`` when given."""
    heads: list[bytes] = []

    async def answer(writer: asyncio.StreamWriter) -> None:
        cookie = b"Set-Cookie: " + set_cookie + b"\r\n" if set_cookie and len(heads) == 1 else b""
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            + cookie
            + b"Content-Length: 2\r\n\r\n[]"
        )
        await writer.drain()

    with raw_server(answer, heads) as url:
        yield url, heads


def _head(raw: bytes) -> tuple[str, dict[str, str]]:
    """A request head's line and its headers, by lower-case name."""
    line, *fields = raw.decode("latin-1").split("\r\n")
    headers = {}
    for field in filter(None, fields):
        name, _, value = field.partition(":")
        headers[name.strip().lower()] = value.strip()
    return line, headers


async def test_a_read_past_the_client_is_the_request_httpx_would_send() -> None:
    """The same request line and the same headers (the token's included) as httpx's
    client sends, for a GET with a query that needs quoting and for a HEAD."""
    params = [("scope_uuid", "a b/é&c"), ("page", 2), ("page_size", 300)]
    sent: dict[bool, list[tuple[str, dict[str, str]]]] = {}
    for page_transport in (False, True):
        with recording_server() as (url, heads):
            async with client(url, page_transport, max_retries=0) as it:
                assert (await it.get_json("marketplace-offering-usage-policies/", params)) == []
                await it.request("HEAD", "marketplace-offering-usage-policies/")
            sent[page_transport] = [_head(head) for head in heads]
            for _, headers in sent[page_transport]:  # each its own server's
                assert headers.pop("host") == url.removeprefix("http://")
    assert sent[True] == sent[False]
    line, headers = sent[True][0]
    assert line == (
        "GET /api/marketplace-offering-usage-policies/"
        "?scope_uuid=a+b%2F%C3%A9%26c&page=2&page_size=300 HTTP/1.1"
    )
    assert headers["authorization"] == f"Token {STAFF_TOKEN}"


async def test_a_cookie_the_server_sets_is_sent_back_as_through_httpx() -> None:
    """A load balancer's cookie: once set, every later request carries it, both ways."""
    for page_transport in (False, True):
        with recording_server(b"lb=backend-2; Path=/") as (url, heads):
            async with client(url, page_transport, max_retries=0) as it:
                for _ in range(3):
                    await it.get_json("users/me/")
            cookies = [_head(head)[1].get("cookie") for head in heads]
        assert cookies == [None, "lb=backend-2", "lb=backend-2"], page_transport


async def test_a_read_from_a_closed_client_is_refused_as_httpx_refuses_it(
    server: DemoServer,
) -> None:
    for page_transport in (False, True):
        it = client(server.url, page_transport, max_retries=0)
        await it.aclose()
        with pytest.raises(RuntimeError, match="client has been closed"):
            await it.get_json("users/me/")


def _locals_in(exc: BaseException) -> Iterator[str]:
    """The repr of every local of every frame an error went through, its chained and
    suppressed causes' too: what a crash report with locals could print."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [exc]
    while pending:
        error = pending.pop()
        if error is None or id(error) in seen:
            continue
        seen.add(id(error))
        tb = error.__traceback__
        while tb is not None:
            for value in tb.tb_frame.f_locals.values():
                yield repr(value)
            tb = tb.tb_next
        pending += [error.__cause__, error.__context__]


async def test_a_body_that_does_not_decode_is_a_typed_error_no_frame_holding_the_token() -> None:
    """A body marked gzip that is not: a typed error, sent once, both ways; and no local
    of any frame it went through (the lean read's included) holds the plain token."""

    async def answer(writer: asyncio.StreamWriter) -> None:
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            b"Content-Encoding: gzip\r\nContent-Length: 9\r\n\r\nnot gzip!"
        )
        await writer.drain()

    for page_transport in (False, True):
        with raw_server(answer) as url:
            async with client(url, page_transport) as it:
                with pytest.raises(errors.InvalidResponse, match="does not decode") as caught:
                    await it.get_json("users/me/")
                assert it.sent == {"GET": 1}
        held = list(_locals_in(caught.value))
        assert any("WaldurClient(" in text for text in held)  # the client's frames are in
        assert not [text for text in held if STAFF_TOKEN in text], page_transport


async def test_a_token_httpx_cannot_send_as_ascii_is_refused_by_the_server_both_ways(
    server: DemoServer,
) -> None:
    """A pasted token with a non-ASCII letter: the server's 401, not an encoding crash."""
    for page_transport in (False, True):
        async with WaldurClient(
            server.url, "a1c8b6a05b15d589fb276bd21852799393ö", page_transport=page_transport
        ) as it:
            with pytest.raises(errors.AuthenticationError):
                await it.get_json("users/me/")


async def test_a_cookie_set_by_an_answer_that_then_drops_is_still_sent_back() -> None:
    """httpx keeps a cookie from the head even when the body fails; so does the lean read."""
    answers: list[int] = []

    async def answer(writer: asyncio.StreamWriter) -> None:
        answers.append(1)
        if len(answers) == 1:
            writer.write(
                b"HTTP/1.1 200 OK\r\nSet-Cookie: lb=backend-2; Path=/\r\n"
                b"Content-Type: application/json\r\nContent-Length: 50\r\n\r\n[1, 2"
            )
            await writer.drain()
            writer.close()
            return
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n[]"
        )
        await writer.drain()

    for page_transport in (False, True):
        answers.clear()
        heads: list[bytes] = []
        with raw_server(answer, heads) as url:
            async with client(url, page_transport, max_retries=0) as it:
                with pytest.raises(errors.ConnectionFailed):
                    await it.get_json("users/me/")
                assert await it.get_json("users/me/") == []
        assert _head(heads[-1])[1].get("cookie") == "lb=backend-2", page_transport


async def test_a_read_is_logged_by_httpx_when_its_log_is_on(
    server: DemoServer, caplog: pytest.LogCaptureFixture
) -> None:
    """A script that turns httpx's log on sees every request, lean reads or not, and the
    answer says how long it took."""
    for page_transport in (False, True):
        caplog.clear()
        with caplog.at_level("INFO", logger="httpx"):
            async with client(server.url, page_transport) as it:
                response = await it.request("GET", "users/me/")
        assert response.elapsed.total_seconds() > 0
        assert [r.getMessage() for r in caplog.records if r.name == "httpx"] == [
            f'HTTP Request: GET {server.url}/api/users/me/ "HTTP/1.1 200 OK"'
        ], page_transport


async def test_the_lean_read_says_how_long_it_took(server: DemoServer) -> None:
    async with client(server.url, True) as it:
        response = await it.request("GET", "users/me/")
        assert it._reads is not None
    assert response.elapsed.total_seconds() > 0
