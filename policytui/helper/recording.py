"""Start-up GETs answered by a forked helper: recorded there, replayed once here.

At start-up the UI process spends most of a second importing Textual. A child forked
before that import (:mod:`policytui.helper.fork`) sends the first requests the list
screen will make, on the machine's other core, and streams each answer back over a pipe
as it arrives (:mod:`policytui.helper.startup`). The UI's first client then gets those
answers from :class:`~policytui.helper.transport.ReplayTransport` instead of the network:
the same bytes and headers, through the same parsing and error handling.

Only successful GETs are recorded, and each is replayed at most once, for a limited
time, and only to the start-up requests it was made for: the task that starts the app's
first load marks itself (:func:`mark_startup_requests`), and a request from any other
task (a refresh, a ``--watch`` tick, a page turn, anything the user asks for after the
first paint) goes to the server even when the recording holds its URL. An error is
always met by the UI's own request (with its own retries), so nothing the user sees
depends on what the child did.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar

from policytui.helper import frames
from policytui.helper.events import FirstPage
from policytui.helper.messages import Recorded

__all__ = [
    "FrameWriter",
    "StartupRecording",
    "is_startup_request",
    "mark_startup_requests",
]

#: How long after it arrived a recorded answer may still stand in for a request.
MAX_AGE = 10.0
#: How often a request waiting for the child looks again (start-up only).
_POLL = 0.004

#: Set in the task of the app's start-up load; tasks it starts inherit it (asyncio copies
#: the context into every task it creates), no other task has it.
_STARTUP_REQUEST: ContextVar[bool] = ContextVar("policytui_startup_request", default=False)


def mark_startup_requests() -> None:
    """The requests of the calling task, and of the tasks it starts from now on, are the
    start-up requests the recording was made for (the first page, the catalog, page 2).

    Explicit rather than "the first few requests": a refresh pressed while the start-up
    load is still under way must reach the server, not the recording (issue 11, item 3).
    """
    _STARTUP_REQUEST.set(True)


def is_startup_request() -> bool:
    """The request about to be sent belongs to the start-up load (see above)."""
    return _STARTUP_REQUEST.get()


class FrameWriter:
    """Recorded answers (and the first page) onto the pipe; a failed write (the reader
    went away) is final."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self.broken = False

    def write(self, recorded: object) -> None:
        if self.broken:
            return
        try:
            frames.send(self._fd, recorded)
        except frames.PipeClosed:
            self.broken = True


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
        self._closed = False
        self._done = threading.Event()
        self.replayed = 0
        #: What the helper built from its answers for the first paint, when it sent it.
        self.first_page: FirstPage | None = None
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
                if isinstance(recorded, FirstPage):  # kept for the list screen
                    self.first_page = recorded
                    continue
                if not isinstance(recorded, Recorded):
                    continue
                with self._lock:
                    if not self._closed:
                        key = (recorded.method, recorded.url)
                        self._answers[key] = (self._clock(), recorded)
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

    async def wait_first_page(self) -> FirstPage | None:
        """The helper's first page once it has sent it; ``None`` if it ended without."""
        while self.first_page is None and not self._done.is_set():
            await asyncio.sleep(_POLL)
        return self.first_page

    def discard(self) -> None:
        """Forget whatever was not replayed, and whatever arrives later (the UI moved on:
        it must not get old data)."""
        with self._lock:
            self._closed = True
            self._answers.clear()
