"""An httpx transport for the walks over every page (issue 13's fill time): HTTP/1.1 on
asyncio's own sockets, parsed by h11.

A walk of 100 000 policies is 334 GETs of ~265 KB each. Through httpx's default
transport (httpcore over anyio) a page's body arrives in a dozen reads, each through
anyio's cancel scopes, httpcore's connection state and httpx's stream iterators: ~0.3 s
of CPU a walk, in the helper, whose CPU is what the index's fill waits for
(bench/index_scale.py). Here the event loop hands each chunk the socket gives straight
to h11 (an asyncio.Protocol), and a page's body is joined once: ~0.1 s.

Everything above a transport stays httpx's (the URL, auth, cookies, proxies from the
environment, which httpx mounts ahead of this transport, gzip) and the client's
(retries, error messages): this only moves bytes, and fails with the exceptions
httpcore raises for the same faults (``ConnectError``, ``ConnectTimeout``,
``ReadTimeout``, ``PoolTimeout``, ``RemoteProtocolError``, ``ReadError``), so the client
reads them as it always has. A request with a body (a write) goes to httpx's own
transport: the walks only read.
"""

from __future__ import annotations

import asyncio
import datetime
import select
import ssl
import time
from collections.abc import Callable
from typing import Any

import h11

from policytui.api._http import httpx

__all__ = ["PageTransport"]

_READ_METHODS = frozenset({"GET", "HEAD"})
#: The longest response head h11 buffers, as httpcore sets it (h11's own is 16 KiB).
_MAX_HEAD = 100 * 1024


class _Connection(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection, one request at a time."""

    def __init__(self) -> None:
        self._h11 = h11.Connection(h11.CLIENT, max_incomplete_event_size=_MAX_HEAD)
        self._socket: asyncio.Transport | None = None
        #: Done once the socket is closed (a TLS one needs the loop to run for it).
        self.gone: asyncio.Future[None] | None = None
        self._answer: asyncio.Future[None] | None = None
        self._response: h11.Response | None = None
        #: Called with the response's head as it arrives (before its body).
        self._on_head: Callable[[h11.Response], None] | None = None
        self._chunks: list[bytes] = []
        self.last_data = 0.0
        self.lost = False

    # -- asyncio.Protocol ------------------------------------------------------------

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._socket = transport  # type: ignore[assignment]
        self.gone = asyncio.get_running_loop().create_future()

    def data_received(self, data: bytes) -> None:
        self.last_data = asyncio.get_running_loop().time()
        self._h11.receive_data(data)
        self._pump()

    def eof_received(self) -> bool:
        self._h11.receive_data(b"")
        self._pump()
        return False  # close our side too

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        if self.gone is not None and not self.gone.done():
            self.gone.set_result(None)
        if self._answer is not None and not self._answer.done():
            if exc is not None:
                self._fail(httpx.ReadError(str(exc) or type(exc).__name__), exc)
            elif self._response is None:
                self._fail(httpx.RemoteProtocolError("Server disconnected without a response."))
            else:
                self._fail(httpx.RemoteProtocolError("The connection closed mid-body."))

    # -- one request -----------------------------------------------------------------

    def _pump(self) -> None:
        """Read what h11 has whole: the response's head, body chunks, its end."""
        answer = self._answer
        while answer is not None and not answer.done():
            try:
                event = self._h11.next_event()
            except h11.RemoteProtocolError as exc:
                self._fail(httpx.RemoteProtocolError(str(exc)), exc)
                return
            if event is h11.NEED_DATA or event is h11.PAUSED:
                return
            if isinstance(event, h11.Response):
                self._response = event
                if self._on_head is not None:
                    self._on_head(event)
            elif isinstance(event, h11.Data):
                self._chunks.append(event.data)
            elif isinstance(event, h11.EndOfMessage):
                answer.set_result(None)
            elif isinstance(event, h11.ConnectionClosed):
                self._fail(httpx.RemoteProtocolError("The connection closed mid-answer."))

    def _fail(self, error: Exception, cause: BaseException | None = None) -> None:
        error.__cause__ = cause
        if self._answer is not None and not self._answer.done():
            self._answer.set_exception(error)
        self.close()

    async def round_trip(
        self,
        request: httpx.Request,
        read_timeout: float | None,
        on_head: Callable[[h11.Response], None] | None = None,
    ) -> tuple[h11.Response, bytes]:
        loop = asyncio.get_running_loop()
        self._answer = answer = loop.create_future()
        self._response, self._chunks, self._on_head = None, [], on_head
        try:
            head = self._h11.send(
                h11.Request(
                    method=request.method, target=request.url.raw_path, headers=request.headers.raw
                )
            )
            end = self._h11.send(h11.EndOfMessage()) or b""
        except h11.LocalProtocolError as exc:  # a header value h11 will not send
            self.close()
            raise httpx.LocalProtocolError(str(exc), request=request) from exc
        assert self._socket is not None
        self._socket.write(head + end)
        self.last_data = loop.time()
        self._pump()  # bytes that came with the last answer's
        # Timed out as httpcore does: when no byte came for read_timeout seconds.
        while not answer.done():
            wait = None if read_timeout is None else self.last_data + read_timeout - loop.time()
            if wait is not None and wait <= 0:
                self.close()
                raise httpx.ReadTimeout("No answer in time.", request=request)
            await asyncio.wait((answer,), timeout=wait)
        answer.result()  # raises what failed it
        assert self._response is not None
        body = b"".join(self._chunks)
        self._chunks = []
        if self._h11.our_state is h11.DONE and self._h11.their_state is h11.DONE:
            self._h11.start_next_cycle()
        else:
            self.close()  # "Connection: close", or an answer h11 cannot follow with another
        return self._response, body

    @property
    def reusable(self) -> bool:
        return not self.lost and self._h11.our_state is h11.IDLE

    def still_open(self) -> bool:
        """Whether an idle connection may take a request: an idle socket with something
        to read holds the server's close the loop has not seen yet, as httpcore checks
        (one the server is closing right now still fails: the client tries again)."""
        if not self.reusable or self._socket is None:
            return False
        sock = self._socket.get_extra_info("socket")
        if sock is not None and _readable(sock):
            self.close()
            return False
        return True

    def close(self) -> None:
        self.lost = True
        answer = self._answer
        if answer is not None and not answer.done():
            answer.cancel()  # nobody waits for it any more: no exception left unread
        if self._socket is not None:
            self._socket.close()


def _readable(sock: Any) -> bool:
    if hasattr(select, "poll"):  # select cannot watch a descriptor past FD_SETSIZE
        watch = select.poll()
        watch.register(sock, select.POLLIN)
        return bool(watch.poll(0))
    return bool(select.select([sock], [], [], 0)[0])  # Windows: no poll


class PageTransport(httpx.AsyncBaseTransport):
    """Bodiless requests over a pool of keep-alive connections (at most
    ``max_connections`` at once, as httpx's ``Limits``); others to ``other()``, httpx's
    own transport, made when first needed. ``verify`` is as httpx's (a context, or
    True/False), read when the first HTTPS connection is made."""

    def __init__(
        self,
        *,
        verify: ssl.SSLContext | bool = True,
        max_connections: int = 6,
        other: Callable[[], httpx.AsyncBaseTransport] | None = None,
    ) -> None:
        self._verify = verify
        self._tls: ssl.SSLContext | None = None
        self._max = max(1, max_connections)
        self._gate: asyncio.Semaphore | None = None
        self._idle: dict[tuple[bytes, str, int], list[_Connection]] = {}
        self._make_other = other or (lambda: httpx.AsyncHTTPTransport(verify=verify))
        self._other: httpx.AsyncBaseTransport | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._handle(request, None)

    async def _handle(
        self, request: httpx.Request, on_head: Callable[[h11.Response], None] | None
    ) -> httpx.Response:
        url = request.url
        if (
            request.method not in _READ_METHODS
            or url.scheme not in ("http", "https")
            or request.headers.get("content-length", "0") != "0"
            or "transfer-encoding" in request.headers
        ):
            if self._other is None:
                self._other = self._make_other()
            return await self._other.handle_async_request(request)
        timeouts: dict[str, Any] = request.extensions.get("timeout", {})
        if self._gate is None:
            self._gate = asyncio.Semaphore(self._max)
        try:
            # asyncio.timeout, not wait_for: Python 3.11's wait_for drops a cancel that
            # comes as the slot is granted (gh-86296), and the cancelled walk would go on.
            async with asyncio.timeout(timeouts.get("pool")):
                await self._gate.acquire()
        except TimeoutError:
            raise httpx.PoolTimeout("No connection free in time.", request=request) from None
        try:
            # raw_host: the name as httpx connects to it (IDNA 2008, not Python's codec).
            host = url.raw_host.decode("ascii")
            key = (url.raw_scheme, host, url.port or (443 if url.scheme == "https" else 80))
            connection = self._idle_connection(key) or await self._connect(
                key, request, timeouts.get("connect")
            )
            try:
                response, body = await connection.round_trip(request, timeouts.get("read"), on_head)
            except BaseException:
                connection.close()  # cancelled or failed mid-answer: not reusable
                raise
            if connection.reusable:
                self._idle.setdefault(key, []).append(connection)
        finally:
            self._gate.release()
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=httpx.ByteStream(body),
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": response.reason},
        )

    async def read(self, request: httpx.Request, cookies: httpx.Cookies) -> httpx.Response:
        """A bodiless request sent as ``AsyncClient.send`` sends it, past the client's
        machinery (its auth flow, redirect loop, cookie jar and URL merging: ~0.15 ms a
        request, a third of a walk's HTTP). The caller has built the request as the
        client would (:meth:`policytui.api.client.WaldurClient._send`). As the client
        does: a cookie the server sets goes into ``cookies`` before the body is read
        (kept even if the body then fails), the response is read whole, knows its
        ``elapsed``, and an error names its request."""

        def on_head(head: h11.Response) -> None:
            for name, _ in head.headers:
                if name == b"set-cookie":
                    cookies.extract_cookies(
                        httpx.Response(head.status_code, headers=head.headers, request=request)
                    )
                    return

        start = time.perf_counter()
        try:
            response = await self._handle(request, on_head)
        except httpx.RequestError as exc:
            exc.request = request
            raise
        response.request = request
        try:
            await response.aread()
        except BaseException:
            await response.aclose()
            raise
        finally:
            response.elapsed = datetime.timedelta(seconds=time.perf_counter() - start)
        return response

    def _idle_connection(self, key: tuple[bytes, str, int]) -> _Connection | None:
        idle = self._idle.get(key)
        while idle:
            connection = idle.pop()
            if connection.still_open():  # not closed by the server while it waited here
                return connection
        return None

    async def _connect(
        self, key: tuple[bytes, str, int], request: httpx.Request, timeout: float | None
    ) -> _Connection:
        scheme, host, port = key
        tls = None
        if scheme == b"https":
            if self._tls is None:
                verify = self._verify
                if not isinstance(verify, ssl.SSLContext):
                    verify = httpx.create_ssl_context(verify)  # as httpx's own transport
                self._tls = verify
            tls = self._tls
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(timeout):  # (not wait_for: see handle_async_request)
                _, connection = await loop.create_connection(
                    _Connection, host, port, ssl=tls, server_hostname=host if tls else None
                )
        except TimeoutError as exc:
            if exc.errno is None:  # our timeout, not the system's ETIMEDOUT
                raise httpx.ConnectTimeout("No connection in time.", request=request) from None
            raise httpx.ConnectError(str(exc), request=request) from exc
        except OSError as exc:  # refused, unreachable, a TLS failure (ssl.SSLError)
            raise httpx.ConnectError(str(exc), request=request) from exc
        return connection

    async def aclose(self) -> None:
        closing = [c for idle in self._idle.values() for c in idle]
        self._idle.clear()
        for connection in closing:
            connection.close()
        # A TLS socket closes over a few turns of the loop: wait for it (briefly), or
        # asyncio.run's end finds it open.
        gone = [c.gone for c in closing if c.gone is not None and not c.gone.done()]
        if gone:
            await asyncio.wait(gone, timeout=1.0)
        if self._other is not None:
            await self._other.aclose()
