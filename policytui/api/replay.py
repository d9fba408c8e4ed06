"""Start-up GETs answered by a forked helper: recorded there, replayed once here.

At start-up the UI process spends most of a second importing Textual. A child forked
before that import (:mod:`policytui.prefetch`) sends the first requests the list screen
will make, on the machine's other core, and streams each answer back over a pipe as it
arrives. The UI's client then gets those answers from :class:`ReplayTransport` instead
of the network: the same bytes and headers, through the same parsing and error handling.

Only successful GETs are recorded and each is replayed at most once, for a limited time:
a refresh always goes to the server, and an error is always met by the UI's own request
(with its own retries), so nothing the user sees depends on what the child did.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from policytui import frames
from policytui.api._http import httpx

__all__ = [
    "FrameWriter",
    "Recorded",
    "RecordingTransport",
    "ReplayTransport",
    "StartupRecording",
]

#: How long after it arrived a recorded answer may still stand in for a request.
MAX_AGE = 10.0
#: How often a request waiting for the child looks again (start-up only).
_POLL = 0.004


@dataclass(frozen=True, slots=True)
class Recorded:
    """One answer as the server sent it: the raw (still encoded) body and its headers."""

    method: str
    url: str
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


class FrameWriter:
    """Recorded answers onto the pipe; a failed write (the reader went away) is final."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self.broken = False

    def write(self, recorded: Recorded) -> None:
        if self.broken:
            return
        try:
            frames.send(self._fd, recorded)
        except frames.PipeClosed:
            self.broken = True


class RecordingTransport(httpx.AsyncBaseTransport):
    """Passes every request to ``inner``; each 2xx GET answer is also written to ``writer``."""

    def __init__(self, inner: httpx.AsyncBaseTransport, writer: FrameWriter) -> None:
        self._inner = inner
        self._writer = writer

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        if request.method != "GET" or not 200 <= response.status_code < 300:
            return response
        try:
            body = b"".join([chunk async for chunk in response.aiter_raw()])
        finally:
            await response.aclose()
        self._writer.write(
            Recorded("GET", str(request.url), response.status_code, response.headers.raw, body)
        )
        return httpx.Response(
            response.status_code,
            headers=response.headers.raw,
            content=body,
            request=request,
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self._inner.aclose()


class StartupRecording:
    """What the child recorded, read from its pipe by a daemon thread as it arrives.

    The thread spends its life blocked in ``os.read`` (no interpreter lock held), so it
    costs the importing UI nothing; it also reaps the child when the pipe closes.
    """

    def __init__(
        self, fd: int, pid: int | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._fd = fd
        self._pid = pid
        self._clock = clock
        self._lock = threading.Lock()
        self._answers: dict[tuple[str, str], tuple[float, Recorded]] = {}
        self._done = threading.Event()
        self.replayed = 0
        self._thread = threading.Thread(
            target=self._read, name="policytui-startup-reader", daemon=True
        )
        self._thread.start()

    @property
    def done(self) -> bool:
        """The child has finished (or died): nothing more will arrive."""
        return self._done.is_set()

    def _read(self) -> None:
        try:
            while True:
                recorded = frames.receive(self._fd)
                if not isinstance(recorded, Recorded):
                    break
                with self._lock:
                    self._answers[(recorded.method, recorded.url)] = (self._clock(), recorded)
        except frames.PipeClosed:
            pass  # the child is done, or broken: either way the UI asks the server itself
        finally:
            os.close(self._fd)
            self._done.set()
            if self._pid is not None:
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(self._pid, 0)

    def take(self, method: str, url: str) -> Recorded | None:
        """The recorded answer for this request, once, if it is fresh enough."""
        with self._lock:
            found = self._answers.pop((method, url), None)
        if found is None:
            return None
        at, recorded = found
        if self._clock() - at > MAX_AGE:
            return None
        self.replayed += 1
        return recorded

    async def wait_for(self, method: str, url: str) -> Recorded | None:
        """The answer for this request: at once if recorded, after the child has sent it
        if it may still come, ``None`` when the child is done without it."""
        while True:
            done = self._done.is_set()
            recorded = self.take(method, url)
            if recorded is not None or done:
                return recorded
            await asyncio.sleep(_POLL)

    def discard(self) -> None:
        """Forget whatever was not replayed (the UI moved on: it must not get old data)."""
        with self._lock:
            self._answers.clear()


class ReplayTransport(httpx.AsyncBaseTransport):
    """Answers a GET from ``recording`` when it holds that exact URL, else from the network.

    The network transport is made on the first request that needs it: until then the UI
    process imports neither httpcore nor a CA bundle.
    """

    def __init__(
        self,
        recording: StartupRecording,
        make_inner: Callable[[], httpx.AsyncBaseTransport],
    ) -> None:
        self._recording = recording
        self._make_inner = make_inner
        self._inner: httpx.AsyncBaseTransport | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET":
            recorded = await self._recording.wait_for("GET", str(request.url))
            if recorded is not None:
                return httpx.Response(
                    recorded.status,
                    headers=recorded.headers,
                    content=recorded.body,
                    request=request,
                )
        if self._inner is None:
            self._inner = self._make_inner()
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        self._recording.discard()
        if self._inner is not None:
            await self._inner.aclose()
