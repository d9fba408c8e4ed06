"""The httpx side of the start-up replay: record in the helper, replay in the UI.

Apart from :mod:`policytui.helper.recording` (the pipe and what travels on it) because
these need httpx, which the UI imports only after its first page is painted. Both are
installed into a plain :class:`~policytui.api.client.WaldurClient` through its
``wrap_transport`` hook: the client itself knows nothing of them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from policytui.api._http import httpx
from policytui.helper.messages import Recorded
from policytui.helper.recording import StartupRecording, is_startup_request

__all__ = ["RecordingTransport", "ReplayTransport"]


class Sink(Protocol):
    """Where recorded answers go (a :class:`~policytui.helper.recording.FrameWriter`)."""

    def write(self, recorded: Recorded) -> None: ...


class RecordingTransport(httpx.AsyncBaseTransport):
    """Passes every request to ``inner``; each 2xx GET answer is also written to ``writer``."""

    def __init__(self, inner: httpx.AsyncBaseTransport, writer: Sink) -> None:
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


class ReplayTransport(httpx.AsyncBaseTransport):
    """Answers a start-up GET from ``recording`` when it holds that exact URL (once), every
    other request from the network (see
    :func:`~policytui.helper.recording.mark_startup_requests`).

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
        if request.method == "GET" and is_startup_request():
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
